#!/usr/bin/env bash
# End-to-end checks of the built `autobw` command against the files users hand it:
# - hostile inputs (the fuzzers' reproducers, Tests/Fuzz/crashes): each gets its documented exit code and a
#   message, within 5 s and 500 MB of memory;
# - outputs never replace an input, another output, a device node or a symlink.
#
#     Tests/EndToEnd/files.sh PATH/TO/autobw
set -uo pipefail
source "$(cd "$(dirname "$0")" && pwd)/harness.sh"
autobw="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
crashes="$(cd "$(dirname "$0")/../Fuzz/crashes" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
suite files

# A command exits with CODE, says TEXT on stderr, in at most 5 s and 500 MB (GNU time's maximum resident set).
expect_bounded() {
    local code="$1" text="$2"; shift 2
    local status=0
    /usr/bin/time -f "%e %M" -o "$work/time" timeout 30 "$autobw" "$@" > "$work/out" 2> "$work/err" < /dev/null || status=$?
    read -r seconds kilobytes < <(tail -n 1 "$work/time") || { seconds=99; kilobytes=0; }
    [ "$status" -eq "$code" ] || { fail "$* exited $status, expected $code ($(head -c 300 "$work/err"))"; return; }
    grep -qi -- "$text" "$work/err" || fail "$*: stderr does not mention '$text': $(head -c 300 "$work/err")"
    awk -v s="$seconds" -v k="$kilobytes" 'BEGIN { exit !(s <= 5 && k <= 500 * 1024) }' \
        || fail "$*: took ${seconds} s and ${kilobytes} KB (bounds: 5 s, 500 MB)"
    echo "files: $(basename "${@: -1}"): exit $status in ${seconds} s, ${kilobytes} KB" >&2
}

# Reproducers found by fuzzing; each once trapped (SIGILL) or asked for gigabytes.
expect_bounded 65 "too large to name a class" train --headless --preset mlp --steps 5 --data "$crashes/csv/label-1e19.csv"
expect_bounded 65 "too large to name a class" train --headless --preset mlp --steps 5 --data "$crashes/csv/libfuzzer-crash-0c2ec87b.csv"
expect_bounded 65 "'step' is 9223372036854775807" watch "$crashes/metrics/watch-step-intmax.jsonl"
expect_bounded 65 "'step' is -1" watch "$crashes/metrics/watch-step-difference.jsonl"
expect_bounded 65 "step 9223372036854775807" replay --headless "$crashes/tape/replay-step-intmax.json"
expect_bounded 65 "step 9223372036854775807" replay "$crashes/tape/replay-step-intmax.json"
expect_bounded 65 "the file holds 0" sample --checkpoint "$crashes/safetensors/sample-notes-hidden8192-layers2.safetensors"
expect_bounded 65 "the file holds 0" sample --checkpoint "$crashes/safetensors/sample-notes-hidden8192-layers64.safetensors"
expect_bounded 64 "more than this machine" train --headless --preset mlp --steps 5 \
    --data "$crashes/idx/two-images-30M-pixels.idx3.gz" --labels "$crashes/idx/labels-2.idx1"
expect_bounded 65 "no pixels" train --headless --preset mlp --steps 5 \
    --data "$crashes/idx/zero-pixel-images.idx3" --labels "$crashes/idx/labels-2.idx1"
expect_bounded 64 "with --labels" train --headless --preset mlp --steps 5 --data "$crashes/idx/two-images-30M-pixels.idx3.gz"

# An output that would replace an input or another output is refused before anything is written (64).
printf 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n' > x.csv
cp x.csv original.csv
ln -s x.csv link.csv
ln x.csv hard.csv
expect_same_file() {
    local text="$1"; shift
    local status=0
    "$autobw" train --headless --preset mlp --steps 5 "$@" > "$work/out" 2> "$work/err" || status=$?
    [ "$status" -eq 64 ] || fail "train $* exited $status, expected 64 ($(head -c 300 "$work/err"))"
    grep -q -- "$text" "$work/err" || fail "train $*: stderr does not mention '$text': $(head -c 300 "$work/err")"
    cmp -s x.csv original.csv || { fail "train $* changed its input"; cp original.csv x.csv; }
}
expect_same_file "is the input --data" --data x.csv --metrics x.csv
expect_same_file "is the input --data" --data x.csv --metrics ./x.csv
expect_same_file "is the input --data" --data "$work/x.csv" --csv x.csv
expect_same_file "is the input --data" --data x.csv --checkpoint link.csv
expect_same_file "is the input --data" --data x.csv --dump-tape hard.csv
expect_same_file "are one file" --data x.csv --metrics out.jsonl --checkpoint ./out.jsonl
"$autobw" train --headless --preset mlp --data x.csv --steps 5 --checkpoint run.st > /dev/null 2>&1 || fail "a checkpointed run failed"
cp run.st run-before.st
expect_same_file "is the input --resume" --data x.csv --resume run.st --metrics run.st --steps 8
cmp -s run.st run-before.st || fail "--metrics naming the --resume checkpoint changed it"
"$autobw" train --headless --preset mlp --data x.csv --resume run.st --checkpoint run.st --steps 8 > /dev/null 2>&1 \
    || fail "continuing a checkpoint in place (--resume F --checkpoint F) failed"
cmp -s run.st run-before.st && fail "continuing a checkpoint in place did not save it"

# Atomic outputs replace regular files only: a device node is refused untouched (74), a symlink is written through.
if mknod -m 666 mynull c 1 3 2>/dev/null; then
    for flag in --checkpoint --dump-tape; do
        status=0
        "$autobw" train --headless --preset mlp --steps 5 "$flag" mynull > /dev/null 2> "$work/err" || status=$?
        [ "$status" -eq 74 ] || fail "$flag naming a device node exited $status, expected 74"
        [ -c mynull ] || fail "$flag replaced a device node with a regular file"
        grep -q "not a regular file" "$work/err" || fail "$flag on a device: $(cat "$work/err")"
    done
else
    echo "files: mknod is not permitted here; device nodes not checked" >&2
fi
mkdir sub
ln -s sub/target.st through.st
"$autobw" train --headless --preset mlp --steps 5 --checkpoint through.st > /dev/null 2>&1 || fail "a symlinked checkpoint failed"
[ -L through.st ] && [ -f sub/target.st ] || fail "a symlinked checkpoint was replaced instead of written through"

# A run that diverges keeps its last good state in --checkpoint, without --checkpoint-every.
status=0
"$autobw" train --headless --preset rnn-sine --lr 100 --steps 200 --checkpoint diverged.st > /dev/null 2> "$work/err" || status=$?
[ "$status" -eq 3 ] || fail "a diverging run exited $status, expected 3"
[ -s diverged.st ] || fail "a diverging run left no checkpoint"
"$autobw" train --headless --preset rnn-sine --lr 100 --resume diverged.st --steps 200 > /dev/null 2>&1
[ $? -ne 65 ] || fail "the diverging run's checkpoint is refused on resume (not the last good state)"

finish
