import CNCurses
import Foundation

/// The real terminal, through ncurses: the only file that imports it.
///
/// It draws the cells it is given (ncurses sends only what changed), maps ncurses' key codes, and follows the
/// terminal's colours: the eight basic ones on the terminal's own background, none with `NO_COLOR` or on a
/// terminal without colour. `TerminalRestorer` puts the terminal back on every way out.
final class CursesTerminal: Terminal {
    private let colors: Bool
    /// Whether the locale is not UTF-8, so that cells are drawn with `ASCIIFallback`.
    private let asciiOnly: Bool
    private var ended = false

    /// Starts curses on the controlling terminal.
    /// - Throws: `TerminalError` when standard input or output is not a terminal, or curses cannot start.
    init() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw TerminalError.notATerminal }
        setlocale(LC_ALL, "")
        // The locale says what the terminal can show: outside UTF-8 (`LANG=C`, or no locale at all) every cell
        // is drawn as ASCII rather than as bytes the terminal would print as garbage.
        asciiOnly = nl_langinfo(nl_item(CODESET)).map { String(cString: $0) != "UTF-8" } ?? true
        TerminalRestorer.saveTerminalState()
        guard initscr() != nil else { throw TerminalError.cannotStart }
        TerminalRestorer.installCrashHandlers()
        cbreak()
        noecho()
        nonl()
        keypad(autobw_stdscr(), true)
        autobw_enable_mouse()
        curs_set(0)
        set_escdelay(25)
        if has_colors() && ProcessInfo.processInfo.environment["NO_COLOR"].map({ $0.isEmpty }) ?? true {
            start_color()
            use_default_colors()
            for color in Color.allCases { init_pair(Int16(color.rawValue + 1), Int16(color.rawValue), -1) }
            colors = true
        } else {
            colors = false
        }
    }

    /// Ends curses, restoring the terminal; safe to call more than once.
    func end() {
        guard !ended else { return }
        ended = true
        endwin()
    }

    deinit { end() }

    /// `COLS` x `LINES`, updated by curses on a resize.
    var size: (width: Int, height: Int) { (Int(autobw_columns()), Int(autobw_lines())) }

    /// Writes every cell, runs of one style at a time, and refreshes (curses sends only what changed).
    func draw(_ buffer: CellBuffer) {
        let buffer = asciiOnly ? buffer.asciiOnly : buffer
        let (width, height) = size
        var run = [wchar_t]()
        run.reserveCapacity(width)
        for row in 0..<min(height, buffer.height) {
            var column = 0
            let columns = min(width, buffer.width)
            while column < columns {
                let style = buffer[column, row].style
                let start = column
                run.removeAll(keepingCapacity: true)
                while column < columns, buffer[column, row].style == style {
                    run.append(wchar_t(bitPattern: buffer[column, row].character.value))
                    column += 1
                }
                // The bottom-right cell cannot be written without scrolling: leave it out.
                let count = row == height - 1 && column == width ? run.count - 1 : run.count
                guard count > 0 else { continue }
                _ = autobw_put(Int32(row), Int32(start), run, Int32(count), attributes(style), colors ? pair(style) : 0)
            }
        }
        refresh()
    }

    private func attributes(_ style: Style) -> attr_t {
        var value: attr_t = 0
        if style.bold { value |= autobw_attribute_bold() }
        if style.dim { value |= autobw_attribute_dim() }
        if style.reverse { value |= autobw_attribute_reverse() }
        return value
    }

    private func pair(_ style: Style) -> Int16 { style.color.map { Int16($0.rawValue + 1) } ?? 0 }

    /// Clears curses' idea of the screen: the next refresh writes every cell, the bottom-right one included
    /// (which `draw` never writes, so that after a resize it could keep a glyph of the old layout).
    func invalidate() {
        werase(autobw_stdscr())
        clearok(autobw_stdscr(), true)
    }

    /// `get_wch` with a timeout, mapped to `Key`.
    func readKey(timeoutMilliseconds: Int) -> Key? {
        timeout(Int32(timeoutMilliseconds))
        var character: wint_t = 0
        let result = get_wch(&character)
        if result == ERR { return nil }
        if result == KEY_CODE_YES {
            switch Int32(character) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_RESIZE: return .resize
            case KEY_BACKSPACE: return .backspace
            case KEY_ENTER: return .enter
            case KEY_BTAB: return .tab
            case KEY_MOUSE:
                var x: Int32 = 0, y: Int32 = 0
                switch autobw_mouse_event(&x, &y) {
                case 1: return .mouse(.click, x: Int(x), y: Int(y))
                case 4: return .mouse(.wheelUp, x: Int(x), y: Int(y))
                case 5: return .mouse(.wheelDown, x: Int(x), y: Int(y))
                default: return nil
                }
            default: return nil
            }
        }
        switch character {
        case 3: return .interrupt
        case 12: return .redraw
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)), scalar.value >= 0x20 else { return nil }
            return .character(Character(scalar))
        }
    }
}

/// Why the terminal UI cannot start.
enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cannotStart

    /// One line for the user.
    var description: String {
        switch self {
        case .notATerminal: return "standard input or output is not a terminal"
        case .cannotStart: return "curses cannot start on this terminal (is TERM set?)"
        }
    }
}
