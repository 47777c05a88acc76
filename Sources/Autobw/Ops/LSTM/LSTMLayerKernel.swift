/// A whole LSTM layer over a sequence as one tape entry, with backpropagation through time written by hand.
///
/// The original autobw recorded modules, not primitives; this is that granularity for the layer that dominates
/// a char-rnn step. Per timestep the forward has the input side (`LSTMLayerInputForward`) form the activated
/// gates from the input products and one GEMM (`h Wh`), then updates the cell; the backward does one GEMM per
/// timestep for the hidden-state gradient and sums the weights' and inputs' gradients (`LSTMLayerGradientSums`).
/// The per-timestep products keep their right operands packed (`PackedMatrix`).
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
        guard inputGates.rank == 3, inputGates.shape[0] > 0, h0.rank == 2, inputGates.shape[1] == h0.shape[0],
            inputGates.shape[2] == 4 * h0.shape[1]
        else {
            throw TensorError.shapeMismatch(
                op: "lstmLayer", detail: "input gates \(Shape.describe(inputGates.shape)) for state \(Shape.describe(h0.shape))")
        }
        return try lstmLayer(
            .gates(inputGates), time: inputGates.shape[0], recurrentWeight: wh, bias: bias, initialHidden: h0,
            initialCell: c0, site: CallSite(file, line))
    }

    /// Runs the recurrence over `inputs` `[time, batch, inputSize]` through the input weight `wx`
    /// `[inputSize, 4 * hidden]`, with the rest as in `lstmLayer(inputGates:...)`: the same values as passing
    /// `inputs.matmul(wx)` as the input gates, with each timestep's products formed while in cache.
    /// - Throws: `TensorError.shapeMismatch` when the shapes do not fit together.
    public static func lstmLayer(
        inputs: Tensor, inputWeight wx: Tensor, recurrentWeight wh: Tensor, bias: Tensor, initialHidden h0: Tensor,
        initialCell c0: Tensor, file: StaticString = #fileID, line: UInt = #line
    ) throws -> (hiddens: Tensor, hidden: Tensor, cell: Tensor) {
        guard inputs.rank == 3, inputs.shape[0] > 0, h0.rank == 2, inputs.shape[1] == h0.shape[0],
            wx.shape == [inputs.shape[2], 4 * h0.shape[1]]
        else {
            throw TensorError.shapeMismatch(
                op: "lstmLayer",
                detail: "inputs \(Shape.describe(inputs.shape)), input weight \(Shape.describe(wx.shape)), state"
                    + " \(Shape.describe(h0.shape))")
        }
        return try lstmLayer(
            .dense(inputs, weight: wx), time: inputs.shape[0], recurrentWeight: wh, bias: bias, initialHidden: h0,
            initialCell: c0, site: CallSite(file, line))
    }

    /// Runs the recurrence over one-hot inputs given as token ids `tokens[t][b]`, whose products are rows of the
    /// input weight `wx` `[vocabulary, 4 * hidden]`; the rest as in `lstmLayer(inputGates:...)`.
    /// - Throws: `TensorError.invalidArgument` for an empty or ragged grid or an id outside the vocabulary;
    ///   `TensorError.shapeMismatch` when the shapes do not fit together.
    public static func lstmLayer(
        tokens: [[Int]], inputWeight wx: Tensor, recurrentWeight wh: Tensor, bias: Tensor, initialHidden h0: Tensor,
        initialCell c0: Tensor, file: StaticString = #fileID, line: UInt = #line
    ) throws -> (hiddens: Tensor, hidden: Tensor, cell: Tensor) {
        guard h0.rank == 2, wx.rank == 2, wx.shape[1] == 4 * h0.shape[1] else {
            throw TensorError.shapeMismatch(
                op: "lstmLayer", detail: "input weight \(Shape.describe(wx.shape)), state \(Shape.describe(h0.shape))")
        }
        guard !tokens.isEmpty, tokens.allSatisfy({ $0.count == h0.shape[0] }) else {
            throw TensorError.invalidArgument(
                op: "lstmLayer", detail: "tokens must be a non-empty [time][batch] grid with a batch of \(h0.shape[0])")
        }
        let ids = tokens.flatMap { $0 }
        if let bad = ids.first(where: { $0 < 0 || $0 >= wx.shape[0] }) {
            throw TensorError.invalidArgument(op: "lstmLayer", detail: "token \(bad) outside 0..<\(wx.shape[0])")
        }
        return try lstmLayer(
            .tokens(ids, weight: wx), time: tokens.count, recurrentWeight: wh, bias: bias, initialHidden: h0,
            initialCell: c0, site: CallSite(file, line))
    }

    /// The recurrence behind the three entry points, which have checked `input` against `h0`.
    private static func lstmLayer(
        _ input: LSTMLayerInput, time: Int, recurrentWeight wh: Tensor, bias: Tensor, initialHidden h0: Tensor,
        initialCell c0: Tensor, site: CallSite
    ) throws -> (hiddens: Tensor, hidden: Tensor, cell: Tensor) {
        guard c0.shape == h0.shape, wh.shape == [h0.shape[1], 4 * h0.shape[1]], bias.shape == [4 * h0.shape[1]] else {
            throw TensorError.shapeMismatch(
                op: "lstmLayer",
                detail: "recurrent weight \(Shape.describe(wh.shape)), bias \(Shape.describe(bias.shape)), state"
                    + " \(Shape.describe(h0.shape)) / \(Shape.describe(c0.shape))")
        }
        let (batch, width) = (h0.shape[0], h0.shape[1])
        let step = batch * width, gateStep = 4 * step
        let activations = Tensor.uninitialized([time, batch, 4 * width])
        let cells = Tensor.uninitialized([time, batch, width]), tanhCells = Tensor.uninitialized([time, batch, width])
        let hiddens = Tensor.uninitialized([time, batch, width])
        var previousHidden = UnsafePointer(h0.pointer), previousCell = UnsafePointer(c0.pointer)
        // A fresh sequence starts from zeros, whose recurrent product needs no GEMM.
        let initialHiddenIsZero = UnsafeBufferPointer(start: h0.pointer, count: step).allSatisfy { $0 == 0 }
        let recurrentWeight = PackedMatrix(wh, transposed: false)
        // On one thread, products with timestep-sized operands run on the packed kernels (LSTMLayerGradientSums);
        // on several, those off the recurrence's path run there on the step worker.
        let stepKernel = BLAS.threadCount == 1 ? PackedMatrix.fastestKernel : nil
        let placement: LSTMLayerInputForward.Placement =
            stepKernel != nil ? .perTimestep : StepWorker.forLayers.map { .onWorker($0) } ?? .wholeSequence
        let inputSide = LSTMLayerInputForward(input, batch: batch, width: width, placement: placement, gates: activations.pointer)
        for t in 0..<time {
            let z = activations.pointer + t * gateStep
            inputSide.activations(
                timestep: t, into: z, recurrentWeight: recurrentWeight,
                previousHidden: t > 0 || !initialHiddenIsZero ? previousHidden : nil, bias: bias.pointer)
            LSTMKernels.cellUpdate(
                z, previousCell, nextCell: cells.pointer + t * step, tanhCell: tanhCells.pointer + t * step,
                hidden: hiddens.pointer + t * step, batch: batch, width: width)
            previousHidden = UnsafePointer(hiddens.pointer + t * step)
            previousCell = UnsafePointer(cells.pointer + t * step)
        }
        let lastHidden = Tensor.uninitialized([batch, width]), lastCell = Tensor.uninitialized([batch, width])
        lastHidden.pointer.update(from: previousHidden, count: step)
        lastCell.pointer.update(from: previousCell, count: step)

        // The op's inputs: the input side's tensors, then Wh, bias, h0, c0.
        let (first, kind) = (input.operands.count, input.kind)
        let outputs = try Tensor.recorded(
            .lstmLayer, at: site, outputs: [hiddens, lastHidden, lastCell],
            inputs: Operands(input.operands + [wh, bias, h0, c0]),
            saving: Operands([activations, cells, tanhCells, hiddens, h0, c0, wh] + input.savedForBackward),
            backward: { ctx in
                let (act, cells, tanhCells, hiddens) = (ctx.saved[0], ctx.saved[1], ctx.saved[2], ctx.saved[3])
                let (h0, c0, wh) = (ctx.saved[4], ctx.saved[5], ctx.saved[6])
                let needsInitialHidden = ctx.needsGradient(first + 2)
                let dHiddens = ctx.outputGrads[0] ?? .filled(0, [time, batch, width])
                // The gradient flowing into h_t from step t+1, and into c_t; start from the final state's.
                let dHidden = (ctx.outputGrads[1] ?? .filled(0, [batch, width])).copied()
                let dCell = (ctx.outputGrads[2] ?? .filled(0, [batch, width])).copied()
                // Each dz_t goes to one buffer of padded rows when the sums take it per timestep; every timestep's
                // is kept only as the op's gradient (given input gates) or for the sums' GEMMs afterwards.
                // On several threads the weights' terms trail on the step worker, each timestep's `dz` in a buffer
                // of its own.
                let worker = stepKernel == nil ? StepWorker.forLayers : nil
                let sumsKernel = stepKernel ?? (worker != nil ? PackedMatrix.fastestKernel : nil)
                let rowStride = sumsKernel != nil ? PackedMatrix.paddedRowStride(columns: 4 * width) : 4 * width
                let stepGates = sumsKernel != nil ? Tensor.uninitialized([worker != nil ? time : 1, batch, rowStride]) : nil
                var keepsEveryTimestep = sumsKernel == nil
                if case .gates = kind { keepsEveryTimestep = true }
                let dGates = keepsEveryTimestep ? Tensor.uninitialized([time, batch, 4 * width]) : nil
                let dBias = ctx.needsGradient(first + 1) ? Tensor.filled(0, [4 * width]) : nil
                let transposedWeight = PackedMatrix(wh, transposed: true)
                // The input side: which of its gradients are needed (by the op's input order) and, for dense
                // inputs, the inputs and input weight saved after the layer's own values.
                var needs = (inputs: false, inputWeight: false)
                var dense: (inputs: Tensor, weight: Tensor)? = nil
                switch kind {
                case .gates: break
                case .dense: (needs, dense) = ((ctx.needsGradient(0), ctx.needsGradient(1)), (ctx.saved[7], ctx.saved[8]))
                case .tokens: needs.inputWeight = ctx.needsGradient(0)
                }
                let sums = LSTMLayerGradientSums(
                    kind, dense: dense, batch: batch, width: width, initialHiddenIsZero: initialHiddenIsZero,
                    kernel: sumsKernel, needs: (needs.inputs, needs.inputWeight, ctx.needsGradient(first)))
                var lastTicket = 0
                for t in stride(from: time - 1, through: 0, by: -1) {
                    // One of the two buffers always exists.
                    let ownBuffer = worker != nil ? t * batch * rowStride : 0
                    guard let dz = stepGates.map({ $0.pointer + ownBuffer }) ?? dGates.map({ $0.pointer + t * gateStep })
                    else { break }
                    let previous = t > 0 ? hiddens.pointer + (t - 1) * step : h0.pointer
                    // h_t's gradient: from the layer's output at t, and from step t+1 through dHidden.
                    LSTMKernels.cellBackward(
                        activations: act.pointer + t * gateStep,
                        previousCell: t > 0 ? cells.pointer + (t - 1) * step : c0.pointer,
                        tanhCell: tanhCells.pointer + t * step, dHidden: dHiddens.pointer + t * step,
                        plus: dHidden.pointer, dCellNext: dCell.pointer, dGates: dz, dGatesRowStride: rowStride,
                        dPreviousCell: dCell.pointer, addingBiasGradientTo: dBias?.pointer, batch: batch, width: width)
                    if let worker {
                        let job = TrailingTerms(sums: sums, t: t, dz: UnsafePointer(dz), rowStride: rowStride, previous: previous)
                        lastTicket = worker.submit { job.run() }
                        sums.addInputGradient(timestep: t, gates: dz, rowStride: rowStride)
                    } else {
                        sums.add(timestep: t, gates: dz, rowStride: rowStride, previousHidden: previous)
                    }
                    if stepGates != nil, let dGates {
                        let into = dGates.pointer + t * gateStep
                        for row in 0..<batch { (into + row * 4 * width).update(from: dz + row * rowStride, count: 4 * width) }
                    }
                    // dh_{t-1} = dz_t Wh^T (at t = 0 that is the initial state's gradient, skipped when unused)
                    if t == 0 && !needsInitialHidden { continue }
                    transposedWeight.multiply(dz, rows: batch, aRowStride: rowStride, beta: 0, into: dHidden.pointer)
                }
                worker?.wait(for: lastTicket)
                let (dInputs, dInputWeight, dWh) = sums.finish(hiddens: hiddens, initialHidden: h0, dGates: dGates, time: time)
                let inputSide: [Tensor?]
                switch kind {
                case .gates: inputSide = [dGates ?? .filled(0, [time, batch, 4 * width])]
                case .dense: inputSide = [dInputs, dInputWeight]
                case .tokens: inputSide = [dInputWeight]
                }
                return Operands(inputSide + [dWh, dBias, needsInitialHidden ? dHidden : nil, dCell])
            })
        return (outputs[0], outputs[1], outputs[2])
    }
}
