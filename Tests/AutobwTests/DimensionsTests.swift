import Testing
@testable import Autobw

/// A tensor's shape is kept as two packed words (`Dimensions`), with shapes that do not fit interned: every
/// shape reads back as given, and equal shapes compare equal however they are stored.
@Suite struct DimensionsTests {
    @Test(arguments: [[], [7], [2, 3], [2, 3, 4], [1, 2, 3, 4], [1, 2, 1, 3, 2], [2, 1, 2, 1, 2, 1, 2]])
    func everyRankReadsBackAsGiven(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        let x = try Tensor(shape: shape, scalars: (0..<count).map(Float.init))
        #expect(x.shape == shape)
        #expect(x.rank == shape.count)
        #expect(x.count == count)
        #expect(x.dimensions.elementCount == count)
    }

    @Test func dimensionsTooLargeToPackReadBackAsGiven() {
        for shape in [[0, 1 << 30], [1 << 31, 0], [0, 3, 1 << 40, 2], [0, 1, 2, 3, 1 << 50]] {
            let x = Tensor(shape: shape, storage: TensorStorage.make(count: 0))
            #expect(x.shape == shape)
            #expect(x.rank == shape.count)
            #expect(x.dimensions.elementCount == 0)
        }
        #expect(Dimensions([(1 << 30) - 1]).array == [(1 << 30) - 1])
    }

    @Test func equalShapesAreEqualAndOthersAreNot() {
        let shapes: [[Int]] = [[], [1], [2, 3], [3, 2], [2, 3, 1], [1, 2, 3, 4], [1, 2, 3, 4, 5], [1, 2, 3, 4, 6], [0, 1 << 35]]
        for a in shapes {
            for b in shapes {
                #expect((Dimensions(a) == Dimensions(b)) == (a == b), "\(a) vs \(b)")
            }
        }
    }

    @Test func highRankTensorsGetGradientsThroughEveryPath() throws {
        var inputs = Inputs()
        let x = try inputs.uniform([2, 1, 2, 1, 3, 2])
        let b = try inputs.uniform([3, 2])
        try expectGradients([x, b]) { v in
            try ((v[0] * 1.5).tanh() * v[1] + v[0].exp()).sum(axis: 4).reshaped([4, 2]).sum()
        }
    }
}
