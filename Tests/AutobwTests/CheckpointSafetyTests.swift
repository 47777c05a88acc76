import AutobwTestSupport
import Foundation
import Testing
@testable import Autobw

/// Checkpoints from untrusted sources: metadata validated, hostile headers rejected cheaply, layouts accepted
/// whatever their order, failed loads leaving everything untouched, and no leftovers from killed writers.
@Suite struct CheckpointSafetyTests {
    let directory = temporaryFolder("safety")

    static func file(header json: String, body: [UInt8]) -> Data {
        var data = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8))
        data.append(contentsOf: body)
        return data
    }

    /// A trained model and its Adam state saved to `path`; returns fresh copies to load into.
    func savedCheckpoint(at path: String) throws -> (model: Sequential, optimizer: Adam) {
        let model = try CheckpointTests.model(seed: 1)
        let optimizer = Adam(model.namedParameters(), learningRate: 0.01)
        try CheckpointTests.trainStep(model, optimizer)
        try Checkpoint.save(model: model, optimizer: optimizer, step: 7, to: path)
        let fresh = try CheckpointTests.model(seed: 2)
        return (fresh, Adam(fresh.namedParameters(), learningRate: 0.01))
    }

    func rewriteMetadata(at path: String, _ change: (inout [String: String]) -> Void, keep: Bool = true) throws {
        let (tensors, metadata) = try SafeTensors.read(path)
        var changed = metadata
        change(&changed)
        try SafeTensors.write(tensors, metadata: keep ? changed : [:], to: path)
    }

    @Test(arguments: [String(Int.max), "-1", "twelve", "1e3", ""])
    func anImpossibleOptimizerStepCountIsRefusedNamingTheField(_ value: String) throws {
        let path = directory + "/steps.safetensors"
        let (model, optimizer) = try savedCheckpoint(at: path)
        try rewriteMetadata(at: path) { $0["optimizer_steps"] = value }
        let before = model.parameters.map(\.value.scalars)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(from: path, into: model, optimizer: optimizer) }
        #expect(error?.description.contains("optimizer_steps") == true)
        #expect(model.parameters.map(\.value.scalars) == before && optimizer.stepCount == 0)
    }

    @Test func aMissingMetadataBlockIsRefusedWhenResumingAnOptimizer() throws {
        let path = directory + "/bare.safetensors"
        let (model, optimizer) = try savedCheckpoint(at: path)
        try rewriteMetadata(at: path, { _ in }, keep: false)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(from: path, into: model, optimizer: optimizer) }
        #expect(error?.description.contains("__metadata__") == true)
        #expect(try Checkpoint.load(from: path, into: model) == 0)
    }

    @Test func anotherOptimizersStateIsRefused() throws {
        let path = directory + "/kind.safetensors"
        let (model, _) = try savedCheckpoint(at: path)
        let sgd = SGD(model.namedParameters(), learningRate: 0.1)
        let error = #expect(throws: CheckpointError.self) { try Checkpoint.load(from: path, into: model, optimizer: sgd) }
        #expect(error?.description.contains("Adam") == true)
    }

    @Test func aBadStepIsRefused() throws {
        let path = directory + "/step.safetensors"
        let (model, _) = try savedCheckpoint(at: path)
        try rewriteMetadata(at: path) { $0["step"] = "-5" }
        #expect(throws: CheckpointError.badMetadata(field: "step", detail: "-5 is outside 0...\(Checkpoint.maximumStep)")) {
            try Checkpoint.load(from: path, into: model)
        }
    }

    @Test func anEmptyTensorMaySitAnywhereWhateverTheHeaderOrder() throws {
        let f32 = #""f32":{"dtype":"F32","shape":[12],"data_offsets":[0,48]}"#
        let before = #""a":{"dtype":"F32","shape":[2],"data_offsets":[48,56]}"#
        let empty = #""empty":{"dtype":"F32","shape":[0,3],"data_offsets":[48,48]}"#
        let body = [UInt8](repeating: 0, count: 56)
        for header in ["{\(f32),\(empty),\(before)}", "{\(empty),\(f32),\(before)}", "{\(before),\(f32),\(empty)}"] {
            let tensors = try SafeTensors.decode(Self.file(header: header, body: body)).tensors
            #expect(tensors["empty"]?.shape == [0, 3] && tensors["f32"]?.count == 12, "\(header)")
        }
        let atEnd = #"{"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        #expect(try SafeTensors.decode(Self.file(header: atEnd, body: [0, 0, 128, 63])).tensors["w"]?.scalars == [1])
    }

    @Test func gapsAndOverlapsAreStillErrors() throws {
        let gap = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#
        let overlap = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        #expect(throws: CheckpointError.badOffsets(name: "b", detail: "starts at byte 8, expected 4 (gap)")) {
            try SafeTensors.decode(Self.file(header: gap, body: [UInt8](repeating: 0, count: 12)))
        }
        #expect(throws: CheckpointError.badOffsets(name: "b", detail: "starts at byte 4, expected 8 (overlap)")) {
            try SafeTensors.decode(Self.file(header: overlap, body: [UInt8](repeating: 0, count: 8)))
        }
    }

    @Test func integerAndBooleanTensorsBecomeFloats() throws {
        let header = #"{"i":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"b":{"dtype":"BOOL","shape":[2],"data_offsets":[16,18]},"u":{"dtype":"U8","shape":[1],"data_offsets":[18,19]}}"#
        var body = [UInt8]()
        withUnsafeBytes(of: Int64(-3).littleEndian) { body += $0 }
        withUnsafeBytes(of: Int64(1 << 20).littleEndian) { body += $0 }
        body += [1, 0, 200]
        let tensors = try SafeTensors.decode(Self.file(header: header, body: body)).tensors
        #expect(tensors["i"]?.scalars == [-3, 1_048_576])
        #expect(tensors["b"]?.scalars == [1, 0] && tensors["u"]?.scalars == [200])
    }

    @Test func escapedNamesAndUnknownFieldsAreRead() throws {
        let header = #"{"w\u00e9\"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":{"nested":[1,2.5e3,null,true]}},"__metadata__":{"k":"v\n"}}"#
        let (tensors, metadata) = try SafeTensors.decode(Self.file(header: header, body: [0, 0, 128, 63]))
        #expect(tensors["wé\"x"]?.scalars == [1] && metadata == ["k": "v\n"])
    }

    @Test func aHugeHeaderOfEmptyObjectsIsRejectedWithoutBuildingIt() throws {
        var json = "{"
        json.reserveCapacity(30_000_000)
        for i in 0..<1_500_000 { json += "\"t\(i)\":{}," }
        json += "\"last\":{}}"
        let data = Self.file(header: json, body: [])
        let before = Self.peakResidentMegabytes()
        #expect(throws: CheckpointError.malformedHeader(detail: "entry 't0' has no dtype")) { try SafeTensors.decode(data) }
        let nested = Self.file(header: "{\"a\":{\"x\":" + String(repeating: "[", count: 100_000) + "}}", body: [])
        #expect(throws: CheckpointError.self) { try SafeTensors.decode(nested) }
        #expect(Self.peakResidentMegabytes() - before < 512)
    }

    @Test func moreTensorsThanTheLimitAreRejected() throws {
        var json = "{"
        for i in 0...SafeTensorsHeader.maximumTensorCount {
            json += "\"t\(i)\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
        }
        json.removeLast()
        json += "}"
        let error = #expect(throws: CheckpointError.self) { try SafeTensors.decode(Self.file(header: json, body: [])) }
        #expect(error?.description.contains("more than \(SafeTensorsHeader.maximumTensorCount) tensors") == true)
    }

    /// Seeded mutations of a real checkpoint (flipped, inserted and removed bytes, truncations): each either
    /// loads or is refused with a `CheckpointError`, and a refused one leaves model and optimizer untouched.
    @Test func mutatedCheckpointsLoadOrLeaveEverythingUntouched() throws {
        let path = directory + "/fuzz.safetensors"
        let (model, optimizer) = try savedCheckpoint(at: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var generator = SeededGenerator(seed: 17)
        var refused = 0
        for _ in 0..<400 {
            var bytes = [UInt8](original)
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let at = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: at)
                case 2: bytes.remove(at: at)
                default: bytes = Array(bytes.prefix(at))
                }
                if bytes.isEmpty { bytes = [0] }
            }
            let mutated = directory + "/mutated.safetensors"
            try Data(bytes).write(to: URL(fileURLWithPath: mutated))
            let before = model.parameters.map(\.value.scalars), state = optimizer.stateTensors().mapValues(\.scalars)
            let steps = optimizer.stepCount
            do {
                try Checkpoint.load(from: mutated, into: model, optimizer: optimizer)
            } catch is CheckpointError {
                refused += 1
                #expect(model.parameters.map(\.value.scalars) == before)
                #expect(optimizer.stateTensors().mapValues(\.scalars) == state && optimizer.stepCount == steps)
            }
        }
        #expect(refused > 100)
    }

    @Test func aSaveRemovesTemporariesLeftByDeadWriters() throws {
        let path = directory + "/model.safetensors"
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = directory + "/.model.safetensors.tmp-\(finished.processIdentifier)-42"
        let alive = directory + "/.model.safetensors.tmp-\(getpid())-43"
        for leftover in [dead, alive] { try Data([1, 2, 3]).write(to: URL(fileURLWithPath: leftover)) }
        try SafeTensors.write(["w": Tensor([1])], to: path)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: alive))
    }

    @Test func aDirectoryOrADeviceIsNamedAsSuch() throws {
        #expect(throws: CheckpointError.unreadable(path: directory, reason: "is a directory, not a file")) {
            try SafeTensors.read(directory)
        }
        #expect(throws: CheckpointError.unreadable(path: "/dev/null", reason: "is a character device, not a regular file")) {
            try SafeTensors.read("/dev/null")
        }
        #expect(throws: CheckpointError.unreadable(path: "", reason: "the path is empty")) { try SafeTensors.read("") }
    }

    static func peakResidentMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
