/// A key press, as the UI understands it.
enum Key: Sendable, Equatable {
    /// A printable character.
    case character(Character)
    /// Arrow and paging keys.
    case up, down, left, right, pageUp, pageDown, home, end
    /// Editing and navigation keys.
    case tab, enter, escape, backspace
    /// The terminal changed size.
    case resize
    /// Ctrl-C arriving as a key rather than a signal.
    case interrupt
    /// Ctrl-L: draw the whole screen again.
    case redraw
    /// A mouse click or wheel turn over the cell at column `x`, row `y`, where the terminal reports the mouse.
    case mouse(MouseAction, x: Int, y: Int)
}

/// What the mouse did.
enum MouseAction: Sendable, Equatable {
    case click, wheelUp, wheelDown
}

/// What a terminal must do for the UI: tell its size, show a buffer, and hand over key presses. The ncurses
/// terminal is the real one; tests draw into buffers directly.
protocol Terminal: AnyObject {
    /// Columns and rows.
    var size: (width: Int, height: Int) { get }
    /// Shows `buffer`, which has the terminal's size.
    func draw(_ buffer: CellBuffer)
    /// The next key press, waiting at most `timeoutMilliseconds`; nil when none came.
    func readKey(timeoutMilliseconds: Int) -> Key?
    /// Forgets what the screen shows, so that the next `draw` writes every cell (after a resize, on Ctrl-L).
    func invalidate()
}
