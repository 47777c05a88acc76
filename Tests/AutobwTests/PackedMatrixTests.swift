import Foundation
import Testing
@testable import Autobw

/// The packed-operand products an LSTM layer runs per timestep (`PackedMatrix`), under every kernel this CPU runs
/// and under OpenBLAS, against a Float64 reference. `scripts/test` also runs the LSTM module tests with OpenBLAS
/// on one thread, where the layer itself takes the packed kernels.
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
        // The char-rnn recurrence's shapes, forward and backward, and edges of tiles and panels.
        shapes += [(50, 512, 128), (50, 128, 512), (10, 32, 1), (11, 33, 5), (6, 16, 3), (7, 17, 2), (1, 1, 1)]
        for (index, (m, n, k)) in shapes.enumerated() {
            let transposed = index % 2 == 1, beta: Float = [0, 1, -1.5][index % 3]
            let a = (0..<(m * k)).map { _ in generator.nextNormal() }
            // Stored as op(b) (`[k, n]`) or as its transpose (`[n, k]`).
            let stored = try Tensor(shape: transposed ? [n, k] : [k, n], scalars: (0..<(k * n)).map { _ in generator.nextNormal() })
            let b = stored.scalars
            var c = (0..<(m * n)).map { _ in generator.nextNormal() }
            let original = c
            let packed = PackedMatrix(stored, transposed: transposed, kernel: kernel)
            #expect(packed.rows == k && packed.columns == n)
            a.withUnsafeBufferPointer { pa in
                c.withUnsafeMutableBufferPointer { pc in
                    guard let a = pa.baseAddress, let c = pc.baseAddress else { return }
                    packed.multiply(a, rows: m, beta: beta, into: c)
                }
            }
            func elementB(_ p: Int, _ j: Int) -> Double { Double(transposed ? b[j * k + p] : b[p * n + j]) }
            let worst = gemmErrorOverBound(
                m: m, n: n, k: k, beta: beta, a: { Double(a[$0 * k + $1]) }, b: elementB, original: original, result: c)
            #expect(worst <= 1, "m \(m) n \(n) k \(k) transposed \(transposed) beta \(beta), kernel \(String(describing: kernel)): error \(worst) x bound")
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

    @Test func theFastestKernelRunsWhenOpenBLASRunsOnOneThread() {
        if BLAS.threadCount == 1 {
            #expect(PackedMatrix.preferredKernel == PackedMatrix.supportedKernels.first)
        } else {
            #expect(PackedMatrix.preferredKernel == nil)
        }
    }

    @Test func theKernelsFollowTheCPUsFlags() {
        let flags = KernelChoice.cpuFlags()
        #expect(PackedMatrix.supportedKernels.contains(.avx512) == (flags.contains("avx512f") && flags.contains("fma")))
        #expect(PackedMatrix.supportedKernels.contains(.avx2) == (flags.contains("avx2") && flags.contains("fma")))
    }
}
