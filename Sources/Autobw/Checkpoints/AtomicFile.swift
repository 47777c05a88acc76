#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes whole files so that readers see either the old file or the complete new one, never a mix:
/// the bytes go to a temporary file in the same directory, are flushed to disk, and replace the target with
/// one `rename`. A crash mid-write leaves the previous file intact, and the next write to the same path
/// removes the temporary files that writers which died (killed mid-save) left behind.
///
/// Only regular files are replaced: a symlink is written through (the file it points to is replaced, in that
/// file's folder, and the link stays), and a device, FIFO or socket is refused untouched. Renaming over
/// `/dev/null` would otherwise put a regular file in its place.
public enum AtomicFile {
    /// Replaces the file at `path` (or the file a symlink there points to) with `data`.
    /// - Throws: `CheckpointError.unwritable` naming the path and the system's reason, or that it is not a
    ///   regular file.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: try target(of: path))
        let directory = url.deletingLastPathComponent().path
        let prefix = temporaryPrefix(for: url.lastPathComponent)
        removeStaleTemporaries(in: directory, prefix: prefix)
        let temporary = directory + "/" + prefix + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CheckpointError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, let base = raw.baseAddress {
                let written = Glibc.write(fd, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil && rename(temporary, url.path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw CheckpointError.unwritable(path: path, reason: failure)
        }
        // Make the rename itself durable.
        let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// The regular file (existing or new) that writing `path` replaces: `path` itself, or where its symlinks
    /// lead.
    /// - Throws: `CheckpointError.unwritable` when that is a folder, a device, a FIFO or a socket, or the
    ///   symlinks loop.
    public static func target(of path: String) throws -> String {
        var current = path
        for _ in 0..<32 {
            var status = stat()
            guard lstat(current, &status) == 0 else {
                guard errno == ENOENT else { throw CheckpointError.unwritable(path: path, reason: String(cString: strerror(errno))) }
                return current
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG: return current
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(current, &buffer, buffer.count - 1)
                guard length > 0 else { throw CheckpointError.unwritable(path: path, reason: String(cString: strerror(errno))) }
                let link = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current = link.hasPrefix("/") ? link : URL(fileURLWithPath: current).deletingLastPathComponent().path + "/" + link
            default:
                let kind = (status.st_mode & S_IFMT) == S_IFDIR
                    ? "is a directory, not a file" : "is a device, FIFO or socket, not a regular file"
                throw CheckpointError.unwritable(path: path, reason: (current == path ? "" : "it leads to \(current), which ") + kind)
            }
        }
        throw CheckpointError.unwritable(path: path, reason: "too many levels of symbolic links")
    }

    /// Temporary files for `name` are `.name.tmp-<writer's pid>-<random>`.
    static func temporaryPrefix(for name: String) -> String { "." + name + ".tmp-" }

    /// Deletes the temporary files of `prefix` whose writing process no longer exists. A live writer's file
    /// (this process's included) is left alone.
    static func removeStaleTemporaries(in directory: String, prefix: String) {
        let folder = directory.isEmpty ? "." : directory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            let pidText = name.dropFirst(prefix.count).prefix { $0 != "-" }
            guard let pid = pid_t(pidText), pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder + "/" + name)
        }
    }
}
