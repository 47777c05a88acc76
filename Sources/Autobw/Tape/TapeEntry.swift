/// A backward rule: given the gradients of an entry's outputs, the gradients it sends to each input
/// (nil where an input needs none).
public typealias Backward = @Sendable (BackwardContext) throws -> [Tensor?]

/// What a backward rule receives for one entry.
public struct BackwardContext: Sendable {
    /// The gradient of each output (zeros for outputs no gradient reached).
    public let outputGrads: [Tensor]
    /// The values the operation saved for backward, in the order it saved them.
    public let saved: [Tensor]
    let needsMask: [Bool]

    /// The gradient of the first (usually only) output.
    public var grad: Tensor { outputGrads[0] }

    /// Whether input `index` is traced, i.e. whether its gradient is used at all; rules may skip the rest.
    public func needsGradient(_ index: Int) -> Bool { index < needsMask.count && needsMask[index] }
}

/// One recorded operation.
struct TapeEntry: Sendable {
    let op: String
    let scope: String
    /// Slot of each input, or -1 for an untraced input (a constant).
    let inputs: [Int32]
    let inputShapes: [[Int]]
    let outputs: [Int32]
    var saved: [Tensor]
    let savedVersions: [UInt32]
    let backward: Backward
}

/// What the tape knows about one recorded value.
struct RecordedValue: Sendable {
    let shape: [Int]
    /// Set when the value is a parameter leaf: its gradient is also accumulated into the parameter.
    let parameter: Parameter?
}

/// A read-only description of a recorded entry, for display and debugging.
public struct TapeEntryInfo: Sendable, Equatable {
    /// Position on the tape, in recording order.
    public let index: Int
    /// Operation name, e.g. `matmul`.
    public let op: String
    /// Module scope the operation ran in, e.g. `lstm.l1.t12` (empty outside modules).
    public let scope: String
    /// Shapes of the inputs, traced or not.
    public let inputShapes: [[Int]]
    /// Shapes of the outputs.
    public let outputShapes: [[Int]]
    /// Shapes of the values saved for backward.
    public let savedShapes: [[Int]]
}
