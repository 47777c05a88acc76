import Foundation

/// Shape arithmetic shared by the kernels: element counts, strides and broadcasting.
enum Shape {
    /// The element count of a shape already known to be valid (every tensor's shape is).
    static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// The most elements one tensor may have: what this machine's memory could hold as Float32. Larger requests
    /// are errors up front instead of an allocation that kills the process.
    static let maximumCount: Int = {
        let floats = ProcessInfo.processInfo.physicalMemory / UInt64(MemoryLayout<Float>.size)
        return Int(min(floats, UInt64(Int.max)))
    }()

    /// The element count of a shape that came from outside the engine (a caller, a file), checked.
    ///
    /// A 0 anywhere makes the count 0, but the other dimensions are still checked: `[0, 1 << 62, 4]` holds no
    /// elements, yet any later op that multiplies its trailing dimensions would overflow.
    /// - Throws: `TensorError.invalidArgument` naming `op` and `argument` for a negative dimension or a count
    ///   beyond `maximumCount`.
    static func validatedCount(_ shape: [Int], op: String, argument: String = "shape") throws -> Int {
        var product = 1, hasZero = false
        for dimension in shape {
            guard dimension >= 0 else {
                throw TensorError.invalidArgument(
                    op: op, detail: "\(argument) \(describe(shape)) has a negative dimension")
            }
            if dimension == 0 {
                hasZero = true
                continue
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow, next <= maximumCount else {
                throw TensorError.invalidArgument(
                    op: op,
                    detail: "\(argument) \(describe(shape)) is too large: more than the \(maximumCount) Float32"
                        + " elements this machine's memory can hold")
            }
            product = next
        }
        return hasZero ? 0 : product
    }

    /// Checks a size argument (a layer width, a count): non-negative (positive unless `allowsZero`) and small
    /// enough that tensors built from it can exist.
    static func validatedSize(_ size: Int, op: String, argument: String, allowsZero: Bool = false) throws -> Int {
        guard size > 0 || (allowsZero && size == 0) else {
            throw TensorError.invalidArgument(
                op: op, detail: "\(argument) must be \(allowsZero ? "0 or more" : "positive"), got \(size)")
        }
        guard size <= maximumCount else {
            throw TensorError.invalidArgument(op: op, detail: "\(argument) \(size) is too large for this machine's memory")
        }
        return size
    }

    static func describe(_ shape: [Int]) -> String { Tensor.describe(shape: shape) }

    /// Row-major strides.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// NumPy broadcasting: shapes are aligned on the right; each dimension pair must match or contain a 1.
    static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        if a == b { return a }
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw TensorError.shapeMismatch(
                    op: op, detail: "cannot broadcast \(describe(a)) with \(describe(b))")
            }
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Strides of `shape` read as if it had shape `target` (broadcast dimensions get stride 0).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let pad = target.count - shape.count
        return target.indices.map { i in
            i < pad || shape[i - pad] == 1 ? 0 : own[i - pad]
        }
    }

    /// Resolves a possibly negative axis against `rank`.
    static func axis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw TensorError.invalidArgument(op: op, detail: "axis \(axis) is out of range for rank \(rank)")
        }
        return resolved
    }

    /// Splits `shape` around `axis` into (elements before, length of axis, elements after).
    static func around(_ shape: [Int], axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (count(Array(shape[..<axis])), shape[axis], count(Array(shape[(axis + 1)...])))
    }
}

extension Tensor {
    /// The number of elements of `shape`, checked as the engine checks every shape from outside.
    /// - Throws: `TensorError.invalidArgument` for a negative dimension or a count beyond this machine's memory.
    public static func elementCount(of shape: [Int]) throws -> Int {
        try Shape.validatedCount(shape, op: "elementCount")
    }
}

extension Tensor {
    /// How messages, screens and tables write a shape: `[2, 3]`, or `[2,3]` where columns are narrow. The one
    /// shape formatter.
    public static func describe(shape: [Int], compact: Bool = false) -> String {
        "[" + shape.map(String.init).joined(separator: compact ? "," : ", ") + "]"
    }
}
