/// The loops of an LSTM step, shared by the single-step and whole-layer fused ops. Each forward loop is
/// simple enough (few streams, unit stride) for the compiler to vectorise.
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
            squash(a, width: width)
        }
    }

    /// `z += bias` then the gate nonlinearities, in place, row by row.
    static func activationsInPlace(
        _ z: UnsafeMutablePointer<Float>, bias b: UnsafePointer<Float>, batch: Int, width: Int
    ) {
        let gates = 4 * width
        for row in 0..<batch {
            let a = z + row * gates
            for k in 0..<gates { a[k] += b[k] }
            squash(a, width: width)
        }
    }

    @inline(__always)
    private static func squash(_ a: UnsafeMutablePointer<Float>, width: Int) {
        for k in 0..<(3 * width) { a[k] = FastMath.sigmoid(a[k]) }
        for k in (3 * width)..<(4 * width) { a[k] = FastMath.tanh(a[k]) }
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

    /// The step's backward: gate pre-activation gradients and the previous cell's gradient, from the hidden
    /// and cell gradients. `dCellNext` and `dPreviousCell` may be the same buffer (each element is read
    /// before it is written).
    ///
    ///     dc = dc' + dh * o * (1 - tanh(c')^2)
    ///     dz_i = dc * g * i(1-i)   dz_f = dc * c * f(1-f)   dz_o = dh * tanh(c') * o(1-o)   dz_g = dc * i * (1-g^2)
    ///     dc_prev = dc * f
    static func cellBackward(
        activations act: UnsafePointer<Float>, previousCell c: UnsafePointer<Float>, tanhCell tc: UnsafePointer<Float>,
        dHidden dh: UnsafePointer<Float>, dCellNext: UnsafePointer<Float>, dGates dz: UnsafeMutablePointer<Float>,
        dPreviousCell: UnsafeMutablePointer<Float>, batch: Int, width: Int
    ) {
        for row in 0..<batch {
            let a = act + row * 4 * width, d = dz + row * 4 * width, s = row * width
            let (i, f, o, g) = (a, a + width, a + 2 * width, a + 3 * width)
            let (dI, dF, dO, dG) = (d, d + width, d + 2 * width, d + 3 * width)
            let (cPrev, t, dh, dcNext, dcOut) = (c + s, tc + s, dh + s, dCellNext + s, dPreviousCell + s)
            // One short loop per quantity, so each vectorises; dcOut holds the total cell gradient until the
            // last loop turns it into the previous cell's gradient.
            for j in 0..<width { dcOut[j] = dcNext[j] + dh[j] * o[j] * (1 - t[j] * t[j]) }
            for j in 0..<width { dO[j] = dh[j] * t[j] * o[j] * (1 - o[j]) }
            for j in 0..<width { dI[j] = dcOut[j] * g[j] * i[j] * (1 - i[j]) }
            for j in 0..<width { dF[j] = dcOut[j] * cPrev[j] * f[j] * (1 - f[j]) }
            for j in 0..<width { dG[j] = dcOut[j] * i[j] * (1 - g[j] * g[j]) }
            for j in 0..<width { dcOut[j] *= f[j] }
        }
    }
}
