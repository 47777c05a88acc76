#if canImport(Glibc)
import Glibc
#endif
import Synchronization

#if AUTOBW_THREAD_SANITIZER
/// A value guarded by a lock, for state shared between threads (tapes, parameters, the recording registry).
///
/// Built with `-DAUTOBW_THREAD_SANITIZER` (as `scripts/test` builds its ThreadSanitizer run), a
/// `pthread_mutex`: the sanitizer intercepts pthread locks but cannot see the futex inside `Mutex`, so it would
/// report every correctly locked access as a race. Otherwise `Synchronization.Mutex` itself, which records an
/// op about 100 instructions cheaper than a wrapper around either (callgrind, W3).
typealias Locked<Value: Sendable> = PThreadLocked<Value>
#else
/// A value guarded by a lock: `Synchronization.Mutex`, or under ThreadSanitizer a pthread mutex (see the
/// `AUTOBW_THREAD_SANITIZER` branch of this file).
typealias Locked<Value: Sendable> = Mutex<Value>
#endif

/// A value guarded by a `pthread_mutex`, with `Mutex`'s `withLock`; noncopyable and stored inline like it.
struct PThreadLocked<Value: Sendable>: ~Copyable, @unchecked Sendable {
    private let value: UnsafeMutablePointer<Value>
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init(_ value: consuming Value) {
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    borrowing func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}
