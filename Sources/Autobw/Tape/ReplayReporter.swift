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
struct TensorReporter: ReplayReporter, Sendable {
    var first: Tensor?
    var later: [Tensor] = []
    var sentGradients = InlineTensors(first: nil, second: nil, rest: [], count: 0)

    mutating func received(_ grad: borrowing Tensor, _ later: borrowing [Tensor?], firstOutput: Int, cursor: inout ReplayCursor) {
        first = copy grad
        self.later = later.compactMap { $0 }
    }

    mutating func sent(_ sent: borrowing InputGradients) { sentGradients = sent.inlineCopy }

    mutating func accumulating(input: Int, into slot: Int, first: Bool, cursor: inout ReplayCursor) {}
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
            + later.compactMap { $0.map(GradientSummary.init(of:)) }
    }

    mutating func sent(_ sent: borrowing InputGradients) {
        self.sent = (0..<sent.count).map { i in sent[i].map(GradientSummary.init(of:)) }
    }

    mutating func accumulating(input: Int, into slot: Int, first: Bool, cursor: inout ReplayCursor) {
        cursor.summaries[slot] = first ? sent[input] : nil
    }
}
