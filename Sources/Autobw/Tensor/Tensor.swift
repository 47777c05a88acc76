/// A float32, row-major tensor of any rank.
///
/// `Tensor` is a value: copies share storage until one of them is written (copy-on-write). While a `Tape`
/// records, every operation on tensors is appended to it, and the result remembers which recorded value it is.
///
/// Sendable because storage is only written when uniquely referenced (copy-on-write), or deliberately through
/// `Parameter.update`, which the tape's version check guards.
public struct Tensor: @unchecked Sendable {
    /// The shape, as plain data: the engine's hot paths read this instead of `shape`, which builds an array.
    let dimensions: Dimensions
    var storage: TensorStorage
    /// Which recorded value (or parameter) this tensor is, if any.
    var trace: Trace = .untracked

    /// The size of each dimension, outermost first. A scalar has shape `[]`.
    public var shape: [Int] { dimensions.array }

    init(dimensions: Dimensions, storage: TensorStorage) {
        self.dimensions = dimensions
        self.storage = storage
    }

    init(shape: [Int], storage: TensorStorage) {
        self.init(dimensions: Dimensions(shape), storage: storage)
    }

    /// A tensor of `shape` holding `scalars` in row-major order.
    /// - Throws: `TensorError.invalidArgument` for a negative or oversized shape, `TensorError.shapeMismatch`
    ///   when the counts differ.
    public init(shape: [Int], scalars: [Float]) throws {
        guard try Shape.validatedCount(shape, op: "Tensor") == scalars.count else {
            throw TensorError.shapeMismatch(
                op: "Tensor", detail: "\(scalars.count) scalars do not fill shape \(Shape.describe(shape))")
        }
        self.init(scalars)
        self = Tensor(shape: shape, storage: storage)
    }

    /// A one-dimensional tensor holding `scalars`.
    public init(_ scalars: [Float]) {
        let storage = TensorStorage.make(count: scalars.count)
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.pointer.update(from: base, count: scalars.count) }
        }
        self.init(shape: [scalars.count], storage: storage)
    }

    /// A rank-0 tensor holding `value`.
    public init(scalar value: Float) {
        self.init(shape: [], storage: TensorStorage.make(count: 1, repeating: value))
    }

    /// A tensor of `shape` with every element equal to `value`.
    /// - Throws: `TensorError.invalidArgument` for a negative dimension or a shape too large for memory.
    public init(repeating value: Float, shape: [Int]) throws {
        _ = try Shape.validatedCount(shape, op: "Tensor(repeating:)")
        self = Tensor.filled(value, shape)
    }

    /// A tensor of `shape` whose elements `body` writes, all of them, in row-major order: no intermediate array.
    /// - Throws: `TensorError.invalidArgument` for a negative dimension or a shape too large for memory, or what
    ///   `body` throws.
    public init(shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) throws {
        _ = try Shape.validatedCount(shape, op: "Tensor(shape:initializingWith:)")
        let tensor = Tensor.uninitialized(shape)
        try body(tensor.storage.buffer)
        self = tensor
    }

    /// A tensor of zeros.
    /// - Throws: `TensorError.invalidArgument` for a negative dimension or a shape too large for memory.
    public static func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones.
    /// - Throws: `TensorError.invalidArgument` for a negative dimension or a shape too large for memory.
    public static func ones(_ shape: [Int]) throws -> Tensor { try Tensor(repeating: 1, shape: shape) }

    /// `value` everywhere, for a shape the engine derived from existing tensors (so already valid).
    static func filled(_ value: Float, _ shape: [Int]) -> Tensor { filled(value, Dimensions(shape)) }

    /// `value` everywhere, for dimensions the engine derived from existing tensors.
    static func filled(_ value: Float, _ dimensions: Dimensions) -> Tensor {
        Tensor(dimensions: dimensions, storage: TensorStorage.make(count: dimensions.elementCount, repeating: value))
    }

    /// An uninitialised tensor for kernels that write every element; the shape is already valid.
    static func uninitialized(_ shape: [Int]) -> Tensor { uninitialized(Dimensions(shape)) }

    /// An uninitialised tensor for kernels that write every element, with dimensions of an existing tensor.
    static func uninitialized(_ dimensions: Dimensions) -> Tensor {
        Tensor(dimensions: dimensions, storage: TensorStorage.make(count: dimensions.elementCount))
    }

    /// The number of elements.
    public var count: Int { storage.count }

    /// The number of dimensions.
    public var rank: Int { dimensions.rank }

    /// All elements in row-major order.
    public var scalars: [Float] { Array(storage.buffer) }

    /// The single element of a tensor with one element.
    /// - Throws: `TensorError.shapeMismatch` when the tensor holds more or fewer than one element.
    public func item() throws -> Float {
        guard count == 1 else {
            throw TensorError.shapeMismatch(op: "item", detail: "\(Shape.describe(shape)) holds \(count) elements, not 1")
        }
        return storage.pointer[0]
    }

    /// The element at a full multi-dimensional index, or nil when the index is out of range.
    public func element(at index: [Int]) -> Float? {
        guard index.count == rank else { return nil }
        var flat = 0
        for (i, stride) in Shape.strides(shape).enumerated() {
            guard index[i] >= 0 && index[i] < shape[i] else { return nil }
            flat += index[i] * stride
        }
        return storage.pointer[flat]
    }

    /// True when this tensor is a value recorded on a tape (or a parameter), so gradients can flow to it.
    public var isRecorded: Bool { !trace.isUntracked }

    /// The same values, cut off from every tape: operations on the result are not traced back through it.
    public func detached() -> Tensor { Tensor(dimensions: dimensions, storage: storage) }

    /// Calls `body` with the elements for reading.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// Calls `body` with the elements for writing, copying shared storage first.
    /// - Throws: `TensorError.mutatingRecordedValue` when the tensor is a recorded value: writing it would make
    ///   its recorded gradient silently wrong.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) throws -> R {
        guard !isRecorded else { throw TensorError.mutatingRecordedValue }
        makeUnique()
        storage.version &+= 1
        return try body(storage.buffer)
    }

    /// Gives this tensor its own storage if it shares it (copy-on-write).
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The same values in storage of their own, untracked: a snapshot that no later write anywhere can change.
    public func copied() -> Tensor { Tensor(dimensions: dimensions, storage: storage.copy()) }

    var pointer: UnsafeMutablePointer<Float> { storage.pointer }
}

extension Tensor: CustomStringConvertible {
    /// Shape and (up to 8) leading elements, e.g. `Tensor[2, 3](0.1, 0.2, ...)`.
    public var description: String {
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(Shape.describe(shape))(\(shown)\(count > 8 ? ", ..." : ""))"
    }
}

extension Tensor {
    /// A shared zero-element tensor, used to release saved values without allocating.
    static let empty = Tensor(shape: [0], storage: TensorStorage.make(count: 0))

    /// Drops this tensor's elements (shared empty storage), keeping its shape for descriptions.
    mutating func releaseElements() { storage = Tensor.empty.storage }
}
