/// A whole LSTM layer over a sequence as one tape entry, with backpropagation through time written by hand.
///
/// The original autobw recorded modules, not primitives; this is that granularity for the layer that dominates
/// a char-rnn step. Per timestep the forward does one GEMM (`h Wh`, accumulated onto the precomputed input
/// gates) and the fused gate loops; the backward does one GEMM per timestep for the hidden-state gradient and
/// gathers the recurrent weight's gradient (`RecurrentWeightGradient`). The per-timestep products keep `Wh` (and
/// `Wh^T`) packed (`PackedMatrix`).
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
                let transposedWeight = PackedMatrix(wh, transposed: true)
                let weightGradient = ctx.needsGradient(1)
                    ? RecurrentWeightGradient(width: width, batch: batch, initialHiddenIsZero: initialHiddenIsZero) : nil
                for t in stride(from: time - 1, through: 0, by: -1) {
                    let stepGates = dGates.pointer + t * gateStep
                    // h_t's gradient: from the layer's output at t, and from step t+1 through dHidden.
                    LSTMKernels.cellBackward(
                        activations: act.pointer + t * gateStep,
                        previousCell: t > 0 ? cells.pointer + (t - 1) * step : c0.pointer,
                        tanhCell: tanhCells.pointer + t * step, dHidden: dHiddens.pointer + t * step,
                        plus: dHidden.pointer, dCellNext: dCell.pointer,
                        dGates: stepGates, dPreviousCell: dCell.pointer,
                        addingBiasGradientTo: dBias?.pointer, batch: batch, width: width)
                    weightGradient?.add(
                        previousHidden: t > 0 ? hiddens.pointer + (t - 1) * step : h0.pointer, isInitial: t == 0,
                        gates: stepGates)
                    // dh_{t-1} = dz_t Wh^T (at t = 0 that is the initial state's gradient, skipped when unused)
                    if t == 0 && !ctx.needsGradient(3) { continue }
                    transposedWeight.multiply(stepGates, rows: batch, beta: 0, into: dHidden.pointer)
                }
                let dWh = weightGradient?.finish(hiddens: hiddens, initialHidden: h0, gates: dGates, time: time)
                return Operands([dGates, dWh, dBias, ctx.needsGradient(3) ? dHidden : nil, dCell])
            })
        return (outputs[0], outputs[1], outputs[2])
    }
}

/// `dWh = sum_t h_{t-1}^T dz_t`, the recurrent weight's gradient. On one thread each timestep's term is added as
/// soon as the backward has produced `dz_t`, while it is in cache (its rows packed, `h_{t-1}` read transposed
/// where it lies): OpenBLAS, given all timesteps at once afterwards, packs both operands from memory and ran
/// these products at 75-87 GFLOP/s, against 94-104 for the terms added in cache. On several threads one GEMM
/// afterwards lets OpenBLAS split the work.
private final class RecurrentWeightGradient {
    let width: Int, batch: Int
    /// A zero `h0` adds nothing: the first timestep's term is skipped.
    let initialHiddenIsZero: Bool
    let kernel: PackedMatrix.Kernel?
    let gradient: Tensor
    /// Whether a term has been written into `gradient` (the first one overwrites it).
    var written = false

    init(width: Int, batch: Int, initialHiddenIsZero: Bool) {
        (self.width, self.batch, self.initialHiddenIsZero) = (width, batch, initialHiddenIsZero)
        kernel = BLAS.threadCount == 1 ? PackedMatrix.fastestKernel : nil
        gradient = Tensor.uninitialized([width, 4 * width])
    }

    /// Adds `h_{t-1}^T dz_t` when terms are added per timestep.
    func add(previousHidden: UnsafePointer<Float>, isInitial: Bool, gates: UnsafePointer<Float>) {
        guard let kernel, !(isInitial && initialHiddenIsZero) else { return }
        let packedGates = PackedMatrix(gates, rows: batch, columns: 4 * width, transposed: false, kernel: kernel)
        packedGates.multiply(transposing: previousHidden, rows: width, beta: written ? 1 : 0, into: gradient.pointer)
        written = true
    }

    /// The gradient: the per-timestep sum, or one GEMM over `[h0; h_1 ... h_{T-1}]` and all of `dz`.
    func finish(hiddens: Tensor, initialHidden h0: Tensor, gates: Tensor, time: Int) -> Tensor {
        let step = batch * width
        if kernel == nil {
            // A zero h0 adds nothing, so then the GEMM starts at t = 1 and reads the saved hiddens where they are.
            var (previous, first) = (hiddens, 1)
            if !initialHiddenIsZero {
                (previous, first) = (Tensor.uninitialized([time * batch, width]), 0)
                previous.pointer.update(from: h0.pointer, count: step)
                (previous.pointer + step).update(from: hiddens.pointer, count: (time - 1) * step)
            }
            if time > first {
                BLAS.sgemm(
                    transposeA: true, transposeB: false, m: width, n: 4 * width, k: (time - first) * batch,
                    a: previous.pointer, b: gates.pointer + first * 4 * step, c: gradient.pointer)
                written = true
            }
        }
        // A one-step sequence from a zero state has no term: its gradient is zero.
        if !written { gradient.pointer.initialize(repeating: 0, count: width * 4 * width) }
        return gradient
    }
}
