import CPackedGEMM

/// The right operand `b` of many products `c = a b + beta c`, packed once: an LSTM's recurrent weight meets a
/// new hidden state at every timestep, forward and backward.
///
/// OpenBLAS repacks `b` on every call (its interface cannot keep a packed operand), and on these short, thin
/// products (`[50 x 128] x [128 x 512]`) its kernels ran at about half their large-GEMM speed inside a char-rnn
/// step. The kernels in `CPackedGEMM` keep `b` packed and a tile of `c` in registers over all of `k`. Where the
/// CPU has neither AVX-512 nor AVX2, or OpenBLAS runs on several threads (it splits a product between them and
/// these kernels do not), products go to OpenBLAS unchanged.
final class PackedMatrix {
    /// A packing and multiplying kernel, by the instruction set it needs.
    enum Kernel: Int32, CaseIterable, Sendable {
        case avx512 = 1
        case avx2 = 2

        /// The CPU flags (`/proc/cpuinfo` names) the kernel needs.
        var requiredFlags: [String] {
            switch self {
            case .avx512: ["avx512f", "fma"]
            case .avx2: ["avx2", "fma"]
            }
        }
    }

    /// The kernels this CPU runs, fastest first (by cpuid, so an emulator that hides AVX-512 is respected).
    static let supportedKernels: [Kernel] = {
        let flags = KernelChoice.cpuFlags()
        return Kernel.allCases.filter { $0.requiredFlags.allSatisfy(flags.contains) }
    }()

    /// The kernel new packings use: the fastest the CPU runs while OpenBLAS runs on one thread, else none.
    static var preferredKernel: Kernel? { BLAS.threadCount == 1 ? supportedKernels.first : nil }

    /// `k`, the rows of `op(b)`.
    let rows: Int
    /// `n`, the columns of `op(b)` and of every product.
    let columns: Int
    /// The kernel `b` was packed for; nil when OpenBLAS multiplies.
    let kernel: Kernel?
    private let source: Tensor
    private let transposed: Bool
    private let packed: UnsafeMutablePointer<Float>?

    /// Packs `op(b)`: the matrix `b` itself (`[k, n]`), or with `transposed` its transpose (`b` is `[n, k]`).
    /// Callers have checked that `b` is a matrix.
    init(_ b: Tensor, transposed: Bool, kernel: Kernel? = PackedMatrix.preferredKernel) {
        (source, self.transposed, self.kernel) = (b, transposed, kernel)
        (rows, columns) = transposed ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard let kernel else {
            packed = nil
            return
        }
        let count = autobw_packed_gemm_size(kernel.rawValue, rows, columns)
        // A cache line's alignment, so that each packed row of a panel is loaded whole.
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        let floats = memory.bindMemory(to: Float.self, capacity: max(count, 1))
        let (rowStride, columnStride) = transposed ? (1, rows) : (columns, 1)
        autobw_packed_gemm_pack(kernel.rawValue, rows, columns, b.pointer, rowStride, columnStride, floats)
        packed = floats
    }

    deinit { packed?.deallocate() }

    /// `c = a op(b) + beta c` for a contiguous row-major `a` (`[m, k]`) and `c` (`[m, n]`). With `beta == 0`, `c`
    /// is only written.
    func multiply(_ a: UnsafePointer<Float>, rows m: Int, beta: Float, into c: UnsafeMutablePointer<Float>) {
        guard let kernel, let packed else {
            BLAS.sgemm(
                transposeA: false, transposeB: transposed, m: m, n: columns, k: rows, a: a,
                b: source.pointer, beta: beta, c: c)
            return
        }
        autobw_packed_gemm(kernel.rawValue, m, columns, rows, a, rows, packed, beta, c, columns)
    }
}
