/// im2col for one-dimensional convolution: each output position's receptive field laid out as a row, so the
/// convolution itself is one GEMM on OpenBLAS.
extension Tensor {
    /// `[batch, channels, length]` to `[batch * outputLength, channels * kernelSize]`: row `(n, t)` holds
    /// `x[n, c, t * stride - padding + k]` at column `c * kernelSize + k` (zero outside the input). The backward
    /// adds each column back to the position it came from.
    /// - Throws: `TensorError.invalidArgument` for a bad rank, size, stride or padding.
    public func unfolded1d(
        kernelSize: Int, stride: Int = 1, padding: Int = 0, file: StaticString = #fileID, line: UInt = #line
    ) throws -> Tensor {
        guard rank == 3 else {
            throw TensorError.invalidArgument(op: "unfold1d", detail: "needs [batch, channels, length], got \(Shape.describe(shape))")
        }
        let kernel = try Shape.validatedSize(kernelSize, op: "unfold1d", argument: "kernelSize")
        let stride = try Shape.validatedSize(stride, op: "unfold1d", argument: "stride")
        let padding = try Shape.validatedSize(padding, op: "unfold1d", argument: "padding", allowsZero: true)
        let (batch, channels, length) = (shape[0], shape[1], shape[2])
        let span = length + 2 * padding - kernel
        guard span >= 0 else {
            throw TensorError.invalidArgument(
                op: "unfold1d", detail: "kernel \(kernel) is longer than the padded length \(length + 2 * padding)")
        }
        let outputLength = span / stride + 1
        let columns = channels * kernel
        let out = Tensor.uninitialized([batch * outputLength, columns])
        // The source index of every output element, -1 for padding; the backward scatters through the same map.
        var source = [Int](repeating: -1, count: out.count)
        for n in 0..<batch {
            for t in 0..<outputLength {
                for c in 0..<channels {
                    for k in 0..<kernel {
                        let position = t * stride - padding + k
                        let at = (n * outputLength + t) * columns + c * kernel + k
                        if position >= 0 && position < length { source[at] = (n * channels + c) * length + position }
                        out.pointer[at] = source[at] >= 0 ? pointer[source[at]] : 0
                    }
                }
            }
        }
        return try out.recorded(
            .unfold1d, at: CallSite(file, line), input: self,
            backward: { [shape, source] ctx in
                let grad = Tensor.filled(0, shape)
                for (at, from) in source.enumerated() where from >= 0 { grad.pointer[from] += ctx.grad.pointer[at] }
                return Operands(grad)
            })
    }
}
