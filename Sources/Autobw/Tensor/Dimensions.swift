/// A tensor's shape as plain data in two words: up to four dimensions below 2^30 packed inline, any other shape
/// (a larger rank or dimension) by its index in a table of interned shapes.
///
/// Every tensor carries one and every recorded op copies several (into the output, the tape's input and output
/// lists, saved values, gradients). As an `[Int]` each copy was a reference-count round trip on the array; as
/// two words it is two moves, and the tape's lists of shapes are freed without a loop. Two words and no more:
/// a wider shape made `Tensor` too large for the compiler to copy it in registers, which cost more than the
/// reference counting saved (callgrind, W3).
struct Dimensions: Equatable, Sendable {
    /// Bits 0-29 and 30-59: dimensions 0 and 1; bits 60-63: the rank, or `internedRank`.
    private let low: UInt64
    /// Bits 0-29 and 30-59: dimensions 2 and 3; for an interned shape, its index in `Dimensions.interned`.
    private let high: UInt64

    private static let bits: UInt64 = 30
    private static let mask: UInt64 = (1 << bits) - 1
    private static let internedRank: UInt64 = 15

    /// A scalar's: no dimensions.
    static let scalar = Dimensions(low: 0, high: 0)

    private init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The dimensions of `shape`.
    init(_ shape: [Int]) {
        guard shape.count <= 4, shape.allSatisfy({ $0 >= 0 && UInt64($0) <= Dimensions.mask }) else {
            self.init(low: Dimensions.internedRank << 60, high: UInt64(Dimensions.intern(shape)))
            return
        }
        func at(_ i: Int) -> UInt64 { i < shape.count ? UInt64(shape[i]) : 0 }
        self.init(low: at(0) | at(1) << 30 | UInt64(shape.count) << 60, high: at(2) | at(3) << 30)
    }

    private var packedRank: UInt64 { low >> 60 }
    private var d0: Int { Int(low & Dimensions.mask) }
    private var d1: Int { Int(low >> 30 & Dimensions.mask) }
    private var d2: Int { Int(high & Dimensions.mask) }
    private var d3: Int { Int(high >> 30 & Dimensions.mask) }

    /// The number of dimensions.
    var rank: Int { packedRank == Dimensions.internedRank ? array.count : Int(packedRank) }

    /// The dimensions as an array, outermost first.
    var array: [Int] {
        switch packedRank {
        case 0: return []
        case 1: return [d0]
        case 2: return [d0, d1]
        case 3: return [d0, d1, d2]
        case 4: return [d0, d1, d2, d3]
        default: return Dimensions.interned.withLock { $0.shapes[Int(high)] }
        }
    }

    /// The number of elements.
    var elementCount: Int {
        switch packedRank {
        case 0: return 1
        case 1: return d0
        case 2: return d0 * d1
        case 3: return d0 * d1 * d2
        case 4: return d0 * d1 * d2 * d3
        default: return Shape.count(array)
        }
    }

    /// Shapes that do not fit inline, each stored once for the life of the process: they are rare, and a
    /// program makes few distinct ones. Deduplicated, so equal indexes mean equal shapes.
    private struct InternTable {
        var shapes: [[Int]] = []
        var indexes: [[Int]: Int] = [:]
    }

    private static let interned = Locked(InternTable())

    private static func intern(_ shape: [Int]) -> Int {
        interned.withLock { table in
            if let index = table.indexes[shape] { return index }
            table.shapes.append(shape)
            table.indexes[shape] = table.shapes.count - 1
            return table.shapes.count - 1
        }
    }
}
