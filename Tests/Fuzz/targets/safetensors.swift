import Autobw
import Foundation
@testable import AutobwTrainer

/// safetensors checkpoints: the header and data as `--resume` and `autobw sample` read them, and sampling a
/// char-lstm checkpoint (its notes checked against its tensors before any model is built).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let path = FuzzInput.file(bytes, count)
    _ = try? SafeTensors.read(path)
    _ = try? TextSampler.sample(checkpoint: path, length: 4, temperature: 1, prime: "", seed: 1)
    return 0
}
