/// A short list of tensors stored inline: the inputs, saved values or gradients of one recorded entry.
///
/// Almost every operation has one or two of each, so keeping them out of a heap-allocated array removes most
/// of the per-op allocations of recording and replaying.
public struct Operands: Sendable, RandomAccessCollection {
    private var first: Tensor?
    private var second: Tensor?
    private var rest: [Tensor?]
    /// The number of elements.
    public let count: Int

    /// No elements.
    public init() {
        (first, second, rest, count) = (nil, nil, [], 0)
    }

    /// One element (nil for "no gradient" in a list of gradients).
    public init(_ a: Tensor?) {
        (first, second, rest, count) = (a, nil, [], 1)
    }

    /// Two elements.
    public init(_ a: Tensor?, _ b: Tensor?) {
        (first, second, rest, count) = (a, b, [], 2)
    }

    /// Any number of elements.
    public init(_ list: [Tensor?]) {
        count = list.count
        first = list.first ?? nil
        second = list.count > 1 ? list[1] : nil
        rest = list.count > 2 ? Array(list[2...]) : []
    }

    /// Any number of elements.
    public init(_ list: [Tensor]) { self.init(list.map { Optional($0) }) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The element at `index`, nil where a gradient list holds "no gradient".
    public subscript(index: Int) -> Tensor? {
        _read {
            switch index {
            case 0: yield first
            case 1: yield second
            default: yield rest[index - 2]
            }
        }
    }
}

/// The gradients a backward rule sends to its entry's inputs, in input order (nil for "none").
public typealias InputGradients = Operands

/// The values an entry saved for backward, indexed from 0.
public struct SavedValues: Sendable {
    let values: ArraySlice<Tensor>

    /// The number of saved values.
    public var count: Int { values.count }

    /// The `index`th saved value.
    public subscript(index: Int) -> Tensor { values[values.startIndex + index] }
}
