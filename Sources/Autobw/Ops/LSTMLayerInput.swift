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

/// The input side of one forward pass: writes each timestep's input-to-gate products into the gates.
struct LSTMLayerInputForward {
    let input: LSTMLayerInput
    let batch: Int, gateWidth: Int
    /// `Wx`, packed when the products are formed per timestep.
    private let packedWeight: PackedMatrix?

    /// With `perTimestep` false, dense products are formed here for the whole sequence at once, into `gates`
    /// (`[time * batch, gateWidth]`), as one GEMM that OpenBLAS can split across its threads.
    init(_ input: LSTMLayerInput, batch: Int, gateWidth: Int, perTimestep: Bool, gates: UnsafeMutablePointer<Float>) {
        (self.input, self.batch, self.gateWidth) = (input, batch, gateWidth)
        guard case .dense(let inputs, let weight) = input else {
            packedWeight = nil
            return
        }
        if perTimestep {
            packedWeight = PackedMatrix(weight, transposed: false)
        } else {
            packedWeight = nil
            BLAS.sgemm(
                transposeA: false, transposeB: false, m: inputs.shape[0] * batch, n: gateWidth, k: weight.shape[0],
                a: inputs.pointer, b: weight.pointer, c: gates)
        }
    }

    /// Writes timestep `t`'s products into `z` (`[batch, gateWidth]`), unless they are there already.
    func write(timestep t: Int, into z: UnsafeMutablePointer<Float>) {
        let step = batch * gateWidth
        switch input {
        case .gates(let gates):
            z.update(from: gates.pointer + t * step, count: step)
        case .dense(let inputs, _):
            let inputSize = inputs.shape[2]
            packedWeight?.multiply(inputs.pointer + t * batch * inputSize, rows: batch, beta: 0, into: z)
        case .tokens(let ids, let weight):
            for row in 0..<batch {
                (z + row * gateWidth).update(from: weight.pointer + ids[t * batch + row] * gateWidth, count: gateWidth)
            }
        }
    }
}
