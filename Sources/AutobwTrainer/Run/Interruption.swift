#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// SIGINT, SIGTERM and SIGHUP (the terminal or SSH session closed) ask the run to stop: a headless run at the
/// next step boundary, the UI at its next key read. One flag for both, set by the handler with one lock-free store.
public enum Interruption {
    private static let flag = Atomic<Bool>(false)

    /// Whether one of the signals arrived since `install()`.
    public static var requested: Bool { flag.load(ordering: .relaxed) }

    /// Routes SIGINT, SIGTERM and SIGHUP to the flag.
    public static func install() {
        _ = requested  // initialise the flag before a handler can touch it
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber) { _ in Interruption.flag.store(true, ordering: .relaxed) }
        }
    }
}
