/// What the replay observer reports of one gradient: its L2 norm and how many elements are NaN or infinite.
///
/// Cheap enough to compute for every gradient of every training step: the norm is one BLAS dot product, and
/// only a gradient whose norm comes out non-finite is scanned again to count NaN and infinities (and to
/// compute the norm in Double, in case only the Float32 sum overflowed).
public struct GradientSummary: Sendable, Equatable, Codable {
    /// The number of elements.
    public var count: Int
    /// The L2 norm, as `TensorStatistics.norm` defines it: NaN or infinite when an element is.
    public var norm: Float
    /// Elements that are NaN.
    public var nanCount: Int
    /// Elements equal to +infinity.
    public var positiveInfinityCount: Int
    /// Elements equal to -infinity.
    public var negativeInfinityCount: Int

    /// A summary from its parts.
    public init(count: Int, norm: Float, nanCount: Int, positiveInfinityCount: Int, negativeInfinityCount: Int) {
        self.count = count
        self.norm = norm
        self.nanCount = nanCount
        self.positiveInfinityCount = positiveInfinityCount
        self.negativeInfinityCount = negativeInfinityCount
    }

    /// The summary of `statistics`.
    public init(_ statistics: TensorStatistics) {
        self.init(
            count: statistics.count, norm: statistics.norm, nanCount: statistics.nanCount,
            positiveInfinityCount: statistics.positiveInfinityCount,
            negativeInfinityCount: statistics.negativeInfinityCount)
    }

    /// The summary of `tensor`'s elements.
    public init(of tensor: Tensor) {
        let squares = BLAS.sumOfSquares(tensor.pointer, count: tensor.count)
        guard squares.isFinite else {
            self.init(tensor.statistics())
            return
        }
        self.init(
            count: tensor.count, norm: squares.squareRoot(), nanCount: 0, positiveInfinityCount: 0,
            negativeInfinityCount: 0)
    }

    /// NaN and infinities together.
    public var nonFiniteCount: Int { nanCount + positiveInfinityCount + negativeInfinityCount }

    /// True when every element is finite.
    public var isFinite: Bool { nonFiniteCount == 0 }
}
