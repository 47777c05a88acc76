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

// Writes `count` wide characters at (y, x) with the given attributes and colour pair.
static inline int autobw_put(int y, int x, const wchar_t *text, int count, attr_t attributes, short pair) {
    attr_set(attributes, pair, NULL);
    return mvaddnwstr(y, x, text, count);
}

#endif
