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
        xGates: Tensor, hGates: Tensor, bias: Tensor, cell: Tensor, file: StaticString = #fileID, line: UInt = #line
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
            .lstmCell, at: CallSite(file, line), outputs: [hidden, nextCell],
            inputs: Operands([xGates, hGates, bias, cell]),
            saving: Operands([activations, cell, tanhCell]),
            backward: { ctx in
                let dh = ctx.outputGrads[0] ?? .filled(0, [batch, width])
                let dCellNext = ctx.outputGrads[1] ?? .filled(0, [batch, width])
                let dGates = Tensor.uninitialized([batch, 4 * width]), dCell = Tensor.uninitialized([batch, width])
                let dBias = Tensor.filled(0, [4 * width])
                LSTMKernels.cellBackward(
                    activations: ctx.saved[0].pointer, previousCell: ctx.saved[1].pointer,
                    tanhCell: ctx.saved[2].pointer, dHidden: dh.pointer, dCellNext: dCellNext.pointer,
                    dGates: dGates.pointer, dPreviousCell: dCell.pointer, addingBiasGradientTo: dBias.pointer,
                    batch: batch, width: width)
                return Operands([dGates, dGates, dBias, dCell])
            })
        return (outputs[0], outputs[1])
    }
}

