import Foundation

/// More elementwise functions, each one line of forward math beside its derivative. The derivative sees the
/// input `x` and the output `y`, whichever is simpler.
extension Tensor {
    /// `|x|`; the gradient at 0 is 0, as in PyTorch.
    public func abs(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.abs, file, line, { Swift.abs($0) }, { x, _ in x > 0 ? 1 : x < 0 ? -1 : 0 })
    }

    /// Sine.
    public func sin(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.sin, file, line, { Foundation.sin($0) }, { x, _ in Foundation.cos(x) })
    }

    /// Cosine.
    public func cos(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.cos, file, line, { Foundation.cos($0) }, { x, _ in -Foundation.sin(x) })
    }

    /// `log(1 + x)`, accurate for small `x`.
    public func log1p(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.log1p, file, line, { Foundation.log1p($0) }, { x, _ in 1 / (1 + x) })
    }

    /// `e^x - 1`, accurate for small `x`.
    public func expm1(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.expm1, file, line, { Foundation.expm1($0) }, { _, y in y + 1 })
    }

    /// `x^2`.
    public func square(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.square, file, line, { $0 * $0 }, { x, _ in 2 * x })
    }

    /// `1 / sqrt(x)`.
    public func rsqrt(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.rsqrt, file, line, { 1 / $0.squareRoot() }, { _, y in -0.5 * y * y * y })
    }

    /// `1 / x`.
    public func reciprocal(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.reciprocal, file, line, { 1 / $0 }, { _, y in -y * y })
    }

    /// -1, 0 or 1. Recorded, with a zero gradient (it is flat wherever it is differentiable).
    public func sign(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.sign, file, line, { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }, { _, _ in 0 })
    }

    /// Applies `forward` to every element and records `gradient * derivative(x, y)` as the backward.
    ///
    /// One of the two ways to record a one-input elementwise op, chosen by how hot the op is: this one takes a line
    /// of math and its derivative (it saves both `x` and `y` and allocates the gradient it sends), for the ops
    /// models use now and then; the hot ones (`exp`, `tanh`, `sigmoid`, `relu`, ... in `Unary.swift`) use
    /// `recorded(_:at:input:saving:pointwise:)`, whose backward rewrites the incoming gradient in place and keeps
    /// only the one value it needs. Anything else records through the general `recorded(_:at:inputs:saving:backward:)`.
    func elementwise(
        _ op: OpName, _ file: StaticString, _ line: UInt, _ forward: (Float) -> Float,
        _ derivative: @escaping @Sendable (_ x: Float, _ y: Float) -> Float
    ) throws -> Tensor {
        let y = Elementwise.map(self, forward)
        return try y.recorded(
            op, at: CallSite(file, line), inputs: Operands(self), saving: Operands(self, y),
            backward: { ctx in
                let (x, y, g) = (ctx.saved[0], ctx.saved[1], ctx.grad)
                let out = Tensor.uninitialized(x.shape)
                let px = x.pointer, py = y.pointer, pg = g.pointer, dst = out.pointer
                for i in 0..<out.count { dst[i] = pg[i] * derivative(px[i], py[i]) }
                return Operands(out)
            })
    }
}
