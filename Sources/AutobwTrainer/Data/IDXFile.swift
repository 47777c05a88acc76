import Autobw
import Foundation

/// The MNIST IDX format: images (`idx3`, unsigned bytes) and labels (`idx1`) as a `LabeledTable`, pixels scaled
/// to 0...1. Either the two files, or a folder holding `train-images-idx3-ubyte` and `train-labels-idx1-ubyte`
/// (MNIST's names), each possibly gzip-compressed as MNIST distributes them (`.gz`).
public enum IDXFile {
    /// MNIST's file names inside a folder.
    static let imagesName = "train-images-idx3-ubyte", labelsName = "train-labels-idx1-ubyte"

    /// The images and labels files of a folder in MNIST's layout: the training set, else the test set (`t10k`,
    /// all a Fashion-MNIST test download holds), named with a dash or, as some mirrors do, a dot
    /// (`train-images.idx3-ubyte`), each plain or `.gz`. Nil when the folder holds no images file.
    static func locateFiles(in folder: String) -> (images: String, labels: String)? {
        for set in ["train", "t10k"] {
            let names = ["-", "."].map { (images: "\(set)-images\($0)idx3-ubyte", labels: "\(set)-labels\($0)idx1-ubyte") }
            guard let images = names.lazy.compactMap({ locate($0.images, in: folder) }).first else { continue }
            let labels = names.lazy.compactMap { locate($0.labels, in: folder) }.first
            return (images, labels ?? folder + "/" + "\(set)-labels-idx1-ubyte")
        }
        return nil
    }

    /// Whether `path` looks like IDX data: a folder (MNIST's files), or a file starting with an IDX magic
    /// number of unsigned bytes.
    static func recognizes(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        // Any folder: only IDX data comes as one, and `read` says what is missing from it.
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return true }
        guard let handle = FileHandle(forReadingAtPath: path), InputFile.problem(with: path) == nil else { return false }
        defer { try? handle.close() }
        var head = (try? handle.read(upToCount: 4)) ?? Data()
        if Gzip.isCompressed(head) {
            head = (try? handle.readToEnd()).flatMap { rest in try? Gzip.decompress(head + rest, path: path, limit: 4, stopsAtLimit: true) } ?? Data()
        }
        return head.count >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 && (1...4).contains(head[3])
    }

    /// The table of images and labels: `labels` nil means `path` is a folder with MNIST's files. `fits` sees the
    /// images' count and pixels per image, from the header, before any pixel is inflated or converted: it throws
    /// to refuse data too large to train on.
    /// - Throws: `TrainerError.unreadableInput` or `.badData` naming the file and what is wrong, or what `fits`
    ///   throws.
    public static func read(
        images path: String, labels labelsPath: String?, fits: (_ images: Int, _ pixels: Int) throws -> Void = { _, _ in }
    ) throws -> LabeledTable {
        var imagesPath = path, labelsPath = labelsPath
        if labelsPath == nil {
            guard let files = locateFiles(in: path) else {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                    throw TrainerError.usage(
                        "\(path) is an IDX images file: name its labels file (idx1-ubyte) with --labels")
                }
                throw TrainerError.unreadableInput(
                    path: path, reason: "a folder without MNIST's \(imagesName) and \(labelsName) (plain or .gz)")
            }
            (imagesPath, labelsPath) = files
        }
        let labelsFile = labelsPath ?? ""
        let (imageShape, pixels) = try array(imagesPath) { shape in
            guard shape.count >= 2 else {
                throw TrainerError.badData(path: imagesPath, detail: "images need 2 or more dimensions, found \(shape.count)")
            }
            guard shape[0] > 0 else { throw TrainerError.badData(path: imagesPath, detail: "it holds no images") }
            let pixels = shape.dropFirst().reduce(1, *)
            guard pixels > 0 else {
                throw TrainerError.badData(path: imagesPath, detail: "its images have no pixels (dimensions \(shape))")
            }
            try fits(shape[0], pixels)
        }
        let (labelShape, labelBytes) = try array(labelsFile) { shape in
            guard shape.count == 1 else {
                throw TrainerError.badData(
                    path: labelsFile,
                    detail: "labels are one dimension (idx1-ubyte), this file has \(shape.count): \(shape)"
                        + " (images given as the labels?)")
            }
        }
        guard labelShape[0] == imageShape[0] else {
            throw TrainerError.badData(path: labelsFile, detail: "\(labelShape[0]) labels for \(imageShape[0]) images")
        }
        let features = imageShape.dropFirst().reduce(1, *)
        let classes = Int(labelBytes.max() ?? 0) + 1
        guard classes >= 2 else { throw TrainerError.badData(path: labelsFile, detail: "the labels hold a single class") }
        return LabeledTable(
            featureNames: (0..<features).map { "pixel \($0)" }, features: pixels.map { Float($0) / 255 },
            labels: labelBytes.map(Float.init), task: .classification(classes: classes))
    }

    /// `name` or `name.gz` inside `folder`, whichever exists.
    static func locate(_ name: String, in folder: String) -> String? {
        [name, name + ".gz"].map { folder + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The dimensions and bytes of an IDX file of unsigned bytes (gzip-compressed or not), checked against the
    /// file's size. `check` sees the dimensions first; a compressed file is inflated only as far as they say.
    static func array(_ path: String, check: ([Int]) throws -> Void = { _ in }) throws -> (shape: [Int], bytes: [UInt8]) {
        let file = try TrainerError.readInput(path)
        let compressed = Gzip.isCompressed(file)
        // The header is at most 4 + 4 * 4 bytes: inflate that much first, the rest once its size is known.
        let head = compressed ? try Gzip.decompress(file, path: path, limit: 20, stopsAtLimit: true) : file
        let (shape, start) = try header(head, path: path)
        try check(shape)
        let count = try Tensor.elementCount(of: shape)
        // One byte past the data tells a longer stream from an exact one without inflating all of it.
        let data = compressed ? try Gzip.decompress(file, path: path, limit: start + count + 1, stopsAtLimit: true) : file
        guard data.count - start == count else {
            throw TrainerError.badData(
                path: path, detail: "dimensions \(shape) need \(count) bytes of data, the file has "
                    + (data.count - start > count && compressed ? "more" : "\(data.count - start)")
                    + (data.count - start < count ? " (truncated)" : ""))
        }
        return (shape, [UInt8](data[(data.startIndex + start)...]))
    }

    /// The dimensions in an IDX header at the start of `data`, and where the data after it starts.
    static func header(_ data: Data, path: String) throws -> (shape: [Int], start: Int) {
        guard data.count >= 4, data[data.startIndex] == 0, data[data.startIndex + 1] == 0 else {
            throw TrainerError.badData(path: path, detail: "not an IDX file (wrong magic number)")
        }
        guard data[data.startIndex + 2] == 0x08 else {
            throw TrainerError.badData(
                path: path, detail: "IDX element type 0x\(String(data[data.startIndex + 2], radix: 16)) is not unsigned bytes")
        }
        let rank = Int(data[data.startIndex + 3])
        guard (1...4).contains(rank), data.count >= 4 + 4 * rank else {
            throw TrainerError.badData(path: path, detail: "an IDX header with \(rank) dimensions is truncated or invalid")
        }
        let shape = (0..<rank).map { k in
            (0..<4).reduce(0) { $0 << 8 | Int(data[data.startIndex + 4 + 4 * k + $1]) }
        }
        do {
            _ = try Tensor.elementCount(of: shape)
        } catch {
            throw TrainerError.badData(path: path, detail: "dimensions \(shape) are too large for this machine's memory")
        }
        return (shape, 4 + 4 * rank)
    }
}
