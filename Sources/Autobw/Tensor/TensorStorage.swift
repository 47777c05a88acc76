/// The float buffer behind one or more `Tensor` values.
///
/// Tensors share storage copy-on-write. The `version` counter counts in-place writes, so the tape can tell
/// when a value it saved for backward was overwritten (DESIGN.md section 2, failure mode 2).
final class TensorStorage: @unchecked Sendable {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>
    /// Bumped by every in-place write; a tape compares it with the version it saw when it saved the value.
    var version: UInt32 = 0

    init(count: Int) {
        self.count = count
        pointer = BufferPool.take(count)
    }

    convenience init(count: Int, repeating value: Float) {
        self.init(count: count)
        pointer.initialize(repeating: value, count: count)
    }

    convenience init(copying source: UnsafePointer<Float>, count: Int) {
        self.init(count: count)
        pointer.update(from: source, count: count)
    }

    deinit { BufferPool.give(pointer, count: count) }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
