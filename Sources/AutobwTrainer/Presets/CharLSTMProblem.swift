import Autobw
import AutobwAssets

/// char-rnn: an LSTM language model over a text cut into parallel streams, its state carried from batch to batch.
final class CharLSTMProblem: TrainingProblem {
    /// Distinct characters beyond this are refused up front: the one-hot input and the output layer grow with
    /// the vocabulary, and a million-character "vocabulary" is a binary file, not a text.
    static let maximumVocabulary = 10_000

    let corpus: CharCorpus
    let batches: CharBatches
    /// Batches over the held-out end of the text (`--val-fraction`), or nil.
    let validation: CharBatches?
    /// Validation uses at most this many batches, so an evaluation stays a few steps' worth of work.
    static let validationBatches = 20
    let network: CharLSTM
    var model: Module { network }
    let samplesPerStep: Int
    /// This process's streams of each batch, in data-parallel training.
    let shard: Shard
    private var state: [LSTMState]?
    private var pending: [LSTMState]?

    init(_ configuration: TrainingConfiguration) throws {
        corpus = try Self.corpus(at: configuration.dataPath)
        guard corpus.vocabulary.count <= Self.maximumVocabulary else {
            throw TrainerError.badData(
                path: configuration.dataPath ?? "the embedded corpus",
                detail: "\(corpus.vocabulary.count) distinct characters, more than the \(Self.maximumVocabulary)"
                    + " a character model accepts (is this a binary file?)")
        }
        let batchSize = configuration.effectiveBatchSize, sequenceLength = configuration.effectiveSequenceLength
        shard = configuration.shard
        guard batchSize % shard.count == 0 else {
            throw TrainerError.usage("the global batch of \(batchSize) streams does not split evenly over \(shard.count) processes")
        }
        do {
            (batches, validation) = try corpus.split(
                validationFraction: configuration.validationFraction ?? 0, batchSize: batchSize,
                sequenceLength: sequenceLength)
        } catch let error as CorpusError {
            throw TrainerError.badData(path: configuration.dataPath ?? "the embedded corpus", detail: error.description)
        }
        if let fraction = configuration.validationFraction, fraction > 0, validation == nil {
            let held = Int(Double(corpus.ids.count) * fraction)
            throw TrainerError.usage(
                "--val-fraction \(fraction) holds out \(held) characters of \(configuration.dataPath ?? "the embedded corpus"),"
                    + " less than one batch (\(batchSize) streams of \(sequenceLength + 1) characters): raise --val-fraction"
                    + " or lower --batch-size or --seq-length")
        }
        var generator = SeededGenerator(seed: configuration.seed)
        network = try CharLSTM(
            vocabularySize: corpus.vocabulary.count, hiddenSize: configuration.effectiveHiddenSize,
            layerCount: configuration.effectiveLayerCount, generator: &generator)
        samplesPerStep = batchSize * sequenceLength
    }

    static func corpus(at path: String?) throws -> CharCorpus {
        guard let path else { return try CharCorpus.tinyShakespeare() }
        if let problem = InputFile.problem(with: path) { throw TrainerError.unreadableInput(path: path, reason: problem) }
        do {
            return try CharCorpus.load(path: path)
        } catch let error as CorpusError {
            switch error {
            case .unreadable(_, let reason): throw TrainerError.unreadableInput(path: path, reason: reason)
            case .notUTF8(_, let line, let byte, let looksBinary):
                throw TrainerError.badData(
                    path: path, detail: "not valid UTF-8 text: " + CorpusError.utf8Detail(line: line, byte: byte, looksBinary: looksBinary))
            case .tooSmall(let detail): throw TrainerError.badData(path: path, detail: "too small to train on: \(detail)")
            case .tooManyCharacters: throw TrainerError.badData(path: path, detail: error.description)
            }
        }
    }

    func loss(step: Int) throws -> Tensor {
        // Streams restart at each epoch, so the state only carries within one.
        let carried = step % batches.batchesPerEpoch == 0 ? nil : state
        let (loss, final) = try network.loss(local(batches.batch(step)), state: carried)
        pending = final.map { $0.detached() }
        return loss
    }

    func commit(step: Int) { state = pending }

    /// The mean loss over the first validation batches, the state carried from batch to batch as in training.
    func evaluate() throws -> Evaluation? {
        guard let validation else { return nil }
        return try withoutRecording {
            var state: [LSTMState]?, total: Float = 0
            let count = min(validation.batchesPerEpoch, Self.validationBatches)
            for index in 0..<count {
                let (loss, final) = try network.loss(validation.batch(index), state: state)
                state = final
                total += try loss.item()
            }
            return Evaluation(loss: total / Float(count), accuracy: nil)
        }
    }

    var checkpointNotes: [String: String] {
        var vocabulary = String.UnicodeScalarView()
        vocabulary.append(contentsOf: corpus.vocabulary)
        return [
            "vocabulary": String(vocabulary), "hidden": String(network.lstm.layers[0].hiddenSize),
            "layers": String(network.lstm.layers.count), "batch_size": String(batches.streamCount),
            "seq_length": String(batches.sequenceLength),
        ]
    }

    /// This process's streams of `batch`.
    private func local(_ batch: CharBatch) -> CharBatch {
        guard shard.count > 1 else { return batch }
        let streams = shard.range(of: batches.streamCount)
        return CharBatch(inputs: batch.inputs.map { Array($0[streams]) }, targets: batch.targets.map { Array($0[streams]) })
    }

    /// Every process's streams' state, stacked in rank order: the same tensors a single process would save.
    func gatheredState(_ group: ProcessGroup) throws -> [String: Tensor] {
        var gathered = [String: Tensor]()
        for (name, tensor) in carriedState.sorted(by: { $0.key < $1.key }) {
            let all = try group.gather(tensor.scalars)
            gathered[name] = try Tensor(shape: [tensor.shape[0] * group.size] + tensor.shape.dropFirst(), scalars: all)
        }
        return gathered
    }

    var carriedState: [String: Tensor] {
        var tensors = [String: Tensor]()
        for (k, layer) in (state ?? []).enumerated() {
            tensors["state.l\(k + 1).hidden"] = layer.hidden
            tensors["state.l\(k + 1).cell"] = layer.cell
        }
        return tensors
    }

    func restore(_ saved: [String: Tensor]) throws {
        guard !saved.isEmpty else {
            state = nil
            return
        }
        // Saved for every stream; this process keeps its own (all of them when alone).
        let expected = try network.lstm.zeroState(batchSize: batches.streamCount)
        let streams = shard.range(of: batches.streamCount)
        state = try expected.indices.map { k in
            guard let hidden = saved["state.l\(k + 1).hidden"], let cell = saved["state.l\(k + 1).cell"],
                hidden.shape == expected[k].hidden.shape, cell.shape == expected[k].cell.shape
            else {
                throw TrainerError.badData(
                    path: "the checkpoint", detail: "its LSTM state does not fit this model (layer \(k + 1))")
            }
            guard shard.count > 1 else { return LSTMState(hidden: hidden, cell: cell) }
            return LSTMState(
                hidden: try hidden.narrow(axis: 0, start: streams.lowerBound, length: streams.count).copied(),
                cell: try cell.narrow(axis: 0, start: streams.lowerBound, length: streams.count).copied())
        }
    }

    func sample(length: Int, seed: UInt64) throws -> String? {
        var generator = SeededGenerator(seed: seed)
        let ids = try withoutRecording {
            try network.sample(count: length, prime: [Int(corpus.ids[0])], generator: &generator)
        }
        return corpus.decode([Int(corpus.ids[0])] + ids)
    }
}
