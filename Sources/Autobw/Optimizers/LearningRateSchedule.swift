import Foundation

/// A learning rate as a function of training progress.
public protocol LearningRateSchedule: Sendable {
    /// The rate for step `step` (0-based) in epoch `epoch` (0-based).
    func learningRate(step: Int, epoch: Int) -> Float
}

/// Multiplies the rate by `factor` once per epoch from `startEpoch` on (char-rnn: 0.97 after epoch 10).
public struct StepDecay: LearningRateSchedule {
    /// The rate before decay starts.
    public let initial: Float
    /// The factor applied per epoch.
    public let factor: Float
    /// The first epoch whose end decays the rate.
    public let startEpoch: Int

    /// char-rnn's schedule by default.
    public init(initial: Float, factor: Float = 0.97, startEpoch: Int = 10) {
        self.initial = initial
        self.factor = factor
        self.startEpoch = startEpoch
    }

    public func learningRate(step: Int, epoch: Int) -> Float {
        initial * Foundation.pow(factor, Float(max(0, epoch - startEpoch)))
    }
}

/// Linear warm-up, then a half cosine from `initial` down to `minimum` at `totalSteps`.
public struct CosineDecay: LearningRateSchedule {
    /// The peak rate.
    public let initial: Float
    /// The rate at and after `totalSteps`.
    public let minimum: Float
    /// Steps until the minimum.
    public let totalSteps: Int
    /// Steps of linear warm-up from 0.
    public let warmupSteps: Int

    /// A cosine schedule.
    public init(initial: Float, minimum: Float = 0, totalSteps: Int, warmupSteps: Int = 0) {
        self.initial = initial
        self.minimum = minimum
        self.totalSteps = max(totalSteps, 1)
        self.warmupSteps = max(warmupSteps, 0)
    }

    public func learningRate(step: Int, epoch: Int) -> Float {
        if step < warmupSteps { return initial * Float(step + 1) / Float(warmupSteps) }
        let progress = min(1, Float(step - warmupSteps) / Float(max(totalSteps - warmupSteps, 1)))
        return minimum + (initial - minimum) * (1 + Foundation.cos(.pi * progress)) / 2
    }
}
