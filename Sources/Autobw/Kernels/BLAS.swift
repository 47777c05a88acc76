import CBLAS

/// OpenBLAS, the only place the engine calls into C. Transposes are passed as flags, never materialised.
public enum BLAS {
    /// The number of threads OpenBLAS uses for each GEMM. It starts at the number of cores; keep one core
    /// free for a UI thread. Values below 1 mean 1; values beyond what OpenBLAS was built for are capped by it.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(clamping: max(1, newValue))) }
    }

    /// The kernel set OpenBLAS chose for this CPU (`Haswell`, `SkylakeX`, `Cooperlake`, ...; `Prescott` means its
    /// oldest, SSE3-only kernels). Report it with every performance figure.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The sum of the squares of `count` floats (a dot product with itself, in OpenBLAS's vector kernel).
    static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var total: Float = 0, start = 0
        while start < count {
            let chunk = min(count - start, Int(Int32.max))
            total += cblas_sdot(blasint(chunk), x + start, 1, x + start, 1)
            start += chunk
        }
        return total
    }

    /// `c = alpha * op(a) * op(b) + beta * c` on row-major matrices, `op(a)` being `m x k` and `op(b)` `k x n`.
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0, c: UnsafeMutablePointer<Float>
    ) {
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a, blasint(max(lda, 1)), b, blasint(max(ldb, 1)), beta, c,
            blasint(max(n, 1)))
    }
}
