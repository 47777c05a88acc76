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
    public static var add: OpName { BuiltInOp.add.name }
    /// `x + c` for a scalar `c`.
    public static var addScalar: OpName { BuiltInOp.addScalar.name }
    /// `a - b`, broadcasting.
    public static var sub: OpName { BuiltInOp.sub.name }
    /// `c - x` for a scalar `c`.
    public static var rsubScalar: OpName { BuiltInOp.rsubScalar.name }
    /// `a * b`, broadcasting.
    public static var mul: OpName { BuiltInOp.mul.name }
    /// `x * c` for a scalar `c`.
    public static var mulScalar: OpName { BuiltInOp.mulScalar.name }
    /// `a / b`, broadcasting.
    public static var div: OpName { BuiltInOp.div.name }
    /// `-x`.
    public static var neg: OpName { BuiltInOp.neg.name }
    /// `e^x`.
    public static var exp: OpName { BuiltInOp.exp.name }
    /// Natural logarithm.
    public static var log: OpName { BuiltInOp.log.name }
    /// Square root.
    public static var sqrt: OpName { BuiltInOp.sqrt.name }
    /// `x^p` for a scalar `p`.
    public static var pow: OpName { BuiltInOp.pow.name }
    /// Hyperbolic tangent.
    public static var tanh: OpName { BuiltInOp.tanh.name }
    /// Logistic sigmoid.
    public static var sigmoid: OpName { BuiltInOp.sigmoid.name }
    /// `max(x, 0)`.
    public static var relu: OpName { BuiltInOp.relu.name }
    /// Limiting to a range.
    public static var clamp: OpName { BuiltInOp.clamp.name }
    /// Sum of all elements.
    public static var sum: OpName { BuiltInOp.sum.name }
    /// Sum along one axis.
    public static var sumAxis: OpName { BuiltInOp.sumAxis.name }
    /// Maximum along one axis.
    public static var maxAxis: OpName { BuiltInOp.maxAxis.name }
    /// A new shape over the same elements.
    public static var reshape: OpName { BuiltInOp.reshape.name }
    /// The last two axes swapped.
    public static var transpose: OpName { BuiltInOp.transpose.name }
    /// A range along one axis.
    public static var narrow: OpName { BuiltInOp.narrow.name }
    /// Pieces along one axis.
    public static var split: OpName { BuiltInOp.split.name }
    /// Tensors joined along one axis.
    public static var concatenate: OpName { BuiltInOp.concatenate.name }
    /// Rows selected by index.
    public static var gather: OpName { BuiltInOp.gather.name }
    /// A (batched) matrix product.
    public static var matmul: OpName { BuiltInOp.matmul.name }
    /// Softmax along the last axis.
    public static var softmax: OpName { BuiltInOp.softmax.name }
    /// Log-softmax along the last axis.
    public static var logSoftmax: OpName { BuiltInOp.logSoftmax.name }
    /// Softmax cross-entropy against class indices.
    public static var softmaxCrossEntropy: OpName { BuiltInOp.softmaxCrossEntropy.name }
    /// Mean squared error.
    public static var meanSquaredError: OpName { BuiltInOp.meanSquaredError.name }
    /// One fused LSTM step.
    public static var lstmCell: OpName { BuiltInOp.lstmCell.name }
    /// A fused LSTM layer over a sequence.
    public static var lstmLayer: OpName { BuiltInOp.lstmLayer.name }

    /// `|x|`.
    public static var abs: OpName { BuiltInOp.abs.name }
    /// Sine.
    public static var sin: OpName { BuiltInOp.sin.name }
    /// Cosine.
    public static var cos: OpName { BuiltInOp.cos.name }
    /// `log(1 + x)`.
    public static var log1p: OpName { BuiltInOp.log1p.name }
    /// `e^x - 1`.
    public static var expm1: OpName { BuiltInOp.expm1.name }
    /// `x^2`.
    public static var square: OpName { BuiltInOp.square.name }
    /// `1 / sqrt(x)`.
    public static var rsqrt: OpName { BuiltInOp.rsqrt.name }
    /// `1 / x`.
    public static var reciprocal: OpName { BuiltInOp.reciprocal.name }
    /// -1, 0 or 1.
    public static var sign: OpName { BuiltInOp.sign.name }
    /// GELU, exact.
    public static var gelu: OpName { BuiltInOp.gelu.name }
    /// GELU, tanh approximation.
    public static var geluTanh: OpName { BuiltInOp.geluTanh.name }
    /// Leaky ReLU.
    public static var leakyReLU: OpName { BuiltInOp.leakyReLU.name }
    /// ELU.
    public static var elu: OpName { BuiltInOp.elu.name }
    /// `log(1 + e^x)`.
    public static var softplus: OpName { BuiltInOp.softplus.name }
    /// `x * sigmoid(x)`.
    public static var silu: OpName { BuiltInOp.silu.name }
    /// `log(sigmoid(x))`.
    public static var logSigmoid: OpName { BuiltInOp.logSigmoid.name }

    /// Minimum along one axis.
    public static var minAxis: OpName { BuiltInOp.minAxis.name }
    /// `log(sum(exp(x)))` along one axis.
    public static var logSumExp: OpName { BuiltInOp.logSumExp.name }
    /// Product along one axis.
    public static var prod: OpName { BuiltInOp.prod.name }
    /// Variance along one axis.
    public static var variance: OpName { BuiltInOp.variance.name }
    /// Standard deviation along one axis.
    public static var standardDeviation: OpName { BuiltInOp.standardDeviation.name }
    /// Euclidean norm along one axis.
    public static var norm: OpName { BuiltInOp.norm.name }

    /// Axes reordered.
    public static var permute: OpName { BuiltInOp.permute.name }
    /// Broadcast to a shape.
    public static var expand: OpName { BuiltInOp.expand.name }
    /// Slices selected along an axis.
    public static var indexSelect: OpName { BuiltInOp.indexSelect.name }
    /// Constant padding along an axis.
    public static var pad: OpName { BuiltInOp.pad.name }

    /// Cross-entropy with weights, label smoothing and an ignored index.
    public static var crossEntropy: OpName { BuiltInOp.crossEntropy.name }
    /// Negative log-likelihood.
    public static var negativeLogLikelihood: OpName { BuiltInOp.negativeLogLikelihood.name }
    /// Binary cross-entropy on logits.
    public static var binaryCrossEntropyWithLogits: OpName { BuiltInOp.binaryCrossEntropyWithLogits.name }
    /// Huber loss.
    public static var huberLoss: OpName { BuiltInOp.huberLoss.name }

    /// The larger of two tensors.
    public static var maximum: OpName { BuiltInOp.maximum.name }
    /// The smaller of two tensors.
    public static var minimum: OpName { BuiltInOp.minimum.name }
    /// `x^p` with a tensor exponent.
    public static var powTensor: OpName { BuiltInOp.powTensor.name }
    /// A choice between two tensors by a condition.
    public static var `where`: OpName { BuiltInOp.`where`.name }
    /// `c / x` for a scalar `c`.
    public static var rdivScalar: OpName { BuiltInOp.rdivScalar.name }

    /// im2col for a 1-d convolution.
    public static var unfold1d: OpName { BuiltInOp.unfold1d.name }

    /// PyTorch's `gather` along any axis.
    public static var gatherAxis: OpName { BuiltInOp.gatherAxis.name }

    /// Every built-in operation's name, in `BuiltInOp`'s order.
    public static let builtIn: [OpName] = BuiltInOp.allCases.map(\.name)
}

/// The built-in operations: the one list of their names, from which `OpName`'s constants and `OpName.builtIn`
/// are derived. A case added here does not compile in the tests until `GradientCoverageTests` checks its
/// gradient against finite differences.
public enum BuiltInOp: String, CaseIterable, Sendable {
    case add = "add"
    case addScalar = "add_scalar"
    case sub = "sub"
    case rsubScalar = "rsub_scalar"
    case mul = "mul"
    case mulScalar = "mul_scalar"
    case div = "div"
    case neg = "neg"
    case exp = "exp"
    case log = "log"
    case sqrt = "sqrt"
    case pow = "pow"
    case tanh = "tanh"
    case sigmoid = "sigmoid"
    case relu = "relu"
    case clamp = "clamp"
    case sum = "sum"
    case sumAxis = "sum_axis"
    case maxAxis = "max_axis"
    case reshape = "reshape"
    case transpose = "transpose"
    case narrow = "narrow"
    case split = "split"
    case concatenate = "concatenate"
    case gather = "gather"
    case matmul = "matmul"
    case softmax = "softmax"
    case logSoftmax = "log_softmax"
    case softmaxCrossEntropy = "softmax_cross_entropy"
    case meanSquaredError = "mean_squared_error"
    case lstmCell = "lstm_cell"
    case lstmLayer = "lstm_layer"
    case abs = "abs"
    case sin = "sin"
    case cos = "cos"
    case log1p = "log1p"
    case expm1 = "expm1"
    case square = "square"
    case rsqrt = "rsqrt"
    case reciprocal = "reciprocal"
    case sign = "sign"
    case gelu = "gelu"
    case geluTanh = "gelu_tanh"
    case leakyReLU = "leaky_relu"
    case elu = "elu"
    case softplus = "softplus"
    case silu = "silu"
    case logSigmoid = "log_sigmoid"
    case minAxis = "min_axis"
    case logSumExp = "logsumexp"
    case prod = "prod"
    case variance = "var"
    case standardDeviation = "std"
    case norm = "norm"
    case permute = "permute"
    case expand = "expand"
    case indexSelect = "index_select"
    case pad = "pad"
    case crossEntropy = "cross_entropy"
    case negativeLogLikelihood = "nll_loss"
    case binaryCrossEntropyWithLogits = "binary_cross_entropy_with_logits"
    case huberLoss = "huber_loss"
    case maximum = "maximum"
    case minimum = "minimum"
    case powTensor = "pow_tensor"
    case `where` = "where"
    case rdivScalar = "rdiv_scalar"
    case unfold1d = "unfold1d"
    case gatherAxis = "gather_axis"

    /// The op's name on tapes.
    public var name: OpName { OpName(rawValue: rawValue) }
}
