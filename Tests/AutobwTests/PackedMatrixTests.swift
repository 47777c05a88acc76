import Foundation
import Testing
@testable import Autobw

/// The packed-operand products an LSTM layer runs per timestep (`PackedMatrix`), under every kernel this CPU runs
/// and under OpenBLAS, against a Float64 reference. `scripts/test` also runs the matmul tests with OpenBLAS on
/// one thread, where `matmul` itself takes the packed kernels for products with many rows.
@Suite struct PackedMatrixTests {
    /// Every way a product can run here: each kernel the CPU has, and OpenBLAS (`nil`).
    static let kernels: [PackedMatrix.Kernel?] = PackedMatrix.supportedKernels + [nil]

    @Test(arguments: kernels)
    func randomProductsMatchAFloat64Reference(kernel: PackedMatrix.Kernel?) throws {
        var generator = SeededGenerator(seed: 31)
        var shapes = [(m: Int, n: Int, k: Int)]()
        for _ in 0..<40 {
            shapes.append((1 + Int(generator.next() % 40), 1 + Int(generator.next() % 100), 1 + Int(generator.next() % 70)))
        }
        // The char-rnn recurrence's shapes, forward and backward, its recurrent weight gradient's terms, and
        // edges of tiles and panels.
        shapes += [
            (50, 512, 128), (50, 128, 512), (128, 512, 50), (128, 512, 50), (128, 512, 50), (10, 32, 1), (11, 33, 5), (6, 16, 3),
            (7, 17, 2), (1, 1, 1),
        ]
        for (index, (m, n, k)) in shapes.enumerated() {
            let transposed = index % 2 == 1, beta: Float = [0, 1, -1.5][index % 3]
            // Every fourth product multiplies `a^T` by `b` read in place, rows padded with NaN that must not
            // reach `c` (a weight gradient's term, `x^T dz`); the others `a`, with rows 0-2 floats apart more
            // than `k`, by `b` packed.
            let inPlace = index % 4 == 2 && kernel != nil
            let aRowStride = k + index % 3
            let a = (0..<(m * aRowStride)).map { _ in generator.nextNormal() }
            // Stored as op(b) (`[k, n]`) or as its transpose (`[n, k]`).
            let stored = try Tensor(shape: transposed ? [n, k] : [k, n], scalars: (0..<(k * n)).map { _ in generator.nextNormal() })
            let b = stored.scalars
            func elementA(_ i: Int, _ p: Int) -> Double { Double(inPlace ? a[p * m + i] : a[i * aRowStride + p]) }
            func elementB(_ p: Int, _ j: Int) -> Double { Double(transposed ? b[j * k + p] : b[p * n + j]) }
            let bRowStride = PackedMatrix.paddedRowStride(columns: n)
            var padded = [Float](repeating: .nan, count: k * bRowStride)
            for p in 0..<k { for j in 0..<n { padded[p * bRowStride + j] = Float(elementB(p, j)) } }
            var c = (0..<(m * n)).map { _ in generator.nextNormal() }
            let original = c
            let packed = PackedMatrix(stored, transposed: transposed, kernel: kernel)
            #expect(packed.rows == k && packed.columns == n)
            a.withUnsafeBufferPointer { pa in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let a = pa.baseAddress, let c = pc.baseAddress else { return }
                    if inPlace, let kernel {
                        PackedMatrix.multiply(
                            transposing: a, rows: m, by: padded, rows: k, columns: n, bRowStride: bRowStride, beta: beta,
                            into: c, kernel: kernel)
                    } else {
                        packed.multiply(a, rows: m, aRowStride: aRowStride, beta: beta, into: c)
                    }
                }
            }
            let worst = gemmErrorOverBound(
                m: m, n: n, k: k, beta: beta, a: elementA, b: elementB, original: original, result: c)
            #expect(worst <= 1, "m \(m) n \(n) k \(k) transposed \(transposed), in place \(inPlace), beta \(beta), kernel \(String(describing: kernel)): error \(worst) x bound")
        }
    }

    @Test func paddedRowsHoldWholePanelsAndAnOddNumberOfCacheLines() {
        for columns in [1, 31, 32, 33, 44, 512, 1000] {
            let stride = PackedMatrix.paddedRowStride(columns: columns)
            #expect(stride >= (columns + 31) / 32 * 32, "\(columns) columns")
            #expect(stride % 16 == 0 && (stride / 16) % 2 == 1, "\(columns) columns: stride \(stride)")
        }
    }

    @Test(arguments: kernels)
    func aZeroBetaNeverReadsTheOutput(kernel: PackedMatrix.Kernel?) throws {
        let (m, n, k) = (13, 40, 9)
        let b = try Tensor(shape: [k, n], scalars: (0..<(k * n)).map { Float($0 % 7) - 3 })
        let a = (0..<(m * k)).map { Float($0 % 5) - 2 }
        var c = [Float](repeating: .nan, count: m * n)
        let packed = PackedMatrix(b, transposed: false, kernel: kernel)
        a.withUnsafeBufferPointer { pa in
            c.withUnsafeMutableBufferPointer { pc in
                guard let a = pa.baseAddress, let c = pc.baseAddress else { return }
                packed.multiply(a, rows: m, beta: 0, into: c)
            }
        }
        let finite = c.allSatisfy { $0.isFinite }
        #expect(finite, "NaN from the output buffer leaked into a product with beta 0")
    }

    @Test func recurrencesTakeTheFastestKernelAtAnyThreadCount() throws {
        let weight = try Tensor(shape: [4, 8], scalars: (0..<32).map { Float($0) })
        #expect(PackedMatrix(weight, transposed: false).kernel == PackedMatrix.supportedKernels.first)
        #expect(PackedMatrix(weight, transposed: true).kernel == PackedMatrix.supportedKernels.first)
    }

    @Test func oneOffProductsTakeTheFastestKernelWhenOpenBLASRunsOnOneThread() {
        let fastest = BLAS.threadCount == 1 ? PackedMatrix.supportedKernels.first : nil
        // A char-rnn layer's input product, and shapes OpenBLAS keeps: few rows, a long `k`, a narrow `n`.
        #expect(PackedMatrix.kernel(rows: 2500, k: 128, n: 512) == fastest)
        #expect(PackedMatrix.kernel(rows: 50, k: 128, n: 512) == nil)
        #expect(PackedMatrix.kernel(rows: 2500, k: 2048, n: 512) == nil)
        #expect(PackedMatrix.kernel(rows: 2500, k: 128, n: 16) == nil)
    }

    /// `matmul` takes a kernel for products with many rows; its gradient with respect to the left factor is
    /// such a product with the right factor transposed.
    @Test(arguments: [false, true])
    func matmulWithManyRowsMatchesAFloat64Reference(transposeOther: Bool) throws {
        var inputs = Inputs(seed: 33)
        let (m, k, n) = (97, 40, 70)
        let a = try inputs.uniform([m, k]), b = try inputs.uniform(transposeOther ? [n, k] : [k, n])
        let (left, right) = (a.scalars, b.scalars)
        let c = try a.matmul(b, transposeOther: transposeOther)
        let worst = gemmErrorOverBound(
            m: m, n: n, k: k, beta: 0, a: { Double(left[$0 * k + $1]) },
            b: { Double(transposeOther ? right[$1 * k + $0] : right[$0 * n + $1]) },
            original: [Float](repeating: 0, count: m * n), result: c.scalars)
        #expect(worst <= 1, "error \(worst) x bound, kernel \(String(describing: PackedMatrix.kernel(rows: m, k: k, n: n)))")
    }

    @Test func theKernelsFollowTheCPUsFlags() {
        let flags = KernelChoice.cpuFlags()
        #expect(PackedMatrix.supportedKernels.contains(.avx512) == (flags.contains("avx512f") && flags.contains("fma")))
        #expect(PackedMatrix.supportedKernels.contains(.avx2) == (flags.contains("avx2") && flags.contains("fma")))
    }
}
