import AutobwTestSupport
import Foundation
import Testing
@testable import Autobw

/// safetensors checkpoints: exact round trips, atomic writes, and clear errors for corrupt files.
@Suite struct CheckpointTests {
    let directory = temporaryFolder("checkpoints")

    static func model(seed: UInt64) throws -> Sequential {
        var g = SeededGenerator(seed: seed)
        return Sequential([try Linear(3, 4, generator: &g), Tanh(), try Linear(4, 2, generator: &g)])
    }

    /// One training step on fixed data; returns the loss.
    @discardableResult
    static func trainStep(_ model: Sequential, _ optimizer: Optimizer) throws -> Float {
        var g = SeededGenerator(seed: 99)
        let x = try Tensor.uniform([5, 3], low: -1, high: 1, using: &g)
        optimizer.zeroGrad()
        let tape = Tape()
        let loss = try tape.record { try model(x).softmaxCrossEntropy(targets: [0, 1, 1, 0, 1]) }
        try tape.backward(from: loss)
        optimizer.step()
        return try loss.item()
    }

    @Test func aRoundTripIsBitExact() throws {
        let original = try Self.model(seed: 1), restored = try Self.model(seed: 2)
        let path = directory + "/model.safetensors"
        try Checkpoint.save(model: original, step: 42, to: path)
        let step = try Checkpoint.load(from: path, into: restored)
        #expect(step == 42)
        for (a, b) in zip(original.parameters, restored.parameters) {
            #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern))
        }
    }

    @Test func anOptimizerStepAfterReloadEqualsOneOnTheOriginal() throws {
        let original = try Self.model(seed: 1)
        let optimizer = Adam(original.namedParameters(), learningRate: 0.01)
        for _ in 0..<3 { try Self.trainStep(original, optimizer) }
        let path = directory + "/training.safetensors"
        try Checkpoint.save(model: original, optimizer: optimizer, step: 3, to: path)

        let restored = try Self.model(seed: 7)
        let restoredOptimizer = Adam(restored.namedParameters(), learningRate: 0.01)
        #expect(try Checkpoint.load(from: path, into: restored, optimizer: restoredOptimizer) == 3)
        #expect(restoredOptimizer.stepCount == 3)

        try Self.trainStep(original, optimizer)
        try Self.trainStep(restored, restoredOptimizer)
        for (a, b) in zip(original.parameters, restored.parameters) { #expect(a.value.scalars == b.value.scalars) }
    }

    @Test func theFileIsSafetensorsWithTensorsUnderParameterNames() throws {
        let path = directory + "/named.safetensors"
        try Checkpoint.save(model: try Self.model(seed: 1), step: 1, to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(length % 8 == 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any]
        let weight = header?["1.weight"] as? [String: Any]
        #expect(weight?["dtype"] as? String == "F32")
        #expect(weight?["shape"] as? [Int] == [3, 4])
        #expect((header?["__metadata__"] as? [String: String])?["step"] == "1")
    }

    @Test func aTruncatedFileIsRejected() throws {
        let data = try SafeTensors.encode(["w": Tensor([1, 2, 3])])
        #expect(throws: CheckpointError.self) { try SafeTensors.decode(data.prefix(data.count - 4)) }
        #expect(throws: CheckpointError.self) { try SafeTensors.decode(data.prefix(5)) }
    }

    @Test func anOversizedHeaderLengthIsRejectedWithoutAllocating() throws {
        var data = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array("{}".utf8))
        #expect {
            try SafeTensors.decode(data)
        } throws: { error in
            if case CheckpointError.headerTooLarge = error { return true }
            return false
        }
    }

    @Test func malformedHeadersAreRejected() throws {
        for json in ["not json", "[1, 2]", #"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0]}}"#,
                     #"{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#,
                     #"{"__metadata__": {"a": 1}}"#] {
            var data = Data()
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(contentsOf: Array(json.utf8))
            #expect(throws: CheckpointError.self, "\(json)") { try SafeTensors.decode(data) }
        }
    }

    @Test func offsetsThatDoNotMatchTheShapeAreRejected() throws {
        let json = #"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8) + [UInt8](repeating: 0, count: 8))
        #expect(throws: CheckpointError.badOffsets(name: "w", detail: "8 bytes for 3 elements of F32 (12 expected)")) {
            try SafeTensors.decode(data)
        }
    }

    @Test func otherFloatTypesAreConvertedToFloat32() throws {
        // F16 1.5 = 0x3E00, BF16 -2 = 0xC000, F64 0.25.
        let json = #"{"a": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}, "b": {"dtype": "BF16", "shape": [1], "data_offsets": [2, 4]}, "c": {"dtype": "F64", "shape": [1], "data_offsets": [4, 12]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8))
        data.append(contentsOf: [0x00, 0x3E, 0x00, 0xC0])
        withUnsafeBytes(of: (0.25 as Double).bitPattern.littleEndian) { data.append(contentsOf: $0) }
        let tensors = try SafeTensors.decode(data).tensors
        #expect(tensors["a"]?.scalars == [1.5] && tensors["b"]?.scalars == [-2] && tensors["c"]?.scalars == [0.25])
    }

    @Test func anUnsupportedDTypeIsNamed() throws {
        let json = #"{"ids": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}"#
        var data = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8) + [0])
        #expect(throws: CheckpointError.unsupportedDType(name: "ids", dtype: "F8_E4M3")) { try SafeTensors.decode(data) }
    }

    @Test func aMismatchedModelIsRejectedAndLeftUntouched() throws {
        let path = directory + "/small.safetensors"
        var g = SeededGenerator(seed: 3)
        try Checkpoint.save(model: Sequential([try Linear(3, 5, generator: &g)]), step: 0, to: path)
        let other = try Self.model(seed: 4)
        let before = other.parameters.map(\.value.scalars)
        #expect(throws: CheckpointError.self) { try Checkpoint.load(from: path, into: other) }
        #expect(other.parameters.map(\.value.scalars) == before)
    }

    @Test func aMissingFileIsAnUnreadableError() throws {
        #expect {
            try Checkpoint.load(from: directory + "/nope.safetensors", into: try Self.model(seed: 1))
        } throws: { error in
            if case CheckpointError.unreadable = error { return true }
            return false
        }
    }

    @Test func aFailedWriteLeavesThePreviousFileIntact() throws {
        let path = directory + "/keep.safetensors"
        try Checkpoint.save(model: try Self.model(seed: 1), step: 1, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: CheckpointError.self) {
            try AtomicFile.write(Data([1, 2, 3]), to: directory + "/no-such-dir/keep.safetensors")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func rewritingReplacesTheWholeFile() throws {
        let path = directory + "/replace.safetensors"
        try AtomicFile.write(Data(repeating: 7, count: 1000), to: path)
        try AtomicFile.write(Data([1, 2]), to: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2]))
    }
}
