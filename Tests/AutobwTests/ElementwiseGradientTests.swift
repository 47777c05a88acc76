import Testing
@testable import Autobw

/// Every elementwise op's backward agrees with central differences.
@Suite struct ElementwiseGradientTests {
    var inputs = Inputs()

    @Test mutating func addBroadcastingARow() throws {
        try expectGradients([try inputs.uniform([3, 4]), try inputs.uniform([4])]) { try $0[0] + $0[1] }
    }

    @Test mutating func addBroadcastingBothWays() throws {
        try expectGradients([try inputs.uniform([3, 1]), try inputs.uniform([1, 4])]) { try $0[0] + $0[1] }
    }

    @Test mutating func subtract() throws {
        try expectGradients([try inputs.uniform([2, 3]), try inputs.uniform([2, 3])]) { try $0[0] - $0[1] }
    }

    @Test mutating func subtractBroadcastingAColumn() throws {
        try expectGradients([try inputs.uniform([2, 3]), try inputs.uniform([2, 1])]) { try $0[0] - $0[1] }
    }

    @Test mutating func multiply() throws {
        try expectGradients([try inputs.uniform([2, 3]), try inputs.uniform([2, 3])]) { try $0[0] * $0[1] }
    }

    @Test mutating func multiplyBroadcastingAScalarTensor() throws {
        try expectGradients([try inputs.uniform([2, 3]), try inputs.uniform([])]) { try $0[0] * $0[1] }
    }

    @Test mutating func multiplyBroadcastingRank3() throws {
        try expectGradients([try inputs.uniform([2, 1, 3]), try inputs.uniform([4, 1])]) { try $0[0] * $0[1] }
    }

    @Test mutating func divide() throws {
        try expectGradients([try inputs.uniform([2, 3]), try inputs.uniform([2, 3], 0.5, 1.5)]) { try $0[0] / $0[1] }
    }

    @Test mutating func divideBroadcasting() throws {
        try expectGradients([try inputs.uniform([2, 3]), try inputs.uniform([3], 0.5, 1.5)]) { try $0[0] / $0[1] }
    }

    @Test mutating func negate() throws {
        try expectGradients([try inputs.uniform([5])]) { try -$0[0] }
    }

    @Test mutating func scalarArithmetic() throws {
        try expectGradients([try inputs.uniform([4])]) { try (2 - ((($0[0] * 1.5) + 0.25) / 4)) }
    }

    @Test mutating func exp() throws {
        try expectGradients([try inputs.uniform([2, 3])]) { try $0[0].exp() }
    }

    @Test mutating func log() throws {
        try expectGradients([try inputs.uniform([2, 3], 0.5, 2)]) { try $0[0].log() }
    }

    @Test mutating func sqrt() throws {
        try expectGradients([try inputs.uniform([2, 3], 0.5, 2)]) { try $0[0].sqrt() }
    }

    @Test mutating func pow() throws {
        try expectGradients([try inputs.uniform([2, 3], 0.5, 1.5)]) { try $0[0].pow(3) }
    }

    @Test mutating func fractionalPow() throws {
        try expectGradients([try inputs.uniform([4], 0.5, 1.5)]) { try $0[0].pow(-1.5) }
    }

    @Test mutating func tanh() throws {
        try expectGradients([try inputs.uniform([2, 3], -2, 2)]) { try $0[0].tanh() }
    }

    @Test mutating func sigmoid() throws {
        try expectGradients([try inputs.uniform([2, 3], -3, 3)]) { try $0[0].sigmoid() }
    }

    @Test mutating func relu() throws {
        try expectGradients([try inputs.awayFromZero([3, 4])]) { try $0[0].relu() }
    }

    @Test mutating func clamp() throws {
        // Inputs are at least 0.2 from zero, so none sits within a finite-difference step of a bound of +-0.1.
        try expectGradients([try inputs.awayFromZero([3, 4])]) { try ($0[0] * 0.5).clamp(-0.1, 0.1) + $0[0] * 0.01 }
    }
}
