import Testing
@testable import Autobw

/// Creation sites: by default an operator names the innermost module call around it; with
/// `TapeOptions.recordsCallStacks` every entry names the line that made it.
@Suite struct PreciseSiteTests {
    final class Scaled: Module, @unchecked Sendable {
        let gain = Parameter(Tensor([2, 3]))
        func callAsFunction(_ x: Tensor, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
            try scoped(file: file, line: line) {
                let product = try x * gain.value  // the operator's own line
                return try product.sum()
            }
        }
    }

    static let operatorLine = 11
    static let callLine = 23

    func record(_ options: TapeOptions) throws -> [TapeEntryInfo] {
        let model = Scaled(), tape = Tape(options: options)
        let x = tape.watch(Tensor([1, 1]))
        _ = try tape.record { try model(x) }  // the module call's line
        return tape.entries
    }

    @Test func byDefaultAnOperatorNamesTheModuleCallAroundIt() throws {
        let product = try #require(try record([]).first { $0.op == .mul })
        #expect(product.site == SourceSite(file: "AutobwTests/PreciseSiteTests.swift", line: Self.callLine))
    }

    @Test func withCallStacksEveryEntryNamesItsOwnLine() throws {
        let entries = try record(.recordsCallStacks)
        let product = try #require(entries.first { $0.op == .mul })
        #expect(product.site == SourceSite(file: "AutobwTests/PreciseSiteTests.swift", line: Self.operatorLine))
        #expect(entries.first { $0.op == .sum }?.site?.line == Self.operatorLine + 1)
    }
}
