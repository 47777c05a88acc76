import Foundation
@testable import AutobwTrainer

/// IDX images and labels (MNIST's format, plain or gzip): the input is the images file with fixed labels, then
/// the labels file with fixed images. Data the memory check would refuse is refused here at 64 MB.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = FuzzInput.file(bytes, count)
    let labels = FuzzInput.file([0, 0, 8, 1, 0, 0, 0, 2, 0, 1], 10, name: "labels")
    let images = FuzzInput.file([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 9, 200], 18, name: "images")
    let fits: (Int, Int) throws -> Void = { images, pixels in
        guard images.multipliedReportingOverflow(by: pixels).partialValue < 64 << 20 else { throw TrainerError.usage("too large") }
    }
    _ = IDXFile.recognizes(input)
    _ = try? IDXFile.read(images: input, labels: labels, fits: fits)
    _ = try? IDXFile.read(images: images, labels: input, fits: fits)
    return 0
}
