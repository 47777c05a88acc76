/// A whole LSTM layer over a sequence as one tape entry, with backpropagation through time written by hand.
///
/// The original autobw recorded modules, not primitives; this is that granularity for the layer that dominates
/// a char-rnn step. Per timestep the forward does one GEMM (`h Wh`, accumulated onto the precomputed input
/// gates) and the fused gate loops; the backward does one GEMM per timestep for the hidden-state gradient and
/// then the recurrent weight gradient for all timesteps as a single large GEMM, which OpenBLAS runs far more
/// efficiently than fifty small ones. The per-timestep products keep `Wh` (and `Wh^T`) packed (`PackedMatrix`).
extension Tensor {
    /// Runs the recurrence over `inputGates` `[time, batch, 4 * hidden]` (the input-to-gates products of every
    /// timestep) with recurrent weight `wh` `[hidden, 4 * hidden]`, `bias` `[4 * hidden]` and initial state
    /// `(hidden, cell)` `[batch, hidden]`. Returns every timestep's hidden state `[time, batch, hidden]` and the
    /// final state.
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not fit together.
    public static func lstmLayer(
        inputGates: Tensor, recurrentWeight wh: Tensor, bias: Tensor, initialHidden h0: Tensor, initialCell c0: Tensor,
        file: StaticString = #fileID, line: UInt = #line
    ) throws -> (hiddens: Tensor, hidden: Tensor, cell: Tensor) {
        guard h0.rank == 2, c0.shape == h0.shape, inputGates.rank == 3, inputGates.shape[0] > 0,
            inputGates.shape[1] == h0.shape[0], inputGates.shape[2] == 4 * h0.shape[1],
            wh.shape == [h0.shape[1], 4 * h0.shape[1]], bias.shape == [4 * h0.shape[1]]
        else {
            throw TensorError.shapeMismatch(
                op: "lstmLayer",
                detail: "input gates \(Shape.describe(inputGates.shape)), recurrent weight \(Shape.describe(wh.shape)),"
                    + " bias \(Shape.describe(bias.shape)), state \(Shape.describe(h0.shape)) / \(Shape.describe(c0.shape))")
        }
        let (time, batch, width) = (inputGates.shape[0], h0.shape[0], h0.shape[1])
        let step = batch * width, gateStep = 4 * step
        let activations = Tensor.uninitialized(inputGates.shape)
        let cells = Tensor.uninitialized([time, batch, width]), tanhCells = Tensor.uninitialized([time, batch, width])
        let hiddens = Tensor.uninitialized([time, batch, width])
        var previousHidden = UnsafePointer(h0.pointer), previousCell = UnsafePointer(c0.pointer)
        // A fresh sequence starts from zeros, whose recurrent product needs no GEMM.
        let initialHiddenIsZero = UnsafeBufferPointer(start: h0.pointer, count: step).allSatisfy { $0 == 0 }
        let recurrentWeight = PackedMatrix(wh, transposed: false)
        for t in 0..<time {
            let z = activations.pointer + t * gateStep, x = inputGates.pointer + t * gateStep
            if t > 0 || !initialHiddenIsZero {
                z.update(from: x, count: gateStep)
                recurrentWeight.multiply(previousHidden, rows: batch, beta: 1, into: z)
                LSTMKernels.activationsInPlace(z, bias: bias.pointer, batch: batch, width: width)
            } else {
                LSTMKernels.activations(x, nil, bias.pointer, into: z, batch: batch, width: width)
            }
            LSTMKernels.cellUpdate(
                z, previousCell, nextCell: cells.pointer + t * step, tanhCell: tanhCells.pointer + t * step,
                hidden: hiddens.pointer + t * step, batch: batch, width: width)
            previousHidden = UnsafePointer(hiddens.pointer + t * step)
            previousCell = UnsafePointer(cells.pointer + t * step)
        }
        let lastHidden = Tensor.uninitialized([batch, width]), lastCell = Tensor.uninitialized([batch, width])
        lastHidden.pointer.update(from: previousHidden, count: step)
        lastCell.pointer.update(from: previousCell, count: step)

        let outputs = try Tensor.recorded(
            .lstmLayer, at: CallSite(file, line), outputs: [hiddens, lastHidden, lastCell],
            inputs: Operands([inputGates, wh, bias, h0, c0]),
            saving: Operands([activations, cells, tanhCells, hiddens, h0, c0, wh]),
            backward: { ctx in
                let (act, cells, tanhCells, hiddens) = (ctx.saved[0], ctx.saved[1], ctx.saved[2], ctx.saved[3])
                let (h0, c0, wh) = (ctx.saved[4], ctx.saved[5], ctx.saved[6])
                let dHiddens = ctx.outputGrads[0] ?? .filled(0, [time, batch, width])
                // The gradient flowing into h_t from step t+1, and into c_t; start from the final state's.
                let dHidden = (ctx.outputGrads[1] ?? .filled(0, [batch, width])).copied()
                let dCell = (ctx.outputGrads[2] ?? .filled(0, [batch, width])).copied()
                let dGates = Tensor.uninitialized([time, batch, 4 * width])
                let dBias = ctx.needsGradient(2) ? Tensor.filled(0, [4 * width]) : nil
                let dh = Tensor.uninitialized([batch, width])
                let transposedWeight = PackedMatrix(wh, transposed: true)
                // Pointers taken once: read through the tensors, each element reloads its storage's address and
                // the loop stays scalar.
                let (dhOut, fromOutput, fromNext) = (dh.pointer, UnsafePointer(dHiddens.pointer), UnsafePointer(dHidden.pointer))
                for t in stride(from: time - 1, through: 0, by: -1) {
                    let fromOutputNow = fromOutput + t * step
                    for j in 0..<step { dhOut[j] = fromOutputNow[j] + fromNext[j] }
                    LSTMKernels.cellBackward(
                        activations: act.pointer + t * gateStep,
                        previousCell: t > 0 ? cells.pointer + (t - 1) * step : c0.pointer,
                        tanhCell: tanhCells.pointer + t * step, dHidden: dh.pointer, dCellNext: dCell.pointer,
                        dGates: dGates.pointer + t * gateStep, dPreviousCell: dCell.pointer,
                        addingBiasGradientTo: dBias?.pointer, batch: batch, width: width)
                    // dh_{t-1} = dz_t Wh^T (at t = 0 that is the initial state's gradient, skipped when unused)
                    if t == 0 && !ctx.needsGradient(3) { continue }
                    transposedWeight.multiply(dGates.pointer + t * gateStep, rows: batch, beta: 0, into: dHidden.pointer)
                }
                var dWh: Tensor? = nil
                if ctx.needsGradient(1) {
                    // dWh = sum_t h_{t-1}^T dz_t: one GEMM over [h0; h_1 ... h_{T-1}] and all of dz. A zero h0
                    // adds nothing, so then the GEMM starts at t = 1 and reads the saved hiddens where they are.
                    var (previous, first) = (hiddens, 1)
                    if !initialHiddenIsZero {
                        (previous, first) = (Tensor.uninitialized([time * batch, width]), 0)
                        previous.pointer.update(from: h0.pointer, count: step)
                        (previous.pointer + step).update(from: hiddens.pointer, count: (time - 1) * step)
                    }
                    // A one-step sequence from a zero state has no product to run: its gradient is zero.
                    let gradient = time > first ? Tensor.uninitialized([width, 4 * width]) : .filled(0, [width, 4 * width])
                    if time > first {
                        BLAS.sgemm(
                            transposeA: true, transposeB: false, m: width, n: 4 * width, k: (time - first) * batch,
                            a: previous.pointer, b: dGates.pointer + first * gateStep, c: gradient.pointer)
                    }
                    dWh = gradient
                }
                return Operands([dGates, dWh, dBias, ctx.needsGradient(3) ? dHidden : nil, dCell])
            })
        return (outputs[0], outputs[1], outputs[2])
    }
}
