import Autobw

/// Text from a `char-lstm` checkpoint, which carries its vocabulary and shape in its notes.
public enum TextSampler {
    /// `length` characters after `prime` (which must use the model's characters), drawn at `temperature`.
    /// - Throws: `TrainerError.unreadableInput` for a missing file, `.badData` for one that is not a char-lstm
    ///   checkpoint or holds NaN or infinite parameters, `.usage` for a prime with unknown characters or a bad
    ///   length or temperature.
    public static func sample(
        checkpoint path: String, length: Int, temperature: Float, prime: String, seed: UInt64
    ) throws -> String {
        guard length >= 0, length <= 1_000_000 else { throw TrainerError.usage("--length must be in 0...1000000, got \(length)") }
        guard temperature.isFinite, temperature > 0 else {
            throw TrainerError.usage("--temperature must be a positive finite number, got \(temperature)")
        }
        if let problem = InputFile.problem(with: path) { throw TrainerError.unreadableInput(path: path, reason: problem) }
        let notes: [String: String], tensors: [String: Tensor]
        do {
            (tensors, notes) = try SafeTensors.read(path)
        } catch {
            throw TrainerError.badData(path: path, detail: "not a checkpoint (\(error))")
        }
        guard notes["note.preset"] == Preset.charLSTM.rawValue, let text = notes["note.vocabulary"],
            let hidden = notes["note.hidden"].flatMap({ Int($0) }), let layers = notes["note.layers"].flatMap({ Int($0) })
        else { throw TrainerError.badData(path: path, detail: "not a char-lstm checkpoint written by autobw train") }
        let vocabulary = Array(text.unicodeScalars)
        guard vocabulary.count >= 2, hidden > 0, hidden <= TrainingConfiguration.maximumHidden, (1...64).contains(layers) else {
            throw TrainerError.badData(path: path, detail: "its model notes are out of range")
        }
        // The notes are checked against the tensors before a model is built from them: a file of a few bytes
        // must not make this process allocate gigabytes for a model it does not hold.
        let needed = CharLSTM.parameterCount(vocabularySize: vocabulary.count, hiddenSize: hidden, layerCount: layers)
        let held = tensors.filter { !$0.key.contains("/") }.values.reduce(0) { $0 + $1.count }
        guard held >= needed else {
            throw TrainerError.badData(
                path: path,
                detail: "its notes describe a model of \(needed) parameters (\(vocabulary.count) characters, hidden \(hidden),"
                    + " \(layers) layers), the file holds \(held)")
        }
        var configuration = TrainingConfiguration()
        configuration.hiddenSize = hidden
        configuration.layerCount = layers
        configuration.batchSize = 1
        configuration.sequenceLength = 1
        try configuration.checkFitsInMemory()
        let index = Dictionary(vocabulary.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var primeIDs = [Int]()
        for scalar in prime.unicodeScalars {
            guard let id = index[scalar] else {
                throw TrainerError.usage("--prime has '\(scalar)', which the model's text never contained")
            }
            primeIDs.append(id)
        }
        var generator = SeededGenerator(seed: seed)
        let model = try CharLSTM(vocabularySize: vocabulary.count, hiddenSize: hidden, layerCount: layers, generator: &generator)
        do {
            try Checkpoint.load(from: path, into: model)
        } catch {
            throw TrainerError.badData(path: path, detail: "cannot load the model: \(error)")
        }
        try TrainerError.requireFiniteParameters(of: model, loadedFrom: path)
        let start = primeIDs.isEmpty ? [0] : primeIDs
        let ids = try withoutRecording {
            try model.sample(count: length, prime: start, temperature: temperature, generator: &generator)
        }
        var out = String.UnicodeScalarView()
        for id in (primeIDs + ids) where vocabulary.indices.contains(id) { out.append(vocabulary[id]) }
        return String(out)
    }
}
