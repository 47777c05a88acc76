#if canImport(Glibc)
import Glibc
#endif

/// Recycles freed tensor buffers by size, per thread.
///
/// A training step records the same shapes every time, so the buffers one step frees are exactly the ones the
/// next step asks for. Reusing them keeps steady-state steps free of `malloc`/page-fault churn (glibc hands
/// large blocks back to the kernel on `free`, and touching fresh pages again costs more than the math).
enum BufferPool {
    /// Buffers this small come from malloc's own thread cache, which is already fast.
    static let minimumPooledCount = 64
    /// Per size, at most this many spare buffers are kept.
    static let spareLimit = 64
    /// Total floats kept idle per thread, so a one-off huge tensor does not pin memory forever.
    static let idleLimit = 64 << 20

    final class Shelf {
        var spares: [Int: [UnsafeMutablePointer<Float>]] = [:]
        var idleFloats = 0
        deinit {
            for (_, list) in spares { for p in list { p.deallocate() } }
        }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            if let raw { Unmanaged<Shelf>.fromOpaque(raw).release() }
        }
        return key
    }()

    private static var shelf: Shelf {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<Shelf>.fromOpaque(raw).takeUnretainedValue()
        }
        let shelf = Shelf()
        pthread_setspecific(key, Unmanaged.passRetained(shelf).toOpaque())
        return shelf
    }

    static func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count >= minimumPooledCount {
            let shelf = shelf
            if let p = shelf.spares[count]?.popLast() {
                shelf.idleFloats -= count
                return p
            }
        }
        return .allocate(capacity: max(count, 1))
    }

    static func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        if count >= minimumPooledCount {
            let shelf = shelf
            if shelf.idleFloats + count <= idleLimit, shelf.spares[count, default: []].count < spareLimit {
                shelf.spares[count, default: []].append(pointer)
                shelf.idleFloats += count
                return
            }
        }
        pointer.deallocate()
    }
}
