import Autobw

/// The recorded entries in order: index, scope, op, output shape, forward time. The entry under the cursor opens
/// to its inputs (where each came from), saved values and creation site; replayed entries are ticked and the one
/// the debugger stands on is marked.
struct TapeList {
    var entries: [TapeEntryInfo]
    var selected: Int
    var replayed: Set<Int> = []
    var current: Int?
    var expanded = true

    /// The lines under the selected entry.
    func details(of entry: TapeEntryInfo) -> [String] {
        var lines = zip(entry.inputSources, entry.inputShapes).map { source, shape in
            "in   \(source) \(Format.shape(shape))"
        }
        if !entry.savedShapes.isEmpty { lines.append("saved " + entry.savedShapes.map(Format.shape).joined(separator: " ")) }
        lines.append("at   " + (entry.site.map(\.description) ?? "unknown"))
        return lines.map { "      " + $0 }
    }

    /// Columns sized to what they hold (ops, shapes and scopes of the first 2,000 entries) where the width
    /// allows, the scope taking what is left; fixed narrow widths where it does not.
    func columnWidths(_ width: Int) -> (scope: Int, op: Int, shape: Int, time: Int) {
        let sample = entries.prefix(2_000)
        let widest = { (texts: [String]) in (texts.map(\.unicodeScalars.count).max() ?? 0) + 1 }
        let time = width < 60 ? 6 : 7
        var op = min(24, max(6, widest(sample.map(\.op.rawValue))))
        var shape = min(24, max(4, widest(sample.map { $0.outputShapes.map(Format.shape).joined(separator: " ") })))
        let fixed = 2 + 6 + time
        let scopeWanted = max(8, widest(sample.map(\.scope)))
        // Short of room, the op and shape columns give back what they hold beyond the usual widths first.
        if width - fixed - op - shape < scopeWanted {
            let short = scopeWanted - (width - fixed - op - shape)
            let opSpare = max(0, op - (width < 60 ? 11 : 14)), shapeSpare = max(0, shape - (width < 60 ? 10 : 13))
            op -= min(opSpare, short)
            shape -= min(shapeSpare, max(0, short - opSpare))
        }
        let scope = max(4, min(width - fixed - op - shape, scopeWanted))
        return (scope, op, shape, time)
    }

    func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        guard !entries.isEmpty else {
            buffer.write("no tape yet", x: area.x, y: area.y, style: .faint, limit: area.width)
            return
        }
        let selected = min(max(0, selected), entries.count - 1)
        let extra = expanded ? details(of: entries[selected]) : []
        let rows = max(1, area.height - extra.count)
        let top = max(0, min(selected - rows / 2, entries.count - rows))
        let (scopeWidth, opWidth, shapeWidth, timeWidth) = columnWidths(area.width)
        var y = area.y
        var index = top
        while y < area.y + area.height, index < entries.count {
            let entry = entries[index]
            let mark = index == current ? "▶ " : replayed.contains(index) ? "✓ " : "  "
            let time = entry.forwardNanoseconds.map { Format.duration(nanoseconds: $0) } ?? ""
            let line = mark + Format.right("#\(index)", 5) + " " + Format.fit(entry.scope.isEmpty ? "-" : entry.scope, scopeWidth)
                + Format.fit(entry.op.rawValue, opWidth) + Format.fit(entry.outputShapes.map(Format.shape).joined(separator: " "), shapeWidth)
                + Format.right(time, timeWidth)
            let style: Style = index == selected ? .selected : index == current ? Style(color: .green, bold: true)
                : replayed.contains(index) ? .plain : (replayed.isEmpty ? .plain : .faint)
            buffer.write(Format.fit(line, area.width), x: area.x, y: y, style: style, limit: area.width)
            y += 1
            if index == selected {
                for detail in extra where y < area.y + area.height {
                    buffer.write(detail, x: area.x, y: y, style: .faint, limit: area.width)
                    y += 1
                }
            }
            index += 1
        }
    }
}
