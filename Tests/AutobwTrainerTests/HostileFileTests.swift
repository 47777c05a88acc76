import AutobwTestSupport
import Autobw
import Foundation
import Testing
@testable import AutobwTrainer

/// Files made to hurt (found by fuzzing): each is refused with a message naming the file and what is wrong,
/// without a trap and without allocating what the file merely claims.
@Suite struct HostileFileTests {
    func file(_ bytes: [UInt8], _ suffix: String = "") throws -> String {
        let path = temporaryPath("hostile", suffix)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// An IDX header: unsigned bytes, the given dimensions.
    func idxHeader(_ shape: [Int]) -> [UInt8] {
        [0, 0, 8, UInt8(shape.count)] + shape.flatMap { d in (0..<4).reversed().map { UInt8(truncatingIfNeeded: d >> (8 * $0)) } }
    }

    @Test func imagesWithNoPixelsAreMalformedDataNamingTheFile() throws {
        let images = try file(idxHeader([2, 0])), labels = try file(idxHeader([2]) + [0, 1])
        let error = #expect(throws: TrainerError.self) { try IDXFile.read(images: images, labels: labels) }
        #expect(error?.exitCode == 65 && error?.description.contains(images) == true && error?.description.contains("no pixels") == true)
    }

    @Test func theMemoryCheckSeesAnIDXFilesDimensionsBeforeItsPixelsAreInflated() throws {
        // Two images of 30 million pixels, compressed to a few kilobytes: the check refuses before any pixel.
        let images = try file(Array(gzipped(idxHeader([2, 6000, 5000]) + [UInt8](repeating: 0, count: 60_000_000))), ".gz")
        let labels = try file(idxHeader([2]) + [0, 1])
        var seen: (Int, Int)?
        #expect(throws: TrainerError.self) {
            try IDXFile.read(images: images, labels: labels) { images, pixels in
                seen = (images, pixels)
                throw TrainerError.usage("too large")
            }
        }
        #expect(seen?.0 == 2 && seen?.1 == 30_000_000)
        var configuration = TrainingConfiguration()
        configuration.preset = .mlp
        configuration.dataPath = images
        configuration.labelsPath = labels
        configuration.hiddenSize = 4096  // about 2 TB: beyond any machine this runs on
        let error = #expect(throws: TrainerError.self) { try TableProblem(configuration) }
        #expect(error?.exitCode == 64 && error?.description.contains("2 rows of 30000000 features") == true, "\(String(describing: error))")
    }

    @Test func aCompressedIDXFileWithMoreDataThanItsHeaderSaysIsRefused() throws {
        let images = try file(Array(gzipped(idxHeader([2, 2, 2]) + [UInt8](repeating: 7, count: 1_000))), ".gz")
        let error = #expect(throws: TrainerError.self) { try IDXFile.array(images) }
        #expect(error?.description.contains("need 8 bytes of data, the file has more") == true, "\(String(describing: error))")
    }

    @Test func anImagesFileWithoutLabelsAsksForTheLabelsFile() throws {
        let images = try file(idxHeader([2, 2, 2]) + [UInt8](repeating: 7, count: 8))
        let error = #expect(throws: TrainerError.self) { try IDXFile.read(images: images, labels: nil) }
        #expect(error?.description.contains("--labels") == true, "\(String(describing: error))")
    }

    @Test(arguments: [-1, Int.max, Checkpoint.maximumStep + 1])
    func aMetricsLineWithAStepNoRunReachesIsRefusedByName(_ step: Int) throws {
        let path = try file(Array("{\"autobw\":\"0\",\"preset\":\"mlp\"}\n{\"step\":0,\"loss\":1}\n{\"step\":\(step),\"loss\":1}\n".utf8))
        let error = #expect(throws: TrainerError.self) { try MetricsFollower(path: path) }
        #expect(error?.exitCode == 65 && error?.description.contains("'step' is \(step)") == true, "\(String(describing: error))")
    }

    @Test func aStepNoRunReachesAppendedToAWatchedFileFailsTheWatchInsteadOfTrapping() throws {
        let path = try file(Array("{\"autobw\":\"0\",\"preset\":\"mlp\"}\n{\"step\":0,\"loss\":1}\n".utf8))
        let follower = try MetricsFollower(path: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"step\":9223372036854775807,\"loss\":1}\n".utf8))
        try handle.close()
        let snapshot = follower.snapshot()
        #expect(snapshot.exitCode == 65 && snapshot.losses == [1])
    }

    @Test func aJunkLineLongerThanTheCapIsDroppedAsItIsReadAndTheNextLineCounts() throws {
        let junk = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let path = try file(Array("{\"autobw\":\"0\",\"preset\":\"mlp\"}\n".utf8) + junk + Array("\n{\"step\":0,\"loss\":4}\n".utf8))
        let follower = try MetricsFollower(path: path)
        #expect(follower.snapshot().losses == [4])
    }

    @Test func stepsFarApartDoNotGrowTheHistoryWithoutBound() throws {
        let lines = (0..<64).map { "{\"step\":\($0 << 22),\"loss\":1}\n" }.joined()
        let path = try file(Array(("{\"autobw\":\"0\",\"preset\":\"mlp\"}\n" + lines).utf8))
        let follower = try MetricsFollower(path: path)
        #expect(follower.snapshot().losses.count <= MetricsFollower.longestHistory)
    }

    @Test(arguments: [
        ("{\"format\":\"autobw-tape-1\",\"preset\":\"x\",\"step\":9223372036854775807,\"loss\":1,\"entries\":[]}", "step 9223372036854775807"),
        ("{\"format\":\"autobw-tape-1\",\"preset\":\"x\",\"step\":-3,\"loss\":1,\"entries\":[]}", "step -3"),
    ])
    func aTapeDumpWithNumbersNoRunWritesIsRefused(_ text: String, _ expected: String) throws {
        let error = #expect(throws: TrainerError.self) { try TapeDump.read(try file(Array(text.utf8))) }
        #expect(error?.exitCode == 65 && error?.description.contains(expected) == true, "\(String(describing: error))")
    }

    @Test func aTapeDumpWhoseEntryReadsALaterEntryIsRefused() throws {
        let entry = { (index: Int, source: ValueSource) in
            TapeDump.Entry(
                entry: TapeEntryInfo(
                    index: index, op: .add, scope: "", site: nil, inputSources: [source], inputShapes: [[2]],
                    outputShapes: [[2]], savedShapes: [], forwardNanoseconds: nil),
                replayed: false, outputGradients: nil, inputGradients: nil)
        }
        let dump = TapeDump(preset: "x", step: 1, loss: 1, entries: [entry(0, .entry(index: 1, output: 0)), entry(1, .constant)])
        let error = #expect(throws: TrainerError.self) { try TapeDump.read(try file(Array(try dump.encoded()))) }
        #expect(error?.description.contains("not an output of an earlier entry") == true, "\(String(describing: error))")
    }

    @Test func samplingACheckpointWhoseNotesDescribeAModelItDoesNotHoldBuildsNothing() throws {
        let notes = ["note.preset": "char-lstm", "note.vocabulary": "ab", "note.hidden": "8192", "note.layers": "64"]
        let path = temporaryPath("hostile", ".safetensors")
        try SafeTensors.write([:], metadata: notes, to: path)
        let error = #expect(throws: TrainerError.self) {
            try TextSampler.sample(checkpoint: path, length: 1, temperature: 1, prime: "", seed: 1)
        }
        #expect(error?.exitCode == 65 && error?.description.contains("the file holds 0") == true, "\(String(describing: error))")
    }
}
