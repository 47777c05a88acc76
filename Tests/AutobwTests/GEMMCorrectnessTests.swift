import Foundation
import Testing
@testable import Autobw

/// OpenBLAS's GEMM against a Float64 reference: random shapes, every transpose, alpha and beta. `scripts/test`
/// runs this suite once under each OpenBLAS kernel set the CPU supports (`OPENBLAS_CORETYPE`).
@Suite struct GEMMCorrectnessTests {
    @Test func theRequestedKernelSetIsTheOneRunning() throws {
        guard let requested = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !requested.isEmpty else { return }
        #expect(BLAS.coreName.lowercased() == requested.lowercased(), "asked for \(requested), running \(BLAS.coreName)")
    }

    @Test func randomProductsMatchAFloat64Reference() throws {
        var generator = SeededGenerator(seed: 21)
        var shapes = [(m: Int, n: Int, k: Int)]()
        for _ in 0..<60 {
            shapes.append((1 + Int(generator.next() % 64), 1 + Int(generator.next() % 64), 1 + Int(generator.next() % 64)))
        }
        shapes += [(1, 1, 1), (257, 129, 300), (128, 512, 33), (3, 300, 511)]
        for (index, (m, n, k)) in shapes.enumerated() {
            let transposeA = index % 2 == 1, transposeB = index / 2 % 2 == 1
            let alpha: Float = [1, -0.5, 2.25][index % 3], beta: Float = [0, 1, -1.5][index / 3 % 3]
            let a = (0..<(m * k)).map { _ in generator.nextNormal() }, b = (0..<(k * n)).map { _ in generator.nextNormal() }
            var c = (0..<(m * n)).map { _ in generator.nextNormal() }
            let original = c
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        guard let a = pa.baseAddress, let b = pb.baseAddress, let c = pc.baseAddress else { return }
                        BLAS.sgemm(
                            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, b: b,
                            beta: beta, c: c)
                    }
                }
            }
            // op(A)[i, p] and op(B)[p, j] in the row-major layouts the flags describe.
            func elementA(_ i: Int, _ p: Int) -> Double { Double(transposeA ? a[p * m + i] : a[i * k + p]) }
            func elementB(_ p: Int, _ j: Int) -> Double { Double(transposeB ? b[j * k + p] : b[p * n + j]) }
            let worst = gemmErrorOverBound(
                m: m, n: n, k: k, alpha: alpha, beta: beta, a: elementA, b: elementB, original: original, result: c)
            #expect(worst <= 1, "m \(m) n \(n) k \(k) transposes \(transposeA) \(transposeB) alpha \(alpha) beta \(beta) on \(BLAS.coreName): error \(worst) x bound")
        }
    }
}
