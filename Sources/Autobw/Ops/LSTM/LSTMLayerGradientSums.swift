/// The gradients an LSTM layer's backward sums over timesteps from the gate gradients `dz_t`: the recurrent
/// weight's (`dWh = sum_t h_{t-1}^T dz_t`) and, when the layer forms its input products itself, the input
/// weight's (`dWx = sum_t x_t^T dz_t`, or for tokens each `dz_t` row added to its token's row) and the inputs'
/// (`dx_t = dz_t Wx^T`).
///
/// On one thread each term is added as soon as the backward has produced `dz_t`, while it is in cache: `dz_t`,
/// `h_{t-1}` and `x_t` are all read where they lie (`dz_t`'s rows padded so that they do not collide in the
/// cache). OpenBLAS, given all timesteps at once afterwards, packs both operands from memory: it ran char-rnn's
/// recurrent weight gradient at 75-87 GFLOP/s, where its terms added in cache ran at 94-104 (packing `dz_t`) and
/// then, read in place, at about 109 in a C loop. On several threads the weights' terms are added the same way on
/// the step worker (`StepWorker`), a timestep behind the backward, which meanwhile does the rest; without a
/// packed kernel for this CPU, one GEMM per gradient afterwards lets OpenBLAS split the work.
final class LSTMLayerGradientSums {
    let input: LSTMLayerInput.Kind
    /// With dense inputs, the inputs `[time, batch, inputSize]` and the input weight, as saved by the forward pass.
    let dense: (inputs: Tensor, weight: Tensor)?
    let batch: Int, width: Int
    /// A zero `h0` adds no recurrent term at the first timestep.
    let initialHiddenIsZero: Bool
    /// The kernel for per-timestep terms; nil when the sums are one GEMM each afterwards.
    let kernel: PackedMatrix.Kernel?
    let recurrentWeight: Tensor?
    let inputWeight: Tensor?
    let inputs: Tensor?
    /// `Wx^T`, packed for the inputs' gradient per timestep.
    private let transposedInputWeight: PackedMatrix?
    /// Whether a term has been written into each sum (the first one overwrites it).
    private var recurrentWritten = false, inputWeightWritten = false

    /// Sums for the gradients asked for: the inputs' (dense inputs only), the input weight's and the recurrent
    /// weight's. With `kernel` nil, the sums are one GEMM each afterwards.
    init(
        _ input: LSTMLayerInput.Kind, dense: (inputs: Tensor, weight: Tensor)?, batch: Int, width: Int,
        initialHiddenIsZero: Bool, kernel: PackedMatrix.Kernel?, needs: (inputs: Bool, inputWeight: Bool, recurrentWeight: Bool)
    ) {
        (self.input, self.dense, self.batch, self.width) = (input, dense, batch, width)
        (self.initialHiddenIsZero, self.kernel) = (initialHiddenIsZero, kernel)
        recurrentWeight = needs.recurrentWeight ? Tensor.uninitialized([width, 4 * width]) : nil
        switch (input, dense) {
        case (.tokens(_, let vocabulary), _):
            // Rows of tokens that never occur stay zero.
            (inputWeight, inputs, transposedInputWeight) =
                (needs.inputWeight ? .filled(0, [vocabulary, 4 * width]) : nil, nil, nil)
        case (.dense, let (x, weight)?):
            inputWeight = needs.inputWeight ? .uninitialized(weight.shape) : nil
            inputs = needs.inputs ? .uninitialized(x.shape) : nil
            transposedInputWeight = needs.inputs && kernel != nil ? PackedMatrix(weight, transposed: true) : nil
        default:
            (inputWeight, inputs, transposedInputWeight) = (nil, nil, nil)
        }
    }

    /// Adds timestep `t`'s terms, from its gate gradients `dz` (`[batch, 4 * width]`, rows `rowStride` floats
    /// apart: from `PackedMatrix.paddedRowStride` when terms are added per timestep) and `h_{t-1}`.
    func add(timestep t: Int, gates dz: UnsafePointer<Float>, rowStride: Int, previousHidden: UnsafePointer<Float>) {
        addWeightTerms(timestep: t, gates: dz, rowStride: rowStride, previousHidden: previousHidden)
        addInputGradient(timestep: t, gates: dz, rowStride: rowStride)
    }

    /// Adds timestep `t`'s terms of the weights' gradients (see `add`). Calls for successive timesteps may run on
    /// another thread than the rest, one at a time.
    func addWeightTerms(timestep t: Int, gates dz: UnsafePointer<Float>, rowStride: Int, previousHidden: UnsafePointer<Float>) {
        let gateWidth = 4 * width
        if case .tokens(let ids, _) = input, let inputWeight {
            for row in 0..<batch {
                let into = inputWeight.pointer + ids[t * batch + row] * gateWidth, from = dz + row * rowStride
                for k in 0..<gateWidth { into[k] += from[k] }
            }
        }
        guard let kernel else { return }
        if let recurrentWeight, !(t == 0 && initialHiddenIsZero) {
            PackedMatrix.multiply(
                transposing: previousHidden, rows: width, by: dz, rows: batch, columns: gateWidth, bRowStride: rowStride,
                beta: recurrentWritten ? 1 : 0, into: recurrentWeight.pointer, kernel: kernel)
            recurrentWritten = true
        }
        guard let x = dense?.inputs else { return }
        let inputSize = x.shape[2]
        if let inputWeight {
            PackedMatrix.multiply(
                transposing: x.pointer + t * batch * inputSize, rows: inputSize, by: dz, rows: batch, columns: gateWidth,
                bRowStride: rowStride, beta: inputWeightWritten ? 1 : 0, into: inputWeight.pointer, kernel: kernel)
            inputWeightWritten = true
        }
    }

    /// Writes timestep `t`'s inputs' gradient `dx_t = dz_t Wx^T` (see `add`).
    func addInputGradient(timestep t: Int, gates dz: UnsafePointer<Float>, rowStride: Int) {
        guard let inputs, let transposedInputWeight else { return }
        let inputSize = inputs.shape[2]
        transposedInputWeight.multiply(
            dz, rows: batch, aRowStride: rowStride, beta: 0, into: inputs.pointer + t * batch * inputSize)
    }

    /// The three gradients (nil where not asked for), completed by one GEMM each where terms were not added per
    /// timestep; then `dGates` holds every timestep's `dz`.
    func finish(
        hiddens: Tensor, initialHidden h0: Tensor, dGates: Tensor?, time: Int
    ) -> (inputs: Tensor?, inputWeight: Tensor?, recurrentWeight: Tensor?) {
        let gateWidth = 4 * width
        if kernel == nil, let dGates, let recurrentWeight { finishRecurrent(recurrentWeight, hiddens, h0, dGates, time) }
        if kernel == nil, let dGates, let (x, weight) = dense {
            let (rows, inputSize) = (time * batch, x.shape[2])
            if let inputWeight {
                BLAS.sgemm(
                    transposeA: true, transposeB: false, m: inputSize, n: gateWidth, k: rows, a: x.pointer,
                    b: dGates.pointer, c: inputWeight.pointer)
                inputWeightWritten = true
            }
            if let inputs {
                BLAS.sgemm(
                    transposeA: false, transposeB: true, m: rows, n: inputSize, k: gateWidth, a: dGates.pointer,
                    b: weight.pointer, c: inputs.pointer)
            }
        }
        // A one-step sequence from a zero state has no recurrent term: that gradient is zero.
        if let recurrentWeight, !recurrentWritten { recurrentWeight.pointer.initialize(repeating: 0, count: recurrentWeight.count) }
        if dense != nil, let inputWeight, !inputWeightWritten {
            inputWeight.pointer.initialize(repeating: 0, count: inputWeight.count)
        }
        return (inputs, inputWeight, recurrentWeight)
    }

    /// `dWh` as one GEMM over `[h0; h_1 ... h_{T-1}]` and all of `dz`.
    private func finishRecurrent(_ gradient: Tensor, _ hiddens: Tensor, _ h0: Tensor, _ dGates: Tensor, _ time: Int) {
        let step = batch * width
        // A zero h0 adds nothing, so then the GEMM starts at t = 1 and reads the saved hiddens where they are.
        var (previous, first) = (hiddens, 1)
        if !initialHiddenIsZero {
            (previous, first) = (Tensor.uninitialized([time * batch, width]), 0)
            previous.pointer.update(from: h0.pointer, count: step)
            (previous.pointer + step).update(from: hiddens.pointer, count: (time - 1) * step)
        }
        guard time > first else { return }
        BLAS.sgemm(
            transposeA: true, transposeB: false, m: width, n: 4 * width, k: (time - first) * batch,
            a: previous.pointer, b: dGates.pointer + first * 4 * step, c: gradient.pointer)
        recurrentWritten = true
    }
}

/// One timestep's weight-gradient terms, handed to the step worker: the layer's backward waits for them all
/// before it reads the sums, and keeps `dz`, `h_{t-1}` and the sums alive until then.
struct TrailingTerms: @unchecked Sendable {
    let sums: LSTMLayerGradientSums
    let t: Int
    let dz: UnsafePointer<Float>
    let rowStride: Int
    let previous: UnsafePointer<Float>

    func run() { sums.addWeightTerms(timestep: t, gates: dz, rowStride: rowStride, previousHidden: previous) }
}
