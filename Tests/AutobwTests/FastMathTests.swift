import Foundation
import Testing
@testable import Autobw

/// The vectorisable exp/tanh/sigmoid stay within a few ulp of the C library's.
@Suite struct FastMathTests {
    static let samples: [Float] = stride(from: -30, through: 30, by: 0.0137).map { Float($0) } + [0, 1e-5, -1e-5, 3e-3, 100, -100]

    @Test func expIsWithinFourUlpOfFoundationInTheNormalRange() throws {
        for x in Self.samples where x > -87 && x < 88 {
            let expected = Foundation.exp(x)
            #expect(abs(FastMath.exp(x) - expected) <= 4 * expected.ulp, "exp(\(x))")
        }
        #expect(FastMath.exp(-100) == 0 && FastMath.exp(100) == .infinity)
    }

    @Test func tanhIsWithinTwoMillionthsOfFoundation() throws {
        for x in Self.samples {
            #expect(abs(FastMath.tanh(x) - Foundation.tanh(x)) <= 2e-7 + 4 * Foundation.tanh(abs(x)).ulp, "tanh(\(x))")
        }
    }

    @Test func sigmoidMatchesItsDefinitionAndSaturatesCleanly() throws {
        for x in Self.samples {
            let expected = 1 / (1 + Foundation.exp(-Double(x)))
            #expect(abs(Double(FastMath.sigmoid(x)) - expected) <= 3e-7, "sigmoid(\(x))")
        }
        #expect(FastMath.sigmoid(-1000) == 0 && FastMath.sigmoid(1000) == 1)
    }
}
