#if canImport(Glibc)
import Glibc
#endif
import Autobw
import Foundation

extension TrainerError {
    /// Checks, before any training, that a file can later be written atomically at `path`: it is a regular
    /// file or a new one (through any symlinks), and its folder exists and is writable. A run that trains for an
    /// hour and only then finds that its checkpoint cannot be saved has lost the hour.
    /// - Throws: `TrainerError.unwritableOutput` naming the path and what is wrong with it.
    public static func checkWritable(_ given: String) throws {
        guard !given.isEmpty else { throw TrainerError.unwritableOutput(path: "''", reason: "an empty path") }
        let path: String
        do {
            path = try AtomicFile.target(of: given)
        } catch let error as CheckpointError {
            guard case .unwritable(_, let reason) = error else { throw error }
            throw TrainerError.unwritableOutput(path: given, reason: reason)
        }
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
            throw TrainerError.unwritableOutput(path: path, reason: "is a directory, not a file")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard stat(folder, &status) == 0 else {
            throw TrainerError.unwritableOutput(path: path, reason: "its folder \(folder) does not exist")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw TrainerError.unwritableOutput(path: path, reason: "\(folder) is not a folder")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw TrainerError.unwritableOutput(path: path, reason: "its folder \(folder) is not writable")
        }
    }
}
