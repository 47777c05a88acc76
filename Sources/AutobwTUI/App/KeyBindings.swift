/// What a key does, whatever key it is.
enum KeyAction: Sendable, Equatable, CaseIterable {
    case quit, toggleHelp, escape, pauseOrResume, stepMode, nextEntry, previousEntry, right, left, continueReplay
    case typeBreakpoint, typeStep, reopenAtCursor, logY, wholeHistory, smoothMore, smoothLess, sortGradients
    case chooseCharts, nextPanel, up, down, pageUp, pageDown, first, last, redraw
    case search, nextMatch, previousMatch, pointer, valuesBack, valuesOn
}

/// What the screen shows, for the keys the status line offers.
enum HintContext: Sendable {
    /// A live run taking (or paused between) steps.
    case training
    /// The live debugger, inside a step that space finishes (or a reopened one that space leaves).
    case stepping
    /// A debugger on a step that cannot go on: a dump, a diverged step.
    case replaying
    /// A run log followed by `watch`; `watchingTape` when it holds a logged tape to debug.
    case watching, watchingTape
    /// A live run that has finished, diverged or failed.
    case ended
}

/// One row of the key table: the keys, how the help overlay names them and what it says, the action, and where
/// the status line offers it (as `hint`). The help overlay, the hint line and `Dashboard.handle` all read this
/// one table.
struct KeyBinding: Sendable {
    let keys: [Key]
    let label: String
    let help: String
    let action: KeyAction
    /// What the status line says of the key, where it offers it.
    var hints: [HintContext: String] = [:]

    /// The table, in the help overlay's order.
    static let table: [KeyBinding] = [
        KeyBinding(
            keys: [.character(" ")], label: "space", help: "pause / resume (in the debugger: finish the step and resume)",
            action: .pauseOrResume, hints: [.training: "space pause", .stepping: "space resume"]),
        KeyBinding(
            keys: [.character("s")], label: "s",
            help: "step mode: pause after the next forward pass and open the debugger (watch: the logged tape)",
            action: .stepMode, hints: [.training: "s step", .watchingTape: "s debug the logged tape"]),
        KeyBinding(
            keys: [.character("n")], label: "n  →", help: "debugger: replay the next entry", action: .nextEntry,
            hints: [.stepping: "n next", .replaying: "n next"]),
        KeyBinding(
            keys: [.character("p")], label: "p  ←", help: "debugger: back through the entries already replayed",
            action: .previousEntry, hints: [.stepping: "p back", .replaying: "p back"]),
        KeyBinding(
            keys: [.character("c")], label: "c", help: "debugger: continue to the end of the replay or the next breakpoint",
            action: .continueReplay, hints: [.stepping: "c continue", .replaying: "c continue"]),
        KeyBinding(
            keys: [.character("b")], label: "b",
            help: "breakpoint, also while training: nan, >1e3, <1e-6 (norms), op NAME, scope NAME, step N", action: .typeBreakpoint,
            hints: [.stepping: "b break", .replaying: "b break"]),
        KeyBinding(
            keys: [.enter], label: "Enter", help: "chart: reopen the cursor's past step in the debugger",
            action: .reopenAtCursor),
        KeyBinding(keys: [.character("t")], label: "t", help: "reopen a past step by its number", action: .typeStep),
        KeyBinding(keys: [.character("]")], label: "[ ]", help: "debugger: scroll the incoming gradient's values back / on",
                   action: .valuesOn),
        KeyBinding(keys: [.character("[")], label: "", help: "", action: .valuesBack),
        KeyBinding(keys: [.right], label: "→", help: "debugger: next entry; chart: cursor right", action: .right),
        KeyBinding(keys: [.left], label: "←", help: "debugger: back; chart: cursor left", action: .left),
        KeyBinding(keys: [.up, .character("k")], label: "↑ k", help: "move up in the focused panel", action: .up),
        KeyBinding(keys: [.down, .character("j")], label: "↓ j", help: "move down in the focused panel", action: .down),
        KeyBinding(keys: [.pageUp], label: "PgUp", help: "ten up in the focused panel", action: .pageUp),
        KeyBinding(keys: [.pageDown], label: "PgDn", help: "ten down in the focused panel", action: .pageDown),
        KeyBinding(keys: [.home, .character("g")], label: "Home g", help: "to the first entry, line or step", action: .first),
        KeyBinding(keys: [.end, .character("G")], label: "End G", help: "to the last entry, line or step", action: .last),
        KeyBinding(
            keys: [.character("/")], label: "/", help: "search the tape by op or scope (Enter finds the next entry that matches)",
            action: .search),
        KeyBinding(
            keys: [.character("f")], label: "f F", help: "the next / previous match of the search (n is the debugger's next entry)",
            action: .nextMatch),
        KeyBinding(keys: [.character("F")], label: "", help: "", action: .previousMatch),
        KeyBinding(keys: [.tab], label: "Tab", help: "next panel", action: .nextPanel),
        KeyBinding(
            keys: [], label: "mouse", help: "click a panel to focus it (the chart: its cursor to that step); the wheel scrolls",
            action: .pointer),
        KeyBinding(keys: [.redraw], label: "Ctrl-L", help: "draw the whole screen again", action: .redraw),
        KeyBinding(keys: [.character("l")], label: "l", help: "log-y on the chart", action: .logY,
                   hints: [.watching: "l log", .watchingTape: "l log"]),
        KeyBinding(keys: [.character("+"), .character("=")], label: "+ -", help: "more / less smoothing", action: .smoothMore),
        KeyBinding(keys: [.character("-")], label: "", help: "", action: .smoothLess),
        KeyBinding(keys: [.character("h")], label: "h", help: "chart: whole history / latest steps", action: .wholeHistory,
                   hints: [.watching: "h history", .watchingTape: "h history"]),
        KeyBinding(
            keys: [.character("m")], label: "m",
            help: "choose the charts shown, several at once: loss, validation, grad norm, lr, steps/s, each parameter's norm",
            action: .chooseCharts,
            hints: [.training: "m charts", .watching: "m charts", .watchingTape: "m charts", .ended: "m charts"]),
        KeyBinding(keys: [.character("o")], label: "o", help: "gradients: sort by norm / model order", action: .sortGradients),
        KeyBinding(keys: [.escape], label: "Esc", help: "close this help, the cursor or the prompt", action: .escape),
        KeyBinding(keys: [.character("?")], label: "?", help: "this help", action: .toggleHelp,
                   hints: everywhere("? help")),
        KeyBinding(
            keys: [.character("q"), .interrupt], label: "q", help: "quit (saves the checkpoint when --checkpoint was given)",
            action: .quit, hints: everywhere("q quit")),
    ]

    /// `hint` in every context.
    private static func everywhere(_ hint: String) -> [HintContext: String] {
        Dictionary(uniqueKeysWithValues: [HintContext.training, .stepping, .replaying, .watching, .watchingTape, .ended].map { ($0, hint) })
    }

    /// The action of `key`, if any.
    static func action(of key: Key) -> KeyAction? { table.first { $0.keys.contains(key) }?.action }

    /// The rows the help overlay lists (a row without a label continues the one before it).
    static var helpRows: [(String, String)] { table.filter { !$0.label.isEmpty }.map { ($0.label, $0.help) } }

    /// The table as README shows it: a Markdown table of every labelled row, in the table's order.
    static var markdown: String {
        (["| key | what it does |", "|---|---|"] + helpRows.map { "| `\($0.0)` | \($0.1) |" }).joined(separator: "\n")
    }

    /// The hint line of `context`: the keys the table offers there, in its order. Space comes first, where it is
    /// offered (the table lists it first).
    static func hints(_ context: HintContext) -> String {
        table.compactMap { $0.hints[context] }.joined(separator: "  ")
    }
}
