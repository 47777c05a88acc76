/// The `?` overlay: every key, in a box over the middle of the screen.
struct HelpOverlay {
    static let keys: [(String, String)] = [
        ("space", "pause / resume (in the debugger: finish the step and resume)"),
        ("s", "step mode: pause after the next forward pass and open the debugger (watch: the logged tape)"),
        ("n  →", "debugger: replay the next entry"),
        ("p  ←", "debugger: back through the entries already replayed"),
        ("c", "debugger: continue to the end of the replay or the next breakpoint"),
        ("b", "set a breakpoint: nan, >1e3 (norm above), <1e-6 (norm below); empty clears"),
        ("↑ ↓  j k", "move in the focused panel (chart: ← → move the cursor)"),
        ("Tab", "next panel"),
        ("l", "log-y on the loss chart"),
        ("+ -", "more / less smoothing"),
        ("h", "chart: whole history / latest steps"),
        ("Enter  t", "reopen a past step in the debugger: the chart cursor's (Enter), or one typed (t)"),
        ("m", "chart the next logged scalar (gradient norm, learning rate, ...) and back to the loss"),
        ("o", "gradients: sort by norm / model order"),
        ("Esc", "close this help, the cursor or the prompt"),
        ("q", "quit (saves the checkpoint when --checkpoint was given)"),
    ]

    func render(into buffer: inout CellBuffer, area: Rect) {
        let width = min(area.width, 84), height = min(area.height, Self.keys.count + 4)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width: width, height: height)
        buffer.fill(box)
        let inside = Panel.frame(&buffer, box, title: "Keys (? or Esc closes)", focused: true)
        for (row, key) in Self.keys.prefix(inside.height - 1).enumerated() {
            buffer.write(Format.fit(key.0, 10), x: inside.x + 1, y: inside.y + 1 + row, style: .strong)
            buffer.write(key.1, x: inside.x + 11, y: inside.y + 1 + row, limit: inside.width - 12)
        }
    }
}
