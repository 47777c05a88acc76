/// A trainable tensor: a leaf of every tape it is used on, whose gradient accumulates across replays until
/// `zeroGrad()`.
///
/// A class because identity matters: modules, optimizers and checkpoints all refer to the same parameter.
///
/// Values read from a parameter never change afterwards: `value` and `grad` hand out tensors that an update
/// or a later accumulation does not write into (the parameter writes in place only while nothing else holds
/// its storage, and copies first otherwise). Training itself (forward, replay, optimizer step) belongs to one
/// thread at a time; another thread (a front end) takes `snapshot()` and `gradientSnapshot()`, copies made
/// under the parameter's lock, so its reads never overlap the training thread's writes.
public final class Parameter: Sendable {
    private struct State {
        /// The stored value, untracked (a tracked copy would hold a reference back to this object).
        var value: Tensor
        var grad: Tensor?
        var name: String
    }

    private let state: Locked<State>

    /// A parameter holding `value`, named `name` until a module names it by its path.
    public init(_ value: Tensor, name: String = "") {
        state = Locked(State(value: value.detached(), grad: nil, name: name))
    }

    /// The value as a tensor that tapes trace back to this parameter.
    public var value: Tensor {
        var tensor = state.withLock { $0.value }
        tensor.trace = .parameter(self)
        return tensor
    }

    /// The gradient accumulated by replays since the last `zeroGrad()`, or nil if none reached it.
    public internal(set) var grad: Tensor? {
        get { state.withLock { $0.grad } }
        set { state.withLock { $0.grad = newValue?.detached() } }
    }

    /// A copy of the value, made under the parameter's lock: safe to take on any thread while training runs.
    public func snapshot() -> Tensor { state.withLock { $0.value.copied() } }

    /// A copy of the gradient, made under the parameter's lock: safe to take on any thread while training runs.
    public func gradientSnapshot() -> Tensor? { state.withLock { $0.grad?.copied() } }

    /// The dotted path a module gave this parameter (`lstm.l1.wx`), or the name it was created with.
    public internal(set) var name: String {
        get { state.withLock { $0.name } }
        set { state.withLock { $0.name = newValue } }
    }

    /// The shape of the value.
    public var shape: [Int] { state.withLock { $0.value.shape } }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { state.withLock { $0.grad = nil } }

    /// Writes the value in place, e.g. an optimizer step.
    ///
    /// Tensors taken from `value` earlier keep their elements: when anything else holds the storage, the
    /// parameter moves to a copy first. A tape that saved the old value for backward is told through the old
    /// storage's version, so replaying it afterwards reports `TensorError.savedValueModified` instead of
    /// silently mixing old and new weights.
    public func update(_ body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        try state.withLock { state in
            if !isKnownUniquelyReferenced(&state.value.storage) {
                let previous = state.value.storage
                state.value.storage = previous.copy()
                previous.version &+= 1
            }
            state.value.storage.version &+= 1
            try body(state.value.storage.buffer)
        }
    }

    /// Replaces the accumulated gradient with `gradient`, e.g. with the average of every process's gradient in
    /// data-parallel training.
    /// - Throws: `TensorError.shapeMismatch` when the shape is not the parameter's.
    public func setGradient(_ gradient: Tensor) throws {
        guard gradient.shape == shape else {
            throw TensorError.shapeMismatch(
                op: "Parameter.setGradient",
                detail: "gradient \(Shape.describe(gradient.shape)) for parameter \(Shape.describe(shape))")
        }
        grad = gradient
    }

    /// Replaces the value with `newValue`'s elements (same shape), in place.
    /// - Throws: `TensorError.shapeMismatch` when the shapes differ.
    public func assign(_ newValue: Tensor) throws {
        guard newValue.shape == shape else {
            throw TensorError.shapeMismatch(
                op: "Parameter.assign",
                detail: "value \(Shape.describe(newValue.shape)) into parameter \(Shape.describe(shape))")
        }
        update { $0.baseAddress?.update(from: newValue.pointer, count: newValue.count) }
    }

    /// Adds `gradient` to `grad`.
    func accumulate(_ gradient: Tensor) {
        state.withLock { state in
            guard var existing = state.grad else {
                state.grad = gradient.detached()
                return
            }
            state.grad = nil          // so `existing` is the only reference unless someone holds the gradient
            existing.addInPlace(gradient)
            state.grad = existing
        }
    }

    /// Rewrites the gradient's elements in place (copying them first if shared); does nothing without one.
    func modifyGradient(_ body: (UnsafeMutablePointer<Float>, Int) -> Void) {
        state.withLock { state in
            guard var gradient = state.grad else { return }
            state.grad = nil
            gradient.makeUnique()
            body(gradient.pointer, gradient.count)
            state.grad = gradient
        }
    }
}
