/// What a tensor is to the tapes: nothing, a recorded value (tape serial + slot), or a parameter.
///
/// Gradients are keyed by these slots, never by storage identity, so two values sharing storage (a reshape, an
/// identity op, an output list holding one tensor twice) each get their own gradient (failure mode 1).
enum Trace: Sendable {
    case untracked
    case recorded(TraceMark)
    case parameter(Parameter)
    /// Recorded on several tapes at once (nested recording scopes).
    case many([TraceMark])

    /// The slot of this value on the tape with `serial`, or nil if that tape did not record it.
    func slot(onTape serial: UInt64) -> Int32? {
        switch self {
        case .untracked, .parameter: return nil
        case .recorded(let mark): return mark.tape == serial ? mark.slot : nil
        case .many(let marks): return marks.first { $0.tape == serial }?.slot
        }
    }

    /// The tapes that recorded this value.
    var marks: [TraceMark] {
        switch self {
        case .untracked, .parameter: return []
        case .recorded(let mark): return [mark]
        case .many(let marks): return marks
        }
    }

    /// This trace plus `mark`.
    func adding(_ mark: TraceMark) -> Trace {
        switch self {
        case .untracked, .parameter: return .recorded(mark)
        case .recorded(let first): return .many([first, mark])
        case .many(let marks): return .many(marks + [mark])
        }
    }
}

/// One tape's name for a recorded value.
struct TraceMark: Sendable, Equatable {
    let tape: UInt64
    let slot: Int32
}
