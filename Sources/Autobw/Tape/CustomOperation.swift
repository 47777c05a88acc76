/// An operation with a hand-written backward, recorded as a single tape entry.
///
/// This is the original autobw's granularity: a whole module's forward is one entry, and its own backward is
/// called during the replay. (The built-in fused ops, such as `lstm_layer`, record their entries directly.)
///
/// ```swift
/// let square = CustomOperation(name: "square") { inputs in
///     [try inputs[0] * inputs[0]]                          // forward: any code, not recorded
/// } backward: { inputs, outputs, grads in
///     [try grads[0] * inputs[0] * 2]                       // d(x^2)/dx = 2x
/// }
/// let y = try square([x])[0]
/// ```
public struct CustomOperation: Sendable {
    /// Computes the outputs from the inputs; runs without recording.
    public typealias Forward = @Sendable ([Tensor]) throws -> [Tensor]
    /// Computes one gradient per input (nil for none) from the inputs, the outputs and the outputs' gradients.
    public typealias Gradient = @Sendable (_ inputs: [Tensor], _ outputs: [Tensor], _ grads: [Tensor]) throws
        -> [Tensor?]

    /// The name shown on the tape.
    public let name: String
    let forward: Forward
    let gradient: Gradient

    /// An operation called `name` with the given forward and backward.
    public init(name: String, forward: @escaping Forward, backward: @escaping Gradient) {
        self.name = name
        self.forward = forward
        gradient = backward
    }

    /// Runs the forward and records one entry that saves the inputs and outputs for the backward.
    public func callAsFunction(_ inputs: [Tensor], file: StaticString = #fileID, line: UInt = #line) throws -> [Tensor] {
        let outputs = try withoutRecording { try forward(inputs.map { $0.detached() }) }.map { $0.detached() }
        let inputCount = inputs.count
        let gradient = self.gradient
        return try Tensor.recorded(
            OpName(rawValue: name), at: CallSite(file, line), outputs: outputs, inputs: Operands(inputs), saving: Operands(inputs + outputs),
            backward: { ctx in
                let saved = (0..<ctx.saved.count).map { ctx.saved[$0] }
                return Operands(
                    try gradient(
                        Array(saved[..<inputCount]), Array(saved[inputCount...]), ctx.outputGrads.compactMap { $0 }))
            })
    }
}
