import Foundation
@testable import AutobwTUI
@testable import AutobwTrainer

/// Metrics files as `autobw watch` follows them: the input is read whole, then its second half appended to its
/// first as a live run would, each state drawn as the dashboard would draw it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetrics(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let path = FuzzInput.file(bytes, count / 2)
    guard let follower = try? MetricsFollower(path: path) else { return 0 }
    var dashboard = Dashboard()
    _ = dashboard.render(follower.snapshot(), width: 120, height: 40)
    if let bytes, let handle = FileHandle(forWritingAtPath: path) {
        handle.seekToEndOfFile()
        handle.write(Data(bytes: bytes + count / 2, count: count - count / 2))
        try? handle.close()
    }
    let snapshot = follower.snapshot()
    _ = dashboard.render(snapshot, width: 80, height: 24)
    for key in [Key.character("l"), .character("h"), .left, .home] {
        _ = dashboard.handle(key, snapshot)
        _ = dashboard.render(snapshot, width: 60, height: 20)
    }
    return 0
}
