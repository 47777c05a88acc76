import Foundation

/// A seeded pseudo-random generator (xoshiro256**), so that runs with the same seed are identical.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        // SplitMix64 spreads the seed over the four state words, so nearby seeds give unrelated sequences.
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// A float uniformly distributed in `[0, 1)`.
    public mutating func nextUnit() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A normally distributed float (Box-Muller).
    public mutating func nextNormal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        let u1 = Swift.max(nextUnit(), .leastNormalMagnitude), u2 = nextUnit()
        return mean + standardDeviation * (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * .pi * u2)
    }
}

extension Tensor {
    /// A tensor of `shape` with elements uniform in `[low, high)`.
    /// - Throws: `TensorError.invalidArgument` for a negative dimension or a shape too large for memory.
    public static func uniform(
        _ shape: [Int], low: Float = 0, high: Float = 1, using generator: inout SeededGenerator
    ) throws -> Tensor {
        _ = try Shape.validatedCount(shape, op: "uniform")
        let out = Tensor.uninitialized(shape)
        for i in 0..<out.count { out.pointer[i] = low + (high - low) * generator.nextUnit() }
        return out
    }

    /// A tensor of `shape` with normally distributed elements.
    /// - Throws: `TensorError.invalidArgument` for a negative dimension or a shape too large for memory.
    public static func normal(
        _ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, using generator: inout SeededGenerator
    ) throws -> Tensor {
        _ = try Shape.validatedCount(shape, op: "normal")
        let out = Tensor.uninitialized(shape)
        for i in 0..<out.count { out.pointer[i] = generator.nextNormal(mean: mean, standardDeviation: standardDeviation) }
        return out
    }
}
