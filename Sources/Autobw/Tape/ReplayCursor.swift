/// The replay's state and its one backward implementation. A struct, so the hot loop works on it in place
/// without per-access exclusivity checks.
struct ReplayCursor {
    var recorded: Tape.State
    /// The gradient accumulated so far for each recorded value, by slot. It may be longer than the list of
    /// values: it is reused from replay to replay (`Tape.State.spareGradientSlots`), because allocating, filling
    /// and freeing a list the size of the tape every step cost more than the small ops' replay itself.
    var grads: [Tensor?]
    /// The next entry to replay, counting down; -1 when finished.
    var next: Int
    /// Whether saved values are kept for another replay (`keepTape`), or freed as soon as they are used.
    let keepsSaved: Bool
    /// Whether every gradient sent is checked for NaN and infinities (`TapeOptions.stopsAtNonFinite`).
    let checksFinite: Bool
    var stepsTaken = 0
    /// With an observer: the summary of each slot's gradient while it holds a single contribution, so a
    /// gradient is summarised once, when sent, not again when received.
    var summaries: [GradientSummary?] = []

    init(recorded: consuming Tape.State, start: Int32, seed: Tensor, keepsSaved: Bool, checksFinite: Bool) {
        // The spare list is taken out before the recording is stored: taken after, the caller's copy of the
        // recording would still share it, and the first write below would copy the whole list.
        var grads = [Tensor?]()
        swap(&grads, &recorded.spareGradientSlots)
        if grads.count < recorded.values.count {
            grads.append(contentsOf: repeatElement(nil, count: recorded.values.count - grads.count))
        }
        grads[Int(start)] = seed
        next = recorded.entries.lastIndex { $0.outputs.contains(Int(start)) } ?? -1
        self.grads = grads
        self.recorded = recorded
        self.keepsSaved = keepsSaved
        self.checksFinite = checksFinite
    }

    mutating func runToEnd() throws {
        var silent = SilentReporter()
        while let index = nextReachedEntry() { try replay(index, reporter: &silent) }
    }

    /// `runToEnd()` reporting each entry to `observer`. A method of the cursor, not of the replay: reading the
    /// recording through the replay's stored cursor copied the whole recording for every entry.
    mutating func runToEnd(observer: ReplayObserver) throws {
        while let index = nextReachedEntry() {
            var reporter = SummaryReporter()
            try replay(index, reporter: &reporter)
            observer(
                EntryGradientReport(
                    entryIndex: index, op: recorded.op(ofEntry: index), scope: recorded.scope(ofEntry: index),
                    incoming: reporter.incoming, sent: reporter.sent))
        }
    }

    /// The index of the next entry with an incoming gradient, moving the cursor to it.
    mutating func nextReachedEntry() -> Int? {
        // Through a buffer pointer: subscripting the array copies the whole entry (its strings and closure).
        recorded.entries.withUnsafeBufferPointer { entries in
            while next >= 0 {
                if entries[next].outputs.contains(where: { grads[$0] != nil }) { return next }
                next -= 1
            }
            return nil
        }
    }

    /// Runs entry `index`'s backward rule and accumulates what it sends into its inputs' gradients; returns
    /// what it received and sent when `reporting`.
    ///
    /// The gradients are moved, not copied, from slot to rule to slot: on a chain of small operations the
    /// reference counting of copies would cost more than the arithmetic.
    mutating func replay<Reporter: ReplayReporter>(_ index: Int, reporter: inout Reporter) throws {
        // Fields are read through a buffer pointer: `entries[index].inputs` would copy the whole entry first.
        let (inputs, outputs, savedRange, rule) = recorded.entries.withUnsafeBufferPointer {
            ($0[index].inputs, $0[index].outputs, $0[index].savedRange, $0[index].rule)
        }
        try checkSavedValuesUnchanged(savedRange, of: index)
        let backward: Backward
        switch rule {
        case .closure(let closure):
            backward = closure
        case .identity, .pointwise:
            return try replayElementwise(
                index, rule: rule, input: inputs.lowerBound, output: outputs.lowerBound, saved: savedRange,
                reporter: &reporter)
        }
        let grad = grads.take(outputs.lowerBound) ?? Tensor.filled(0, recorded.values[outputs.lowerBound].shape)
        let laterGrads: [Tensor?] = outputs.count == 1
            ? [] : outputs.dropFirst().map { grads.take($0) ?? Tensor.filled(0, recorded.values[$0].shape) }
        // The reporter is a type parameter: running with `SilentReporter` compiles to no reporting code at all.
        reporter.received(grad, laterGrads, firstOutput: outputs.lowerBound, cursor: &self)
        var sent = try run(backward, of: index, grad: consume grad, laterGrads: consume laterGrads)
        guard sent.count == inputs.count else {
            throw TensorError.badCustomGradient(
                op: recorded.op(ofEntry: index).rawValue, detail: "\(sent.count) gradients for \(inputs.count) inputs")
        }
        reporter.sent(sent)
        for (i, position) in inputs.enumerated() {
            let slot = recorded.inputs[position].slot
            guard slot >= 0, let gradient = sent.take(i) else { continue }
            guard gradient.dimensions == recorded.inputs[position].shape else {
                throw TensorError.badCustomGradient(
                    op: recorded.op(ofEntry: index).rawValue,
                    detail: "gradient \(Shape.describe(gradient.shape)) for input \(i) of shape"
                        + " \(Shape.describe(recorded.inputs[position].shape.array))")
            }
            if checksFinite { try checkFinite(gradient, sentToInput: i, of: index) }
            reporter.accumulating(input: i, into: Int(slot), first: grads[Int(slot)] == nil, cursor: &self)
            accumulate(gradient, into: Int(slot))
        }
        finish(index, saved: savedRange)
    }

    /// `replay` for an entry with a pointwise or pass-through rule: one input and one output of the same shape
    /// (both guaranteed by the elementwise ops that record such rules). The incoming gradient is rewritten in
    /// place and moved on to the input's slot, with no lists of gradients at all.
    private mutating func replayElementwise<Reporter: ReplayReporter>(
        _ index: Int, rule: BackwardRule, input position: Int, output: Int, saved: Range<Int>, reporter: inout Reporter
    ) throws {
        var gradient = grads.take(output) ?? Tensor.filled(0, recorded.values[output].shape)
        reporter.received(gradient, [], firstOutput: output, cursor: &self)
        if case .pointwise(let rewrite, let constant) = rule {
            gradient.makeUnique()
            gradient.storage.version &+= 1
            let values = saved.isEmpty ? gradient.storage : recorded.saved[saved.lowerBound].storage
            rewrite(gradient.pointer, UnsafePointer(values.pointer), min(gradient.count, values.count), constant)
        }
        reporter.sent(only: gradient)
        let slot = Int(recorded.inputs[position].slot)
        if checksFinite { try checkFinite(gradient, sentToInput: 0, of: index) }
        reporter.accumulating(input: 0, into: slot, first: grads[slot] == nil, cursor: &self)
        accumulate(gradient, into: slot)
        finish(index, saved: saved)
    }

    /// Throws when a value entry `index` saved was written after it was saved. Inlined: called, it made the
    /// caller copy the whole recording onto the stack first (a 152-byte memcpy an entry).
    @inline(__always)
    private func checkSavedValuesUnchanged(_ savedRange: Range<Int>, of index: Int) throws {
        for i in savedRange where recorded.saved[i].storage.version != recorded.savedVersions[i] {
            throw savedValueModified(index)
        }
    }

    private func savedValueModified(_ index: Int) -> TensorError {
        .savedValueModified(op: recorded.op(ofEntry: index).rawValue, scope: recorded.scope(ofEntry: index))
    }

    /// With `TapeOptions.stopsAtNonFinite`: throws when the gradient sent to input `input` holds a NaN or an
    /// infinity.
    private func checkFinite(_ gradient: borrowing Tensor, sentToInput input: Int, of index: Int) throws {
        let statistics = gradient.statistics()
        guard statistics.isFinite else {
            throw TensorError.nonFinite(
                NonFiniteValue(entry: recorded.info(ofEntry: index), location: .gradientToInput(input), statistics: statistics))
        }
    }

    /// Frees entry `index`'s saved values unless they are kept, and moves the cursor past it.
    private mutating func finish(_ index: Int, saved savedRange: Range<Int>) {
        if !keepsSaved {
            // Free the elements; keep the shape, which the entry's description still shows.
            for i in savedRange { recorded.saved[i].releaseElements() }
        }
        next = index - 1
        stepsTaken += 1
    }

    /// Calls the entry's rule closure. A function of its own so the context's view of the saved values is gone
    /// before the caller releases them (otherwise releasing would copy the whole saved-value array).
    private func run(
        _ backward: Backward, of index: Int, grad: consuming Tensor, laterGrads: consuming [Tensor?]
    ) throws -> InputGradients {
        let inputs = recorded.entries[index].inputs
        var needsMask: UInt64 = 0
        for (i, input) in recorded.inputs[inputs].enumerated() where input.slot >= 0 && i < 64 {
            needsMask |= 1 << UInt64(i)
        }
        // Most entries save nothing: then no slice of the tape's array (a retain and a release of it).
        let savedRange = recorded.entries[index].savedRange
        let saved = SavedValues(values: savedRange.isEmpty ? [] : recorded.saved[savedRange])
        var context = BackwardContext(grad: grad, laterGrads: laterGrads, saved: saved, needsMask: needsMask)
        return try backward(&context)
    }

    /// One step for `ReverseReplay.step()`: the entry replayed, its gradients, and the parameters among its
    /// inputs with their gradients so far.
    @inline(__always)
    mutating func step(layout: RecordingLayout) throws -> ReplayStep? {
        guard let index = nextReachedEntry() else { return nil }
        var reporter = TensorReporter()
        try replay(index, reporter: &reporter)
        let touched = parameterGradients(touchedBy: index)
        return ReplayStep(layout: layout, index: index, gradients: consume reporter, parameterGradients: touched)
    }

    /// The gradient accumulated so far in each parameter among entry `index`'s inputs; no array for an entry
    /// that touches none, the common case.
    private func parameterGradients(touchedBy index: Int) -> [ParameterGradient] {
        let positions = recorded.entries.withUnsafeBufferPointer { $0[index].inputs }
        return recorded.inputs.withUnsafeBufferPointer { inputs in
            var touched = [ParameterGradient]()
            for position in positions {
                if let gradient = parameterGradient(slot: inputs[position].slot) { touched.append(gradient) }
            }
            return touched
        }
    }

    /// The gradients of the watched leaves (not parameters), once no entry is left to replay.
    mutating func leafGradientsIfFinished() -> [Int32: Tensor]? {
        guard nextReachedEntry() == nil else { return nil }
        var leaves = [Int32: Tensor]()
        for (slot, gradient) in grads.prefix(recorded.values.count).enumerated() {
            if let gradient, recorded.values[slot].parameterIndex < 0 { leaves[Int32(slot)] = gradient }
        }
        return leaves
    }

    /// Empties the gradient list (leaf gradients were handed over when the replay finished) and keeps it in the
    /// recording for the next replay. Clearing slot by slot is inlined; emptying the list would destroy every
    /// element through a generic call each.
    mutating func keepGradientSlotsForReuse() {
        grads.withUnsafeMutableBufferPointer { slots in
            for i in slots.indices where slots[i] != nil { slots[i] = nil }
        }
        swap(&grads, &recorded.spareGradientSlots)
    }

    /// The gradient accumulated so far for `slot`, if it is a parameter leaf that a gradient reached.
    func parameterGradient(slot: Int32) -> ParameterGradient? {
        guard slot >= 0, let gradient = grads[Int(slot)], let parameter = recorded.parameter(inSlot: slot) else {
            return nil
        }
        return ParameterGradient(name: parameter.name, gradient: gradient)
    }

    private mutating func accumulate(_ gradient: consuming Tensor, into slot: Int) {
        // A rule may hand back a recorded value (a custom op returning what it saved): keep only the numbers.
        if !gradient.trace.isUntracked { gradient.trace = .untracked }
        recorded.parameter(inSlot: Int32(slot))?.accumulate(gradient)
        if var existing = grads.take(slot) {
            existing.addInPlace(gradient)
            grads[slot] = existing
        } else {
            grads[slot] = gradient
        }
    }
}

extension Array where Element == Tensor? {
    /// Moves the element at `index` out, leaving nil (no reference-count traffic).
    mutating func take(_ index: Int) -> Tensor? {
        var taken: Tensor? = nil
        swap(&taken, &self[index])
        return taken
    }
}
