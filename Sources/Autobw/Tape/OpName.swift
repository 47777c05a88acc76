/// The name of a recorded operation, as op lists, breakpoints and tape dumps show it.
///
/// Every built-in operation's name is one of the constants below, all in one style (the Swift method's name
/// in `snake_case`), so front ends can match on them. A `CustomOperation` brings its own name.
public struct OpName: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The name as text.
    public let rawValue: String

    /// The name `rawValue`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The name `value`.
    public init(stringLiteral value: String) { rawValue = value }

    /// The name as text.
    public var description: String { rawValue }
}

extension OpName {
    /// `a + b`, broadcasting.
    public static var add: OpName { "add" }
    /// `x + c` for a scalar `c`.
    public static var addScalar: OpName { "add_scalar" }
    /// `a - b`, broadcasting.
    public static var sub: OpName { "sub" }
    /// `c - x` for a scalar `c`.
    public static var rsubScalar: OpName { "rsub_scalar" }
    /// `a * b`, broadcasting.
    public static var mul: OpName { "mul" }
    /// `x * c` for a scalar `c`.
    public static var mulScalar: OpName { "mul_scalar" }
    /// `a / b`, broadcasting.
    public static var div: OpName { "div" }
    /// `-x`.
    public static var neg: OpName { "neg" }
    /// `e^x`.
    public static var exp: OpName { "exp" }
    /// Natural logarithm.
    public static var log: OpName { "log" }
    /// Square root.
    public static var sqrt: OpName { "sqrt" }
    /// `x^p` for a scalar `p`.
    public static var pow: OpName { "pow" }
    /// Hyperbolic tangent.
    public static var tanh: OpName { "tanh" }
    /// Logistic sigmoid.
    public static var sigmoid: OpName { "sigmoid" }
    /// `max(x, 0)`.
    public static var relu: OpName { "relu" }
    /// Limiting to a range.
    public static var clamp: OpName { "clamp" }
    /// Sum of all elements.
    public static var sum: OpName { "sum" }
    /// Sum along one axis.
    public static var sumAxis: OpName { "sum_axis" }
    /// Maximum along one axis.
    public static var maxAxis: OpName { "max_axis" }
    /// A new shape over the same elements.
    public static var reshape: OpName { "reshape" }
    /// The last two axes swapped.
    public static var transpose: OpName { "transpose" }
    /// A range along one axis.
    public static var narrow: OpName { "narrow" }
    /// Pieces along one axis.
    public static var split: OpName { "split" }
    /// Tensors joined along one axis.
    public static var concatenate: OpName { "concatenate" }
    /// Rows selected by index.
    public static var gather: OpName { "gather" }
    /// A (batched) matrix product.
    public static var matmul: OpName { "matmul" }
    /// Softmax along the last axis.
    public static var softmax: OpName { "softmax" }
    /// Log-softmax along the last axis.
    public static var logSoftmax: OpName { "log_softmax" }
    /// Softmax cross-entropy against class indices.
    public static var softmaxCrossEntropy: OpName { "softmax_cross_entropy" }
    /// Mean squared error.
    public static var meanSquaredError: OpName { "mean_squared_error" }
    /// One fused LSTM step.
    public static var lstmCell: OpName { "lstm_cell" }
    /// A fused LSTM layer over a sequence.
    public static var lstmLayer: OpName { "lstm_layer" }

    /// `|x|`.
    public static var abs: OpName { "abs" }
    /// Sine.
    public static var sin: OpName { "sin" }
    /// Cosine.
    public static var cos: OpName { "cos" }
    /// `log(1 + x)`.
    public static var log1p: OpName { "log1p" }
    /// `e^x - 1`.
    public static var expm1: OpName { "expm1" }
    /// `x^2`.
    public static var square: OpName { "square" }
    /// `1 / sqrt(x)`.
    public static var rsqrt: OpName { "rsqrt" }
    /// `1 / x`.
    public static var reciprocal: OpName { "reciprocal" }
    /// -1, 0 or 1.
    public static var sign: OpName { "sign" }
    /// GELU, exact.
    public static var gelu: OpName { "gelu" }
    /// GELU, tanh approximation.
    public static var geluTanh: OpName { "gelu_tanh" }
    /// Leaky ReLU.
    public static var leakyReLU: OpName { "leaky_relu" }
    /// ELU.
    public static var elu: OpName { "elu" }
    /// `log(1 + e^x)`.
    public static var softplus: OpName { "softplus" }
    /// `x * sigmoid(x)`.
    public static var silu: OpName { "silu" }
    /// `log(sigmoid(x))`.
    public static var logSigmoid: OpName { "log_sigmoid" }

    /// Minimum along one axis.
    public static var minAxis: OpName { "min_axis" }
    /// `log(sum(exp(x)))` along one axis.
    public static var logSumExp: OpName { "logsumexp" }
    /// Product along one axis.
    public static var prod: OpName { "prod" }
    /// Variance along one axis.
    public static var variance: OpName { "var" }
    /// Standard deviation along one axis.
    public static var standardDeviation: OpName { "std" }
    /// Euclidean norm along one axis.
    public static var norm: OpName { "norm" }

    /// Axes reordered.
    public static var permute: OpName { "permute" }
    /// Broadcast to a shape.
    public static var expand: OpName { "expand" }
    /// Slices selected along an axis.
    public static var indexSelect: OpName { "index_select" }
    /// Constant padding along an axis.
    public static var pad: OpName { "pad" }

    /// Cross-entropy with weights, label smoothing and an ignored index.
    public static var crossEntropy: OpName { "cross_entropy" }
    /// Negative log-likelihood.
    public static var negativeLogLikelihood: OpName { "nll_loss" }
    /// Binary cross-entropy on logits.
    public static var binaryCrossEntropyWithLogits: OpName { "binary_cross_entropy_with_logits" }
    /// Huber loss.
    public static var huberLoss: OpName { "huber_loss" }

    /// The larger of two tensors.
    public static var maximum: OpName { "maximum" }
    /// The smaller of two tensors.
    public static var minimum: OpName { "minimum" }
    /// `x^p` with a tensor exponent.
    public static var powTensor: OpName { "pow_tensor" }
    /// A choice between two tensors by a condition.
    public static var `where`: OpName { "where" }
    /// `c / x` for a scalar `c`.
    public static var rdivScalar: OpName { "rdiv_scalar" }

    /// im2col for a 1-d convolution.
    public static var unfold1d: OpName { "unfold1d" }

    /// PyTorch's `gather` along any axis.
    public static var gatherAxis: OpName { "gather_axis" }

    /// Every built-in operation's name.
    public static let builtIn: [OpName] = [
        .add, .addScalar, .sub, .rsubScalar, .mul, .mulScalar, .div, .neg, .exp, .log, .sqrt, .pow, .tanh, .sigmoid,
        .relu, .clamp, .sum, .sumAxis, .maxAxis, .reshape, .transpose, .narrow, .split, .concatenate, .gather,
        .matmul, .softmax, .logSoftmax, .softmaxCrossEntropy, .meanSquaredError, .lstmCell, .lstmLayer, .abs, .sin,
        .cos, .log1p, .expm1, .square, .rsqrt, .reciprocal, .sign, .gelu, .geluTanh, .leakyReLU, .elu, .softplus,
        .silu, .logSigmoid, .minAxis, .logSumExp, .prod, .variance, .standardDeviation, .norm, .permute, .expand,
        .indexSelect, .pad, .crossEntropy, .negativeLogLikelihood, .binaryCrossEntropyWithLogits, .huberLoss,
        .maximum, .minimum, .powTensor, .where, .rdivScalar, .unfold1d, .gatherAxis,
    ]
}
