/// One-dimensional convolution over `[batch, inChannels, length]`, as PyTorch's `nn.Conv1d` (cross-correlation,
/// zero padding): im2col (`unfolded1d`) and one GEMM on OpenBLAS.
public final class Conv1d: Module, Layer, @unchecked Sendable {
    /// `[inChannels * kernelSize, outChannels]`: row `c * kernelSize + k` is PyTorch's `weight[:, c, k]`.
    public let weight: Parameter
    /// `[outChannels]`, or nil.
    public let bias: Parameter?
    /// The kernel's width, its step and the zeros added at each end.
    public let kernelSize: Int, stride: Int, padding: Int
    /// Channels in and out.
    public let inChannels: Int, outChannels: Int

    /// A convolution initialised uniform in `+-1/sqrt(inChannels * kernelSize)`, as PyTorch's.
    /// - Throws: `TensorError.invalidArgument` for sizes that are not positive or too large.
    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true,
        generator: inout SeededGenerator
    ) throws {
        self.inChannels = try Shape.validatedSize(inChannels, op: "Conv1d", argument: "inChannels")
        self.outChannels = try Shape.validatedSize(outChannels, op: "Conv1d", argument: "outChannels")
        self.kernelSize = try Shape.validatedSize(kernelSize, op: "Conv1d", argument: "kernelSize")
        self.stride = try Shape.validatedSize(stride, op: "Conv1d", argument: "stride")
        self.padding = try Shape.validatedSize(padding, op: "Conv1d", argument: "padding", allowsZero: true)
        let fanIn = try Shape.validatedCount([inChannels, kernelSize], op: "Conv1d", argument: "inChannels x kernelSize")
        let bound = 1 / Float(fanIn).squareRoot()
        weight = Parameter(try .uniform([fanIn, outChannels], low: -bound, high: bound, using: &generator))
        self.bias = bias ? Parameter(try .uniform([outChannels], low: -bound, high: bound, using: &generator)) : nil
    }

    /// `[batch, inChannels, length]` to `[batch, outChannels, outputLength]`.
    public func forward(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3, x.shape[1] == inChannels else {
            throw TensorError.shapeMismatch(op: "Conv1d", detail: "input \(Shape.describe(x.shape)) for \(inChannels) channels")
        }
        let columns = try x.unfolded1d(kernelSize: kernelSize, stride: stride, padding: padding)
        var out = try columns.matmul(weight.value)
        if let bias { out = try out + bias.value }
        let batch = x.shape[0]
        return try out.reshaped([batch, -1, outChannels]).permuted([0, 2, 1])
    }
}
