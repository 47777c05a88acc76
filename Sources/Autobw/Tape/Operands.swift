/// A short list of tensors stored inline: the inputs, saved values or gradients of one recorded entry.
///
/// Almost every operation has one or two of each, so keeping them out of a heap-allocated array removes most
/// of the per-op allocations of recording and replaying. Noncopyable, so a list is only ever moved or
/// borrowed: copying one costs a retain and a release per reference it holds, on every recorded op.
public struct Operands: ~Copyable, Sendable {
    private var first: Tensor?
    private var second: Tensor?
    /// The elements after the second; nil for lists of two or fewer, so taking from them never touches an array.
    private var rest: [Tensor?]?
    /// The number of elements.
    public let count: Int

    /// No elements.
    public init() {
        first = nil
        second = nil
        rest = nil
        count = 0
    }

    /// One element (nil for "no gradient" in a list of gradients).
    public init(_ a: consuming Tensor?) {
        first = a
        second = nil
        rest = nil
        count = 1
    }

    /// Two elements.
    public init(_ a: consuming Tensor?, _ b: consuming Tensor?) {
        first = a
        second = b
        rest = nil
        count = 2
    }

    /// Any number of elements.
    public init(_ list: [Tensor?]) {
        count = list.count
        first = list.first ?? nil
        second = list.count > 1 ? list[1] : nil
        rest = list.count > 2 ? Array(list[2...]) : nil
    }

    /// Any number of elements.
    public init(_ list: [Tensor]) { self.init(list.map { Optional($0) }) }

    /// The element at `index`, nil where a gradient list holds "no gradient".
    public subscript(index: Int) -> Tensor? {
        switch index {
        case 0: return first
        case 1: return second
        default: return rest?[index - 2] ?? nil
        }
    }

    /// The elements as an array.
    public var list: [Tensor?] { (0..<count).map { self[$0] } }

    /// Statistics of each element present, in order (as a tape lists an entry's inputs).
    var statistics: [TensorStatistics] { (0..<count).compactMap { self[$0]?.statistics() } }
}

extension Operands {
    // Field readers for the recording path: they project one field in place, where `self[i]?.field` would copy
    // the whole tensor first.

    /// The trace of element `index`, nil for a nil element.
    func trace(at index: Int) -> Trace? {
        switch index {
        case 0: return first?.trace
        case 1: return second?.trace
        default: return rest?[index - 2]?.trace
        }
    }

    /// The dimensions of element `index`, nil for a nil element.
    func dimensions(at index: Int) -> Dimensions? {
        switch index {
        case 0: return first?.dimensions
        case 1: return second?.dimensions
        default: return rest?[index - 2]?.dimensions
        }
    }

    /// The storage of element `index`, nil for a nil element.
    func storage(at index: Int) -> TensorStorage? {
        switch index {
        case 0: return first?.storage
        case 1: return second?.storage
        default: return rest?[index - 2]?.storage
        }
    }

    /// Moves element `index` out, leaving nil.
    mutating func take(_ index: Int) -> Tensor? {
        var taken: Tensor? = nil
        switch index {
        case 0: swap(&taken, &first)
        case 1: swap(&taken, &second)
        default: if rest != nil { swap(&taken, &rest![index - 2]) }
        }
        return taken
    }

    /// Adds a tape's mark to the trace of element `index`.
    mutating func mark(_ index: Int, _ mark: TraceMark) {
        func marked(_ tensor: inout Tensor?) {
            guard var value = tensor else { return }
            tensor = nil
            value.trace = value.trace.adding(mark)
            tensor = value
        }
        switch index {
        case 0: marked(&first)
        case 1: marked(&second)
        default: if rest != nil { marked(&rest![index - 2]) }
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
