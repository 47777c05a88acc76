import Foundation

/// Activation functions beyond tanh, sigmoid and ReLU, in their numerically stable forms.
extension Tensor {
    /// GELU: `x * Phi(x)` with the normal CDF `Phi` (exact), or PyTorch's `approximate="tanh"` form.
    public func gelu(approximatingWithTanh: Bool = false, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        if approximatingWithTanh {
            return try elementwise(.geluTanh, file, line, GELU.tanhForm, { x, _ in GELU.tanhFormDerivative(x) })
        }
        return try elementwise(.gelu, file, line, GELU.exact, { x, _ in GELU.exactDerivative(x) })
    }

    /// `x` for positive `x`, `slope * x` otherwise.
    public func leakyReLU(slope: Float = 0.01, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.leakyReLU, file, line, { $0 > 0 ? $0 : slope * $0 }, { x, _ in x > 0 ? 1 : slope })
    }

    /// `x` for positive `x`, `alpha * (e^x - 1)` otherwise.
    public func elu(alpha: Float = 1, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.elu, file, line, { $0 > 0 ? $0 : alpha * Foundation.expm1($0) }, { x, y in x > 0 ? 1 : y + alpha })
    }

    /// `log(1 + e^x)`, as `max(x, 0) + log1p(e^-|x|)` so large inputs neither overflow nor lose precision.
    public func softplus(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(.softplus, file, line, Activation.softplus, { x, _ in Activation.sigmoid(x) })
    }

    /// SiLU (swish): `x * sigmoid(x)`.
    public func silu(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(
            .silu, file, line, { $0 * Activation.sigmoid($0) },
            { x, _ in
                let s = Activation.sigmoid(x)
                return s * (1 + x * (1 - s))
            })
    }

    /// `log(sigmoid(x))`, as `min(x, 0) - log1p(e^-|x|)`: finite for every finite input.
    public func logSigmoid(file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try elementwise(
            .logSigmoid, file, line, { Swift.min($0, 0) - Foundation.log1p(Foundation.exp(-Swift.abs($0))) },
            { x, _ in Activation.sigmoid(-x) })
    }
}

/// The GELU formulas, shared by the op and its tests.
enum GELU {
    static let inverseSquareRootTwo: Float = 0.70710678118654752
    static let inverseSquareRootTwoPi: Float = 0.39894228040143268
    static let squareRootTwoOverPi: Float = 0.79788456080286536

    static func exact(_ x: Float) -> Float { 0.5 * x * (1 + Foundation.erf(x * inverseSquareRootTwo)) }

    static func exactDerivative(_ x: Float) -> Float {
        0.5 * (1 + Foundation.erf(x * inverseSquareRootTwo)) + x * inverseSquareRootTwoPi * Foundation.exp(-0.5 * x * x)
    }

    static func tanhForm(_ x: Float) -> Float {
        0.5 * x * (1 + Foundation.tanh(squareRootTwoOverPi * (x + 0.044715 * x * x * x)))
    }

    static func tanhFormDerivative(_ x: Float) -> Float {
        let t = Foundation.tanh(squareRootTwoOverPi * (x + 0.044715 * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * squareRootTwoOverPi * (1 + 3 * 0.044715 * x * x)
    }
}
