import Testing
@testable import Autobw

/// Reductions, products, reshaping, slicing, indexing, softmax and losses agree with central differences.
@Suite struct StructuralGradientTests {
    var inputs = Inputs(seed: 9)

    @Test mutating func sumOfAll() throws {
        try expectGradients([try inputs.uniform([2, 3])]) { try $0[0].sum() }
    }

    @Test mutating func sumAlongTheMiddleAxis() throws {
        try expectGradients([try inputs.uniform([2, 3, 4])]) { try $0[0].sum(axis: 1) }
    }

    @Test mutating func meanAlongTheLastAxisKeepingIt() throws {
        try expectGradients([try inputs.uniform([3, 4])]) { try $0[0].mean(axis: -1, keepingDimension: true) }
    }

    @Test mutating func meanOfAll() throws {
        try expectGradients([try inputs.uniform([3, 4])]) { try $0[0].mean() }
    }

    @Test mutating func maxAlongAnAxis() throws {
        // Distinct values spaced 0.1 apart keep ties (and so kinks) beyond a finite-difference step.
        let x = try Tensor(shape: [3, 4], scalars: (0..<12).map { Float(($0 * 7) % 12) * 0.1 })
        try expectGradients([x]) { try $0[0].max(axis: 0) }
    }

    @Test mutating func maxOfAll() throws {
        let x = try Tensor(shape: [2, 3], scalars: [0.3, -0.2, 0.9, 0.1, 0.5, -0.7])
        try expectGradients([x]) { try $0[0].max() }
    }

    @Test mutating func matmul() throws {
        try expectGradients([try inputs.uniform([3, 4]), try inputs.uniform([4, 5])]) { try $0[0].matmul($0[1]) }
    }

    @Test mutating func matmulTransposingTheLeftFactor() throws {
        try expectGradients([try inputs.uniform([4, 3]), try inputs.uniform([4, 5])]) {
            try $0[0].matmul($0[1], transposeSelf: true)
        }
    }

    @Test mutating func matmulTransposingTheRightFactor() throws {
        try expectGradients([try inputs.uniform([3, 4]), try inputs.uniform([5, 4])]) {
            try $0[0].matmul($0[1], transposeOther: true)
        }
    }

    @Test mutating func matmulTransposingBoth() throws {
        try expectGradients([try inputs.uniform([4, 3]), try inputs.uniform([5, 4])]) {
            try $0[0].matmul($0[1], transposeSelf: true, transposeOther: true)
        }
    }

    @Test mutating func batchedMatmul() throws {
        try expectGradients([try inputs.uniform([2, 3, 4]), try inputs.uniform([2, 4, 2])]) { try $0[0].matmul($0[1]) }
    }

    @Test mutating func foldedMatmulThroughOneWeight() throws {
        try expectGradients([try inputs.uniform([2, 3, 4]), try inputs.uniform([4, 2])]) { try $0[0].matmul($0[1]) }
    }

    @Test mutating func reshape() throws {
        try expectGradients([try inputs.uniform([2, 6])]) { try $0[0].reshaped([3, -1]) * $0[0].reshaped([3, 4]) }
    }

    @Test mutating func transpose() throws {
        try expectGradients([try inputs.uniform([2, 3, 4])]) { try $0[0].transposed() }
    }

    @Test mutating func narrow() throws {
        try expectGradients([try inputs.uniform([3, 5])]) { try $0[0].narrow(axis: 1, start: 1, length: 3) }
    }

    @Test mutating func splitIntoUnequalPieces() throws {
        try expectGradients([try inputs.uniform([2, 6])]) {
            let pieces = try $0[0].split(axis: 1, sizes: [1, 2, 3])
            return try pieces[0].sum() * pieces[1].sum() + pieces[2].tanh().sum()
        }
    }

    @Test mutating func chunkIntoGates() throws {
        try expectGradients([try inputs.uniform([2, 8])]) {
            let gates = try $0[0].chunked(4, axis: 1)
            return try gates[0].sigmoid() * gates[3].tanh()
        }
    }

    @Test mutating func concatenate() throws {
        try expectGradients([try inputs.uniform([2, 3]), try inputs.uniform([1, 3])]) {
            try Tensor.concatenate([$0[0], $0[1], $0[0]], axis: 0)
        }
    }

    @Test mutating func gatherWithRepeatedRows() throws {
        try expectGradients([try inputs.uniform([4, 3])]) { try $0[0].gather(rows: [2, 0, 2, 3]) }
    }

    @Test mutating func softmax() throws {
        try expectGradients([try inputs.uniform([3, 5], -2, 2)]) { try $0[0].softmax() }
    }

    @Test mutating func logSoftmax() throws {
        try expectGradients([try inputs.uniform([3, 5], -2, 2)]) { try $0[0].logSoftmax() }
    }

    @Test mutating func softmaxCrossEntropy() throws {
        try expectGradients([try inputs.uniform([4, 5], -2, 2)]) { try $0[0].softmaxCrossEntropy(targets: [0, 4, 2, 2]) }
    }

    @Test mutating func meanSquaredError() throws {
        try expectGradients([try inputs.uniform([3, 2]), try inputs.uniform([3, 2])]) { try $0[0].meanSquaredError($0[1]) }
    }

    @Test mutating func customOperation() throws {
        let cube = CustomOperation(name: "cube") { inputs in
            [try inputs[0] * inputs[0] * inputs[0]]
        } backward: { inputs, _, grads in
            [try grads[0] * inputs[0] * inputs[0] * 3]
        }
        try expectGradients([try inputs.uniform([5])]) { try cube([$0[0]])[0] }
    }
}
