/// A trainable tensor: a leaf of every tape it is used on, whose gradient accumulates across replays until
/// `zeroGrad()`.
///
/// A class because identity matters: modules, optimizers and checkpoints all refer to the same parameter.
/// Parameters are not synchronised; use one from one thread at a time (the trainer's thread).
public final class Parameter: @unchecked Sendable {
    /// The stored value, untracked (a tracked copy would hold a reference back to this object).
    private var storedValue: Tensor
    /// The gradient accumulated by replays since the last `zeroGrad()`, or nil if none reached it.
    public internal(set) var grad: Tensor?

    /// A parameter holding `value`.
    public init(_ value: Tensor) {
        storedValue = value.detached()
    }

    /// The value as a tensor that tapes trace back to this parameter.
    public var value: Tensor {
        var tensor = storedValue
        tensor.trace = .parameter(self)
        return tensor
    }

    /// The shape of the value.
    public var shape: [Int] { storedValue.shape }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// Writes the value in place, e.g. an optimizer step.
    ///
    /// The storage is shared with any tape that saved this value, on purpose: the write bumps its version, so a
    /// tape replayed afterwards reports `TensorError.savedValueModified` instead of using the new weights.
    public func update(_ body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        storedValue.storage.version &+= 1
        try body(storedValue.storage.buffer)
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
        guard grad != nil else {
            grad = gradient.detached()
            return
        }
        modifyGradient { g, count in
            let source = gradient.pointer
            for i in 0..<min(count, gradient.count) { g[i] += source[i] }
        }
    }

    /// Rewrites the gradient's elements in place (copying them first if shared); does nothing without one.
    func modifyGradient(_ body: (UnsafeMutablePointer<Float>, Int) -> Void) {
        guard var gradient = grad else { return }
        grad = nil          // so `gradient` is the only reference and is written without a copy
        gradient.makeUnique()
        body(gradient.pointer, gradient.count)
        grad = gradient
    }
}
