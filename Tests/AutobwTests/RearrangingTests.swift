import Testing
@testable import Autobw

/// Permuting, squeezing, broadcasting, stacking, selecting and padding: values checked element by element
/// against index arithmetic done here, gradients against central differences.
@Suite struct RearrangingTests {
    var inputs = Inputs(seed: 77)

    @Test mutating func permutedMovesEveryElementToItsPermutedIndex() throws {
        let x = try inputs.uniform([2, 3, 4])
        let y = try x.permuted([2, 0, 1])
        #expect(y.shape == [4, 2, 3])
        for a in 0..<2 { for b in 0..<3 { for c in 0..<4 { #expect(y.element(at: [c, a, b]) == x.element(at: [a, b, c])) } } }
        try expectGradients([x]) { try $0[0].permuted([2, 0, 1]) }
        try expectGradients([x]) { try $0[0].transposed(0, 2) }
        #expect(throws: TensorError.self) { try x.permuted([0, 0, 1]) }
    }

    @Test mutating func unitAxesComeAndGoWithoutChangingElements() throws {
        let x = try inputs.uniform([3, 1, 2])
        #expect(try x.unsqueezed(at: 0).shape == [1, 3, 1, 2] && x.unsqueezed(at: -1).shape == [3, 1, 2, 1])
        #expect(try x.squeezed().shape == [3, 2] && x.squeezed(axis: 1).scalars == x.scalars)
        #expect(throws: TensorError.self) { try x.squeezed(axis: 0) }
        #expect(try x.flattened().shape == [6] && x.flattened(from: 1).shape == [3, 2])
        try expectGradients([x]) { try $0[0].squeezed().unsqueezed(at: 1).flattened(from: 0, to: 1) }
    }

    @Test mutating func expandedRepeatsAlongBroadcastAxesAndSumsBack() throws {
        let x = try inputs.uniform([3, 1])
        let y = try x.expanded(to: [2, 3, 4])
        for a in 0..<2 { for b in 0..<3 { for c in 0..<4 { #expect(y.element(at: [a, b, c]) == x.element(at: [b, 0])) } } }
        try expectGradients([x]) { try $0[0].expanded(to: [2, 3, 4]) }
        #expect(throws: TensorError.self) { try x.expanded(to: [2, 2]) }
    }

    @Test mutating func stackAddsANewAxis() throws {
        let a = try inputs.uniform([2, 3]), b = try inputs.uniform([2, 3])
        let y = try Tensor.stack([a, b], axis: 1)
        #expect(y.shape == [2, 2, 3] && y.element(at: [1, 0, 2]) == a.element(at: [1, 2]) && y.element(at: [0, 1, 1]) == b.element(at: [0, 1]))
        try expectGradients([a, b]) { try Tensor.stack([$0[0], $0[1]], axis: 2) }
        #expect(throws: TensorError.self) { try Tensor.stack([a, try inputs.uniform([3, 2])]) }
    }

    @Test mutating func indexSelectPicksSlicesAndAddsRepeatsBack() throws {
        let x = try inputs.uniform([3, 4])
        let y = try x.indexSelect(axis: 1, indices: [3, 0, 3])
        #expect(y.shape == [3, 3])
        for r in 0..<3 { #expect(y.element(at: [r, 0]) == x.element(at: [r, 3]) && y.element(at: [r, 1]) == x.element(at: [r, 0])) }
        try expectGradients([x]) { try $0[0].indexSelect(axis: 1, indices: [3, 0, 3]) }
        #expect(throws: TensorError.self) { try x.indexSelect(axis: 0, indices: [3]) }
    }

    @Test mutating func paddedSurroundsAnAxisWithAConstant() throws {
        let x = try inputs.uniform([2, 2])
        let y = try x.padded(axis: 1, before: 1, after: 2, value: -7)
        #expect(y.shape == [2, 5] && y.element(at: [0, 0]) == -7 && y.element(at: [1, 4]) == -7)
        #expect(y.element(at: [1, 2]) == x.element(at: [1, 1]))
        try expectGradients([x]) { try $0[0].padded(axis: 0, before: 2, after: 1) }
        #expect(throws: TensorError.self) { try x.padded(axis: 0, before: -1, after: 0) }
    }

    @Test mutating func repeatedTilesEveryAxis() throws {
        let x = try inputs.uniform([2, 3])
        let y = try x.repeated([2, 3])
        #expect(y.shape == [4, 9])
        for i in 0..<4 { for j in 0..<9 { #expect(y.element(at: [i, j]) == x.element(at: [i % 2, j % 3])) } }
        try expectGradients([x]) { try $0[0].repeated([3, 2]) }
        #expect(throws: TensorError.self) { try x.repeated([2]) }
    }

    @Test mutating func gatheredPicksAlongAnAxisAsPyTorchsGather() throws {
        let x = try inputs.uniform([2, 4])
        let picks = [3, 0, 0, 1, 2, 2]
        let y = try x.gathered(axis: 1, indices: picks, indexShape: [2, 3])
        #expect(y.scalars == picks.enumerated().map { x.element(at: [$0.offset / 3, $0.element]) ?? 0 })
        try expectGradients([x]) { try $0[0].gathered(axis: 0, indices: [1, 0, 1, 1, 0, 0, 1, 0], indexShape: [2, 4]) }
        #expect(throws: TensorError.invalidArgument(op: "gather", detail: "index 4 outside 0..<4 of axis 1")) {
            try x.gathered(axis: 1, indices: [4, 0], indexShape: [2, 1])
        }
    }
}
