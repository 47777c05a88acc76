/// How a tensor's finite elements spread between the smallest and the largest of them: counts in equal-width
/// bins, for a debugger's picture of a value or a gradient (`TensorStatistics` has the zeros and non-finite
/// counts beside it).
public struct ValueHistogram: Sendable, Equatable {
    /// The smallest finite element: the low edge of the first bin.
    public var lower: Float
    /// The largest finite element: the high edge of the last bin.
    public var upper: Float
    /// Finite elements per bin, low to high; all in the middle bin when every finite element is equal; all zero
    /// when none is finite.
    public var counts: [Int]

    /// A histogram from its parts.
    public init(lower: Float, upper: Float, counts: [Int]) {
        self.lower = lower
        self.upper = upper
        self.counts = counts
    }

    /// The bin `value` falls in; nil outside `lower...upper` (or when it is not finite).
    public func bin(of value: Float) -> Int? {
        guard !counts.isEmpty, value.isFinite, value >= lower, value <= upper else { return nil }
        guard upper > lower else { return counts.count / 2 }
        // In Double: between the largest floats of either sign, `value - lower` overflows Float.
        let position = (Double(value) - Double(lower)) / (Double(upper) - Double(lower)) * Double(counts.count)
        guard position.isFinite else { return nil }
        return Swift.min(counts.count - 1, Swift.max(0, Int(position)))
    }
}

extension Tensor {
    /// Counts of the finite elements in `bins` equal-width bins between the smallest and the largest of them
    /// (two passes over the elements).
    public func histogram(bins: Int = 24) -> ValueHistogram {
        let bins = Swift.max(1, bins)
        let elements = UnsafeBufferPointer(storage.buffer)
        var low = Float.infinity, high = -Float.infinity
        for value in elements where value.isFinite {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        guard low <= high else { return ValueHistogram(lower: 0, upper: 0, counts: [Int](repeating: 0, count: bins)) }
        var histogram = ValueHistogram(lower: low, upper: high, counts: [Int](repeating: 0, count: bins))
        for value in elements {
            if let bin = histogram.bin(of: value) { histogram.counts[bin] += 1 }
        }
        return histogram
    }
}
