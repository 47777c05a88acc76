import Foundation
import Synchronization
import Testing
@testable import Autobw

/// Values a front end holds never change under it: parameter values and gradients are snapshots.
@Suite struct SnapshotTests {
    static func trainingStep(_ layer: Linear, _ optimizer: SGD, _ x: Tensor) throws {
        optimizer.zeroGrad()
        let tape = Tape()
        try tape.backward(from: try tape.record { try layer(x).tanh().sum() })
        optimizer.step()
    }

    @Test func aHeldValueDoesNotChangeWhenTheOptimizerSteps() throws {
        var g = SeededGenerator(seed: 1)
        let layer = try Linear(3, 2, generator: &g)
        let optimizer = SGD(layer.namedParameters(), learningRate: 0.5)
        let held = layer.weight.value
        let before = held.scalars
        try Self.trainingStep(layer, optimizer, try Tensor.uniform([4, 3], using: &g))
        #expect(held.scalars == before)
        #expect(layer.weight.value.scalars != before)
    }

    @Test func aHeldGradientDoesNotChangeWhenMoreAccumulates() throws {
        let w = Parameter(Tensor([1, 2]))
        let first = Tape()
        try first.backward(from: try first.record { try (w.value * 3).sum() })
        let held = try #require(w.grad)
        let second = Tape()
        try second.backward(from: try second.record { try (w.value * 3).sum() })
        #expect(held.scalars == [3, 3] && w.grad?.scalars == [6, 6])
    }

    @Test func anUnsharedParameterIsUpdatedInPlace() throws {
        let w = Parameter(Tensor([1, 2]))
        let address = w.value.withUnsafeBufferPointer { $0.baseAddress }
        w.update { $0[0] = 5 }
        #expect(w.value.withUnsafeBufferPointer { $0.baseAddress } == address && w.value.scalars == [5, 2])
    }

    @Test func copiedTensorsShareNothing() throws {
        var original = Tensor([1, 2, 3])
        let copy = original.copied()
        try original.withUnsafeMutableBufferPointer { $0[0] = 9 }
        #expect(copy.scalars == [1, 2, 3] && !copy.isRecorded)
    }

    /// A reader thread takes snapshots of the weights and gradients while training runs, through the
    /// parameter's lock, and keeps going until training ends.
    @Test func aReaderThreadTakesSnapshotsWhileTrainingRuns() throws {
        var g = SeededGenerator(seed: 2)
        let layer = try Linear(16, 16, generator: &g)
        let optimizer = SGD(layer.namedParameters(), learningRate: 0.01)
        let x = try Tensor.uniform([8, 16], using: &g)
        let done = Atomic<Bool>(false)
        let snapshots = Atomic<Int>(0)
        let reader = Thread { [layer] in
            while !done.load(ordering: .acquiring) {
                let weight = layer.weight.snapshot(), gradient = layer.weight.gradientSnapshot()
                _ = weight.statistics()
                _ = gradient?.statistics()
                snapshots.add(1, ordering: .relaxed)
            }
        }
        reader.start()
        for _ in 0..<200 { try Self.trainingStep(layer, optimizer, x) }
        done.store(true, ordering: .releasing)
        while !reader.isFinished { usleep(1000) }
        #expect(snapshots.load(ordering: .relaxed) > 0)
    }
}
