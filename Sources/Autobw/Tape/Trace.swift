/// What a tensor is to the tapes: nothing, a recorded value (tape serial + slot), or a parameter.
///
/// Gradients are keyed by these slots, never by storage identity, so two values sharing storage (a reshape, an
/// identity op, an output list holding one tensor twice) each get their own gradient (failure mode 1).
///
/// Every tensor carries one and every operation copies several, so the common cases (untracked, recorded on one
/// tape) are plain data; the rare ones (a parameter, marks on several nested tapes) sit behind one reference.
struct Trace: Sendable {
    /// The mark of the first tape that recorded the value; `TraceMark.none` when no tape did.
    private(set) var first: TraceMark
    private var rare: Rare?

    /// A parameter leaf, or the marks of further tapes (nested recording scopes).
    private final class Rare: Sendable {
        let parameter: Parameter?
        let furtherMarks: [TraceMark]

        init(parameter: Parameter?, furtherMarks: [TraceMark]) {
            self.parameter = parameter
            self.furtherMarks = furtherMarks
        }
    }

    /// A value no tape recorded.
    static let untracked = Trace(first: .none, rare: nil)

    /// The value of `parameter`, a leaf of every tape that uses it.
    static func parameter(_ parameter: Parameter) -> Trace {
        Trace(first: .none, rare: Rare(parameter: parameter, furtherMarks: []))
    }

    /// The parameter this value is, if any.
    var parameter: Parameter? { rare?.parameter }

    /// True for a value that is neither recorded nor a parameter.
    var isUntracked: Bool { first.tape == TraceMark.none.tape && rare == nil }

    /// The slot of this value on the tape with `serial`, or nil if that tape did not record it.
    func slot(onTape serial: UInt64) -> Int32? {
        if first.tape == serial { return first.slot }
        return rare?.furtherMarks.first { $0.tape == serial }?.slot
    }

    /// The serials of every tape that recorded this value.
    var serials: [UInt64] {
        guard first.tape != TraceMark.none.tape else { return [] }
        return [first.tape] + (rare?.furtherMarks.map(\.tape) ?? [])
    }

    /// True when some tape recorded this value but none of them satisfies `isActive`: an operation using it
    /// could not pass a gradient back to where it came from.
    func isRecordedOnlyOutside(_ isActive: (UInt64) -> Bool) -> Bool {
        guard first.tape != TraceMark.none.tape, !isActive(first.tape) else { return false }
        return !(rare?.furtherMarks.contains { isActive($0.tape) } ?? false)
    }

    /// This trace plus `mark`. A recorded value is no longer the parameter it was computed from.
    func adding(_ mark: TraceMark) -> Trace {
        guard first.tape != TraceMark.none.tape else { return Trace(first: mark, rare: nil) }
        return Trace(first: first, rare: Rare(parameter: nil, furtherMarks: (rare?.furtherMarks ?? []) + [mark]))
    }
}

/// One tape's name for a recorded value.
struct TraceMark: Sendable, Equatable {
    let tape: UInt64
    let slot: Int32

    /// No tape: tape serials start at 1.
    static let none = TraceMark(tape: 0, slot: -1)
}
