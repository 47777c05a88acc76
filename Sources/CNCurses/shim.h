// ncursesw with its wide-character API, plus functions for what Swift cannot import: macros built from
// expressions (attributes, colour pairs) and global variables (stdscr), which Swift 6 treats as unsafe state.
#ifndef AUTOBW_CNCURSES_SHIM_H
#define AUTOBW_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *autobw_stdscr(void) { return stdscr; }
static inline int autobw_lines(void) { return LINES; }
static inline int autobw_columns(void) { return COLS; }
static inline attr_t autobw_attribute_bold(void) { return A_BOLD; }
static inline attr_t autobw_attribute_dim(void) { return A_DIM; }
static inline attr_t autobw_attribute_reverse(void) { return A_REVERSE; }

// Clicks and the wheel, reported at once (no wait to tell a click from a double click). ncurses turns the
// terminal's mouse reporting off again in endwin.
static inline void autobw_enable_mouse(void) {
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}

// The pending mouse event: 0 none, 1 a click, 4 wheel up, 5 wheel down; its cell in *x, *y.
static inline int autobw_mouse_event(int *x, int *y) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *x = event.x;
    *y = event.y;
    if (event.bstate & BUTTON4_PRESSED) return 4;
    if (event.bstate & BUTTON5_PRESSED) return 5;
    if (event.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) return 1;
    return 0;
}

// Writes `count` wide characters at (y, x) with the given attributes and colour pair.
static inline int autobw_put(int y, int x, const wchar_t *text, int count, attr_t attributes, short pair) {
    attr_set(attributes, pair, NULL);
    return mvaddnwstr(y, x, text, count);
}

#endif
