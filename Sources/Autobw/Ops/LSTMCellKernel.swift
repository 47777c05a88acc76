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
        LSTMKernels.activations(
            xGates.pointer, hGates.pointer, bias.pointer, into: activations.pointer, batch: batch, width: width)
        LSTMKernels.cellUpdate(
            activations.pointer, cell.pointer, nextCell: nextCell.pointer, tanhCell: tanhCell.pointer,
            hidden: hidden.pointer, batch: batch, width: width)
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

/// The LSTM cell's loops, each simple enough (few streams, unit stride) for the compiler to vectorise.
enum LSTMKernels {
    /// `activations = [sigmoid | sigmoid | sigmoid | tanh](xGates + hGates + bias)` row by row.
    static func activations(
        _ xg: UnsafePointer<Float>, _ hg: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        into act: UnsafeMutablePointer<Float>, batch: Int, width: Int
    ) {
        let gates = 4 * width
        for row in 0..<batch {
            let x = xg + row * gates, h = hg + row * gates, a = act + row * gates
            for k in 0..<gates { a[k] = x[k] + h[k] + b[k] }
            for k in 0..<(3 * width) { a[k] = FastMath.sigmoid(a[k]) }
            for k in (3 * width)..<gates { a[k] = FastMath.tanh(a[k]) }
        }
    }

    /// `c' = f * c + i * g`, `tanh(c')` and `h' = o * tanh(c')` from the activations.
    static func cellUpdate(
        _ act: UnsafePointer<Float>, _ c: UnsafePointer<Float>, nextCell: UnsafeMutablePointer<Float>,
        tanhCell: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, batch: Int, width: Int
    ) {
        for row in 0..<batch {
            let a = act + row * 4 * width, s = row * width
            let (i, f, o, g) = (a, a + width, a + 2 * width, a + 3 * width)
            let (cOld, cNew, tc, h) = (c + s, nextCell + s, tanhCell + s, hidden + s)
            for j in 0..<width { cNew[j] = f[j] * cOld[j] + i[j] * g[j] }
            for j in 0..<width { tc[j] = FastMath.tanh(cNew[j]) }
            for j in 0..<width { h[j] = o[j] * tc[j] }
        }
    }
}
