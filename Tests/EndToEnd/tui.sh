#!/usr/bin/env bash
# The terminal UI in a real terminal: drives the built `autobw` inside a detached tmux session (its own server),
# reads the screen with capture-pane, and checks exit codes and that the terminal settings (`stty -a`) are the
# same after as before, for q, Ctrl-C, SIGTERM, a diverging run and `autobw replay`/`autobw watch`. Stops at the
# first failure of each case, showing the screen, and goes on with the next case.
# Usage: Tests/EndToEnd/tui.sh path/to/autobw [CASE]     (CASE `list` lists the cases)
set -uo pipefail
autobw="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
socket="autobw-tui-test-$$"
tmux_() { tmux -u -L "$socket" "$@"; }
trap 'tmux_ kill-server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
# A session that outlives every test's: killing a test's session must never leave the server empty, or it exits
# while the next test's `new-session` connects ("server exited unexpectedly").
tmux_ new-session -d -s keep -x 20 -y 5 "sleep 100000"

source "$(dirname "$0")/harness.sh"
suite tui "${2:-}"
# A failure ends its case (what follows in it would wait on a screen that never comes), showing the screen.
tui_fail() {
    fail "$@"
    echo "---- screen:" >&2
    tmux_ capture-pane -p -t ui 2>/dev/null >&2 || true
    exit 1
}

# start NAME ARGS...: runs `autobw ARGS` (or `$UI_PROGRAM ARGS`) in a fresh 120x40 session (TERM=$UI_TERM,
# LANG=$UI_LANG, NO_COLOR when $UI_NO_COLOR); its exit code goes to $work/NAME.code and the
# terminal settings before and after to NAME.before / NAME.after.
start() {
    local name="$1"
    shift
    tmux_ kill-session -t ui 2>/dev/null
    rm -f "$work/$name".*
    local args=""
    for argument in "$@"; do args+=" $(printf '%q' "$argument")"; done
    # TERM is set in the command: tmux gives every pane its own default-terminal, whatever -e says.
    tmux_ new-session -d -s ui -x 120 -y 40 -e LANG=${UI_LANG:-C.UTF-8} ${UI_NO_COLOR:+-e NO_COLOR=1} \
        "stty -a > $work/$name.before; TERM=${UI_TERM:-tmux-256color} sh -c 'echo \$\$ > $work/$name.pid; exec \"\$0\" \"\$@\"' $(printf '%q' "${UI_PROGRAM:-$autobw}")$args 2> $work/$name.err; echo \$? > $work/$name.code; stty -a > $work/$name.after; sleep 600"
}

# wait_for TEXT [SECONDS]: until the screen shows TEXT.
wait_for() {
    local text="$1" seconds="${2:-20}" tries
    for ((tries = 0; tries < seconds * 10; tries++)); do
        tmux_ capture-pane -p -t ui 2>/dev/null | grep -qF -- "$text" && return 0
        sleep 0.1
    done
    tui_fail "the screen never showed '$text'"
    return 1
}

# press KEYS...: sends keys, then gives the UI a moment to redraw.
press() {
    tmux_ send-keys -t ui "$@"
    sleep 0.4
}

# finished NAME CODE: the run ended with CODE and left the terminal as it found it.
finished() {
    local name="$1" expected="$2" tries
    for ((tries = 0; tries < 200; tries++)); do
        [ -s "$work/$name.code" ] && [ -s "$work/$name.after" ] && break
        sleep 0.1
    done
    local code
    code="$(cat "$work/$name.code" 2>/dev/null)"
    [ "$code" = "$expected" ] || tui_fail "$name: exit code '${code}', expected $expected (stderr: $(cat "$work/$name.err" 2>/dev/null))"
    # The first line holds the window size, which a resize changes on purpose.
    cmp -s <(sed 1d "$work/$name.before") <(sed 1d "$work/$name.after") \
        || tui_fail "$name: the terminal settings changed (stty -a differs: $(diff "$work/$name.before" "$work/$name.after" | tr '\n' ' '))"
}

case_start_pause_step() {
echo "tui: start, pause, step the replay, go back, resume, resize, quit with q" >&2
start quit train --preset coin-flip --steps 100000000
wait_for "─ Loss" && wait_for " running "
press Space
wait_for " paused "
press s
wait_for "before the first entry"
press n
wait_for " mean_squared_error  at AutobwTrainer/CoinFlipProblem.swift"
# Replayed backwards: the loss, the sum, then the gate's product (heads or tails alike).
press n n
wait_for "replayed 3 entries"
wait_for " mul  in coinflipgraph"
press p
wait_for "(reviewing 2 of 3)"
wait_for " add  in coinflipgraph"
press Left
wait_for "(reviewing 1 of 3)"
press c
wait_for "replay done"
press Space
wait_for " running "
wait_for "─ Loss"
tmux_ resize-window -t ui -x 80 -y 24
sleep 0.5
width="$(tmux_ capture-pane -p -t ui | python3 -c 'import sys; print(max(len(line.rstrip("\n")) for line in sys.stdin))')"
[ "$width" -le 80 ] || tui_fail "after resizing to 80 columns the screen is $width wide"
wait_for "─ Tape"
# A resize storm leaves no stale cell: the bottom-right one, which is never written, is cleared with the rest.
for size in "100 30" "120 40" "90 28" "120 40" "80 24"; do tmux_ resize-window -t ui -x "${size% *}" -y "${size#* }"; done
sleep 1
press C-l
tmux_ capture-pane -p -t ui | tail -n 1 | python3 -c '
import sys
line = sys.stdin.read().rstrip("\n")
sys.exit(1 if any(c in "█▀▄" or 0x2800 <= ord(c) <= 0x28FF for c in line) else 0)' \
    || tui_fail "after a resize storm the status line holds chart glyphs: '$(tmux_ capture-pane -p -t ui | tail -n 1)'"
press ?
wait_for "Keys (? or Esc closes)"
press Escape
press q
finished quit 0
}
check start-pause-step case_start_pause_step

case_time_travel_chart() {
echo "tui: time travel: the chart cursor back, Enter reopens that past step, three entries stepped, back to the run" >&2
start travel train --preset mlp --steps 100000000
wait_for " running "
sleep 1
press Left Left Left Left Left
wait_for "▲ step "
press Enter
wait_for "(reopened)"
press n n n
wait_for "replayed 3 entries"
wait_for "| step "
done_before="$(tmux_ capture-pane -p -t ui | grep -oE '[0-9]+/100000000 done' | cut -d/ -f1)"
press Space
wait_for " running "
sleep 1
done_after="$(tmux_ capture-pane -p -t ui | grep -oE '[0-9]+/100000000 done' | cut -d/ -f1)"
[ "${done_after:-0}" -gt "${done_before:-0}" ] || tui_fail "the run did not go on after the past step ($done_before then $done_after steps)"
press q
finished travel 0
}
check time-travel-chart case_time_travel_chart

case_break_applies_while() {
echo "tui: --break applies while training: each step where an entry matches stops there; --paused starts in the debugger" >&2
start breaktrain train --preset mlp --steps 100000000 --break "op tanh"
wait_for "breakpoint at step 0 while training"
wait_for " tanh "
press Space
wait_for "breakpoint at step 1 while training"
press q
finished breaktrain 0
start startpaused train --preset coin-flip --steps 100 --paused
wait_for "before the first entry"
press q
finished startpaused 0
}
check break-applies-while case_break_applies_while

case_breakpoint_typed_user() {
echo "tui: a breakpoint typed by the user stops continue at the first entry above it" >&2
start breakpoint train --preset coin-flip --steps 100000000
wait_for " running "
press s
wait_for "before the first entry"
press b
tmux_ send-keys -t ui -l ">0.1"
press Enter
wait_for "breakpoint: grad norm > 0.1"
press c
wait_for "stopped: breakpoint: grad norm > 0.1"
wait_for " mean_squared_error"
press q
finished breakpoint 0
}
check breakpoint-typed-user case_breakpoint_typed_user

case_burst_of_keys() {
echo "tui: a burst of 20 n advances exactly 20 entries; / finds an op and f the next match; a click puts the chart cursor" >&2
start burst train --preset rnn-sine --steps 100000000
wait_for " running "
press s
wait_for "before the first entry"
tmux_ send-keys -t ui n n n n n n n n n n n n n n n n n n n n
wait_for "replayed 20 entries"
sleep 1
tmux_ capture-pane -p -t ui | grep -qF "replayed 20 entries" || tui_fail "20 n did not stay at 20 entries"
press g
press /
tmux_ send-keys -t ui -l "tanh"
press Enter
wait_for "/tanh: #"
wait_for "match 1 of"
press f
wait_for "match 2 of"
press Space
wait_for " running "
# A mouse click (xterm's X10 report: button 1 at column 41, row 6 of the chart) puts its cursor there.
tmux_ send-keys -t ui -l $'\e[M I&'
wait_for "▲ step "
press q
finished burst 0
}
check burst-of-keys case_burst_of_keys

case_coin_flip_break() {
echo "tui: --break stops a coin-flip run at the first step that matches, with no key pressed" >&2
# Tails record a sigmoid, heads do not: the first step with one, from a headless run's logged tapes.
"$autobw" train --headless --preset coin-flip --steps 60 --log-tape-every 1 --metrics "$work/flips.jsonl" 2>/dev/null \
    || tui_fail "headless coin-flip failed"
first="$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    record = json.loads(line)
    if "step" in record and any(entry["entry"]["op"] == "sigmoid" for entry in record.get("tape", {}).get("entries", [])):
        print(record["step"]); break' "$work/flips.jsonl")"
[ -n "$first" ] || tui_fail "no step of 60 recorded a sigmoid"
start flips train --preset coin-flip --steps 100000000 --break "op sigmoid"
wait_for "breakpoint at step $first while training"
wait_for " sigmoid "
press q
finished flips 0
}
check coin-flip-break case_coin_flip_break

case_ctrl_c_sigterm() {
echo "tui: Ctrl-C and SIGTERM end it with 130 and a sane terminal; the checkpoint is saved" >&2
start interrupt train --preset coin-flip --steps 100000000 --checkpoint "$work/interrupted.safetensors"
wait_for " running "
press C-c
finished interrupt 130
[ -s "$work/interrupted.safetensors" ] || tui_fail "Ctrl-C did not save the checkpoint"
"$autobw" train --headless --preset coin-flip --steps 1 --resume "$work/interrupted.safetensors" --metrics /dev/null \
    2>/dev/null
[ $? -eq 0 ] || tui_fail "the checkpoint saved on Ctrl-C does not resume"

start terminate train --preset mlp --steps 100000000
wait_for " running "
kill -TERM "$(cat "$work/terminate.pid")"
finished terminate 130
}
check ctrl-c-sigterm case_ctrl_c_sigterm

case_sighup_terminal_closed() {
echo "tui: SIGHUP (the terminal closed) ends it as SIGTERM does: 130, a sane terminal, the checkpoint saved" >&2
start hangup train --preset mlp --steps 100000000 --checkpoint "$work/hangup.safetensors"
wait_for " running "
kill -HUP "$(cat "$work/hangup.pid")"
finished hangup 130
[ -s "$work/hangup.safetensors" ] || tui_fail "SIGHUP did not save the checkpoint"
}
check sighup-terminal-closed case_sighup_terminal_closed

case_term_dumb_refused() {
echo "tui: TERM=dumb is refused with a pointer to --headless, as a pipe is" >&2
UI_TERM=dumb start dumb train --preset coin-flip --steps 10
finished dumb 64
}
check term-dumb-refused case_term_dumb_refused

case_diverging_run_stops() {
echo "tui: a diverging run stops in the debugger at the entry that went non-finite" >&2
start diverge train --preset coin-flip --lr 1e30 --steps 1000
wait_for "DIVERGED"
wait_for "stopped: diverged: entry #"
wait_for " mul  in coinflipgraph"
wait_for "input values (they produced the first non-finite output)"
press q
finished diverge 3
}
check diverging-run-stops case_diverging_run_stops

case_ascii_locale() {
echo "tui: a non-UTF-8 locale (LANG=C) gets the screen in ASCII: borders, chart and bars, no UTF-8 bytes" >&2
UI_LANG=C start ascii train --preset coin-flip --steps 100000000
wait_for "+- Loss"
sleep 1
tmux_ capture-pane -p -t ui > "$work/ascii.screen"
LC_ALL=C grep -q $'[\x80-\xff]' "$work/ascii.screen" && tui_fail "bytes beyond ASCII on a LANG=C screen"
grep -q -- "-----" "$work/ascii.screen" || tui_fail "no ASCII borders on a LANG=C screen"
press q
finished ascii 0
}
check ascii-locale case_ascii_locale

case_colours_follow_terminal() {
echo "tui: colours follow the terminal: an 8-colour terminal gets colours, NO_COLOR none" >&2
colour=$'\e\\[3[0-7]m'
UI_TERM=screen start colours train --preset coin-flip --steps 100000000
wait_for " running "
[ "$(tput -T screen colors)" = 8 ] || tui_fail "TERM=screen is not an 8-colour terminal here"
tmux_ capture-pane -e -p -t ui | grep -q "$colour" || tui_fail "no colour on an 8-colour terminal"
press q
finished colours 0
UI_NO_COLOR=1 start nocolour train --preset coin-flip --steps 100000000
wait_for " running "
tmux_ capture-pane -e -p -t ui | grep -q "$colour" && tui_fail "colours drawn although NO_COLOR is set"
press q
finished nocolour 0
}
check colours-follow-terminal case_colours_follow_terminal

case_crash_signal_still() {
echo "tui: a crash signal still restores the terminal (and the process dies of the signal)" >&2
start crash train --preset coin-flip --steps 100000000
wait_for " running "
kill -SEGV "$(cat "$work/crash.pid")"
finished crash 139
}
check crash-signal-still case_crash_signal_still

case_autobw_replay_opens() {
echo "tui: autobw replay opens a dumped tape in the debugger" >&2
"$autobw" train --headless --preset coin-flip --steps 3 --dump-tape "$work/tape.json" --metrics /dev/null 2>/dev/null \
    || tui_fail "could not dump a tape"
start replay replay "$work/tape.json"
wait_for "before the first entry"
press n
wait_for " mean_squared_error"
press n
wait_for "replayed 2 entries"
press q
finished replay 0
}
check autobw-replay-opens case_autobw_replay_opens

case_dump_absurd_values() {
echo "tui: a dump with absurd values (times and lines at 2^62, every statistic at -3e38) is shown, stepped and quit" >&2
python3 - "$work/tape.json" "$work/absurd-tape.json" "$work/impossible-tape.json" <<'PY'
import json, sys
def absurd(value, key=None):
    if isinstance(value, dict):
        return {k: absurd(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [absurd(v, key) for v in value]
    if isinstance(value, float):
        return -3e38
    return 2**62 if key in ("forwardNanoseconds", "line") else value
dump = json.load(open(sys.argv[1]))
json.dump(absurd(dump), open(sys.argv[2], "w"))
dump["step"] = 2**63 - 1
json.dump(dump, open(sys.argv[3], "w"))
PY
start absurd replay "$work/absurd-tape.json"
wait_for "before the first entry"
press n
press n
press p
press c
press q
finished absurd 0
# Numbers no run writes (a step of Int.max once overflowed on the first draw) are refused when the dump is read.
start impossible replay "$work/impossible-tape.json"
finished impossible 65
grep -q "step 9223372036854775807 is not a step a run can reach" "$work/impossible.err" \
    || tui_fail "a dump with an impossible step: $(cat "$work/impossible.err")"
}
check dump-absurd-values case_dump_absurd_values

case_forward_divergence_dump() {
echo "tui: a forward divergence's dump opens on the entry that produced it, with the values of its inputs" >&2
"$autobw" train --headless --preset coin-flip --lr 10 --steps 100 --dump-tape "$work/forward-tape.json" --metrics /dev/null \
    2>/dev/null
[ $? -eq 3 ] || tui_fail "coin-flip at lr 10 did not diverge"
start forward replay "$work/forward-tape.json"
wait_for "stopped: diverged: entry #"
wait_for " mul  in coinflipgraph"
wait_for "input values (they produced the first non-finite output)"
press q
finished forward 0
}
check forward-divergence-dump case_forward_divergence_dump

case_ui_run_leaves() {
echo "tui: a UI run leaves the same record as a headless one: metrics, CSV, the last step's tape" >&2
start record train --preset coin-flip --steps 50 --metrics "$work/ui-metrics.jsonl" --csv "$work/ui-metrics.csv" \
    --dump-tape "$work/ui-tape.json"
wait_for " finished "
press q
finished record 0
[ "$(grep -c '"step"' "$work/ui-metrics.jsonl")" -eq 50 ] || tui_fail "the UI run logged $(grep -c '"step"' "$work/ui-metrics.jsonl") of 50 steps"
[ "$(wc -l < "$work/ui-metrics.csv")" -eq 51 ] || tui_fail "the UI run's CSV has $(wc -l < "$work/ui-metrics.csv") lines, not 51"
"$autobw" replay --headless "$work/ui-tape.json" | grep -q "coin-flip step 49" || tui_fail "the UI run's tape dump is not step 49's"
# The same file a headless run writes: line for line, but for the clock's fields.
"$autobw" train --headless --preset coin-flip --steps 50 --metrics "$work/headless-metrics.jsonl" 2>/dev/null \
    || tui_fail "the headless coin-flip run failed"
python3 - "$work/ui-metrics.jsonl" "$work/headless-metrics.jsonl" <<'PY' || tui_fail "the UI run's metrics differ from the headless run's"
import json, sys
clock = {"ms", "elapsed_s", "samples_per_s", "written_at", "started_at", "time"}
def lines(path):
    return [{k: v for k, v in json.loads(line).items() if k not in clock} for line in open(path)]
ui, headless = lines(sys.argv[1]), lines(sys.argv[2])
if ui != headless:
    for index, (a, b) in enumerate(zip(ui, headless)):
        if a != b:
            print(f"line {index + 1}: {a} != {b}", file=sys.stderr)
            break
    sys.exit(1)
PY
}
check ui-run-leaves case_ui_run_leaves

case_autobw_watch_follows() {
echo "tui: autobw watch follows a headless run's metrics file" >&2
"$autobw" train --headless --preset mlp --steps 40 --metrics "$work/metrics.jsonl" 2>/dev/null || tui_fail "headless mlp failed"
start watch watch "$work/metrics.jsonl"
wait_for "40/40 done │ step 39 loss "
wait_for " finished "
wait_for "─ Loss"
press q
finished watch 0
}
check autobw-watch-follows case_autobw_watch_follows

case_autobw_watch_shows() {
echo "tui: autobw watch shows every logged scalar, the gradient norms, the logged tape and its debugger" >&2
"$autobw" train --headless --preset coin-flip --steps 40 --log-tape-every 10 --metrics "$work/tape-log.jsonl" 2>/dev/null \
    || tui_fail "headless coin-flip with --log-tape-every failed"
start logged watch "$work/tape-log.jsonl"
wait_for "Gradient norms · step 39 (latest)"
wait_for "linear.weight"
wait_for "Tape · "
press m
wait_for "Charts shown, top to bottom"
press j Space Escape
wait_for "─ Charts"
wait_for "grad_norm "
press s
wait_for "before the first entry"
press n
wait_for "replayed 1 entry"
press Space
wait_for "─ Charts"
press q
finished logged 0
# Several files: each chart overlays the runs, named in a legend.
"$autobw" train --headless --preset coin-flip --steps 40 --lr 0.01 --metrics "$work/slow-log.jsonl" 2>/dev/null \
    || tui_fail "headless coin-flip with --lr failed"
start overlay watch "$work/tape-log.jsonl" "$work/slow-log.jsonl"
wait_for "━ tape-log.jsonl  ━ slow-log.jsonl"
press q
finished overlay 0
}
check autobw-watch-shows case_autobw_watch_shows

case_autobw_watch_started() {
echo "tui: autobw watch started before the run waits for its metrics file" >&2
start early watch "$work/later.jsonl"
wait_for "waiting for later.jsonl"
"$autobw" train --headless --preset mlp --steps 30 --metrics "$work/later.jsonl" 2>/dev/null || tui_fail "headless mlp failed"
wait_for "30/30 done │ step 29 loss "
press q
finished early 0
}
check autobw-watch-started case_autobw_watch_started

case_custom_model() {
echo "tui: a model of the user's own (Examples/custom-model) trains in the UI; its entries name the example's lines" >&2
UI_PROGRAM="$(dirname "$autobw")/custom-model" start custom
wait_for " running "
press s
wait_for "before the first entry"
press n n n
wait_for "replayed 3 entries"
wait_for "at CustomModel/main.swift:"
press q
finished custom 0

# With $CONSUMER_DIR (scripts/test sets it after Tests/EndToEnd/consumer.sh): the package of its own, built
# against a tagged autobw, opens its model in the UI; and watch shows the run log its own loop wrote.
}
check custom-model case_custom_model

case_consumer_ui() {
echo "tui: a package of its own trains its model in the UI and steps into it" >&2
[ -n "${CONSUMER_DIR:-}" ] || return 0
UI_PROGRAM="$CONSUMER_DIR/consumer" start consumer --ui
wait_for " running "
wait_for "─ Loss"
press s
wait_for "before the first entry"
press n
wait_for "replayed 1 entry"
wait_for "at Consumer/main.swift:"
press q
finished consumer 0
}
check consumer-ui case_consumer_ui

case_consumer_run_log() {
echo "tui: autobw watch on the run log of a loop of its own: charts, gradient norms, tape, debugger" >&2
[ -n "${CONSUMER_DIR:-}" ] || return 0
start ownloop watch "$CONSUMER_DIR/own-loop.jsonl"
wait_for "Gradient norms · step 49 (latest)"
wait_for "gain"
wait_for "Tape · "
press m
wait_for "Charts shown, top to bottom"
press j Space j Space Escape
wait_for "│lr 0.01"
press s
wait_for "before the first entry"
press n
wait_for "replayed 1 entry"
press q
finished ownloop 0
}
check consumer-run-log case_consumer_run_log
finish
