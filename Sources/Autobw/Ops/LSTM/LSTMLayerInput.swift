/// What feeds an LSTM layer's gates: precomputed input-to-gate products, or the inputs and the input weight, whose
/// products the layer then forms timestep by timestep itself.
///
/// Forming them inside the layer keeps each timestep's products in cache: on one thread the layer computes `x_t Wx`
/// straight into the gates, and backward uses each `dz_t` for `dx_t`, `dWx` and `dWh` while it is still in cache.
/// Given the products of a whole sequence instead, the gates of every timestep (5 MB for char-rnn) are written
/// out, read back, and their gradients written out and read back twice more.
enum LSTMLayerInput {
    /// Input-to-gate products `[time, batch, 4 * hidden]`.
    case gates(Tensor)
    /// Inputs `[time, batch, inputSize]` and the input weight `[inputSize, 4 * hidden]`.
    case dense(Tensor, weight: Tensor)
    /// Token ids, timestep by timestep (`time * batch`), and the input weight `[vocabulary, 4 * hidden]`: a
    /// one-hot input, whose product is a row of the weight.
    case tokens([Int], weight: Tensor)

    /// The op's tensor inputs that come before the recurrent weight.
    var operands: [Tensor] {
        switch self {
        case .gates(let gates): [gates]
        case .dense(let inputs, let weight): [inputs, weight]
        case .tokens(_, let weight): [weight]
        }
    }

    /// The tensors the backward pass reads: saved with the entry (so that changing them in place before the
    /// replay is reported), never captured.
    var savedForBackward: [Tensor] {
        if case .dense(let inputs, let weight) = self { return [inputs, weight] }
        return []
    }

    /// What the backward pass needs to know of the input besides `savedForBackward`.
    var kind: Kind {
        switch self {
        case .gates: .gates
        case .dense: .dense
        case .tokens(let ids, let weight): .tokens(ids, vocabulary: weight.shape[0])
        }
    }

    /// The input side without its tensors.
    enum Kind {
        case gates
        case dense
        case tokens([Int], vocabulary: Int)
    }
}

/// The input side of one forward pass: forms each timestep's gates from its input-to-gate products and the
/// recurrent product.
struct LSTMLayerInputForward {
    let input: LSTMLayerInput
    let batch: Int, width: Int
    /// `Wx`, packed when the products are formed per timestep (here, or on the worker).
    private var packedWeight: PackedMatrix?
    /// The worker forming the products ahead of the recurrence, and the ticket after which each timestep's are
    /// in the gates.
    private var worker: StepWorker?
    private var tickets = [Int]()

    /// Where dense inputs' products are formed.
    enum Placement {
        /// Timestep by timestep, by `activations` (one thread).
        case perTimestep
        /// Timestep by timestep on the worker, ahead of the recurrence (several threads).
        case onWorker(StepWorker)
        /// For the whole sequence at once, as one GEMM that OpenBLAS can split (no packed kernel for this CPU).
        case wholeSequence
    }

    /// Sets up dense products as `placement` says; those not formed by `activations` go into `gates`
    /// (`[time * batch, 4 * width]`).
    init(_ input: LSTMLayerInput, batch: Int, width: Int, placement: Placement, gates: UnsafeMutablePointer<Float>) {
        (self.input, self.batch, self.width) = (input, batch, width)
        guard case .dense(let inputs, let weight) = input else { return }
        switch placement {
        case .perTimestep:
            packedWeight = PackedMatrix(weight, transposed: false)
        case .onWorker(let worker):
            let packed = PackedMatrix(weight, transposed: false)
            let inputSize = inputs.shape[2], gateStep = batch * 4 * width
            (packedWeight, self.worker) = (packed, worker)
            tickets = (0..<inputs.shape[0]).map { t in
                let job = InputProduct(
                    weight: packed, x: UnsafePointer(inputs.pointer + t * batch * inputSize), rows: batch,
                    into: gates + t * gateStep)
                return worker.submit { job.run() }
            }
        case .wholeSequence:
            BLAS.sgemm(
                transposeA: false, transposeB: false, m: inputs.shape[0] * batch, n: 4 * width, k: weight.shape[0],
                a: inputs.pointer, b: weight.pointer, c: gates)
        }
    }

    /// Writes timestep `t`'s activations into `z` (`[batch, 4 * width]`): the gate nonlinearities of its input
    /// products (formed here, or waited for when `init` placed them elsewhere), plus `previousHidden` times
    /// `recurrentWeight` unless the previous state is known zero (`previousHidden` nil), plus `bias`.
    func activations(
        timestep t: Int, into z: UnsafeMutablePointer<Float>, recurrentWeight: PackedMatrix,
        previousHidden: UnsafePointer<Float>?, bias: UnsafePointer<Float>
    ) {
        let gateWidth = 4 * width, step = batch * gateWidth
        switch input {
        case .gates(let gates):
            z.update(from: gates.pointer + t * step, count: step)
        case .dense(let inputs, _):
            let inputSize = inputs.shape[2]
            if let worker {
                worker.wait(for: tickets[t])
            } else {
                packedWeight?.multiply(inputs.pointer + t * batch * inputSize, rows: batch, beta: 0, into: z)
            }
        case .tokens(let ids, let weight):
            // A token's product is its row of `Wx`: the activation pass reads it there, which spares writing
            // the rows into the gates first and reading them back (1.4% of a char-rnn step).
            if let previousHidden { recurrentWeight.multiply(previousHidden, rows: batch, beta: 0, into: z) }
            for row in 0..<batch {
                let gates = z + row * gateWidth, product = weight.pointer + ids[t * batch + row] * gateWidth
                if previousHidden == nil {
                    LSTMKernels.activations(product, nil, bias, into: gates, batch: 1, width: width)
                } else {
                    LSTMKernels.activations(gates, product, bias, into: gates, batch: 1, width: width)
                }
            }
            return
        }
        if let previousHidden { recurrentWeight.multiply(previousHidden, rows: batch, beta: 1, into: z) }
        LSTMKernels.activationsInPlace(z, bias: bias, batch: batch, width: width)
    }
}

/// One timestep's input products, handed to the step worker.
struct InputProduct: @unchecked Sendable {
    let weight: PackedMatrix
    let x: UnsafePointer<Float>
    let rows: Int
    let into: UnsafeMutablePointer<Float>

    func run() { weight.multiply(x, rows: rows, beta: 0, into: into) }
}
