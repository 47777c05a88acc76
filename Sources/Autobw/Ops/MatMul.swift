/// Matrix products on OpenBLAS `sgemm`, with transposes passed as flags.
extension Tensor {
    /// `op(self) x op(other)`, where `op` transposes the last two dimensions when its flag is set.
    ///
    /// Shapes: `[m, k] x [k, n]`; batched `[b, m, k] x [b, k, n]`; and `[..., m, k] x [k, n]` (leading
    /// dimensions folded into one GEMM, e.g. every timestep through one weight).
    /// - Throws: `TensorError.shapeMismatch` when the inner dimensions differ or the ranks do not fit.
    public func matmul(
        _ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false, file: StaticString = #fileID,
        line: UInt = #line
    ) throws -> Tensor {
        let product = try MatMul(self.shape, transposeSelf, other.shape, transposeOther)
        let out = Tensor.uninitialized(product.outputShape)
        product.run(self.pointer, other.pointer, into: out.pointer)
        return try out.recorded(
            .matmul, at: CallSite(file, line), inputs: Operands(self, other), saving: Operands(self, other),
            backward: { ctx in
                var (a, b, g) = (ctx.saved[0], ctx.saved[1], ctx.grad)
                let shapeA = a.shape
                if product.sharedB && a.rank > 2 {
                    // Folded leading dimensions: differentiate the flat [rows, k] x [k, n] product.
                    a = a.reshapedUntracked([product.m, product.k])
                    g = g.reshapedUntracked([product.m, product.n])
                }
                // C = op(A) op(B): d op(A) = dC op(B)^T and d op(B) = op(A)^T dC; a transposed operand's
                // gradient is the transpose of that, computed directly by swapping the factors.
                let gradA = ctx.needsGradient(0)
                    ? (transposeSelf
                        ? try b.matmulUntracked(g, transposeOther, true)
                        : try g.matmulUntracked(b, false, !transposeOther))
                    : nil
                let gradB = ctx.needsGradient(1)
                    ? (transposeOther
                        ? try g.matmulUntracked(a, true, transposeSelf)
                        : try a.matmulUntracked(g, !transposeSelf, false))
                    : nil
                return Operands(gradA?.reshapedUntracked(shapeA), gradB)
            })
    }

    func matmulUntracked(_ other: Tensor, _ transposeSelf: Bool, _ transposeOther: Bool) throws -> Tensor {
        let product = try MatMul(shape, transposeSelf, other.shape, transposeOther)
        let out = Tensor.uninitialized(product.outputShape)
        product.run(pointer, other.pointer, into: out.pointer)
        return out
    }
}
/// The shape arithmetic of one (possibly batched) matrix product.
struct MatMul {
    let m: Int, n: Int, k: Int, batch: Int
    let transposeA: Bool, transposeB: Bool
    /// Whether B is shared by every batch element (folded leading dimensions).
    let sharedB: Bool
    let outputShape: [Int]

    init(_ a: [Int], _ transposeA: Bool, _ b: [Int], _ transposeB: Bool) throws {
        self.transposeA = transposeA
        self.transposeB = transposeB
        let describe = "\(Shape.describe(a))\(transposeA ? "^T" : "") x \(Shape.describe(b))\(transposeB ? "^T" : "")"
        guard a.count >= 2, b.count >= 2 else {
            throw TensorError.shapeMismatch(op: "matmul", detail: "needs rank 2 or more: \(describe)")
        }
        let (am, ak) = transposeA ? (a[a.count - 1], a[a.count - 2]) : (a[a.count - 2], a[a.count - 1])
        let (bk, bn) = transposeB ? (b[b.count - 1], b[b.count - 2]) : (b[b.count - 2], b[b.count - 1])
        guard ak == bk else {
            throw TensorError.shapeMismatch(op: "matmul", detail: "inner dimensions \(ak) and \(bk) differ: \(describe)")
        }
        k = ak
        n = bn
        if b.count == 2 && !transposeA {
            // Fold every leading dimension of A into the rows of one GEMM.
            m = Shape.count(Array(a.dropLast()))
            batch = 1
            sharedB = true
            outputShape = Array(a.dropLast()) + [bn]
        } else if a.count == b.count && Array(a.dropLast(2)) == Array(b.dropLast(2)) {
            m = am
            batch = Shape.count(Array(a.dropLast(2)))
            sharedB = false
            outputShape = Array(a.dropLast(2)) + [am, bn]
        } else {
            throw TensorError.shapeMismatch(op: "matmul", detail: "batch dimensions do not match: \(describe)")
        }
    }

    func run(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            c.initialize(repeating: 0, count: batch * m * n)
            return
        }
        if !transposeA, batch == 1, let kernel = PackedMatrix.kernel(rows: m, k: k, n: n) {
            let packed = PackedMatrix(b, rows: k, columns: n, transposed: transposeB, kernel: kernel)
            packed.multiply(a, rows: m, beta: 0, into: c)
            return
        }
        for i in 0..<batch {
            BLAS.sgemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                a: a + i * m * k, b: sharedB ? b : b + i * k * n, c: c + i * m * n)
        }
    }
}
