/// A summary of a tensor's elements, computed in one pass: what a debugger shows instead of the numbers.
///
/// `min`, `max`, `mean` and `norm` are over the finite elements; NaN and infinities are counted apart, so one
/// bad element does not hide the scale of the rest. With no finite element they are 0.
public struct TensorStatistics: Sendable, Equatable, Codable {
    /// The number of elements.
    public var count: Int
    /// The smallest finite element.
    public var min: Float
    /// The largest finite element.
    public var max: Float
    /// The mean of the finite elements.
    public var mean: Float
    /// The Euclidean (L2) norm of all the elements: NaN when one is NaN, infinite when one is infinite (or
    /// when the norm of finite elements is beyond Float's range; the sum of squares itself is kept in Double).
    public var norm: Float
    /// Elements that are NaN.
    public var nanCount: Int
    /// Elements equal to +infinity.
    public var positiveInfinityCount: Int
    /// Elements equal to -infinity.
    public var negativeInfinityCount: Int
    /// Elements equal to zero.
    public var zeroCount: Int

    /// Statistics from their parts (tape dumps are read back with this).
    public init(
        count: Int, min: Float, max: Float, mean: Float, norm: Float, nanCount: Int, positiveInfinityCount: Int,
        negativeInfinityCount: Int, zeroCount: Int
    ) {
        self.count = count
        self.min = min
        self.max = max
        self.mean = mean
        self.norm = norm
        self.nanCount = nanCount
        self.positiveInfinityCount = positiveInfinityCount
        self.negativeInfinityCount = negativeInfinityCount
        self.zeroCount = zeroCount
    }

    /// NaN and infinities together (saturating: statistics built by hand may hold any counts).
    public var nonFiniteCount: Int {
        let (partial, overflowA) = nanCount.addingReportingOverflow(positiveInfinityCount)
        let (total, overflowB) = partial.addingReportingOverflow(negativeInfinityCount)
        return overflowA || overflowB ? Int.max : total
    }

    /// True when every element is finite.
    public var isFinite: Bool { nonFiniteCount == 0 }
}

extension TensorStatistics {
    private enum CodingKeys: String, CodingKey {
        case count, min, max, mean, norm, nanCount, positiveInfinityCount, negativeInfinityCount, zeroCount
    }

    /// Reads statistics back (from a tape dump), refusing counts that no tensor could have: negative, or
    /// together more than its elements. A damaged file is an error here, not a trap in whatever adds them up.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let count = try container.decode(Int.self, forKey: .count)
        let counts = try [CodingKeys.nanCount, .positiveInfinityCount, .negativeInfinityCount, .zeroCount].map {
            try container.decode(Int.self, forKey: $0)
        }
        var total = 0
        for part in counts {
            let (sum, overflow) = total.addingReportingOverflow(part)
            guard count >= 0, part >= 0, !overflow, sum <= count else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: container.codingPath,
                        debugDescription: "element counts \(counts) do not fit a tensor of \(count) elements"))
            }
            total = sum
        }
        self.init(
            count: count, min: try container.decode(Float.self, forKey: .min),
            max: try container.decode(Float.self, forKey: .max), mean: try container.decode(Float.self, forKey: .mean),
            norm: try container.decode(Float.self, forKey: .norm), nanCount: counts[0], positiveInfinityCount: counts[1],
            negativeInfinityCount: counts[2], zeroCount: counts[3])
    }
}

extension Tensor {
    /// Min, max, mean, L2 norm and the counts of NaN, +Inf, -Inf and zeros, in one pass over the elements.
    public func statistics() -> TensorStatistics {
        TensorStatistics(of: UnsafeBufferPointer(storage.buffer))
    }
}

extension TensorStatistics {
    /// One pass in blocks; a block holding a non-finite element is redone element by element, so the common
    /// all-finite case needs no per-element branches. Sums are kept per block in Float and
    /// accumulated in Double, so long tensors do not lose the small terms.
    init(of elements: UnsafeBufferPointer<Float>) {
        let block = 1024
        var low = Float.infinity, high = -Float.infinity
        var sum: Double = 0, squares: Double = 0
        var zeros = 0, nans = 0, positiveInfinities = 0, negativeInfinities = 0, finite = 0
        guard let base = elements.baseAddress else {
            self.init(
                count: 0, min: 0, max: 0, mean: 0, norm: 0, nanCount: 0, positiveInfinityCount: 0,
                negativeInfinityCount: 0, zeroCount: 0)
            return
        }

        func scalarPass(_ start: Int, _ end: Int) {
            for i in start..<end {
                let x = base[i]
                if x.isNaN {
                    nans += 1
                } else if x == .infinity {
                    positiveInfinities += 1
                } else if x == -.infinity {
                    negativeInfinities += 1
                } else {
                    finite += 1
                    if x == 0 { zeros += 1 }
                    low = Swift.min(low, x)
                    high = Swift.max(high, x)
                    sum += Double(x)
                    squares += Double(x) * Double(x)
                }
            }
        }

        var start = 0
        let blockEnd = elements.count - elements.count % block
        while start < blockEnd {
            // Branch-free over the block in Float; `x - x` is 0 exactly for finite x.
            var blockLow = Float.infinity, blockHigh = -Float.infinity
            var blockSum: Float = 0, blockSquares: Float = 0, blockFinite = 0, blockZeros = 0
            for i in start..<(start + block) {
                let x = base[i]
                blockFinite &+= x - x == 0 ? 1 : 0
                blockZeros &+= x == 0 ? 1 : 0
                blockLow = x < blockLow ? x : blockLow
                blockHigh = x > blockHigh ? x : blockHigh
                blockSum += x
                blockSquares += x * x
            }
            // Float sums overflow for huge finite elements: then the block is redone in Double as well.
            if blockFinite == block, blockSum.isFinite, blockSquares.isFinite {
                finite += block
                zeros += blockZeros
                low = Swift.min(low, blockLow)
                high = Swift.max(high, blockHigh)
                sum += Double(blockSum)
                squares += Double(blockSquares)
            } else {
                scalarPass(start, start + block)
            }
            start += block
        }
        scalarPass(start, elements.count)
        let mean: Float = finite > 0 ? Float(sum / Double(finite)) : 0
        let norm: Float =
            nans > 0 ? .nan : positiveInfinities + negativeInfinities > 0 ? .infinity : Float(squares.squareRoot())
        self.init(
            count: elements.count, min: finite > 0 ? low : 0, max: finite > 0 ? high : 0, mean: mean, norm: norm,
            nanCount: nans,
            positiveInfinityCount: positiveInfinities, negativeInfinityCount: negativeInfinities, zeroCount: zeros)
    }
}
