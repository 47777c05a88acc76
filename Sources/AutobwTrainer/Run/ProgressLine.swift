#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation

/// Progress for a person on standard error: a line rewritten in place on a terminal, a plain line every five
/// seconds otherwise.
struct ProgressLine {
    let total: Int
    let name: String
    let shown: Bool
    let toTerminal = isatty(STDERR_FILENO) == 1
    private var lastShown: UInt64 = 0
    private var pending: String?

    init(total: Int, name: String, shown: Bool) {
        self.total = total
        self.name = name
        self.shown = shown
    }

    /// `mlp 57/100 done  step 56 loss 2.9670  grad 0.954  921.3 steps/s  4s`: the loss and gradient norm are
    /// step 56's, as the status line and the metrics file name them.
    mutating func update(_ metrics: StepMetrics, stepsPerSecond: Double, elapsed: Double) {
        guard shown else { return }
        pending = String(
            format: "%@ %d/%d done  step %d loss %.4f  grad %.3g  %.1f steps/s  %.0fs", name, metrics.step + 1, total,
            metrics.step, metrics.loss, metrics.gradientNorm, stepsPerSecond, elapsed)
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastShown >= (toTerminal ? 100_000_000 : 5_000_000_000) else { return }
        lastShown = now
        show()
    }

    /// Shows the latest line if it has not been, and ends a terminal's line.
    mutating func finish() {
        guard shown else { return }
        show()
        if toTerminal && lastShown > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private mutating func show() {
        guard let text = pending else { return }
        pending = nil
        if lastShown == 0 { lastShown = DispatchTime.now().uptimeNanoseconds }
        FileHandle.standardError.write(Data((toTerminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
    }
}
