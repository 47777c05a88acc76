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
            let z = row * 4 * width, s = row * width
            for j in 0..<width {
                let (i, f, o, g) = (act[z + j], act[z + width + j], act[z + 2 * width + j], act[z + 3 * width + j])
                let t = tc[s + j]
                let dcTotal = dCellNext[s + j] + dh[s + j] * o * (1 - t * t)
                dz[z + j] = dcTotal * g * i * (1 - i)
                dz[z + width + j] = dcTotal * c[s + j] * f * (1 - f)
                dz[z + 2 * width + j] = dh[s + j] * t * o * (1 - o)
                dz[z + 3 * width + j] = dcTotal * i * (1 - g * g)
                dPreviousCell[s + j] = dcTotal * f
            }
        }
    }
}
