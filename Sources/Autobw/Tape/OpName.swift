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
    public static let add: OpName = "add"
    /// `x + c` for a scalar `c`.
    public static let addScalar: OpName = "add_scalar"
    /// `a - b`, broadcasting.
    public static let sub: OpName = "sub"
    /// `c - x` for a scalar `c`.
    public static let rsubScalar: OpName = "rsub_scalar"
    /// `a * b`, broadcasting.
    public static let mul: OpName = "mul"
    /// `x * c` for a scalar `c`.
    public static let mulScalar: OpName = "mul_scalar"
    /// `a / b`, broadcasting.
    public static let div: OpName = "div"
    /// `-x`.
    public static let neg: OpName = "neg"
    /// `e^x`.
    public static let exp: OpName = "exp"
    /// Natural logarithm.
    public static let log: OpName = "log"
    /// Square root.
    public static let sqrt: OpName = "sqrt"
    /// `x^p` for a scalar `p`.
    public static let pow: OpName = "pow"
    /// Hyperbolic tangent.
    public static let tanh: OpName = "tanh"
    /// Logistic sigmoid.
    public static let sigmoid: OpName = "sigmoid"
    /// `max(x, 0)`.
    public static let relu: OpName = "relu"
    /// Limiting to a range.
    public static let clamp: OpName = "clamp"
    /// Sum of all elements.
    public static let sum: OpName = "sum"
    /// Sum along one axis.
    public static let sumAxis: OpName = "sum_axis"
    /// Maximum along one axis.
    public static let maxAxis: OpName = "max_axis"
    /// A new shape over the same elements.
    public static let reshape: OpName = "reshape"
    /// The last two axes swapped.
    public static let transpose: OpName = "transpose"
    /// A range along one axis.
    public static let narrow: OpName = "narrow"
    /// Pieces along one axis.
    public static let split: OpName = "split"
    /// Tensors joined along one axis.
    public static let concatenate: OpName = "concatenate"
    /// Rows selected by index.
    public static let gather: OpName = "gather"
    /// A (batched) matrix product.
    public static let matmul: OpName = "matmul"
    /// Softmax along the last axis.
    public static let softmax: OpName = "softmax"
    /// Log-softmax along the last axis.
    public static let logSoftmax: OpName = "log_softmax"
    /// Softmax cross-entropy against class indices.
    public static let softmaxCrossEntropy: OpName = "softmax_cross_entropy"
    /// Mean squared error.
    public static let meanSquaredError: OpName = "mean_squared_error"
    /// One fused LSTM step.
    public static let lstmCell: OpName = "lstm_cell"
    /// A fused LSTM layer over a sequence.
    public static let lstmLayer: OpName = "lstm_layer"

    /// `|x|`.
    public static let abs: OpName = "abs"
    /// Sine.
    public static let sin: OpName = "sin"
    /// Cosine.
    public static let cos: OpName = "cos"
    /// `log(1 + x)`.
    public static let log1p: OpName = "log1p"
    /// `e^x - 1`.
    public static let expm1: OpName = "expm1"
    /// `x^2`.
    public static let square: OpName = "square"
    /// `1 / sqrt(x)`.
    public static let rsqrt: OpName = "rsqrt"
    /// `1 / x`.
    public static let reciprocal: OpName = "reciprocal"
    /// -1, 0 or 1.
    public static let sign: OpName = "sign"
    /// GELU, exact.
    public static let gelu: OpName = "gelu"
    /// GELU, tanh approximation.
    public static let geluTanh: OpName = "gelu_tanh"
    /// Leaky ReLU.
    public static let leakyReLU: OpName = "leaky_relu"
    /// ELU.
    public static let elu: OpName = "elu"
    /// `log(1 + e^x)`.
    public static let softplus: OpName = "softplus"
    /// `x * sigmoid(x)`.
    public static let silu: OpName = "silu"
    /// `log(sigmoid(x))`.
    public static let logSigmoid: OpName = "log_sigmoid"

    /// Minimum along one axis.
    public static let minAxis: OpName = "min_axis"
    /// `log(sum(exp(x)))` along one axis.
    public static let logSumExp: OpName = "logsumexp"
    /// Product along one axis.
    public static let prod: OpName = "prod"
    /// Variance along one axis.
    public static let variance: OpName = "var"
    /// Standard deviation along one axis.
    public static let standardDeviation: OpName = "std"
    /// Euclidean norm along one axis.
    public static let norm: OpName = "norm"

    /// Axes reordered.
    public static let permute: OpName = "permute"
    /// Broadcast to a shape.
    public static let expand: OpName = "expand"
    /// Slices selected along an axis.
    public static let indexSelect: OpName = "index_select"
    /// Constant padding along an axis.
    public static let pad: OpName = "pad"

    /// Cross-entropy with weights, label smoothing and an ignored index.
    public static let crossEntropy: OpName = "cross_entropy"
    /// Negative log-likelihood.
    public static let negativeLogLikelihood: OpName = "nll_loss"
    /// Binary cross-entropy on logits.
    public static let binaryCrossEntropyWithLogits: OpName = "binary_cross_entropy_with_logits"
    /// Huber loss.
    public static let huberLoss: OpName = "huber_loss"

    /// The larger of two tensors.
    public static let maximum: OpName = "maximum"
    /// The smaller of two tensors.
    public static let minimum: OpName = "minimum"
    /// `x^p` with a tensor exponent.
    public static let powTensor: OpName = "pow_tensor"
    /// A choice between two tensors by a condition.
    public static let `where`: OpName = "where"
    /// `c / x` for a scalar `c`.
    public static let rdivScalar: OpName = "rdiv_scalar"

    /// im2col for a 1-d convolution.
    public static let unfold1d: OpName = "unfold1d"

    /// PyTorch's `gather` along any axis.
    public static let gatherAxis: OpName = "gather_axis"

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
