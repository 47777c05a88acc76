/// What `ReplayCursor.replay` tells about the entry it runs, as a type parameter: the replay is one function,
/// and a reporter that reports nothing costs nothing.
protocol ReplayReporter {
    /// The gradients of the entry's outputs, before its rule consumes them.
    mutating func received(_ grad: borrowing Tensor, _ later: borrowing [Tensor?], firstOutput: Int, cursor: inout ReplayCursor)
    /// What the rule sent to each input.
    mutating func sent(_ sent: borrowing InputGradients)
    /// What a one-input rule sent to its input.
    mutating func sent(only gradient: borrowing Tensor)
    /// Input `input`'s gradient is about to be added to `slot`; `first` when the slot had none yet.
    mutating func accumulating(input: Int, into slot: Int, first: Bool, cursor: inout ReplayCursor)
}

extension ReplayReporter {
    mutating func sent(only gradient: borrowing Tensor) { sent(Operands(copy gradient)) }
}

/// `runToEnd()` without an observer.
struct SilentReporter: ReplayReporter {
    @inline(__always)
    mutating func received(_ grad: borrowing Tensor, _ later: borrowing [Tensor?], firstOutput: Int, cursor: inout ReplayCursor) {}
    @inline(__always)
    mutating func sent(_ sent: borrowing InputGradients) {}
    @inline(__always)
    mutating func sent(only gradient: borrowing Tensor) {}
    @inline(__always)
    mutating func accumulating(input: Int, into slot: Int, first: Bool, cursor: inout ReplayCursor) {}
}

/// `step()`: the gradient tensors themselves, for a `ReplayStep`.
///
/// The first incoming gradient and the first two sent are fields of their own, and the rest optional lists, so
/// that the common step (one output, one or two inputs) builds and frees no array. Each is kept as its numbers
/// and shape only: gradients are untracked, and a whole `Tensor` per field made every step move and free more.
struct TensorReporter: ReplayReporter, Sendable {
    var first: KeptGradient?
    /// The gradients of the outputs after the first; nil for a one-output entry.
    var later: [Tensor]?
    var sentFirst: KeptGradient?
    var sentSecond: KeptGradient?
    /// The gradients sent to the inputs after the second; nil for entries of two inputs or fewer.
    var sentRest: [Tensor?]?
    var sentCount = 0

    mutating func received(_ grad: borrowing Tensor, _ later: borrowing [Tensor?], firstOutput: Int, cursor: inout ReplayCursor) {
        first = KeptGradient(grad)
        if !later.isEmpty { self.later = later.compactMap { $0 } }
    }

    mutating func sent(_ sent: borrowing InputGradients) {
        sentCount = sent.count
        if sent.count > 0 { sentFirst = sent[0].map(KeptGradient.init) }
        if sent.count > 1 { sentSecond = sent[1].map(KeptGradient.init) }
        if sent.count > 2 { sentRest = (2..<sent.count).map { sent[$0] } }
    }

    mutating func sent(only gradient: borrowing Tensor) {
        sentCount = 1
        sentFirst = KeptGradient(gradient)
    }

    mutating func accumulating(input: Int, into slot: Int, first: Bool, cursor: inout ReplayCursor) {}

    /// The gradient of each output.
    var incoming: [Tensor] { (first.map { [$0.tensor] } ?? []) + (later ?? []) }

    /// The gradient sent to each input.
    var sent: [Tensor?] { (0..<sentCount).map(sent(to:)) }

    /// The gradient sent to input `input`.
    func sent(to input: Int) -> Tensor? {
        input == 0 ? sentFirst?.tensor : input == 1 ? sentSecond?.tensor : sentRest?[input - 2] ?? nil
    }

    /// Summaries of `incoming` and `sent`, built without the intermediate lists of tensors.
    var summaries: (incoming: [GradientSummary], sent: [GradientSummary?]) {
        var incoming = [GradientSummary]()
        incoming.reserveCapacity(1 + (later?.count ?? 0))
        if let first { incoming.append(GradientSummary(of: first.tensor)) }
        for gradient in later ?? [] { incoming.append(GradientSummary(of: gradient)) }
        var sent = [GradientSummary?]()
        sent.reserveCapacity(sentCount)
        for input in 0..<sentCount { sent.append(self.sent(to: input).map(GradientSummary.init(of:))) }
        return (incoming, sent)
    }
}

/// A gradient a step keeps: its shape and its numbers, shared with the replay until either writes. Unchecked
/// for the reason `Tensor` is: storage is copy-on-write, so a kept gradient is never written again.
struct KeptGradient: @unchecked Sendable {
    let dimensions: Dimensions
    let storage: TensorStorage

    init(_ gradient: borrowing Tensor) {
        dimensions = gradient.dimensions
        storage = gradient.storage
    }

    var tensor: Tensor { Tensor(dimensions: dimensions, storage: storage) }
}

/// The observer: each gradient's summary, computed before the gradients move on so that nothing is kept
/// alive. A slot's first contribution is its whole gradient so far, so its summary is kept in the cursor and
/// serves again as the incoming summary of the entry that produced the slot; a second contribution clears it.
struct SummaryReporter: ReplayReporter {
    var incoming: [GradientSummary] = []
    var sent: [GradientSummary?] = []

    mutating func received(_ grad: borrowing Tensor, _ later: borrowing [Tensor?], firstOutput: Int, cursor: inout ReplayCursor) {
        if cursor.summaries.count != cursor.recorded.values.count {
            cursor.summaries = Array(repeating: nil, count: cursor.recorded.values.count)
        }
        incoming = [cursor.summaries[firstOutput] ?? GradientSummary(of: copy grad)]
        if !later.isEmpty { incoming += later.compactMap { $0.map(GradientSummary.init(of:)) } }
    }

    mutating func sent(_ sent: borrowing InputGradients) {
        self.sent = (0..<sent.count).map { i in sent[i].map(GradientSummary.init(of:)) }
    }

    mutating func accumulating(input: Int, into slot: Int, first: Bool, cursor: inout ReplayCursor) {
        cursor.summaries[slot] = first ? sent[input] : nil
    }
}
