/// Keeps the arrays of replayed tapes for the next tape: a training step records about as many entries as the
/// last one, so reusing their capacity saves the regrowth (and page faults) every step.
enum TapeStatePool {
    private static let spares = Locked<[Tape.State]>([])
    private static let limit = 4

    static func take() -> Tape.State {
        spares.withLock { $0.popLast() } ?? Tape.State()
    }

    static func give(_ state: consuming Tape.State) {
        var state = state
        state.entries.removeAll(keepingCapacity: true)
        state.values.removeAll(keepingCapacity: true)
        state.inputs.removeAll(keepingCapacity: true)
        state.saved.removeAll(keepingCapacity: true)
        state.savedVersions.removeAll(keepingCapacity: true)
        state.parameterSlots.removeAll(keepingCapacity: true)
        state.parameters.removeAll(keepingCapacity: true)
        state.watchedNames.removeAll(keepingCapacity: true)
        state.scopes.removeAll(keepingCapacity: true)
        state.scopeOwner = 0
        state.forwardNanoseconds.removeAll(keepingCapacity: true)
        state.outputStatistics = [:]
        state.outputHistograms = [:]
        state.firstNonFinite = nil
        state.callStacks = [:]
        state.leafGradients = [:]
        state.released = false
        spares.withLock { spares in
            if spares.count < limit { spares.append(state) }
        }
    }
}
