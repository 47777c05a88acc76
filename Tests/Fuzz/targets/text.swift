import Foundation
@testable import AutobwTrainer

/// The text corpus loader (char-lstm's `--data`: UTF-8, UTF-16 with a mark, plain or gzip), and batches of it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let corpus = try? CharCorpus.load(path: FuzzInput.file(bytes, count)) else { return 0 }
    _ = corpus.decode(corpus.ids.prefix(64))
    return 0
}
