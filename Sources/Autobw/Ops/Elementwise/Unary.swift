import Foundation

/// Elementwise functions. Each forward is one loop; its backward is one fused loop beside it.
extension Tensor {
    /// `e^x`.
    public func exp(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let y = Elementwise.map(self, FastMath.exp)
        return try y.recorded(
            .exp, at: CallSite(file, line), input: self, saving: .output,
            pointwise: { g, y, n, _ in Pointwise.update(g, y, n) { g, y in g * y } })
    }

    /// Natural logarithm.
    public func log(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try Elementwise.map(self) { Foundation.log($0) }.recorded(
            .log, at: CallSite(file, line), input: self, saving: .input,
            pointwise: { g, x, n, _ in Pointwise.update(g, x, n) { g, x in g / x } })
    }

    /// Square root.
    public func sqrt(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let y = Elementwise.map(self) { $0.squareRoot() }
        return try y.recorded(
            .sqrt, at: CallSite(file, line), input: self, saving: .output,
            pointwise: { g, y, n, _ in Pointwise.update(g, y, n) { g, y in g / (2 * y) } })
    }

    /// `x^exponent` for every element.
    public func pow(_ exponent: Float, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try Elementwise.map(self) { Foundation.pow($0, exponent) }.recorded(
            .pow, at: CallSite(file, line), input: self, saving: .input, constant: exponent,
            pointwise: { g, x, n, p in Pointwise.update(g, x, n) { g, x in g * p * Foundation.pow(x, p - 1) } })
    }

    /// Hyperbolic tangent.
    public func tanh(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let y = Elementwise.map(self, FastMath.tanh)
        return try y.recorded(
            .tanh, at: CallSite(file, line), input: self, saving: .output,
            pointwise: { g, y, n, _ in Pointwise.update(g, y, n) { g, y in g * (1 - y * y) } })
    }

    /// Logistic sigmoid `1 / (1 + e^-x)`.
    public func sigmoid(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let y = Elementwise.map(self, Activation.sigmoid)
        return try y.recorded(
            .sigmoid, at: CallSite(file, line), input: self, saving: .output,
            pointwise: { g, y, n, _ in Pointwise.update(g, y, n) { g, y in g * y * (1 - y) } })
    }

    /// `max(x, 0)`.
    public func relu(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        let y = Elementwise.map(self) { Swift.max($0, 0) }
        return try y.recorded(
            .relu, at: CallSite(file, line), input: self, saving: .output,
            pointwise: { g, y, n, _ in Pointwise.update(g, y, n) { g, y in y > 0 ? g : 0 } })
    }

    /// Every element limited to `lower...upper`; the gradient passes only where the input was inside.
    /// - Throws: `TensorError.invalidArgument` when `lower > upper`.
    public func clamp(
        _ lower: Float, _ upper: Float, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        guard lower <= upper else {
            throw TensorError.invalidArgument(op: "clamp", detail: "lower bound \(lower) > upper bound \(upper)")
        }
        return try Elementwise.map(self) { Swift.min(Swift.max($0, lower), upper) }.recorded(
            .clamp, at: CallSite(file, line), input: self, saving: .input,
            backward: { ctx in
                Operands(Elementwise.zipSameReusing(&ctx.grad, ctx.saved[0]) { g, x in x >= lower && x <= upper ? g : 0 })
            })
    }
}

/// Scalar activation formulas shared by ops and fused kernels.
enum Activation {
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { FastMath.sigmoid(x) }

    @inline(__always)
    static func tanh(_ x: Float) -> Float { FastMath.tanh(x) }

    /// `log(1 + e^x)`, as `max(x, 0) + log1p(e^-|x|)` so large inputs neither overflow nor lose precision.
    @inline(__always)
    static func softplus(_ x: Float) -> Float { Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }
}
