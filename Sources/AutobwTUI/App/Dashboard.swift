import Autobw
import AutobwTrainer

/// The whole screen: what the user has chosen to see (focus, chart settings, selections, the help overlay, the
/// breakpoint prompt), how a key changes it, and how a snapshot is drawn with it. Pure: it never touches a
/// terminal or the training thread; it returns the commands a key sends.
struct Dashboard: Sendable {
    /// The focused panel.
    var focus = PanelID.loss
    /// The loss chart's settings.
    var chart = ChartSettings()
    /// The selected tape entry; nil to follow the debugger's entry (or the top).
    var tapeSelection: Int?
    /// Gradients sorted by norm instead of in model order.
    var gradientsByNorm = false
    /// Lines scrolled in the gradients panel.
    var gradientScroll = 0
    /// The help overlay is up.
    var helpVisible = false
    /// Lines the help overlay is scrolled by (on a screen too short for every key).
    var helpScroll = 0
    /// The chart menu's selected row, while it is open.
    var chartMenu: Int?
    /// The breakpoint or step number being typed, while the prompt is open.
    var prompt: String?
    /// What the open prompt asks for.
    var promptKind = PromptKind.breakpoint

    /// What a prompt asks for.
    enum PromptKind: Sendable {
        /// A breakpoint (`b`).
        case breakpoint
        /// A past step to reopen (`t`).
        case step
        /// Text to find in the tape's ops and scopes (`/`).
        case search
    }
    /// The last search (`/`), which `f` and `F` repeat.
    var search: String?
    /// The replayed entry under review; nil for the latest.
    var review: Int?
    /// Rows of the entry's incoming gradient values scrolled past.
    var valueRow = 0
    /// A one-line notice shown above the status line until the next key.
    var notice: String?
    /// The size of the screen last drawn, so that Tab moves through the panels that are on it.
    var screenSize = (width: 120, height: 40)

    /// A dashboard with default settings.
    init() {}

    /// What a key asks of the run, and whether the user quit.
    struct Reaction: Equatable {
        /// The commands to send to the run, in order.
        var commands: [RunCommand] = []
        /// Whether the user asked to leave.
        var quit = false
    }

    // MARK: keys

    /// Applies `key` given the latest `snapshot`.
    mutating func handle(_ key: Key, _ snapshot: RunSnapshot) -> Reaction {
        var reaction = Reaction()
        notice = nil
        if prompt != nil {
            handlePrompt(key, snapshot, &reaction)
            return reaction
        }
        if chartMenu != nil {
            handleChartMenu(key, snapshot, &reaction)
            return reaction
        }
        if helpVisible, let scroll = KeyBinding.action(of: key).flatMap(Self.scrollAmount) {
            helpScroll = max(0, min(helpScroll + scroll, HelpOverlay.keys.count - 1))
            return reaction
        }
        if case .mouse(let action, let x, let y) = key {
            pointer(action, x: x, y: y, snapshot)
            return reaction
        }
        let debugger = snapshot.debugger
        guard let action = KeyBinding.action(of: key) else { return reaction }
        switch action {
        case .quit: reaction.quit = true
        case .toggleHelp:
            helpVisible.toggle()
            helpScroll = 0
        case .escape:
            if helpVisible { helpVisible = false } else { chart.cursorStep = nil }
        case .pauseOrResume:
            switch snapshot.state {
            case .running: reaction.commands.append(.pause)
            case .paused, .stepping: reaction.commands.append(.resume)
            default: break
            }
            review = nil
        case .stepMode:
            reaction.commands.append(.stepMode)
            review = nil
            tapeSelection = nil
            if focus == .loss { focus = .debugger }
        case .nextEntry: nextEntry(debugger, &reaction)
        case .previousEntry: previousEntry(debugger)
        case .right:
            if debugger != nil { nextEntry(debugger, &reaction) } else { moveCursor(1, snapshot) }
        case .left:
            if debugger != nil { previousEntry(debugger) } else { moveCursor(-1, snapshot) }
        case .continueReplay:
            review = nil
            tapeSelection = nil
            valueRow = 0
            reaction.commands.append(.continueReplay)
        case .typeBreakpoint:
            prompt = ""
            promptKind = .breakpoint
        case .typeStep:
            guard debugger == nil else { break }
            prompt = ""
            promptKind = .step
        case .reopenAtCursor:
            guard debugger == nil, focus == .loss, let step = chart.cursorStep else { break }
            reopen(step, snapshot, &reaction)
        case .logY: chart.logY.toggle()
        case .wholeHistory: chart.wholeHistory.toggle()
        case .smoothMore: chart.smoothingIndex = min(chart.smoothingIndex + 1, ChartSettings.smoothingSteps.count - 1)
        case .smoothLess: chart.smoothingIndex = max(chart.smoothingIndex - 1, 0)
        case .sortGradients: gradientsByNorm.toggle()
        case .chooseCharts: chartMenu = 0
        case .nextPanel: cycleFocus(snapshot)
        case .up: move(-1, snapshot)
        case .down: move(1, snapshot)
        case .pageUp: move(-10, snapshot)
        case .pageDown: move(10, snapshot)
        case .first: move(Int.min / 2, snapshot)
        case .last: move(Int.max / 2, snapshot)
        case .redraw, .pointer: break  // the terminal app redraws every cell; the mouse arrives as `.mouse`
        case .search:
            prompt = ""
            promptKind = .search
        case .valuesOn: valueRow = min(valueRow + 1, ReplayedEntry.valueSliceLength)
        case .valuesBack: valueRow = max(0, valueRow - 1)
        case .nextMatch: findMatch(forward: true, snapshot)
        case .previousMatch: findMatch(forward: false, snapshot)
        }
        return reaction
    }

    /// Asks the run to reopen past step `step` in the debugger, or says why it cannot.
    private mutating func reopen(_ step: Int, _ snapshot: RunSnapshot, _ reaction: inout Reaction) {
        guard snapshot.reopenable.contains(step) else {
            notice = snapshot.reopenable.isEmpty
                ? "this run keeps no snapshots to reopen steps from"
                : "step \(step) cannot be reopened: steps \(snapshot.reopenable.lowerBound)-\(snapshot.reopenable.upperBound - 1) can"
            return
        }
        reaction.commands.append(.reopen(step: step))
        review = nil
        tapeSelection = nil
        focus = .debugger
    }

    /// How far a scrolling action moves: by one or ten lines.
    private static func scrollAmount(_ action: KeyAction) -> Int? {
        switch action {
        case .up: return -1
        case .down: return 1
        case .pageUp: return -10
        case .pageDown: return 10
        default: return nil
        }
    }

    /// Keys while the chart menu is open: move, show or hide the selected chart, close; Ctrl-C still quits.
    private mutating func handleChartMenu(_ key: Key, _ snapshot: RunSnapshot, _ reaction: inout Reaction) {
        let names = ChartCatalog.names(snapshot)
        let selected = min(chartMenu ?? 0, names.count - 1)
        switch key {
        case .interrupt: reaction.quit = true
        case .escape, .character("m"), .character("q"): chartMenu = nil
        case .character(" "), .enter:
            let name = names[selected]
            if let position = chart.shown.firstIndex(of: name) {
                chart.shown.remove(at: position)
            } else {
                chart.shown.append(name)
            }
        default:
            if let scroll = KeyBinding.action(of: key).flatMap(Self.scrollAmount) {
                chartMenu = max(0, min(selected + scroll, names.count - 1))
            }
        }
    }

    private mutating func nextEntry(_ debugger: DebuggerState?, _ reaction: inout Reaction) {
        tapeSelection = nil
        valueRow = 0
        if let debugger, let shown = review, shown < debugger.replayed.count - 1 {
            review = shown + 1 == debugger.replayed.count - 1 ? nil : shown + 1
        } else {
            review = nil
            reaction.commands.append(.next)
        }
    }

    private mutating func previousEntry(_ debugger: DebuggerState?) {
        tapeSelection = nil
        valueRow = 0
        if let debugger, !debugger.replayed.isEmpty { review = max(0, (review ?? debugger.replayed.count - 1) - 1) }
    }

    private mutating func handlePrompt(_ key: Key, _ snapshot: RunSnapshot, _ reaction: inout Reaction) {
        switch key {
        case .escape: prompt = nil
        case .backspace:
            if var text = prompt, !text.isEmpty {
                text.removeLast()
                prompt = text
            }
        case .enter where promptKind == .search:
            let text = (prompt ?? "").trimmingCharacters(in: .whitespaces)
            prompt = nil
            guard !text.isEmpty else { return }
            search = text
            findMatch(forward: true, snapshot)
        case .enter where promptKind == .step:
            let text = (prompt ?? "").trimmingCharacters(in: .whitespaces)
            prompt = nil
            guard let step = Int(text) else {
                notice = text.isEmpty ? nil : "not a step number: '\(text)'"
                return
            }
            reopen(step, snapshot, &reaction)
        case .enter:
            let text = prompt ?? ""
            prompt = nil
            if text.trimmingCharacters(in: .whitespaces).isEmpty {
                reaction.commands.append(.setBreakpoint(nil))
                notice = "breakpoint cleared"
            } else if let breakpoint = Breakpoint(parsing: text) {
                reaction.commands.append(.setBreakpoint(breakpoint))
                notice = "breakpoint: \(breakpoint)"
            } else {
                notice = "not a breakpoint: '\(text)' (try nan, >1e3, <1e-6, op matmul or step 100)"
            }
        case .interrupt: reaction.quit = true
        case .character(let character) where (prompt?.count ?? 0) < 40: prompt?.append(character)
        default: break
        }
    }

    /// Selects the next (or previous) tape entry after the selection whose op or scope contains the search,
    /// wrapping around, and says which match of how many it is.
    private mutating func findMatch(forward: Bool, _ snapshot: RunSnapshot) {
        guard let search else {
            notice = "nothing to find yet: / types a search"
            return
        }
        let entries = snapshot.debugger?.entries ?? snapshot.tape
        let needle = search.lowercased()
        let matches = entries.indices.filter {
            entries[$0].op.rawValue.lowercased().contains(needle) || entries[$0].scope.lowercased().contains(needle)
        }
        guard !matches.isEmpty else {
            notice = "/\(search): no entry's op or scope matches"
            return
        }
        let from = tapeSelection ?? followedEntry(snapshot) ?? -1
        let found = forward ? matches.first { $0 > from } ?? matches[0] : matches.last { $0 < from } ?? matches[matches.count - 1]
        tapeSelection = found
        focus = .tape
        let position = (matches.firstIndex(of: found) ?? 0) + 1
        notice = "/\(search): #\(found) \(entries[found].op.rawValue), match \(position) of \(matches.count) (f next, F previous)"
    }

    /// A click focuses the panel under it (on the chart, the cursor goes to the step there); the wheel scrolls
    /// the panel under it by three lines.
    private mutating func pointer(_ action: MouseAction, x: Int, y: Int, _ snapshot: RunSnapshot) {
        let panels = layout(for: snapshot, width: screenSize.width, height: screenSize.height).panels
        guard let (id, area) = panels.first(where: { $0.area.contains(x, y) }) else { return }
        focus = id
        switch action {
        case .wheelUp: move(-3, snapshot)
        case .wheelDown: move(3, snapshot)
        case .click:
            guard id == .loss else { return }
            let stack = ChartStack(snapshot: snapshot, settings: chart)
            let chartArea = area.inner
            let line = LineChart(lines: ChartCatalog.lines(stack.charts[0], snapshot), settings: chart)
            guard let window = line.window(chartArea) else { return }
            let dotColumn = (x - chartArea.x - LineChart.labelWidth) * chart.glyphs.dotsWide
            guard dotColumn >= 0 else { return }
            chart.cursorStep = min(max(window.start, window.origin + dotColumn * window.perColumn), window.last)
        }
    }

    private mutating func cycleFocus(_ snapshot: RunSnapshot) {
        let order = layout(for: snapshot, width: screenSize.width, height: screenSize.height).panels.map(\.id)
        guard !order.isEmpty else { return }
        let position = order.firstIndex(of: focus) ?? -1
        focus = order[(position + 1) % order.count]
    }

    private mutating func move(_ delta: Int, _ snapshot: RunSnapshot) {
        switch focus {
        case .tape, .debugger:
            let entries = snapshot.debugger?.entries ?? snapshot.tape
            guard !entries.isEmpty else { return }
            let start = tapeSelection ?? followedEntry(snapshot) ?? 0
            tapeSelection = min(max(0, start + delta), entries.count - 1)
        case .gradients: gradientScroll = max(0, gradientScroll + delta)
        case .loss: moveCursor(delta, snapshot)
        case .sample: break
        }
    }

    private mutating func moveCursor(_ delta: Int, _ snapshot: RunSnapshot) {
        guard !snapshot.losses.isEmpty else { return }
        let last = snapshot.firstStep + snapshot.losses.count - 1
        let current = chart.cursorStep ?? last
        chart.cursorStep = min(max(snapshot.firstStep, current + delta), last)
    }

    /// The entry the debugger stands on (or the one under review).
    func followedEntry(_ snapshot: RunSnapshot) -> Int? {
        guard let debugger = snapshot.debugger, !debugger.replayed.isEmpty else { return snapshot.debugger?.next?.index }
        return debugger.replayed[min(review ?? debugger.replayed.count - 1, debugger.replayed.count - 1)].entry.index
    }

    // MARK: drawing

    /// While stepping: each parameter's gradient as accumulated up to the entry on screen (0 where none has
    /// arrived yet), in `order` first, and each replayed entry's incoming gradient norm (-1 where not replayed).
    func replayGradients(_ debugger: DebuggerState, order: [String]) -> (parameters: [ParameterNorm], entries: [Float]) {
        let shown = debugger.replayed.isEmpty ? -1 : min(review ?? debugger.replayed.count - 1, debugger.replayed.count - 1)
        var accumulated = [String: Float]()
        var names = order
        var entries = [Float](repeating: -1, count: debugger.entries.count)
        for replayed in debugger.replayed.prefix(shown + 1) {
            for parameter in replayed.parameters {
                if accumulated[parameter.name] == nil && !names.contains(parameter.name) { names.append(parameter.name) }
                accumulated[parameter.name] = parameter.statistics.norm
            }
            if entries.indices.contains(replayed.entry.index) { entries[replayed.entry.index] = replayed.incoming.first?.norm ?? .nan }
        }
        return (names.map { ParameterNorm(name: $0, norm: accumulated[$0] ?? 0) }, entries)
    }

    func layout(for snapshot: RunSnapshot, width: Int, height: Int) -> Layout {
        Layout.make(
            width: width, height: height, debugging: snapshot.debugger != nil, hasSample: snapshot.sample != nil,
            charts: ChartStack(snapshot: snapshot, settings: chart).charts.count,
            debuggerRows: snapshot.debugger.map { debugger in
                { columns in
                    DebuggerPanel(state: debugger, shown: review, live: snapshot.source == nil, valueRow: valueRow)
                        .rows(for: Rect(x: 0, y: 0, width: columns, height: .max / 2)).count
                }
            })
    }

    /// The screen for `snapshot` at `width` x `height`; `others` are runs whose lines the charts overlay
    /// (`autobw watch A B`).
    func render(_ snapshot: RunSnapshot, others: [RunSnapshot] = [], width: Int, height: Int) -> CellBuffer {
        var buffer = CellBuffer(width: width, height: height)
        guard width >= 20, height >= 6 else {
            // Wrapped, so that even a sliver of a screen shows the whole message.
            for (row, line) in Format.wrap("autobw needs at least 20x6", width).prefix(height).enumerated() {
                buffer.write(line, x: 0, y: row)
            }
            return buffer
        }
        let layout = layout(for: snapshot, width: width, height: height)
        for (id, area) in layout.panels { draw(id, area, snapshot, others, &buffer) }
        StatusLine(snapshot: snapshot, hints: hints(for: snapshot)).render(into: &buffer, area: layout.status)
        if let prompt {
            let line = Rect(x: 0, y: height - 2, width: width, height: 1)
            buffer.fill(line)
            let question: String
            switch promptKind {
            case .step:
                let kept = snapshot.reopenable.isEmpty ? "none kept" : "\(snapshot.reopenable.lowerBound)-\(snapshot.reopenable.upperBound - 1)"
                question = "reopen step (\(kept); Enter opens, Esc cancels): "
            case .search: question = "find in the tape, op or scope (Enter finds, Esc cancels): /"
            case .breakpoint: question = "breakpoint (nan, >1e3, <1e-6, op NAME, scope NAME, step N; Enter sets, empty clears, Esc cancels): "
            }
            // What is typed always shows: on a narrow screen the question shrinks to its first words.
            let short = question.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) + ": " } ?? question
            let shown = question.count + prompt.count + 1 <= width ? question : short + (promptKind == .search ? "/" : "")
            buffer.write(String((shown + prompt + "█").unicodeScalars.suffix(width)), x: 0, y: height - 2, style: .strong)
        } else if let notice {
            buffer.write(" " + notice + " ", x: 1, y: height - 2, style: Style(color: .yellow, bold: true))
        }
        if let chartMenu {
            ChartMenu(names: ChartCatalog.names(snapshot), shown: chart.shown, selected: chartMenu).render(into: &buffer, area: buffer.bounds)
        }
        if helpVisible { HelpOverlay(scroll: helpScroll).render(into: &buffer, area: buffer.bounds) }
        return buffer
    }

    /// The keys the status line offers: only what applies now (no `space pause` once a run has ended, or in a
    /// dumped tape, where nothing trains).
    func hints(for snapshot: RunSnapshot) -> String {
        KeyBinding.hints(hintContext(snapshot))
    }

    /// What the screen shows, for the status line's hints.
    func hintContext(_ snapshot: RunSnapshot) -> HintContext {
        let ended: Bool
        switch snapshot.state {
        case .finished, .diverged, .failed: ended = true
        default: ended = false
        }
        if snapshot.debugger != nil { return snapshot.source == nil && !ended ? .stepping : .replaying }
        if snapshot.source != nil { return snapshot.tape.isEmpty ? .watching : .watchingTape }
        return ended ? .ended : .training
    }

    private func draw(_ id: PanelID, _ area: Rect, _ snapshot: RunSnapshot, _ others: [RunSnapshot], _ buffer: inout CellBuffer) {
        let focused = focus == id
        switch id {
        case .loss:
            let stack = ChartStack(snapshot: snapshot, others: others, settings: chart)
            let inside = Panel.frame(&buffer, area, title: stack.title(area), focused: focused)
            stack.render(into: &buffer, area: inside)
        case .tape:
            let debugger = snapshot.debugger
            let entries = debugger?.entries ?? snapshot.tape
            let title = "Tape · \(entries.count) entries" + (debugger.map { " · step \($0.step) replay" } ?? "")
            let inside = Panel.frame(&buffer, area, title: title, focused: focused)
            let current = followedEntry(snapshot)
            TapeList(
                entries: entries, selected: tapeSelection ?? current ?? 0,
                replayed: Set(debugger?.replayed.map(\.entry.index) ?? []), current: current
            ).render(into: &buffer, area: inside)
        case .gradients:
            if let debugger = snapshot.debugger {
                let (parameters, entries) = replayGradients(debugger, order: snapshot.latest?.parameterGradientNorms.map(\.name) ?? [])
                // A reopened past step beside the latest live one: where did this step differ from a calm one.
                let latest = debugger.reopened ? snapshot.entryNorms.steps.last : nil
                let title = "Gradient norms · this replay so far" + (latest.map { " | step \($0.step) (latest)" } ?? "")
                let inside = Panel.frame(&buffer, area, title: title, focused: focused)
                GradientBars(
                    parameters: parameters, sortedByNorm: gradientsByNorm, entryNorms: entries, step: debugger.step,
                    tape: debugger.entries, scroll: gradientScroll, comparison: latest.map { ($0.step, $0.norms) },
                    entriesFirst: true
                ).render(into: &buffer, area: inside)
                return
            }
            // One step's figures throughout: the cursor's when it stands on a kept step, else the latest.
            let atCursor = chart.cursorStep.flatMap { snapshot.entryNorms.record(at: $0) }
            let shown = atCursor ?? snapshot.entryNorms.steps.last
            var title = "Gradient norms"
            if let shown { title += " · step \(shown.step) " + (atCursor != nil ? "(cursor)" : "(latest)") }
            let inside = Panel.frame(&buffer, area, title: title + (gradientsByNorm ? " · by norm" : ""), focused: focused)
            GradientBars(
                parameters: shown?.parameters ?? snapshot.latest?.parameterGradientNorms ?? [], sortedByNorm: gradientsByNorm,
                entryNorms: shown?.norms, step: shown?.step, tape: snapshot.tape, scroll: gradientScroll
            ).render(into: &buffer, area: inside)
        case .debugger:
            var title = "Debugger"
            if case .diverged = snapshot.state { title = "Debugger · diverged step" }
            let inside = Panel.frame(&buffer, area, title: title, focused: focused)
            if let debugger = snapshot.debugger {
                DebuggerPanel(state: debugger, shown: review, live: snapshot.source == nil, valueRow: valueRow)
                    .render(into: &buffer, area: inside)
            }
        case .sample:
            let inside = Panel.frame(&buffer, area, title: "Sample", focused: focused)
            TextPanel(text: snapshot.sample ?? "", style: .plain).render(into: &buffer, area: inside)
        }
    }
}
