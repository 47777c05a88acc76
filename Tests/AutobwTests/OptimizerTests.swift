import Foundation
import Testing
@testable import Autobw

/// Each optimizer's update rule against its formula for two steps, plus clipping and schedules.
@Suite struct OptimizerTests {
    /// A one-element parameter at `w` whose gradient is set to each of `gradients` in turn before a step.
    static func run(_ make: ([(name: String, parameter: Parameter)]) -> Optimizer, w: Float, gradients: [Float]) -> [Float] {
        let parameter = Parameter(Tensor([w]))
        let optimizer = make([("w", parameter)])
        var trajectory = [Float]()
        for g in gradients {
            parameter.grad = Tensor([g])
            optimizer.step()
            trajectory.append(parameter.value.scalars[0])
        }
        return trajectory
    }

    @Test func plainSGD() throws {
        let w = Self.run({ SGD($0, learningRate: 0.1) }, w: 1, gradients: [2, -1])
        expectClose(w, [1 - 0.2, 0.8 + 0.1])
    }

    @Test func sgdWithMomentumAndWeightDecay() throws {
        let w = Self.run({ SGD($0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) }, w: 1, gradients: [2, -1])
        let g1: Float = 2 + 0.01 * 1, w1 = 1 - 0.1 * g1
        let g2: Float = -1 + 0.01 * w1, v2 = 0.9 * g1 + g2
        expectClose(w, [w1, w1 - 0.1 * v2])
    }

    @Test func sgdWithNesterovMomentum() throws {
        let w = Self.run({ SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true) }, w: 1, gradients: [2, -1])
        let w1: Float = 1 - 0.1 * (2 + 0.9 * 2)
        let v2: Float = 0.9 * 2 - 1
        expectClose(w, [w1, w1 - 0.1 * (-1 + 0.9 * v2)])
    }

    @Test func rmsPropWithCharRNNDefaults() throws {
        let w = Self.run({ RMSProp($0) }, w: 1, gradients: [2, -1])
        let m1: Float = 0.05 * 4, w1 = 1 - 2e-3 * 2 / (m1.squareRoot() + 1e-8)
        let m2: Float = 0.95 * m1 + 0.05 * 1
        expectClose(w, [w1, w1 + 2e-3 * 1 / (m2.squareRoot() + 1e-8)])
    }

    @Test func adagrad() throws {
        let w = Self.run({ Adagrad($0, learningRate: 0.1) }, w: 1, gradients: [2, -1])
        let w1: Float = 1 - 0.1 * 2 / 2
        expectClose(w, [w1, w1 + 0.1 * 1 / Float(5).squareRoot()])
    }

    @Test func adamWithBiasCorrection() throws {
        let w = Self.run({ Adam($0, learningRate: 0.1) }, w: 1, gradients: [2, -1])
        // Step 1: m/(1-b1) = g and v/(1-b2) = g^2, so the step is lr * sign(g).
        let w1: Float = 1 - 0.1 * 2 / (2 + 1e-8)
        let m2: Float = 0.9 * 0.2 + 0.1 * -1, v2: Float = 0.999 * 0.004 + 0.001 * 1
        let step2 = (m2 / (1 - 0.81)) / ((v2 / (1 - 0.999 * 0.999)).squareRoot() + 1e-8)
        expectClose(w, [w1, w1 - 0.1 * step2], tolerance: 1e-5)
    }

    @Test func adamWDecaysWeightsOutsideTheGradient() throws {
        let w = Self.run({ Adam.adamW($0, learningRate: 0.1, weightDecay: 0.5) }, w: 1, gradients: [2, 2])
        let w1: Float = 1 * (1 - 0.05) - 0.1
        let w2: Float = w1 * (1 - 0.05) - 0.1      // equal gradients keep Adam's normalised step at lr
        expectClose(w, [w1, w2], tolerance: 1e-5)
    }

    @Test func parametersWithoutGradientsAreLeftAlone() throws {
        let moved = Parameter(Tensor([1])), still = Parameter(Tensor([1]))
        let optimizer = SGD([("a", moved), ("b", still)], learningRate: 1)
        moved.grad = Tensor([1])
        optimizer.step()
        #expect(moved.value.scalars == [0] && still.value.scalars == [1])
    }

    @Test func elementwiseClampLimitsEachGradient() throws {
        let p = Parameter(Tensor([0, 0, 0]))
        p.grad = Tensor([-7, 3, 9])
        GradientClipping.clampElements(of: [("p", p)], to: 5)
        #expect(p.grad?.scalars == [-5, 3, 5])
    }

    @Test func globalNormClippingScalesAllGradientsTogether() throws {
        let a = Parameter(Tensor([0])), b = Parameter(Tensor([0]))
        a.grad = Tensor([3])
        b.grad = Tensor([4])
        let norm = try GradientClipping.clipGlobalNorm(of: [("a", a), ("b", b)], to: 1)
        #expect(norm == 5)
        expectClose([a.grad?.scalars[0] ?? 0, b.grad?.scalars[0] ?? 0], [0.6, 0.8])
    }

    @Test func zeroGradClearsEveryParameter() throws {
        let p = Parameter(Tensor([0]))
        p.grad = Tensor([1])
        SGD([("p", p)], learningRate: 1).zeroGrad()
        #expect(p.grad == nil)
    }

    @Test func stepDecayFollowsCharRNN() throws {
        let schedule = StepDecay(initial: 2e-3)
        #expect(schedule.learningRate(step: 0, epoch: 9) == 2e-3)
        #expect(schedule.learningRate(step: 0, epoch: 10) == 2e-3)
        expectClose([schedule.learningRate(step: 0, epoch: 12)], [2e-3 * 0.97 * 0.97])
    }

    @Test func cosineDecayWarmsUpThenFallsToTheMinimum() throws {
        let schedule = CosineDecay(initial: 1, minimum: 0.1, totalSteps: 110, warmupSteps: 10)
        expectClose([schedule.learningRate(step: 4, epoch: 0)], [0.5])
        expectClose([schedule.learningRate(step: 10, epoch: 0)], [1])
        expectClose([schedule.learningRate(step: 60, epoch: 0)], [0.55])
        expectClose([schedule.learningRate(step: 500, epoch: 0)], [0.1])
    }
}
