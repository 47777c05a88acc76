import CPackedGEMM

/// The right operand `b` of products `c = a b + beta c`, packed once for kernels of our own: an LSTM's recurrent
/// weight meets a new hidden state at every timestep, forward and backward, and a layer's weight meets a large
/// left operand once.
///
/// OpenBLAS repacks both operands on every call (its interface cannot keep one packed), so a recurrence repacks
/// its weight 50 times a sequence, and a product with thousands of rows copies them all first; on an LSTM's
/// recurrent shapes (`[50 x 128] x [128 x 512]`, `[50 x 512] x [512 x 128]`) its kernels also ran slower than
/// these in a loop with everything in cache. The kernels in `CPackedGEMM` read `a` where it is and keep a tile of
/// `c` in registers over all of `k`. They run on one thread. A recurrence takes them at any thread count: on two
/// threads of a 2-vCPU VM its char-rnn step ran 36-41 ms with them against 41-48 ms with OpenBLAS splitting each
/// small product, when the VM ran its two vCPUs at the speed of one, and 31-34 against 29-32 ms when it did not.
/// One-off products take them only while OpenBLAS runs on one thread; where the CPU has neither AVX-512 nor
/// AVX2, products go to OpenBLAS unchanged.
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

    /// The kernel for an operand that many products share: the fastest the CPU runs.
    static var fastestKernel: Kernel? { supportedKernels.first }

    /// The kernel for a one-off product `[m, k] x [k, n]` (packing `b` included), or nil where OpenBLAS is
    /// faster: without a kernel for this CPU, on several OpenBLAS threads, for few rows (packing `b` would not
    /// pay off), for a `k` whose panels outgrow the core's cache (these kernels do not block `k`), for narrow
    /// `n` (panels are padded to 32 columns) or a `b` too large to pack cheaply.
    static func kernel(rows m: Int, k: Int, n: Int) -> Kernel? {
        guard m >= 64, k <= 512, n >= 32, k * n <= 1 << 17, BLAS.threadCount == 1 else { return nil }
        return fastestKernel
    }

    /// `k`, the rows of `op(b)`.
    let rows: Int
    /// `n`, the columns of `op(b)` and of every product.
    let columns: Int
    private let storage: Storage

    private enum Storage {
        /// `op(b)` packed for `kernel`, in memory this object owns.
        case packed(Kernel, PackedBuffer)
        /// `b` as it is, for OpenBLAS, with `op` transposing it or not.
        case unpacked(Tensor, transposed: Bool)
    }

    /// The kernel `b` was packed for; nil when OpenBLAS multiplies.
    var kernel: Kernel? {
        if case .packed(let kernel, _) = storage { return kernel }
        return nil
    }

    /// Packs `op(b)`: the matrix `b` itself (`[k, n]`), or with `transposed` its transpose (`b` is `[n, k]`).
    /// Callers have checked that `b` is a matrix.
    init(_ b: Tensor, transposed: Bool, kernel: Kernel? = PackedMatrix.fastestKernel) {
        (rows, columns) = transposed ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard let kernel else {
            storage = .unpacked(b, transposed: transposed)
            return
        }
        storage = .packed(kernel, Self.pack(b.pointer, rows: rows, columns: columns, transposed: transposed, for: kernel))
    }

    /// Packs `op(b)` (`rows x columns`) for `kernel` from `b`, stored row-major as `op(b)` or, with `transposed`,
    /// as its transpose. `b` is read only here.
    init(_ b: UnsafePointer<Float>, rows: Int, columns: Int, transposed: Bool, kernel: Kernel) {
        (self.rows, self.columns) = (rows, columns)
        storage = .packed(kernel, Self.pack(b, rows: rows, columns: columns, transposed: transposed, for: kernel))
    }

    private static func pack(
        _ b: UnsafePointer<Float>, rows: Int, columns: Int, transposed: Bool, for kernel: Kernel
    ) -> PackedBuffer {
        let buffer = PackedBuffer(count: max(autobw_packed_gemm_size(kernel.rawValue, rows, columns), 1))
        let (rowStride, columnStride) = transposed ? (1, rows) : (columns, 1)
        autobw_packed_gemm_pack(kernel.rawValue, rows, columns, b, rowStride, columnStride, buffer.floats)
        return buffer
    }

    deinit {
        if case .packed(_, let buffer) = storage { buffer.release() }
    }

    /// `c = a op(b) + beta c` for a row-major `a` (`[m, k]`, rows `aRowStride` floats apart, by default `k`) and a
    /// contiguous `c` (`[m, n]`). With `beta == 0`, `c` is only written.
    func multiply(
        _ a: UnsafePointer<Float>, rows m: Int, aRowStride: Int? = nil, beta: Float, into c: UnsafeMutablePointer<Float>
    ) {
        switch storage {
        case .packed(let kernel, let packed):
            autobw_packed_gemm(kernel.rawValue, m, columns, rows, a, aRowStride ?? rows, packed.floats, beta, c, columns)
        case .unpacked(let b, let transposedB):
            BLAS.sgemm(
                transposeA: false, transposeB: transposedB, m: m, n: columns, k: rows, a: a, lda: aRowStride,
                b: b.pointer, beta: beta, c: c)
        }
    }

    /// `c = a^T b + beta c` with `b` (`[k, n]`, rows `bRowStride` floats apart) read where it lies, not packed:
    /// a weight gradient `x^T dz` added timestep by timestep while `dz` is in cache. `a` is `[k, m]` and `c`
    /// `[m, n]`, both contiguous. `bRowStride` comes from `paddedRowStride`, so every row's reads stay inside the
    /// buffer and rows do not collide in the cache.
    static func multiply(
        transposing a: UnsafePointer<Float>, rows m: Int, by b: UnsafePointer<Float>, rows k: Int, columns n: Int,
        bRowStride: Int, beta: Float, into c: UnsafeMutablePointer<Float>, kernel: Kernel
    ) {
        autobw_transposed_gemm(kernel.rawValue, m, n, k, a, m, b, bRowStride, beta, c, n)
    }

    /// A row stride for rows of `columns` floats that `multiply(transposing:by:...)` reads in place: the kernels
    /// read whole panels (`columns` rounded up to 32 floats), and rows a multiple of 512 bytes apart map to the
    /// same few sets of the first-level cache, where a tile's 50 rows evicted each other (char-rnn's gate rows
    /// are 2 KB). An odd number of cache lines spreads them over every set.
    static func paddedRowStride(columns: Int) -> Int {
        let lines = (columns + 31) / 32 * 2
        return (lines % 2 == 0 ? lines + 1 : lines) * 16
    }
}

/// A packed operand's memory: from the tensors' per-thread pool (`BufferPool`), since a training step packs the
/// same weights every time and writing to freshly allocated memory cost more than the packing itself; 16 spare
/// floats let the panels start on a cache line, so that each packed row is loaded whole.
struct PackedBuffer {
    private let base: UnsafeMutablePointer<Float>
    private let capacity: Int
    /// `count` floats starting on a cache line.
    let floats: UnsafeMutablePointer<Float>

    init(count: Int) {
        capacity = count + 16
        base = BufferPool.take(capacity)
        let misalignment = Int(bitPattern: base) % 64
        floats = base + (misalignment == 0 ? 0 : (64 - misalignment) / MemoryLayout<Float>.stride)
    }

    /// Hands the memory back to the pool.
    func release() { BufferPool.give(base, count: capacity) }
}
