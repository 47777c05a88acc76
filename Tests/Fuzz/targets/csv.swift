import Foundation
@testable import AutobwTrainer

/// CSV and space-separated tables (plain or gzip), as `--data` for the mlp preset reads them, under each task.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let path = FuzzInput.file(bytes, count)
    for task in [nil, LearningTask.classification, .regression] {
        guard var table = try? NumericCSV.read(path: path, task: task) else { continue }
        table.standardize(using: Array(0..<table.rowCount))
        _ = table.summary
    }
    return 0
}
