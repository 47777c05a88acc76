/// OpenBLAS, the only place the engine calls into C (through `OpenBLASLibrary`, loaded on first use). Transposes
/// are passed as flags, never materialised.
public enum BLAS {
    private static var library: OpenBLASLibrary { OpenBLASLibrary.shared }

    /// The number of threads OpenBLAS uses for each GEMM. It starts at the number of cores; keep one core
    /// free for a UI thread. Values below 1 mean 1; values beyond what OpenBLAS was built for are capped by it.
    public static var threadCount: Int {
        get { Int(library.getThreads()) }
        set { library.setThreads(Int32(clamping: max(1, newValue))) }
    }

    /// The kernel set OpenBLAS runs (`Haswell`, `SkylakeX`, `Cooperlake`, ...; `Prescott` means its oldest,
    /// SSE3-only kernels). Report it with every performance figure.
    public static var coreName: String { library.core }

    /// How that kernel set was chosen: OpenBLAS's own choice, `OPENBLAS_CORETYPE`, or autobw's choice for a CPU
    /// that OpenBLAS does not know (see `KernelChoice`).
    public static var kernelSelection: String { library.selection }

    /// The sum of the squares of `count` floats (a dot product with itself, in OpenBLAS's vector kernel).
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var total: Float = 0, start = 0
        while start < count {
            let chunk = min(count - start, Int(Int32.max))
            total += library.sdot(Int32(chunk), x + start, 1, x + start, 1)
            start += chunk
        }
        return total
    }

    /// `c = alpha * op(a) * op(b) + beta * c` on row-major matrices, `op(a)` being `m x k` and `op(b)` `k x n`;
    /// the rows of `a` as stored are `lda` floats apart (by default adjacent).
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int? = nil, b: UnsafePointer<Float>, beta: Float = 0, c: UnsafeMutablePointer<Float>
    ) {
        let lda = lda ?? (transposeA ? m : k), ldb = transposeB ? k : n
        library.sgemm(
            OpenBLASLibrary.rowMajor, transposeA ? OpenBLASLibrary.transpose : OpenBLASLibrary.noTranspose,
            transposeB ? OpenBLASLibrary.transpose : OpenBLASLibrary.noTranspose, Int32(m), Int32(n), Int32(k), alpha, a,
            Int32(max(lda, 1)), b, Int32(max(ldb, 1)), beta, c, Int32(max(n, 1)))
    }
}
