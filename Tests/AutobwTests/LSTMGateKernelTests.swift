import CVectorLoops
import Foundation
import Testing
@testable import Autobw

/// The LSTM step's C loops (compiled for the CPU's widest vector units) compute what `FastMath` and the
/// LSTM equations say, within rounding.
@Suite struct LSTMGateKernelTests {
    static let samples: [Float] = FastMathTests.samples + [-87.2, 88.6, 1e-30, -1e-30]

    static func applied(_ function: (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void, to xs: [Float]) -> [Float] {
        var ys = [Float](repeating: 0, count: xs.count)
        ys.withUnsafeMutableBufferPointer { out in xs.withUnsafeBufferPointer { function($0.baseAddress, out.baseAddress, xs.count) } }
        return ys
    }

    @Test func expMatchesFastMathAndFoundation() {
        let ys = Self.applied(autobw_exp, to: Self.samples)
        for (x, y) in zip(Self.samples, ys) where x > -87 && x < 88 {
            #expect(abs(y - FastMath.exp(x)) <= 2 * y.ulp, "exp(\(x))")
            #expect(abs(y - Foundation.exp(x)) <= 4 * Foundation.exp(x).ulp, "exp(\(x))")
        }
        #expect(Self.applied(autobw_exp, to: [-100, 100, .infinity, -.infinity]) == [0, .infinity, .infinity, 0])
    }

    @Test func tanhAndSigmoidMatchFoundation() {
        let tanhs = Self.applied(autobw_tanh, to: Self.samples), sigmoids = Self.applied(autobw_sigmoid, to: Self.samples)
        for (k, x) in Self.samples.enumerated() {
            #expect(abs(tanhs[k] - Foundation.tanh(x)) <= 2e-7 + 4 * Foundation.tanh(abs(x)).ulp, "tanh(\(x))")
            #expect(abs(Double(sigmoids[k]) - 1 / (1 + Foundation.exp(-Double(x)))) <= 3e-7, "sigmoid(\(x))")
        }
        #expect(Self.applied(autobw_tanh, to: [1000, -1000]) == [1, -1])
        #expect(Self.applied(autobw_sigmoid, to: [1000, -1000]) == [1, 0])
    }

    /// A diverging run must be seen as diverging: NaN in, NaN out, never a finite number.
    @Test func notANumberStaysNotANumber() {
        for function in [autobw_exp, autobw_tanh, autobw_sigmoid] {
            #expect(Self.applied(function, to: [.nan, -.nan]).allSatisfy { $0.isNaN })
        }
    }

    @Test func forwardLoopsFollowTheLSTMEquations() {
        let (batch, width) = (3, 37)     // 37: vector bodies and scalar tails both run
        var generator = SeededGenerator(seed: 7)
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.next() % 2001) / 500 - 2 } }
        let xg = random(batch * 4 * width), hg = random(batch * 4 * width), bias = random(4 * width)
        let cell = random(batch * width)
        var act = [Float](repeating: 0, count: xg.count)
        var next = [Float](repeating: 0, count: cell.count), tanhCell = next, hidden = next
        LSTMKernels.activations(xg, hg, bias, into: &act, batch: batch, width: width)
        LSTMKernels.cellUpdate(act, cell, nextCell: &next, tanhCell: &tanhCell, hidden: &hidden, batch: batch, width: width)
        var inPlace = zip(xg, hg).map { $0 + $1 }
        LSTMKernels.activationsInPlace(&inPlace, bias: bias, batch: batch, width: width)
        for row in 0..<batch {
            for j in 0..<width {
                let z = (0..<4).map { gate in
                    let k = gate * width + j
                    return Double(xg[row * 4 * width + k]) + Double(hg[row * 4 * width + k]) + Double(bias[k])
                }
                let (i, f, o) = (1 / (1 + Foundation.exp(-z[0])), 1 / (1 + Foundation.exp(-z[1])), 1 / (1 + Foundation.exp(-z[2])))
                let g = Foundation.tanh(z[3])
                let c = f * Double(cell[row * width + j]) + i * g
                #expect(abs(Double(next[row * width + j]) - c) <= 2e-6 * max(1, abs(c)))
                #expect(abs(Double(hidden[row * width + j]) - o * Foundation.tanh(c)) <= 2e-6)
                #expect(abs(Double(act[row * 4 * width + 3 * width + j]) - g) <= 2e-6)
            }
        }
        #expect(zip(inPlace, act).allSatisfy { abs($0 - $1) <= 2e-6 })
    }

    /// In place (the cell gradient overwritten by the previous cell's) and into a separate buffer; with the
    /// hidden state's gradient given whole or as two parts (a layer's output and its next step).
    @Test(arguments: [true, false], [true, false])
    func backwardLoopMatchesTheDerivatives(inPlace: Bool, hiddenGradientInTwoParts: Bool) {
        let (batch, width) = (2, 21)
        var generator = SeededGenerator(seed: 11)
        func unit(_ count: Int) -> [Float] { (0..<count).map { _ in Float(generator.next() % 999 + 1) / 1000 } }
        let act = unit(batch * 4 * width), previous = unit(batch * width), tanhCell = unit(batch * width)
        let dhFirst = unit(batch * width), dcNext = unit(batch * width), dhSecond = unit(batch * width)
        let dh = hiddenGradientInTwoParts ? zip(dhFirst, dhSecond).map { $0 + $1 } : dhFirst
        var dGates = [Float](repeating: 0, count: act.count), dPrevious = inPlace ? dcNext : Array(repeating: 0, count: dcNext.count)
        dhSecond.withUnsafeBufferPointer { second in
            let more = hiddenGradientInTwoParts ? second.baseAddress : nil
            if inPlace {
                dPrevious.withUnsafeMutableBufferPointer { both in
                    LSTMKernels.cellBackward(
                        activations: act, previousCell: previous, tanhCell: tanhCell, dHidden: dhFirst, plus: more,
                        dCellNext: both.baseAddress!, dGates: &dGates, dPreviousCell: both.baseAddress!, batch: batch,
                        width: width)
                }
            } else {
                LSTMKernels.cellBackward(
                    activations: act, previousCell: previous, tanhCell: tanhCell, dHidden: dhFirst, plus: more,
                    dCellNext: dcNext, dGates: &dGates, dPreviousCell: &dPrevious, batch: batch, width: width)
            }
        }
        for row in 0..<batch {
            for j in 0..<width {
                let a = { (gate: Int) in Double(act[row * 4 * width + gate * width + j]) }
                let s = row * width + j
                let (t, h) = (Double(tanhCell[s]), Double(dh[s]))
                let dc = Double(dcNext[s]) + h * a(2) * (1 - t * t)
                let expected = [dc * a(3) * a(0) * (1 - a(0)), dc * Double(previous[s]) * a(1) * (1 - a(1)),
                                h * t * a(2) * (1 - a(2)), dc * a(0) * (1 - a(3) * a(3))]
                for gate in 0..<4 { #expect(abs(Double(dGates[row * 4 * width + gate * width + j]) - expected[gate]) <= 1e-6) }
                #expect(abs(Double(dPrevious[s]) - dc * a(1)) <= 1e-6)
            }
        }
    }
}
