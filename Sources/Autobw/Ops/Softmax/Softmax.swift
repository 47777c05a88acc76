import CVectorLoops
import Foundation

/// Softmax and log-softmax along the last axis, computed stably (the row maximum is subtracted first).
extension Tensor {
    /// `exp(x) / sum(exp(x))` along the last axis.
    public func softmax(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidArgument(op: "softmax", detail: "needs rank 1 or more") }
        let y = Softmax.probabilities(self)
        return try y.recorded(
            .softmax, at: CallSite(file, line), input: self, saving: .output,
            backward: { ctx in
                // dx = y * (g - sum(g * y)) per row
                Operands(Softmax.mapRows(ctx.saved[0], ctx.grad) { yr, gr, dst, width in
                    var dot: Float = 0
                    for i in 0..<width { dot += gr[i] * yr[i] }
                    for i in 0..<width { dst[i] = yr[i] * (gr[i] - dot) }
                })
            })
    }

    /// `x - log(sum(exp(x)))` along the last axis.
    public func logSoftmax(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidArgument(op: "logSoftmax", detail: "needs rank 1 or more") }
        let y = Tensor.uninitialized(shape)
        Softmax.forEachRow(self) { row, width in
            let x = pointer + row, dst = y.pointer + row
            let logSum = Softmax.logSumExp(x, width)
            for i in 0..<width { dst[i] = x[i] - logSum }
        }
        return try y.recorded(
            .logSoftmax, at: CallSite(file, line), input: self, saving: .output,
            backward: { ctx in
                // dx = g - softmax * sum(g) per row
                Operands(Softmax.mapRows(ctx.saved[0], ctx.grad) { yr, gr, dst, width in
                    var total: Float = 0
                    for i in 0..<width { total += gr[i] }
                    for i in 0..<width { dst[i] = gr[i] - FastMath.exp(yr[i]) * total }
                })
            })
    }
}

/// Row-wise helpers shared by softmax, log-softmax and the fused cross-entropy.
enum Softmax {
    /// Calls `body(offset, width)` for each row of the last axis.
    @inline(__always)
    static func forEachRow(_ x: Tensor, _ body: (Int, Int) -> Void) {
        let width = x.shape.last ?? 1
        guard width > 0 else { return }
        for r in 0..<(x.count / width) { body(r * width, width) }
    }

    /// A tensor of `y`'s shape whose rows `body(yRow, gRow, outRow, width)` writes from the same rows of `y` and
    /// `g` (a backward rule's saved output and incoming gradient).
    @inline(__always)
    static func mapRows(
        _ y: Tensor, _ g: Tensor,
        _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) -> Tensor {
        let out = Tensor.uninitialized(y.shape)
        forEachRow(y) { row, width in body(y.pointer + row, g.pointer + row, out.pointer + row, width) }
        return out
    }

    /// `log(sum(exp(x[0..<width])))`, stably.
    @inline(__always)
    static func logSumExp(_ x: UnsafePointer<Float>, _ width: Int) -> Float {
        autobw_log_sum_exp(x, width)
    }

    /// Writes `softmax(x[0..<width])` to `p` and returns `log(sum(exp(x)))`, stably, with one exponential per
    /// element: the exponentials are kept and scaled, not recomputed. In C (`CVectorLoops`), on the CPU's widest
    /// vectors and with the row's maximum and sum split into independent partial results: in Swift, char-rnn's
    /// 65-class rows took 1.5% of its step, a third of it in the sum's chain of dependent adds.
    @inline(__always)
    static func probabilities(
        _ x: UnsafePointer<Float>, into p: UnsafeMutablePointer<Float>, _ width: Int
    ) -> Float {
        autobw_softmax_row(x, p, width)
    }

    static func probabilities(_ x: Tensor) -> Tensor {
        let y = Tensor.uninitialized(x.shape)
        forEachRow(x) { row, width in _ = probabilities(x.pointer + row, into: y.pointer + row, width) }
        return y
    }
}
