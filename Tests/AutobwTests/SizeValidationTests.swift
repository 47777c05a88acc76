import Testing
@testable import Autobw

/// Sizes from users that once trapped (negative, overflowing, needing absurd memory) are thrown errors that
/// name the argument.
@Suite struct SizeValidationTests {
    func expectError(naming text: String, _ body: () throws -> Void) {
        let error = #expect(throws: TensorError.self) { try body() }
        #expect(error?.description.contains(text) == true, "\(String(describing: error))")
    }

    @Test func negativeLayerSizesAreErrors() throws {
        var g = SeededGenerator(seed: 1)
        expectError(naming: "hiddenSize") { _ = try LSTMCell(inputSize: 3, hiddenSize: -2, generator: &g) }
        expectError(naming: "outputSize") { _ = try Linear(3, 0, generator: &g) }
        expectError(naming: "layerCount") { _ = try LSTM(inputSize: 3, hiddenSize: 2, layerCount: -1, generator: &g) }
        expectError(naming: "dimension") { _ = try Embedding(count: 3, dimension: -5, generator: &g) }
    }

    @Test func layersTooLargeForMemoryAreErrors() throws {
        var g = SeededGenerator(seed: 1)
        expectError(naming: "too large") { _ = try Linear(1 << 30, 1 << 30, generator: &g) }
        expectError(naming: "too large") { _ = try LSTMCell(inputSize: 2, hiddenSize: Int.max / 2, generator: &g) }
    }

    @Test func factoriesRejectShapesWhoseCountOverflows() throws {
        expectError(naming: "[1099511627776, 1099511627776]") { _ = try Tensor.zeros([1 << 40, 1 << 40]) }
        expectError(naming: "too large") { _ = try Tensor.ones([Int.max, 2]) }
    }

    @Test func aZeroDimensionDoesNotHideAnOverflowingShape() throws {
        expectError(naming: "too large") { _ = try Tensor(shape: [0, 1 << 62, 4], scalars: []) }
        #expect(try Tensor(shape: [0, 5], scalars: []).count == 0)
    }

    @Test func reshapeToAnOverflowingShapeIsAnError() throws {
        expectError(naming: "too large") { _ = try Tensor([1, 2]).reshaped([Int.max, 2]) }
        expectError(naming: "too large") { _ = try Tensor([1, 2]).reshaped([-1, Int.max, 4]) }
    }

    @Test func narrowWithAHugeLengthIsAnError() throws {
        expectError(naming: "length \(Int.max)") { _ = try Tensor([1, 2, 3]).narrow(axis: 0, start: 1, length: Int.max) }
        expectError(naming: "start") { _ = try Tensor([1, 2, 3]).narrow(axis: 0, start: Int.max, length: 1) }
    }

    @Test func splitSizesThatOverflowAreAnError() throws {
        expectError(naming: "sizes") { _ = try Tensor([1, 2, 3]).split(axis: 0, sizes: [Int.max, Int.max, 5]) }
    }

    @Test func threadCountsBeyondInt32AreCapped() throws {
        let before = BLAS.threadCount
        defer { BLAS.threadCount = before }
        BLAS.threadCount = Int.max
        #expect(BLAS.threadCount >= 1)
        BLAS.threadCount = Int.min
        #expect(BLAS.threadCount == 1)
    }
}

/// Building a tensor by writing its elements in place.
@Suite struct InitializingTensorTests {
    @Test func theElementsAreWhatTheBodyWrote() throws {
        let tensor = try Tensor(shape: [2, 3]) { buffer in
            for i in buffer.indices { buffer[i] = Float(i) * 0.5 }
        }
        #expect(tensor.shape == [2, 3] && tensor.scalars == [0, 0.5, 1, 1.5, 2, 2.5])
    }

    @Test func aShapeTooLargeIsAnErrorBeforeTheBodyRuns() {
        var ran = false
        #expect(throws: TensorError.self) { try Tensor(shape: [1 << 40, 1 << 40]) { _ in ran = true } }
        #expect(!ran)
    }
}
