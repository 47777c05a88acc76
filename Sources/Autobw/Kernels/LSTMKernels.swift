import CVectorLoops

/// The loops of an LSTM step, shared by the single-step and whole-layer fused ops. They run in C
/// (`CVectorLoops`), compiled for the CPU's widest vector units; the arithmetic is `FastMath`'s.
enum LSTMKernels {
    /// `activations = [sigmoid | sigmoid | sigmoid | tanh](xGates + hGates + bias)` row by row; without `hGates`,
    /// of `xGates + bias`.
    static func activations(
        _ xg: UnsafePointer<Float>, _ hg: UnsafePointer<Float>?, _ b: UnsafePointer<Float>,
        into act: UnsafeMutablePointer<Float>, batch: Int, width: Int
    ) {
        autobw_lstm_activations(xg, hg, b, act, batch, width)
    }

    /// `z += bias` then the gate nonlinearities, in place, row by row.
    static func activationsInPlace(
        _ z: UnsafeMutablePointer<Float>, bias b: UnsafePointer<Float>, batch: Int, width: Int
    ) {
        autobw_lstm_activations(z, nil, b, z, batch, width)
    }

    /// `c' = f * c + i * g`, `tanh(c')` and `h' = o * tanh(c')` from the activations.
    static func cellUpdate(
        _ act: UnsafePointer<Float>, _ c: UnsafePointer<Float>, nextCell: UnsafeMutablePointer<Float>,
        tanhCell: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, batch: Int, width: Int
    ) {
        autobw_lstm_cell_update(act, c, nextCell, tanhCell, hidden, batch, width)
    }

    /// The step's backward: gate pre-activation gradients and the previous cell's gradient, from the hidden
    /// gradient (`dHidden`, plus `dHiddenMore` when given: a layer's output and next step both reach `h_t`) and
    /// the cell gradient. `dCellNext` and `dPreviousCell` may be the same buffer (each element is read before it
    /// is written). Given `dBias`, every row of `dGates` is also added to it. Rows of `dGates` are
    /// `dGatesRowStride` floats apart (by default `4 * width`, packed).
    ///
    ///     dc = dc' + dh * o * (1 - tanh(c')^2)
    ///     dz_i = dc * g * i(1-i)   dz_f = dc * c * f(1-f)   dz_o = dh * tanh(c') * o(1-o)   dz_g = dc * i * (1-g^2)
    ///     dc_prev = dc * f
    static func cellBackward(
        activations act: UnsafePointer<Float>, previousCell c: UnsafePointer<Float>, tanhCell tc: UnsafePointer<Float>,
        dHidden dh: UnsafePointer<Float>, plus dHiddenMore: UnsafePointer<Float>? = nil, dCellNext: UnsafePointer<Float>,
        dGates dz: UnsafeMutablePointer<Float>, dGatesRowStride: Int? = nil,
        dPreviousCell: UnsafeMutablePointer<Float>, addingBiasGradientTo dBias: UnsafeMutablePointer<Float>? = nil,
        batch: Int, width: Int
    ) {
        autobw_lstm_cell_backward(
            act, c, tc, dh, dHiddenMore, dCellNext, dz, dGatesRowStride ?? 4 * width, dPreviousCell, dBias, batch, width)
    }
}
