/// A model's weights, its optimizer's state and the training step, in one safetensors file.
///
/// Model weights are stored under their parameter names (`lstm.l1.wx`), so PyTorch users can load them with
/// `safetensors.torch.load_file`; optimizer state under `optimizer/<slot>/<parameter name>`; the step and
/// optimizer kind in the header's metadata. Note that `Linear.weight` is `[in, out]` (PyTorch's is `[out, in]`).
public enum Checkpoint {
    static let format = "autobw-checkpoint-1"
    static let optimizerPrefix = "optimizer/"

    /// Saves `model`, `optimizer` (if any) and `step` to `path`, atomically.
    public static func save(model: Module, optimizer: Optimizer? = nil, step: Int, to path: String) throws {
        var tensors = [String: Tensor]()
        for (name, parameter) in model.namedParameters() { tensors[name] = parameter.value.detached() }
        var metadata = ["format": format, "step": String(step)]
        if let optimizer {
            for (name, tensor) in optimizer.stateTensors() { tensors[optimizerPrefix + name] = tensor }
            metadata["optimizer"] = String(describing: type(of: optimizer))
            metadata["optimizer_steps"] = String(optimizer.stepCount)
            metadata["learning_rate"] = String(optimizer.learningRate)
        }
        try SafeTensors.write(tensors, metadata: metadata, to: path)
    }

    /// Loads the file at `path` into `model` (and `optimizer`), returning the saved step.
    ///
    /// Everything is checked before anything is changed: on any error the model and optimizer are untouched.
    /// - Throws: `CheckpointError` for an unreadable or corrupt file, a missing tensor or a shape mismatch.
    @discardableResult
    public static func load(from path: String, into model: Module, optimizer: Optimizer? = nil) throws -> Int {
        let (tensors, metadata) = try SafeTensors.read(path)
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
            try optimizer.loadState(state, stepCount: Int(metadata["optimizer_steps"] ?? "") ?? 0)
        }
        for (name, parameter) in parameters {
            if let tensor = tensors[name] { try parameter.assign(tensor) }
        }
        return Int(metadata["step"] ?? "") ?? 0
    }
}
