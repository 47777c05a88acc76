import Foundation

/// Shared by every fuzz target: each input is written to a file, since users hand autobw files and the readers
/// under test start from a path (their size checks, gzip detection and error messages included).
enum FuzzInput {
    /// A path in this process's own folder, reused for every input.
    static let folder: String = {
        let folder = NSTemporaryDirectory() + "autobw-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// Writes `bytes` to `name` in the folder and returns its path.
    static func file(_ bytes: UnsafePointer<UInt8>?, _ count: Int, name: String = "input") -> String {
        let path = folder + "/" + name
        let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
        FileManager.default.createFile(atPath: path, contents: data)
        return path
    }
}
