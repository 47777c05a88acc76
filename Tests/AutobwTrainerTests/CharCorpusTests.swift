import AutobwTestSupport
import Autobw
import AutobwAssets
import Foundation
import Testing
@testable import AutobwTrainer

/// Reading text into character ids and batches, and the char-rnn model on it.
@Suite struct CharCorpusTests {
    @Test func theVocabularyIsTheSortedDistinctCharacters() throws {
        let corpus = try CharCorpus(text: "abcab")
        #expect(corpus.vocabulary == ["a", "b", "c"])
        #expect(corpus.ids == [0, 1, 2, 0, 1])
        #expect(corpus.decode(corpus.ids) == "abcab")
    }

    @Test func batchesAreParallelStreamsWithShiftedTargets() throws {
        let corpus = try CharCorpus(text: String((0..<41).map { Character(UnicodeScalar(97 + $0 % 26)!) }))
        let batches = try corpus.batches(batchSize: 2, sequenceLength: 5)
        #expect(batches.batchesPerEpoch == 4)
        let first = batches.batch(0), second = batches.batch(1)
        #expect(first.inputs.count == 5 && first.inputs[0].count == 2)
        #expect(first.inputs[0] == [Int(corpus.ids[0]), Int(corpus.ids[20])])
        #expect(first.targets[0] == [Int(corpus.ids[1]), Int(corpus.ids[21])])
        #expect(second.inputs[0] == [Int(corpus.ids[5]), Int(corpus.ids[25])])
    }

    @Test func negativeBatchIndicesCountBackFromTheEndOfTheEpoch() throws {
        let corpus = try CharCorpus(text: String((0..<41).map { Character(UnicodeScalar(97 + $0 % 26)!) }))
        let batches = try corpus.batches(batchSize: 2, sequenceLength: 5)
        #expect(batches.batch(-1).inputs == batches.batch(3).inputs)
        #expect(batches.batch(Int.min).inputs == batches.batch(Int.min % 4 + 4).inputs)
    }

    @Test func theValidationSplitIsTheEndOfTheText() throws {
        let corpus = try CharCorpus(text: String((0..<200).map { Character(UnicodeScalar(97 + $0 % 26)!) }))
        let (training, validation) = try corpus.split(validationFraction: 0.25, batchSize: 2, sequenceLength: 5)
        let held = try #require(validation)
        #expect(held.batch(0).inputs[0] == [Int(corpus.ids[150]), Int(corpus.ids[174])])
        #expect(training.batch(0).inputs[0] == [Int(corpus.ids[0]), Int(corpus.ids[74])])
        #expect(training.batchesPerEpoch == 14 && held.batchesPerEpoch == 4)
    }

    @Test func tooSmallATextIsAClearError() throws {
        #expect(throws: CorpusError.self) { try CharCorpus(text: "aaaa") }
        #expect(throws: CorpusError.self) { try CharCorpus(text: "abcdef").batches(batchSize: 50, sequenceLength: 50) }
    }

    @Test func invalidUTF8IsAClearError() throws {
        let path = temporaryPath("bad", ".txt")
        try Data([0x61, 0x0A, 0x62, 0xE9, 0x62]).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: CorpusError.self) { try CharCorpus.load(path: path) }
        #expect(error == CorpusError.notUTF8(path: path, line: 2, byte: 0xE9, looksBinary: false))
        #expect(error?.description.contains("line 2 has byte 0xE9 (Latin-1") == true, "\(String(describing: error))")
        #expect(throws: CorpusError.self) { try CharCorpus.load(path: path + ".missing") }
    }

    @Test func utf16WithAByteOrderMarkAndAUTF8MarkAreRead() throws {
        let text = "First Citizen:\nSpeak, speak.\n"
        let utf16 = try #require(text.data(using: .utf16))
        for (encoded, name) in [(Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8), "utf8-bom"), (utf16, "utf16")] {
            let path = temporaryPath(name, ".txt")
            try encoded.write(to: URL(fileURLWithPath: path))
            let corpus = try CharCorpus.load(path: path)
            #expect(corpus.decode(corpus.ids) == text, "\(name)")
        }
    }

    /// The default run learns language: tinyshakespeare is linked in, whole (1.1 MB, char-rnn's 65 characters).
    @Test func theDefaultCorpusIsTinyShakespeareWhole() throws {
        let corpus = try CharCorpus.tinyShakespeare()
        #expect(corpus.ids.count == 1_115_394 && corpus.vocabulary.count == 65)
        #expect(corpus.decode(corpus.ids.prefix(14)) == "First Citizen:")
    }

    @Test func theEmbeddedCorpusFillsCharRNNBatches() throws {
        let corpus = try CharCorpus(text: EmbeddedCorpus.text)
        #expect(try corpus.batches(batchSize: 50, sequenceLength: 50).batchesPerEpoch >= 1)
    }

    @Test func theFirstLossIsAboutLogOfTheVocabularySize() throws {
        var g = SeededGenerator(seed: 1)
        let corpus = try CharCorpus(text: EmbeddedCorpus.text)
        let model = try CharLSTM(vocabularySize: corpus.vocabulary.count, hiddenSize: 32, generator: &g)
        let loss = try model.loss(try corpus.batches(batchSize: 4, sequenceLength: 10).batch(0)).loss.item()
        #expect(abs(loss - Foundation.log(Float(corpus.vocabulary.count))) < 0.05)
    }

    @Test func trainingLowersTheLoss() throws {
        var g = SeededGenerator(seed: 2)
        let corpus = try CharCorpus(text: EmbeddedCorpus.text)
        let batches = try corpus.batches(batchSize: 8, sequenceLength: 20)
        let model = try CharLSTM(vocabularySize: corpus.vocabulary.count, hiddenSize: 32, generator: &g)
        let optimizer = RMSProp(model.namedParameters(), learningRate: 1e-2)
        var losses = [Float]()
        for step in 0..<60 {
            let tape = Tape()
            let loss = try tape.record { try model.loss(batches.batch(step % 3)).loss }
            optimizer.zeroGrad()
            try tape.backward(from: loss)
            GradientClipping.clampElements(of: model.namedParameters(), to: 5)
            optimizer.step()
            losses.append(try loss.item())
        }
        #expect(losses.suffix(3).reduce(0, +) / 3 < losses[0] - 0.8, "\(losses[0]) -> \(losses.suffix(3))")
    }

    @Test func samplingProducesIdsInTheVocabulary() throws {
        var g = SeededGenerator(seed: 3)
        let model = try CharLSTM(vocabularySize: 7, hiddenSize: 8, generator: &g)
        let sample = try model.sample(count: 20, prime: [1, 2], generator: &g)
        #expect(sample.count == 20 && sample.allSatisfy { (0..<7).contains($0) })
    }
}
