import AutobwTestSupport
import Autobw
import Foundation
import Testing
@testable import AutobwTrainer

/// The UI-free training session both front ends drive.
@Suite struct TrainingSessionTests {
    static func configuration(_ preset: Preset, seed: UInt64 = 3) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.preset = preset
        configuration.seed = seed
        if preset == .charLSTM {
            configuration.hiddenSize = 16
            configuration.batchSize = 8
            configuration.sequenceLength = 10
        }
        return configuration
    }

    static func parameterValues(_ session: TrainingSession) -> [[Float]] {
        session.namedParameters.map { $0.parameter.value.scalars }
    }

    @Test(arguments: Preset.allCases)
    func aSteppedStepLeavesBitIdenticalParameters(_ preset: Preset) throws {
        let plain = try TrainingSession(Self.configuration(preset)), stepped = try TrainingSession(Self.configuration(preset))
        for _ in 0..<3 {
            let expected = try plain.step()
            let open = try stepped.beginStep()
            var entries = 0
            while try open.next() != nil { entries += 1 }
            let metrics = try stepped.finish(open)
            #expect(entries > 0 && metrics.loss == expected.loss && metrics.gradientNorm == expected.gradientNorm)
            #expect(metrics.entries == expected.entries)
        }
        #expect(Self.parameterValues(plain) == Self.parameterValues(stepped))
    }

    @Test func aStepCanBeFinishedHalfwayThroughItsReplay() throws {
        let plain = try TrainingSession(Self.configuration(.mlp)), stepped = try TrainingSession(Self.configuration(.mlp))
        let expected = try plain.step()
        let open = try stepped.beginStep()
        _ = try open.next()
        _ = try open.next()
        let metrics = try stepped.finish(open)
        #expect(metrics.entries.count == expected.entries.count && metrics.loss == expected.loss)
        #expect(Self.parameterValues(plain) == Self.parameterValues(stepped))
    }

    @Test(arguments: [(Preset.charLSTM, 40), (.rnnSine, 150), (.mlp, 150), (.coinFlip, 60)])
    func everyPresetLowersItsLoss(_ preset: Preset, steps: Int) throws {
        let session = try TrainingSession(Self.configuration(preset))
        var losses = [Float]()
        for _ in 0..<steps { losses.append(try session.step().loss) }
        let head = losses.prefix(5).reduce(0, +) / 5, tail = losses.suffix(5).reduce(0, +) / 5
        #expect(tail < 0.8 * head, "\(preset): \(head) -> \(tail)")
    }

    @Test func equalSeedsGiveEqualRunsAndOtherSeedsDiffer() throws {
        func losses(seed: UInt64) throws -> [Float] {
            let session = try TrainingSession(Self.configuration(.mlp, seed: seed))
            return try (0..<5).map { _ in try session.step().loss }
        }
        #expect(try losses(seed: 9) == losses(seed: 9))
        #expect(try losses(seed: 9) != losses(seed: 10))
    }

    @Test func metricsNameEveryParameterAndReportEveryReplayedEntry() throws {
        let session = try TrainingSession(Self.configuration(.rnnSine))
        let metrics = try session.step()
        #expect(metrics.parameterGradientNorms.map(\.name) == ["cell.wx", "cell.wh", "cell.bias", "readout.weight", "readout.bias"])
        let squares = metrics.parameterGradientNorms.reduce(Float(0)) { $0 + $1.norm * $1.norm }
        #expect(abs(squares.squareRoot() - metrics.gradientNorm) <= 1e-6 * max(1, metrics.gradientNorm))
        #expect(metrics.entries.first?.op == .meanSquaredError && metrics.entries.count > 10)
    }

    @Test func aDivergingRunNamesTheFirstNonFiniteEntry() throws {
        var configuration = Self.configuration(.rnnSine)
        configuration.learningRate = 1e30
        let session = try TrainingSession(configuration)
        let error = #expect(throws: TrainerError.self) { for _ in 0..<20 { _ = try session.step() } }
        guard case .diverged(_, let detail)? = error else {
            Issue.record("expected a divergence, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("entry #") && error?.exitCode == 3, "\(detail)")
    }

    @Test func aScheduleSetsEachStepsLearningRateFromItsIndex() throws {
        let session = try TrainingSession(Self.configuration(.mlp))
        let schedule = CosineDecay(initial: 0.01, minimum: 0.0001, totalSteps: 20, warmupSteps: 2)
        session.schedule = schedule
        let rates = try (0..<20).map { _ in try session.step().learningRate }
        #expect(rates == (0..<20).map { schedule.learningRate(step: $0, epoch: 0) })
        #expect(rates[0] < rates[1] && rates[19] < rates[2])
    }

    @Test func nonsenseSettingsAreUsageErrorsNamingTheFlag() throws {
        let cases: [(WritableKeyPath<TrainingConfiguration, Int?>, Int, String)] = [
            (\.batchSize, 0, "--batch-size"), (\.hiddenSize, -3, "--hidden"), (\.hiddenSize, 1 << 40, "--hidden"),
            (\.layerCount, 1000, "--layers"), (\.sequenceLength, 0, "--seq-length"),
        ]
        for (path, value, flag) in cases {
            var configuration = Self.configuration(.charLSTM)
            configuration[keyPath: path] = value
            let error = #expect(throws: TrainerError.self) { try TrainingSession(configuration) }
            #expect(error?.description.contains(flag) == true && error?.exitCode == 64, "\(flag)")
        }
        var nan = Self.configuration(.mlp)
        nan.learningRate = .nan
        #expect(throws: TrainerError.usage("--lr must be a positive finite number, got nan")) { try TrainingSession(nan) }
        var data = Self.configuration(.mlp)
        data.dataPath = "x.txt"
        #expect(throws: TrainerError.self) { try TrainingSession(data) }
    }

    @Test func unusableTextFilesAreNamedWithTheirProblem() throws {
        let directory = temporaryPath("session")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let binary = directory + "/binary.bin", empty = directory + "/empty.txt", wide = directory + "/wide.txt"
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0xC3, 0x28]).write(to: URL(fileURLWithPath: binary))
        try Data().write(to: URL(fileURLWithPath: empty))
        let many = String(String.UnicodeScalarView((0x4E00..<(0x4E00 + 20_000)).compactMap(Unicode.Scalar.init)))
        try Data(many.utf8).write(to: URL(fileURLWithPath: wide))
        let expectations: [(String, Int32, String)] = [
            (directory + "/missing.txt", 66, "no such file"), (directory, 66, "directory"), ("/dev/null", 66, "character device"),
            (binary, 65, "a binary file"), (empty, 65, "too small"), (wide, 65, "distinct characters"),
        ]
        for (path, code, text) in expectations {
            var configuration = Self.configuration(.charLSTM)
            configuration.dataPath = path
            let error = #expect(throws: TrainerError.self) { try TrainingSession(configuration) }
            #expect(error?.exitCode == code && error?.description.contains(text) == true, "\(path): \(String(describing: error))")
        }
    }

    @Test(arguments: [Preset.charLSTM, .mlp, .rnnSine])
    func aResumedRunContinuesExactlyAsIfUninterrupted(_ preset: Preset) throws {
        let path = temporaryPath("resume", ".safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let straight = try TrainingSession(Self.configuration(preset))
        let expected = try (0..<6).map { _ in try straight.step().loss }
        let first = try TrainingSession(Self.configuration(preset))
        for _ in 0..<3 { _ = try first.step() }
        try first.save(to: path)
        let resumed = try TrainingSession(Self.configuration(preset), resumingFrom: path)
        #expect(resumed.nextStep == 3)
        let rest = try (0..<3).map { _ in try resumed.step().loss }
        #expect(rest == Array(expected.suffix(3)))
        #expect(Self.parameterValues(resumed) == Self.parameterValues(straight))
    }

    @Test func resumingFromAnotherPresetOrAMissingFileIsNamed() throws {
        let path = temporaryPath("resume", ".safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TrainingSession(Self.configuration(.coinFlip)).save(to: path)
        let other = #expect(throws: TrainerError.self) { try TrainingSession(Self.configuration(.mlp), resumingFrom: path) }
        #expect(other?.exitCode == 65)
        let missing = #expect(throws: TrainerError.self) {
            try TrainingSession(Self.configuration(.mlp), resumingFrom: path + ".missing")
        }
        #expect(missing?.exitCode == 66)
    }

    /// A resumed run continues exactly only with the settings data order and carried state depend on: any that
    /// differs from what the checkpoint notes is named with both values, before a tensor is compared.
    @Test(arguments: [
        ("seed", "--seed 1, this run has --seed 4"), ("sequenceLength", "--seq-length 10, this run has --seq-length 12"),
        ("batchSize", "--batch-size 8, this run has --batch-size 4"), ("preset", "--preset char-lstm, this run has --preset mlp"),
        ("hidden", "--hidden 16, this run has --hidden 8"),
    ])
    func resumingWithOtherSettingsNamesTheSettingAndBothValues(_ setting: String, _ expected: String) throws {
        let path = temporaryPath("settings", ".safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var saved = Self.configuration(.charLSTM, seed: 1)
        try TrainingSession(saved).save(to: path)
        switch setting {
        case "seed": saved.seed = 4
        case "sequenceLength": saved.sequenceLength = 12
        case "batchSize": saved.batchSize = 4
        case "hidden": saved.hiddenSize = 8
        default: saved = Self.configuration(.mlp)
        }
        let error = #expect(throws: TrainerError.self) { try TrainingSession(saved, resumingFrom: path) }
        #expect(error?.exitCode == 65 && error?.description.contains(path) == true)
        #expect(error?.description.contains("saved with " + expected) == true, "\(String(describing: error))")
    }

    @Test func resumingOnATextOfOtherCharactersNamesTheFirstThatDiffers() throws {
        let text = String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 60)
        let original = temporaryPath("text", ".txt")
        let changed = temporaryPath("text", ".txt")
        let path = temporaryPath("vocabulary", ".safetensors")
        try text.write(toFile: original, atomically: true, encoding: .utf8)
        try text.replacingOccurrences(of: "z", with: "é").write(toFile: changed, atomically: true, encoding: .utf8)
        var configuration = Self.configuration(.charLSTM)
        configuration.dataPath = original
        try TrainingSession(configuration).save(to: path)
        configuration.dataPath = changed
        let error = #expect(throws: TrainerError.self) { try TrainingSession(configuration, resumingFrom: path) }
        #expect(error?.description.contains("other characters ('z' where this text has 'é')") == true, "\(String(describing: error))")
    }

    /// A checkpoint saved with a NaN or an infinity in a parameter is refused by name, for resuming and for
    /// sampling, instead of diverging again or sampling one character over and over.
    @Test(arguments: [Float.nan, .infinity])
    func aCheckpointWithNonFiniteParametersIsRefusedNamingTheParameter(_ poison: Float) throws {
        let path = temporaryPath("poisoned", ".safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let session = try TrainingSession(Self.configuration(.charLSTM))
        _ = try session.step()
        let (name, parameter) = try #require(session.namedParameters.last)
        parameter.update { $0[1] = poison }
        try session.save(to: path)
        let resuming = #expect(throws: TrainerError.self) { try TrainingSession(Self.configuration(.charLSTM), resumingFrom: path) }
        let sampling = #expect(throws: TrainerError.self) {
            try TextSampler.sample(checkpoint: path, length: 10, temperature: 1, prime: "", seed: 1)
        }
        for error in [resuming, sampling] {
            #expect(error?.exitCode == 65)
            #expect(error?.description.contains(name) == true, "\(String(describing: error))")
        }
    }

    @Test func settingsThatCannotFitInMemoryAreRefusedBeforeAnythingIsBuilt() throws {
        var configuration = Self.configuration(.mlp)
        configuration.hiddenSize = 8192
        configuration.layerCount = 64
        let error = #expect(throws: TrainerError.self) { try TrainingSession(configuration) }
        #expect(error?.exitCode == 64 && error?.description.contains("GiB to train") == true, "\(String(describing: error))")
        configuration.layerCount = 2
        configuration.hiddenSize = 512
        _ = try TrainingSession(configuration)
    }

    @Test func aDumpingStepLeavesBitIdenticalParametersAndDescribesEveryEntry() throws {
        let plain = try TrainingSession(Self.configuration(.charLSTM)), dumping = try TrainingSession(Self.configuration(.charLSTM))
        let expected = try plain.step()
        let (metrics, dump) = try dumping.stepDumping()
        #expect(metrics.loss == expected.loss && Self.parameterValues(plain) == Self.parameterValues(dumping))
        #expect(dump.entries.count > 5 && dump.entries.allSatisfy { $0.replayed && $0.entry.outputStatistics != nil })
        let path = temporaryPath("dump", ".json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try dump.write(to: path)
        #expect(try TapeDump.read(path) == dump)
    }

    @Test(arguments: [Preset.charLSTM, .mlp])
    func heldOutDataIsEvaluatedWithoutChangingTheModel(_ preset: Preset) throws {
        var configuration = Self.configuration(preset)
        configuration.validationFraction = 0.25
        let session = try TrainingSession(configuration)
        _ = try session.step()
        let before = Self.parameterValues(session)
        let evaluation = try #require(try session.evaluate())
        #expect(evaluation.loss.isFinite && evaluation.loss > 0 && Self.parameterValues(session) == before)
        #expect((evaluation.accuracy != nil) == (preset == .mlp))
        #expect(try TrainingSession(Self.configuration(preset)).evaluate() == nil)
    }
}
