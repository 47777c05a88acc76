/// A backward rule: given the gradients of an entry's outputs, the gradients it sends to each input.
///
/// The context is `inout` so that an elementwise rule can compute its result in the incoming gradient's buffer
/// when nothing else holds it, instead of allocating another.
public typealias Backward = @Sendable (inout BackwardContext) throws -> InputGradients

/// What a backward rule receives for one entry.
public struct BackwardContext: Sendable {
    /// The gradient of the first (usually only) output; zeros when no gradient reached it. Settable inside the
    /// engine, so an elementwise rule can compute its result in this buffer when nothing else holds it.
    public internal(set) var grad: Tensor
    /// The gradients of the outputs after the first.
    let laterGrads: [Tensor?]
    /// The values the operation saved for backward, in the order it saved them.
    public let saved: SavedValues
    let needsMask: UInt64

    /// The gradient of each output (zeros for outputs no gradient reached).
    public var outputGrads: [Tensor?] { [grad] + laterGrads }

    /// Whether input `index` is traced, i.e. whether its gradient is used at all; rules may skip the rest.
    public func needsGradient(_ index: Int) -> Bool { index >= 64 || needsMask & (1 << UInt64(index)) != 0 }
}

/// One recorded operation. Its inputs, outputs and saved values live in the tape's flat arrays; the entry
/// holds ranges into them, which keeps recording free of per-entry array allocations.
struct TapeEntry: Sendable {
    let op: OpName
    /// Index into `Tape.State.scopes`: consecutive entries of one module scope share one string there, so
    /// recording an entry retains no string.
    let scope: Int32
    let site: CallSite?
    /// Range into `Tape.State.inputs`.
    let inputStart: Int32, inputCount: Int32
    /// The outputs are the consecutive slots `firstOutput ..< firstOutput + outputCount`.
    let firstOutput: Int32, outputCount: Int32
    /// Range into `Tape.State.saved` / `savedVersions`.
    let savedStart: Int32, savedCount: Int32
    let rule: BackwardRule

    var inputs: Range<Int> { Int(inputStart)..<Int(inputStart + inputCount) }
    var outputs: Range<Int> { Int(firstOutput)..<Int(firstOutput + outputCount) }
    var savedRange: Range<Int> { Int(savedStart)..<Int(savedStart + savedCount) }
}

/// One input of a recorded entry: the slot of the value it reads (-1 for an untraced input) and its shape.
struct RecordedInput: Sendable {
    let slot: Int32
    let shape: Dimensions
}

/// What the tape knows about one recorded value. Plain data, so the tape's list of values is appended to and
/// freed without reference counting.
struct RecordedValue: Sendable {
    let shape: Dimensions
    /// For a parameter leaf, its index in `Tape.State.parameters` (its gradient is also accumulated into the
    /// parameter); -1 otherwise.
    let parameterIndex: Int32

    init(shape: Dimensions, parameterIndex: Int32 = -1) {
        self.shape = shape
        self.parameterIndex = parameterIndex
    }
}

/// A read-only description of a recorded entry, for display and debugging.
public struct TapeEntryInfo: Sendable, Equatable, Codable {
    /// Position on the tape, in recording order.
    public let index: Int
    /// Operation name, e.g. `matmul`.
    public let op: OpName
    /// Module scope the operation ran in, e.g. `lstm.l1.t12` (empty outside modules).
    public let scope: String
    /// Where the operation was called: the op's own call site in your code, or for operators and the engine's
    /// internal ops the innermost module (or `withScope`) call around it; nil when there is none.
    public let site: SourceSite?
    /// Where each input came from: an earlier entry, a parameter, a watched value, or a constant.
    public let inputSources: [ValueSource]
    /// Shapes of the inputs, traced or not.
    public let inputShapes: [[Int]]
    /// Shapes of the outputs.
    public let outputShapes: [[Int]]
    /// Shapes of the values saved for backward.
    public let savedShapes: [[Int]]
    /// With `TapeOptions.timesForward`: nanoseconds from the end of the previous entry (or the start of
    /// recording) to the end of this one, i.e. the op's forward plus any untraced work in between.
    public let forwardNanoseconds: UInt64?
    /// With `TapeOptions.recordsOutputStatistics`: statistics of each output's value.
    public let outputStatistics: [TensorStatistics]?
    /// With `TapeOptions.recordsOutputStatistics`, for the first entry whose output is not finite: statistics of
    /// each input's value, in the order of `inputSources`; nil for every other entry.
    public let inputStatistics: [TensorStatistics]?
    /// With `TapeOptions.recordsOutputHistograms`: a histogram of each output's value. Not written to files.
    public var outputHistograms: [ValueHistogram]?

    private enum CodingKeys: String, CodingKey {
        case index, op, scope, site, inputSources, inputShapes, outputShapes, savedShapes, forwardNanoseconds
        case outputStatistics, inputStatistics
    }

    /// A description from its parts (tape dumps are read back with this).
    public init(
        index: Int, op: OpName, scope: String, site: SourceSite?, inputSources: [ValueSource], inputShapes: [[Int]],
        outputShapes: [[Int]], savedShapes: [[Int]], forwardNanoseconds: UInt64?,
        outputStatistics: [TensorStatistics]? = nil, inputStatistics: [TensorStatistics]? = nil
    ) {
        self.outputStatistics = outputStatistics
        self.inputStatistics = inputStatistics
        self.index = index
        self.op = op
        self.scope = scope
        self.site = site
        self.inputSources = inputSources
        self.inputShapes = inputShapes
        self.outputShapes = outputShapes
        self.savedShapes = savedShapes
        self.forwardNanoseconds = forwardNanoseconds
    }
}

/// Where an input of a recorded entry came from.
public enum ValueSource: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Output `output` of the entry at `index`.
    case entry(index: Int, output: Int)
    /// A parameter, by its name (`lstm.l1.wx`).
    case parameter(name: String)
    /// A value passed to `Tape.watch`, by the name given there.
    case watched(name: String)
    /// An untraced value: no gradient flows to it.
    case constant

    /// `#12`, `#12.1`, `lstm.l1.wx`, `watched x`, `constant`.
    public var description: String {
        switch self {
        case .entry(let index, let output): return output == 0 ? "#\(index)" : "#\(index).\(output)"
        case .parameter(let name): return name
        case .watched(let name): return "watched \(name)"
        case .constant: return "constant"
        }
    }
}
