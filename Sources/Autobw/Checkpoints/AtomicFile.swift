#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes whole files so that readers see either the old file or the complete new one, never a mix:
/// the bytes go to a temporary file in the same directory, are flushed to disk, and replace the target with
/// one `rename`. A crash mid-write leaves the previous file intact, and the next write to the same path
/// removes the temporary files that writers which died (killed mid-save) left behind.
public enum AtomicFile {
    /// Replaces the file at `path` with `data`.
    /// - Throws: `CheckpointError.unwritable` naming the path and the system's reason.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
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
        if failure == nil && rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
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
