import Foundation

/// The elementwise half of an LSTM step, fused into one tape entry with a hand-written backward.
///
/// Gates are laid out as char-rnn does, `[input | forget | output | candidate]` along the last axis:
///
///     z = xGates + hGates + bias            i, f, o = sigmoid(z_i, z_f, z_o), g = tanh(z_g)
///     c' = f * c + i * g                    h' = o * tanh(c')
///
/// Recorded as primitives this is ~15 entries per step; fused it is one, which is what lets an LSTM on the
/// tape keep up with PyTorch's `nn.LSTM` (issue "benchmarks").
extension Tensor {
    /// `(h', c')` from the two gate pre-activation products `[batch, 4 * hidden]`, the bias `[4 * hidden]` and
    /// the previous cell state `[batch, hidden]`.
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not fit together.
    public static func lstmCell(
        xGates: Tensor, hGates: Tensor, bias: Tensor, cell: Tensor
    ) throws -> (hidden: Tensor, cell: Tensor) {
        guard cell.rank == 2, xGates.shape == [cell.shape[0], 4 * cell.shape[1]], hGates.shape == xGates.shape,
            bias.shape == [4 * cell.shape[1]]
        else {
            throw TensorError.shapeMismatch(
                op: "lstmCell",
                detail: "gates \(Shape.describe(xGates.shape)) and \(Shape.describe(hGates.shape)), bias"
                    + " \(Shape.describe(bias.shape)), cell \(Shape.describe(cell.shape))")
        }
        let (batch, width) = (cell.shape[0], cell.shape[1])
        let activations = Tensor.uninitialized(xGates.shape)
        let hidden = Tensor.uninitialized(cell.shape), nextCell = Tensor.uninitialized(cell.shape)
        let tanhCell = Tensor.uninitialized(cell.shape)
        let xg = xGates.pointer, hg = hGates.pointer, b = bias.pointer, c = cell.pointer
        let act = activations.pointer, h = hidden.pointer, c2 = nextCell.pointer, tc = tanhCell.pointer
        for row in 0..<batch {
            let z = row * 4 * width, s = row * width
            for j in 0..<width {
                let i = Activation.sigmoid(xg[z + j] + hg[z + j] + b[j])
                let f = Activation.sigmoid(xg[z + width + j] + hg[z + width + j] + b[width + j])
                let o = Activation.sigmoid(xg[z + 2 * width + j] + hg[z + 2 * width + j] + b[2 * width + j])
                let g = Activation.tanh(xg[z + 3 * width + j] + hg[z + 3 * width + j] + b[3 * width + j])
                (act[z + j], act[z + width + j], act[z + 2 * width + j], act[z + 3 * width + j]) = (i, f, o, g)
                let cellValue = f * c[s + j] + i * g
                c2[s + j] = cellValue
                tc[s + j] = Activation.tanh(cellValue)
                h[s + j] = o * tc[s + j]
            }
        }
        let outputs = try Tensor.recorded(
            "lstmCell", outputs: [hidden, nextCell], inputs: Operands([xGates, hGates, bias, cell]),
            saving: Operands([activations, cell, tanhCell]),
            backward: { ctx in
                let (act, c, tc) = (ctx.saved[0].pointer, ctx.saved[1].pointer, ctx.saved[2].pointer)
                let dh = (ctx.outputGrads[0] ?? .zeros([batch, width])).pointer
                let dc2 = (ctx.outputGrads[1] ?? .zeros([batch, width])).pointer
                let dGates = Tensor.uninitialized([batch, 4 * width]), dCell = Tensor.uninitialized([batch, width])
                let dz = dGates.pointer, dc = dCell.pointer
                let dBias = Tensor.zeros([4 * width])
                let db = dBias.pointer
                for row in 0..<batch {
                    let z = row * 4 * width, s = row * width
                    for j in 0..<width {
                        let (i, f, o, g) = (act[z + j], act[z + width + j], act[z + 2 * width + j], act[z + 3 * width + j])
                        let dcTotal = dc2[s + j] + dh[s + j] * o * (1 - tc[s + j] * tc[s + j])
                        dz[z + j] = dcTotal * g * i * (1 - i)
                        dz[z + width + j] = dcTotal * c[s + j] * f * (1 - f)
                        dz[z + 2 * width + j] = dh[s + j] * tc[s + j] * o * (1 - o)
                        dz[z + 3 * width + j] = dcTotal * i * (1 - g * g)
                        dc[s + j] = dcTotal * f
                    }
                    for k in 0..<(4 * width) { db[k] += dz[z + k] }
                }
                return Operands([dGates, dGates, dBias, dCell])
            })
        return (outputs[0], outputs[1])
    }
}

extension Activation {
    @inline(__always)
    static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
}
