#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension TrainerError {
    /// Checks, before any training, that a file can later be written at `path`: its folder exists and is
    /// writable, and `path` is not a folder. A run that trains for an hour and only then finds that its
    /// checkpoint cannot be saved has lost the hour.
    /// - Throws: `TrainerError.unwritableOutput` naming the path and what is wrong with it.
    public static func checkWritable(_ path: String) throws {
        guard !path.isEmpty else { throw TrainerError.unwritableOutput(path: "''", reason: "an empty path") }
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
