/// Where each panel goes on a screen of a given size.
struct Layout: Equatable {
    var panels: [(id: PanelID, area: Rect)]
    var status: Rect

    static func == (lhs: Layout, rhs: Layout) -> Bool {
        lhs.status == rhs.status && lhs.panels.map(\.id) == rhs.panels.map(\.id) && lhs.panels.map(\.area) == rhs.panels.map(\.area)
    }

    /// Panels for a `width` x `height` screen: usable at 80x24, with more room for each panel when larger.
    /// `debuggerRows(width)` says how many rows the debugger's lines take at a width: on a tall screen its panel
    /// is as tall as they need (up to two thirds), and the gradients below get the rest.
    /// With `charts` charts chosen, the chart panel grows (up to three quarters of its column) to hold them.
    static func make(
        width: Int, height: Int, debugging: Bool, hasSample: Bool, charts: Int = 1, debuggerRows: ((Int) -> Int)? = nil
    ) -> Layout {
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (main, status) = (screen.splitTop(height - 1).top, screen.splitTop(height - 1).rest)
        var panels = [(PanelID, Rect)]()
        let wide = width >= 100
        if debugging {
            if wide {
                let (left, right) = main.splitLeft(width * 9 / 20)
                panels.append((.tape, left))
                if height >= 30 {
                    let wanted = debuggerRows.map { $0(right.width - 2) + 2 } ?? right.height
                    let (top, bottom) = right.splitTop(max(12, min(right.height * 2 / 3, wanted)))
                    panels += [(.debugger, top), (.gradients, bottom)]
                } else {
                    panels.append((.debugger, right))
                }
            } else {
                let (top, bottom) = main.splitTop(max(10, main.height * 2 / 3))
                panels += [(.debugger, top), (.tape, bottom)]
            }
        } else if wide && height >= 30 {
            let (left, right) = main.splitLeft(width * 3 / 5)
            let wanted = charts * (ChartStack.minimumHeight + 1) + 2
            let (chart, tape) = left.splitTop(max(left.height / 2, min(left.height * 3 / 4, wanted)))
            panels += [(.loss, chart), (.tape, tape)]
            if hasSample {
                let (gradients, sample) = right.splitTop(right.height * 3 / 5)
                panels += [(.gradients, gradients), (.sample, sample)]
            } else {
                panels.append((.gradients, right))
            }
        } else {
            let wanted = charts * (ChartStack.minimumHeight + 1) + 2
            let (chart, rest) = main.splitTop(max(8, main.height * 2 / 5, min(main.height * 3 / 5, wanted)))
            var lower = rest
            if hasSample && height >= 30 {
                let split = rest.splitTop(rest.height - 6)
                lower = split.top
                panels.append((.sample, split.rest))
            }
            let (tape, gradients) = lower.splitLeft(width * 11 / 20)
            panels.insert(contentsOf: [(.loss, chart), (.tape, tape), (.gradients, gradients)], at: 0)
        }
        return Layout(panels: panels.map { (id: $0.0, area: $0.1) }, status: status)
    }

    func area(of panel: PanelID) -> Rect? { panels.first { $0.id == panel }?.area }
}
