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
    /// The Euclidean (L2) norm of the finite elements.
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

    /// NaN and infinities together.
    public var nonFiniteCount: Int { nanCount + positiveInfinityCount + negativeInfinityCount }

    /// True when every element is finite.
    public var isFinite: Bool { nonFiniteCount == 0 }
}

extension Tensor {
    /// Min, max, mean, L2 norm and the counts of NaN, +Inf, -Inf and zeros, in one pass over the elements.
    public func statistics() -> TensorStatistics {
        TensorStatistics(of: UnsafeBufferPointer(storage.buffer))
    }
}

extension TensorStatistics {
    /// One pass in 16-wide vectors; a block holding a non-finite element is redone element by element, so
    /// the common all-finite case never branches per element. Sums are kept per block in Float and
    /// accumulated in Double, so long tensors do not lose the small terms.
    init(of elements: UnsafeBufferPointer<Float>) {
        typealias Vector = SIMD16<Float>
        let width = Vector.scalarCount, block = 64 * width
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
        let vectorEnd = elements.count - elements.count % block
        while start < vectorEnd {
            var lowVector = Vector(repeating: .infinity), highVector = Vector(repeating: -.infinity)
            var sumVector = Vector(), squareVector = Vector()
            var zeroVector = SIMD16<Int32>(), finiteVector = SIMD16<Int32>()
            let one = SIMD16<Int32>(repeating: 1), none = SIMD16<Int32>()
            for offset in stride(from: start, to: start + block, by: width) {
                let x = UnsafeRawPointer(base + offset).loadUnaligned(as: Vector.self)
                // x - x is 0 for finite x and NaN for NaN and the infinities.
                let isFinite: SIMDMask<SIMD16<Int32>> = (x - x) .== Vector()
                let isZero: SIMDMask<SIMD16<Int32>> = x .== Vector()
                finiteVector &+= none.replacing(with: one, where: isFinite)
                zeroVector &+= none.replacing(with: one, where: isZero)
                lowVector = pointwiseMin(lowVector, x)
                highVector = pointwiseMax(highVector, x)
                sumVector += x
                squareVector += x * x
            }
            // Float sums overflow for huge finite elements: then the block is redone in Double as well.
            let blockSum = sumVector.sum(), blockSquares = squareVector.sum()
            if finiteVector.wrappedSum() == Int32(block), blockSum.isFinite, blockSquares.isFinite {
                finite += block
                zeros += Int(zeroVector.wrappedSum())
                low = Swift.min(low, lowVector.min())
                high = Swift.max(high, highVector.max())
                sum += Double(blockSum)
                squares += Double(blockSquares)
            } else {
                scalarPass(start, start + block)
            }
            start += block
        }
        scalarPass(start, elements.count)
        let mean: Float = finite > 0 ? Float(sum / Double(finite)) : 0
        let norm = Float(squares.squareRoot())
        self.init(
            count: elements.count, min: finite > 0 ? low : 0, max: finite > 0 ? high : 0, mean: mean, norm: norm,
            nanCount: nans,
            positiveInfinityCount: positiveInfinities, negativeInfinityCount: negativeInfinities, zeroCount: zeros)
    }
}
