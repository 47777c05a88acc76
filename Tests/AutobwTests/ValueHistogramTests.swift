import Testing
@testable import Autobw

/// Histograms of a tensor's finite values, for the debugger.
@Suite struct ValueHistogramTests {
    @Test func finiteValuesFallInEqualBinsBetweenTheSmallestAndLargest() {
        let histogram = Tensor([0, 1, 2, 3, 4, .nan, .infinity]).histogram(bins: 4)
        #expect(histogram.lower == 0 && histogram.upper == 4)
        #expect(histogram.counts == [1, 1, 1, 2])
    }

    @Test func theLargestFloatsOfBothSignsDoNotOverflowTheBinArithmetic() {
        // A diverging run's outputs: `value - lower` overflows Float here; it once trapped.
        let histogram = Tensor([-.greatestFiniteMagnitude, 1, .greatestFiniteMagnitude]).histogram(bins: 2)
        #expect(histogram.counts == [1, 2])
    }

    @Test func equalValuesGoToTheMiddleBinAndNoFiniteValueToNone() {
        #expect(Tensor([5, 5, 5]).histogram(bins: 3).counts == [0, 3, 0])
        #expect(Tensor([.nan, .infinity]).histogram(bins: 3).counts == [0, 0, 0])
    }
}
