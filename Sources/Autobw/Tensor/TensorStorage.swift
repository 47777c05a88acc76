/// The float buffer behind one or more `Tensor` values.
///
/// Tensors share storage copy-on-write. The `version` counter counts in-place writes, so the tape can tell
/// when a value it saved for backward was overwritten (docs/ARCHITECTURE.md section 3, failure mode 2).
///
/// Small buffers live in the same allocation as the object (one `malloc` per tensor); large ones come from
/// `BufferPool`, which recycles them across training steps.
final class TensorStorage: ManagedBuffer<TensorStorage.Header, Float> {
    struct Header {
        let count: Int
        /// The elements: the tail allocation of this object, or a pooled buffer.
        var pointer: UnsafeMutablePointer<Float>
        var version: UInt32
        let pooled: Bool
    }

    static func make(count: Int) -> TensorStorage {
        let pooled = count >= BufferPool.minimumPooledCount
        let object = create(minimumCapacity: pooled ? 0 : max(count, 1)) { object in
            Header(
                count: count,
                pointer: pooled ? BufferPool.take(count) : object.withUnsafeMutablePointerToElements { $0 },
                version: 0, pooled: pooled)
        }
        return unsafeDowncast(object, to: TensorStorage.self)
    }

    static func make(count: Int, repeating value: Float) -> TensorStorage {
        let storage = make(count: count)
        storage.pointer.initialize(repeating: value, count: count)
        return storage
    }

    static func make(copying source: UnsafePointer<Float>, count: Int) -> TensorStorage {
        let storage = make(count: count)
        storage.pointer.update(from: source, count: count)
        return storage
    }

    /// A new storage holding the same elements.
    func copy() -> TensorStorage { TensorStorage.make(copying: pointer, count: count) }

    deinit {
        let header = headerPointer.pointee
        if header.pooled { BufferPool.give(header.pointer, count: header.count) }
    }

    // The header is read through its pointer: `ManagedBuffer.header` is a class property, and every access to
    // it would pay a dynamic exclusivity check on the hottest path of the engine.
    private var headerPointer: UnsafeMutablePointer<Header> { withUnsafeMutablePointerToHeader { $0 } }

    var count: Int { headerPointer.pointee.count }
    var pointer: UnsafeMutablePointer<Float> { headerPointer.pointee.pointer }

    /// Bumped by every in-place write; a tape compares it with the version it saw when it saved the value.
    var version: UInt32 {
        get { headerPointer.pointee.version }
        set { headerPointer.pointee.version = newValue }
    }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
