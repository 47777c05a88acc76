#if canImport(Glibc)
import Glibc
#endif
import Autobw
import Foundation

/// The files a run reads and writes, checked against each other before anything is written: no output may
/// replace an input or another output, however it is named (`./x.csv` against an absolute path, a symlink, a
/// hard link). Files are compared by identity: device and inode where the file exists, the resolved path where
/// it does not yet.
public struct RunFiles: Sendable {
    /// A file named by a flag.
    public struct File: Sendable {
        /// The flag that named it, e.g. `--metrics`.
        public var flag: String
        /// The path as given.
        public var path: String

        /// A file named by `flag`.
        public init(_ flag: String, _ path: String) {
            self.flag = flag
            self.path = path
        }
    }

    /// What the run reads.
    public var inputs: [File] = []
    /// What the run writes.
    public var outputs: [File] = []
    /// An output allowed to be an input: the checkpoint a run resumes from and saves to (continuing in place,
    /// written atomically). Named by the two flags.
    public var inPlace: (output: String, input: String)?

    /// No files yet.
    public init() {}

    /// Checks every output against every input and every other output.
    /// - Throws: `TrainerError.usage` naming both flags and paths of the first clash; nothing is touched.
    public func check() throws {
        let inputs = self.inputs.flatMap(Self.expandingFolder).map { ($0, Self.identity(of: $0.path)) }
        // Where writing each output would land: a symlink's target, even one not created yet.
        let outputs = self.outputs.map { ($0, Self.identity(of: (try? AtomicFile.target(of: $0.path)) ?? $0.path)) }
        for (position, (output, identity)) in outputs.enumerated() {
            guard let identity else { continue }
            for (input, inputIdentity) in inputs where inputIdentity == identity {
                if let inPlace, inPlace == (output.flag, input.flag) { continue }
                throw TrainerError.usage(
                    "\(output.flag) \(output.path) is the input \(input.flag) \(input.path): an output never replaces"
                        + " what a run reads; name another file")
            }
            for (other, otherIdentity) in outputs[..<position] where otherIdentity == identity {
                throw TrainerError.usage(
                    "\(output.flag) \(output.path) and \(other.flag) \(other.path) are one file: each output needs its own")
            }
        }
    }

    /// A folder of MNIST's files stands for the files in it.
    private static func expandingFolder(_ file: File) -> [File] {
        guard let files = IDXFile.locateFiles(in: file.path) else { return [file] }
        return [file, File(file.flag, files.images), File(file.flag, files.labels)]
    }

    /// What a path names, for telling whether two paths name one file: device and inode when it exists, else
    /// the folder's resolved path and the name. Nil for a device, FIFO or socket (`--metrics /dev/null` twice
    /// writes nothing anyone keeps).
    static func identity(of path: String) -> String? {
        var status = stat()
        if stat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFREG || (status.st_mode & S_IFMT) == S_IFDIR else { return nil }
            return "inode \(status.st_dev):\(status.st_ino)"
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        guard let resolved = realpath(folder.isEmpty ? "." : folder, nil) else { return "path " + url.standardized.path }
        defer { free(resolved) }
        return "path " + String(cString: resolved) + "/" + url.lastPathComponent
    }
}
