#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Reading a file a user named, with a reason they can act on when it fails: "no such file", "is a
/// directory", "is not a regular file (a FIFO)", "permission denied", rather than a Foundation error code.
public enum InputFile {
    /// Why `path` cannot be read as a regular file, or nil when it can be opened.
    public static func problem(with path: String) -> String? {
        guard !path.isEmpty else { return "the path is empty" }
        var info = stat()
        guard stat(path, &info) == 0 else { return String(cString: strerror(errno)).lowercased() }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "is a directory, not a file"
        case S_IFIFO: return "is a FIFO (named pipe), not a regular file"
        case S_IFCHR: return "is a character device, not a regular file"
        case S_IFBLK: return "is a block device, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "is not a regular file"
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return String(cString: strerror(errno)).lowercased() }
        close(fd)
        return nil
    }

    /// The bytes of the regular file at `path` (memory-mapped where that is safe).
    /// - Throws: `CheckpointError.unreadable` with the reason.
    public static func read(_ path: String) throws -> Data {
        if let problem = problem(with: path) { throw CheckpointError.unreadable(path: path, reason: problem) }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw CheckpointError.unreadable(path: path, reason: "reading failed (\(error.localizedDescription))")
        }
    }
}
