/// A model's weights, its optimizer's state and the training step, in one safetensors file.
///
/// Model weights are stored under their parameter names (`lstm.l1.wx`), so PyTorch users can load them with
/// `safetensors.torch.load_file`; optimizer state under `optimizer/<slot>/<parameter name>`; the step and
/// optimizer kind in the header's metadata; a training run's own state (an LSTM's carried hidden state, say)
/// under `extra/<name>`, and its notes (preset, seed) as `note.<key>` metadata. Note that `Linear.weight` is
/// `[in, out]` (PyTorch's is `[out, in]`).
public enum Checkpoint {
    static let format = "autobw-checkpoint-1"
    static let optimizerPrefix = "optimizer/"
    static let extraPrefix = "extra/"
    static let notePrefix = "note."
    /// Step counts above this are refused: no run takes a trillion steps, and counting on from a huge value
    /// would overflow.
    public static let maximumStep = 1 << 40

    /// Saves `model`, `optimizer` (if any), `step`, and a run's `extras` and `notes` to `path`, atomically.
    public static func save(
        model: Module, optimizer: Optimizer? = nil, step: Int, extras: [String: Tensor] = [:],
        notes: [String: String] = [:], to path: String
    ) throws {
        var tensors = [String: Tensor]()
        for (name, parameter) in model.namedParameters() { tensors[name] = parameter.value.detached() }
        for (name, tensor) in extras { tensors[extraPrefix + name] = tensor.detached() }
        var metadata = ["format": format, "step": String(step)]
        for (key, value) in notes { metadata[notePrefix + key] = value }
        if let optimizer {
            for (name, tensor) in optimizer.stateTensors() { tensors[optimizerPrefix + name] = tensor }
            metadata["optimizer"] = String(describing: type(of: optimizer))
            metadata["optimizer_steps"] = String(optimizer.stepCount)
            metadata["learning_rate"] = String(optimizer.learningRate)
        }
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Loads the file at `path` into `model` (and `optimizer`), returning the saved step (0 for a file of bare
    /// weights written elsewhere).
    ///
    /// Everything is checked before anything is changed: on any error the model and optimizer are untouched.
    /// Loading into an optimizer needs the metadata an autobw checkpoint carries: its format, the optimizer's
    /// kind and its step count.
    /// - Throws: `CheckpointError` for an unreadable or corrupt file, a missing tensor, a shape mismatch, or
    ///   metadata that is missing, unparsable, out of range or for another optimizer (naming the field).
    @discardableResult
    public static func load(from path: String, into model: Module, optimizer: Optimizer? = nil) throws -> Int {
        try loadRun(from: path, into: model, optimizer: optimizer).step
    }

    /// What a checkpoint holds besides the model and optimizer.
    public struct SavedRun: Sendable {
        /// The step saved.
        public let step: Int
        /// The run's own tensors, saved as `extras`.
        public let extras: [String: Tensor]
        /// The run's notes.
        public let notes: [String: String]
    }

    /// `load(from:into:optimizer:)`, also returning the run's extras and notes.
    public static func loadRun(from path: String, into model: Module, optimizer: Optimizer? = nil) throws -> SavedRun {
        let (tensors, metadata, hasMetadata) = try SafeTensors.readFile(path)
        if let saved = metadata["format"], saved != format {
            throw CheckpointError.badMetadata(field: "format", detail: "'\(saved)' is not \(format)")
        }
        let step = try metadata["step"].map { try count($0, field: "step") } ?? 0
        let parameters = model.namedParameters()
        for (name, parameter) in parameters {
            guard let tensor = tensors[name] else { throw CheckpointError.missingTensor(name) }
            guard tensor.shape == parameter.shape else {
                throw CheckpointError.shapeMismatch(name: name, expected: parameter.shape, found: tensor.shape)
            }
        }
        if let optimizer {
            var state = [String: Tensor]()
            for (name, tensor) in tensors where name.hasPrefix(optimizerPrefix) {
                state[String(name.dropFirst(optimizerPrefix.count))] = tensor
            }
            guard hasMetadata else {
                throw CheckpointError.badMetadata(
                    field: "__metadata__", detail: "missing: the file holds no optimizer state to resume from")
            }
            let kind = String(describing: type(of: optimizer))
            guard let savedKind = metadata["optimizer"] else {
                throw CheckpointError.badMetadata(field: "optimizer", detail: "missing: the file holds no optimizer state")
            }
            guard savedKind == kind else {
                throw CheckpointError.badMetadata(field: "optimizer", detail: "the file holds \(savedKind) state, not \(kind)")
            }
            guard let steps = metadata["optimizer_steps"] else {
                throw CheckpointError.badMetadata(field: "optimizer_steps", detail: "missing")
            }
            try optimizer.loadState(state, stepCount: try count(steps, field: "optimizer_steps"))
        }
        for (name, parameter) in parameters {
            if let tensor = tensors[name] { try parameter.assign(tensor) }
        }
        var extras = [String: Tensor](), notes = [String: String]()
        for (name, tensor) in tensors where name.hasPrefix(extraPrefix) { extras[String(name.dropFirst(extraPrefix.count))] = tensor }
        for (key, value) in metadata where key.hasPrefix(notePrefix) { notes[String(key.dropFirst(notePrefix.count))] = value }
        return SavedRun(step: step, extras: extras, notes: notes)
    }

    /// The notes saved with a checkpoint (`notes` of `save`), without loading it into a model.
    /// - Throws: `CheckpointError` for an unreadable or corrupt file.
    public static func notes(in path: String) throws -> [String: String] {
        var notes = [String: String]()
        for (key, value) in try SafeTensors.read(path).metadata where key.hasPrefix(notePrefix) {
            notes[String(key.dropFirst(notePrefix.count))] = value
        }
        return notes
    }

    /// A step count from metadata text: a whole number in `0...maximumStep`.
    private static func count(_ text: String, field: String) throws -> Int {
        guard let value = Int(text) else {
            throw CheckpointError.badMetadata(field: field, detail: "'\(text.prefix(40))' is not a whole number")
        }
        guard value >= 0, value <= maximumStep else {
            throw CheckpointError.badMetadata(field: field, detail: "\(value) is outside 0...\(maximumStep)")
        }
        return value
    }
}
