#!/usr/bin/env bash
# End-to-end checks of the built `autobw` command, headless: every preset trains, seeded runs repeat,
# bad input gets its documented exit code and one clear line, SIGINT stops at a step boundary with 130.
#
#     Tests/EndToEnd/headless.sh PATH/TO/autobw [CASE]     (CASE `list` lists the cases)
set -uo pipefail
autobw="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/harness.sh"
suite headless "${2:-}"

# Fixtures, and: a command exits with CODE and says TEXT on stderr.
printf '\xff\xfe\x00\xc3' > "$work/binary.bin"
: > "$work/empty.txt"
mkfifo "$work/fifo"
printf 'a,b,label\n1,2,0\n3,4,1\n' > "$work/good.csv"
expect_exit() {
    local code="$1" text="$2"; shift 2
    local status=0
    timeout 60 "$autobw" "$@" > "$work/out" 2> "$work/err" < /dev/null || status=$?
    [ "$status" -eq "$code" ] || { fail "$* exited $status, expected $code ($(head -c 300 "$work/err"))"; return; }
    grep -qi -- "$text" "$work/err" || fail "$*: stderr does not mention '$text': $(head -c 300 "$work/err")"
    [ ! -s "$work/out" ] || [ "$code" -lt 64 ] || fail "$*: wrote metrics although it could not start"
}

# metrics FILE -> "first_mean last_mean" of the loss over the first and last 5 logged steps
loss_ends() {
    python3 - "$1" <<'PY'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
assert "blas_core" in records[0] and "step" not in records[0], records[0]
losses = [r["loss"] for r in records[1:]]
for record in records[1:]:
    assert {"step", "loss", "grad_norm", "lr", "ms", "samples_per_s", "elapsed_s"} <= set(record), record
print(sum(losses[:5]) / 5, sum(losses[-5:]) / 5)
PY
}

# wait_for_lines FILE N: until a running command's FILE has N lines (10 s at most).
wait_for_lines() {
    for _ in $(seq 100); do [ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && break; sleep 0.1; done
}

small_lstm=(--hidden 32 --batch-size 16 --seq-length 16)
# Metrics lines without their timing fields, for comparing runs.
strip_timing() { python3 -c 'import json,sys
for line in sys.stdin:
    r = json.loads(line)
    if "step" in r: r.pop("ms"); r.pop("samples_per_s"); r.pop("elapsed_s"); print(json.dumps(r, sort_keys=True))'; }

# char_lstm_checkpoint: a small char-lstm run's checkpoint at $work/run.safetensors, made once for the cases
# that read one.
char_lstm_checkpoint() {
    [ -s "$work/run.safetensors" ] || "$autobw" train --headless --preset char-lstm --steps 4 "${small_lstm[@]}" \
        --checkpoint "$work/run.safetensors" > /dev/null 2>&1 || fail "could not make a char-lstm checkpoint"
}
check_learns() {
    local name="$1" steps="$2"; shift 2
    if ! "$autobw" train --headless --preset "$name" --steps "$steps" --seed 5 "$@" > "$work/$name.jsonl" 2> "$work/$name.err"; then
        fail "$name exited non-zero: $(cat "$work/$name.err")"; return
    fi
    read -r first last < <(loss_ends "$work/$name.jsonl") || { fail "$name: unreadable metrics"; return; }
    awk -v f="$first" -v l="$last" 'BEGIN { exit !(l < 0.8 * f) }' || fail "$name: loss did not fall ($first -> $last)"
    echo "headless: $name loss $first -> $last" >&2
}
case_presets_learn() {
check_learns char-lstm 120 "${small_lstm[@]}" --lr 0.01
check_learns rnn-sine 200
check_learns mlp 200
check_learns coin-flip 60
}
check presets-learn case_presets_learn

case_equal_seeds_equal() {
# Equal seeds, equal metrics (timing fields aside).
"$autobw" train --headless --preset char-lstm --steps 8 --seed 11 "${small_lstm[@]}" 2>/dev/null | strip_timing > "$work/a"
"$autobw" train --headless --preset char-lstm --steps 8 --seed 11 "${small_lstm[@]}" 2>/dev/null | strip_timing > "$work/b"
"$autobw" train --headless --preset char-lstm --steps 8 --seed 12 "${small_lstm[@]}" 2>/dev/null | strip_timing > "$work/c"
[ -s "$work/a" ] && cmp -s "$work/a" "$work/b" || fail "equal seeds gave different metrics"
cmp -s "$work/a" "$work/c" && fail "different seeds gave identical metrics"
}
check equal-seeds-equal case_equal_seeds_equal

case_mlp_csv_file() {
# mlp on a CSV file: columns of wildly different scales, a quoted header, CRLF line ends; validation metrics.
python3 - "$work/blobs.csv" <<'PY'
import random, sys
random.seed(3)
with open(sys.argv[1], "w", newline="") as f:
    f.write('width,height,"mass, kg",label\r\n')
    for i in range(300):
        c = i % 3
        f.write(f"{random.gauss(c * 2, 0.7):.4f},{random.gauss(1000 * c, 400):.2f},{random.gauss(0.001 * c, 0.0005):.6f},{c}\r\n")
PY
"$autobw" train --headless --preset mlp --data "$work/blobs.csv" --steps 150 --eval-every 50 > "$work/blobs.jsonl" 2>/dev/null \
    || fail "mlp on a CSV file failed"
python3 - "$work/blobs.jsonl" <<'PY' || fail "mlp on a CSV file did not learn or report validation metrics"
import json, sys
lines = [r for r in map(json.loads, open(sys.argv[1])) if "step" in r]
evaluated = [l for l in lines if "val_loss" in l]
assert len(evaluated) == 3, len(evaluated)
assert evaluated[-1]["val_accuracy"] > 0.9 and lines[-1]["loss"] < 0.5 * lines[0]["loss"], evaluated[-1]
PY
# Real data sets' shapes: class names as text in a headerless, semicolon-separated file (like UCI's iris.data
# exported in Europe), and prices in the hundred thousands as a regression target.
python3 - "$work/flowers.csv" "$work/houses.csv" <<'PY'
import random, sys
random.seed(5)
with open(sys.argv[1], "w") as f:
    for i in range(150):
        c = i % 3
        f.write(f"{5 + c + random.random():.1f};{3 + random.random():.1f};{1 + 2 * c + random.random():.1f};Iris-{['setosa', 'versicolor', 'virginica'][c]}\n")
with open(sys.argv[2], "w") as f:
    f.write("rooms,age,price\n")
    for i in range(1000):
        rooms, age = random.uniform(1, 8), random.uniform(0, 50)
        f.write(f"{rooms:.2f},{age:.1f},{50000 * rooms - 1000 * age + random.gauss(0, 5000):.0f}\n")
PY
"$autobw" train --headless --preset mlp --data "$work/flowers.csv" --steps 200 --eval-every 100 > "$work/flowers.jsonl" \
    2> "$work/flowers.err" || fail "mlp on text class labels failed: $(head -c 300 "$work/flowers.err")"
grep -q "150 rows, 3 features, 3 classes (Iris-setosa, Iris-versicolor, Iris-virginica)" "$work/flowers.err" \
    || fail "the data summary does not name the classes: $(head -c 300 "$work/flowers.err")"
# Whole-number prices could be classes or a target: the command asks rather than guess.
expect_exit 65 "1000 distinct whole numbers over 1000 rows" train --headless --preset mlp --data "$work/houses.csv"
grep -q -- "--task regression" "$work/err" || fail "ambiguous labels do not point at --task: $(cat "$work/err")"
"$autobw" train --headless --preset mlp --data "$work/houses.csv" --task regression --steps 300 --eval-every 100 \
    > "$work/houses.jsonl" 2> "$work/houses.err" || fail "mlp on prices failed: $(head -c 300 "$work/houses.err")"
grep -q "a regression target" "$work/houses.err" || fail "prices were not read as a regression target"
python3 - "$work/flowers.jsonl" "$work/houses.jsonl" <<'PY' || fail "mlp did not learn the flowers or the prices"
import json, sys
flowers, houses = ([r for r in map(json.loads, open(p)) if "step" in r] for p in sys.argv[1:])
assert flowers[-1]["val_accuracy"] > 0.9, flowers[-1]
assert houses[-1]["val_r2"] > 0.9, houses[-1]  # the held-out R²; val_loss is in the target's units
assert houses[-1]["val_loss"] > 1e5, houses[-1]  # prices in the hundred thousands: their squared error is large
PY
printf 'a,b,label\n' > "$work/header-only.csv"
printf 'a,b,label\n1,2,0\n3,4\n' > "$work/ragged.csv"
printf 'a,b,label\n1,2,0\n3,x,1\n' > "$work/text.csv"
printf 'a,b,label\n1,2,0\n3,nan,1\n' > "$work/nan.csv"
printf 'a,b,label\n1,2,0\n3,4,cat\n' > "$work/mixed-labels.csv"
expect_exit 65 "empty" train --headless --preset mlp --data "$work/empty.txt"
expect_exit 65 "no data rows" train --headless --preset mlp --data "$work/header-only.csv"
expect_exit 65 "line 3" train --headless --preset mlp --data "$work/ragged.csv"
expect_exit 65 "line 3, column 2" train --headless --preset mlp --data "$work/text.csv"
expect_exit 65 "not a finite number" train --headless --preset mlp --data "$work/nan.csv"
expect_exit 65 "mixes numbers (line 2) and text (line 3)" train --headless --preset mlp --data "$work/mixed-labels.csv"
expect_exit 65 "line 1 is not UTF-8 text (a binary file?" train --headless --preset mlp --data "$work/binary.bin"
expect_exit 65 "no label column" train --headless --preset mlp --data "$work/good.csv" --label-column nope
expect_exit 64 "--val-fraction" train --headless --preset mlp --val-fraction 1.5
}
check mlp-csv-file case_mlp_csv_file

case_text_corpus_costs() {
# A text corpus costs under 4 times its size in memory (peak RSS over the run on the embedded corpus).
python3 - "$autobw" "$work/big.txt" <<'PY' || fail "reading a 24 MB corpus took 4 times its size in memory or more"
import random, resource, subprocess, sys
autobw, path = sys.argv[1], sys.argv[2]
random.seed(1)
words = ["".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(random.randint(1, 9))) for _ in range(5000)]
with open(path, "w") as f:
    while f.tell() < 24_000_000:
        f.write(" ".join(random.choice(words) for _ in range(2000)) + ".\n")
def peak(*extra):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([autobw, "train", "--headless", "--steps", "1", "--hidden", "16", *extra],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
baseline = peak()
loaded = peak("--data", path)
ratio = (loaded - baseline) / 24_000_000
print(f"headless: a 24 MB corpus added {ratio:.2f} times its size to peak memory", file=sys.stderr)
sys.exit(0 if ratio < 4 else 1)
PY
}
check text-corpus-costs case_text_corpus_costs

case_mlp_mnist_style() {
# mlp on MNIST-style IDX files: a folder with MNIST's names, or images and --labels; malformed IDX is named.
python3 - "$work/mnist" <<'PY'
import os, random, struct, sys
folder = sys.argv[1]
os.makedirs(folder)
random.seed(2)
n, images, labels = 300, bytearray(), bytearray()
for i in range(n):
    c = i % 3
    images += bytes(min(255, max(0, int(random.gauss(60 + 80 * c if p % 3 == c else 40, 30)))) for p in range(64))
    labels.append(c)
open(f"{folder}/train-images-idx3-ubyte", "wb").write(struct.pack(">BBBBIII", 0, 0, 8, 3, n, 8, 8) + images)
open(f"{folder}/train-labels-idx1-ubyte", "wb").write(struct.pack(">BBBBI", 0, 0, 8, 1, n) + labels)
open(f"{folder}/truncated", "wb").write(struct.pack(">BBBBIII", 0, 0, 8, 3, n, 8, 8) + images[:1000])
open(f"{folder}/huge", "wb").write(struct.pack(">BBBBIII", 0, 0, 8, 3, 2**31, 2**31, 2**31) + images[:10])
open(f"{folder}/few-labels", "wb").write(struct.pack(">BBBBI", 0, 0, 8, 1, 10) + labels[:10])
import gzip
os.makedirs(f"{folder}-gz")
for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]:
    gzip.open(f"{folder}-gz/{name}.gz", "wb").write(open(f"{folder}/{name}", "rb").read())
os.makedirs(f"{folder}-test-dots")  # a mirror's naming: only the test set, dots before "idx"
for name, dotted in [("train-images-idx3-ubyte", "t10k-images.idx3-ubyte"), ("train-labels-idx1-ubyte", "t10k-labels.idx1-ubyte")]:
    open(f"{folder}-test-dots/{dotted}", "wb").write(open(f"{folder}/{name}", "rb").read())
whole = gzip.compress(open(f"{folder}/train-images-idx3-ubyte", "rb").read())
open(f"{folder}/truncated.gz", "wb").write(whole[: len(whole) // 2])
PY
"$autobw" train --headless --preset mlp --data "$work/mnist" --steps 60 --eval-every 60 > "$work/mnist.jsonl" 2>/dev/null \
    || fail "mlp on an MNIST folder failed"
python3 -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1])]; sys.exit(0 if l[-1]["val_accuracy"] > 0.9 else 1)' \
    "$work/mnist.jsonl" || fail "mlp on IDX data did not learn"
"$autobw" train --headless --preset mlp --data "$work/mnist-gz" --steps 60 --eval-every 60 > "$work/mnist-gz.jsonl" 2>/dev/null \
    || fail "mlp on a folder of gzipped MNIST files failed"
cmp -s <(tail -n +2 "$work/mnist.jsonl" | sed 's/"ms":[^,]*,"samples_per_s":[^,}]*//; s/,"elapsed_s":[^,}]*//') \
    <(tail -n +2 "$work/mnist-gz.jsonl" | sed 's/"ms":[^,]*,"samples_per_s":[^,}]*//; s/,"elapsed_s":[^,}]*//') \
    || fail "gzipped IDX files train differently from the same files unpacked"
"$autobw" train --headless --preset mlp --data "$work/mnist-test-dots" --steps 60 --eval-every 60 2>/dev/null \
    | tail -n +2 | sed 's/"ms":[^,]*,"samples_per_s":[^,}]*//; s/,"elapsed_s":[^,}]*//' > "$work/mnist-dots.jsonl" \
    || fail "mlp on a folder of t10k files named with dots failed"
cmp -s <(tail -n +2 "$work/mnist.jsonl" | sed 's/"ms":[^,]*,"samples_per_s":[^,}]*//; s/,"elapsed_s":[^,}]*//') "$work/mnist-dots.jsonl" \
    || fail "t10k files named with dots train differently from the same files under MNIST's training names"
images="$work/mnist/train-images-idx3-ubyte"
expect_exit 65 "truncated gzip" train --headless --preset mlp --data "$work/mnist/truncated.gz" --labels "$work/mnist/train-labels-idx1-ubyte"
expect_exit 65 "truncated" train --headless --preset mlp --data "$work/mnist/truncated" --labels "$work/mnist/train-labels-idx1-ubyte"
expect_exit 65 "too large" train --headless --preset mlp --data "$work/mnist/huge" --labels "$work/mnist/train-labels-idx1-ubyte"
expect_exit 65 "10 labels for 300 images" train --headless --preset mlp --data "$images" --labels "$work/mnist/few-labels"
expect_exit 65 "magic" train --headless --preset mlp --data "$work/good.csv" --labels "$work/mnist/train-labels-idx1-ubyte"
expect_exit 65 "images given as the labels" train --headless --preset mlp --data "$images" --labels "$images"
}
check mlp-mnist-style case_mlp_mnist_style

case_csv_writes_same() {
# --csv writes the same scalars as the JSON Lines (whose per-parameter and per-entry norms a table cannot hold).
"$autobw" train --headless --preset mlp --steps 5 --csv "$work/m.csv" > "$work/m.jsonl" 2>/dev/null
python3 - "$work/m.jsonl" "$work/m.csv" <<'PY' || fail "--csv differs from the JSON Lines metrics"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[2])))
lines = [r for r in map(json.loads, open(sys.argv[1])) if "step" in r]
assert len(rows) == len(lines) == 5, (len(rows), len(lines))
for row, line in zip(rows, lines):
    scalars = [k for k in line if k not in ("grad_norms", "entry_norms", "tape")]
    assert scalars and all(float(row[k]) == float(line[k]) for k in scalars), (row, line)
PY
}
check csv-writes-same case_csv_writes_same

case_bad_input_exit() {
# Bad input: exit code and one clear line on stderr naming the problem.
expect_exit 64 "--headless" train --steps 3
expect_exit 64 "--headless"
expect_exit 64 "is not a breakpoint" train --headless --break "sometimes"
expect_exit 64 "not a terminal" train --metrics "$work/m.jsonl"
expect_exit 64 "not a terminal" train --dump-tape "$work/t.json"
expect_exit 66 "no such file" replay "$work/t.json"  # the file is named before the terminal is checked
expect_exit 64 "tail -f" watch "$work/m.jsonl"
expect_exit 64 "at most 6 files" watch "$work/1" "$work/2" "$work/3" "$work/4" "$work/5" "$work/6" "$work/7"
expect_exit 64 "Missing expected argument" watch
expect_exit 64 "--steps" train --headless --steps 0
expect_exit 64 "--steps must be between 1 and 1099511627776 (2^40)" train --headless --steps -1
expect_exit 64 "--steps must be between 1 and 1099511627776 (2^40)" train --headless --steps 9223372036854775807
expect_exit 64 "--lr must be a positive" train --headless --lr -0.5
expect_exit 64 "steps" train --headless --steps abc
expect_exit 64 "--lr" train --headless --preset mlp --lr nan
expect_exit 64 "--hidden" train --headless --hidden -4
expect_exit 64 "--hidden" train --headless --hidden 100000000
expect_exit 64 "GiB to train, more than this machine" train --headless --preset mlp --hidden 8192 --layers 64
expect_exit 64 "unknown" train --headless --no-such-flag
expect_exit 64 "preset" train --headless --preset nope
expect_exit 66 "no such file" train --headless --data "$work/missing.txt"
expect_exit 66 "directory" train --headless --data "$work"
seq 1 3000 | gzip | head -c 600 > "$work/cut.txt.gz"
expect_exit 65 "truncated gzip data" train --headless --data "$work/cut.txt.gz"
mkdir -p "$work/no-mnist"
expect_exit 66 "a folder without MNIST's train-images-idx3-ubyte" train --headless --preset mlp --data "$work/no-mnist"
expect_exit 66 "character device" train --headless --data /dev/null
expect_exit 66 "FIFO" train --headless --data "$work/fifo"
expect_exit 66 "empty" train --headless --data ""
printf '\x7fELF\x02\x01\x01\x00\x00\x00\xc3\x28' > "$work/program.bin"
expect_exit 65 "a binary file" train --headless --data "$work/program.bin"
printf 'caf\xe9\n' > "$work/latin1.txt"
expect_exit 65 "line 1 has byte 0xE9 (Latin-1" train --headless --data "$work/latin1.txt"
expect_exit 65 "too small" train --headless --data "$work/empty.txt"
expect_exit 74 "cannot write" train --headless --preset mlp --steps 2 --metrics "$work/no/such/dir/m.jsonl"
# An unwritable checkpoint or tape dump stops the run before its first step, not after the last.
expect_exit 74 "does not exist" train --headless --preset mlp --steps 2 --checkpoint "$work/no/such/dir/c.safetensors"
expect_exit 74 "is a directory" train --headless --preset mlp --steps 2 --checkpoint "$work"
expect_exit 74 "does not exist" train --headless --preset mlp --steps 2 --dump-tape "$work/no/such/dir/t.json"
expect_exit 3 "diverged" train --headless --preset rnn-sine --steps 50 --lr 1e30
}
check bad-input-exit case_bad_input_exit

case_sigint_stops_step() {
# SIGINT stops at a step boundary: exit 130, every metrics line whole.
"$autobw" train --headless --preset char-lstm --steps 100000 "${small_lstm[@]}" --metrics "$work/live.jsonl" 2>/dev/null &
pid=$!
wait_for_lines "$work/live.jsonl" 1
kill -INT "$pid"
status=0; wait "$pid" || status=$?
[ "$status" -eq 130 ] || fail "SIGINT: exit $status, expected 130"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/live.jsonl" \
    || fail "SIGINT: the metrics file has a broken line"
}
check sigint-stops-step case_sigint_stops_step

case_sigint_checkpoint_saves() {
# SIGINT with --checkpoint saves first; resuming from it prints what an uninterrupted run prints.
"$autobw" train --headless --preset char-lstm --steps 100000 "${small_lstm[@]}" --checkpoint "$work/run.safetensors" \
    --metrics "$work/first.jsonl" 2>/dev/null &
pid=$!
wait_for_lines "$work/first.jsonl" 3
kill -TERM "$pid"
status=0; wait "$pid" || status=$?
[ "$status" -eq 130 ] || fail "SIGTERM with --checkpoint: exit $status, expected 130"
done_steps=$(grep -c '"step"' "$work/first.jsonl")
total=$((done_steps + 4))
"$autobw" train --headless --preset char-lstm --steps "$total" "${small_lstm[@]}" --resume "$work/run.safetensors" \
    2>/dev/null | strip_timing > "$work/resumed" || fail "resuming from the interrupted run's checkpoint failed"
"$autobw" train --headless --preset char-lstm --steps "$total" "${small_lstm[@]}" 2>/dev/null | strip_timing \
    | tail -n 4 > "$work/straight"
[ -s "$work/resumed" ] && cmp -s "$work/resumed" "$work/straight" \
    || fail "a resumed run's metrics differ from an uninterrupted run's: $(diff "$work/resumed" "$work/straight" | head -4)"
}
check sigint-checkpoint-saves case_sigint_checkpoint_saves

case_metrics_file_truncated() {
# A metrics file truncated while the run writes it (logrotate's copytruncate) goes on from its new start: no NUL
# bytes where the old lines were, and every line whole.
"$autobw" train --headless --preset mlp --steps 100000000 --metrics "$work/rotated.jsonl" 2>/dev/null &
pid=$!
wait_for_lines "$work/rotated.jsonl" 50
: > "$work/rotated.jsonl"
sleep 1
kill -INT "$pid"; wait "$pid"
[ -s "$work/rotated.jsonl" ] || fail "nothing was written after the metrics file was truncated"
tr -d '\000' < "$work/rotated.jsonl" | cmp -s - "$work/rotated.jsonl" || fail "a truncated metrics file was refilled from its old offset (NUL bytes)"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/rotated.jsonl" 2>/dev/null \
    || fail "a truncated metrics file holds broken lines"
}
check metrics-file-truncated case_metrics_file_truncated

case_sighup_terminal_or() {
# SIGHUP (the terminal or SSH session closed) is an interruption too: saved, 130.
"$autobw" train --headless --preset mlp --steps 100000000 --checkpoint "$work/hangup.safetensors" \
    --metrics "$work/hangup.jsonl" 2>/dev/null &
pid=$!
wait_for_lines "$work/hangup.jsonl" 3
kill -HUP "$pid"
status=0; wait "$pid" || status=$?
[ "$status" -eq 130 ] || fail "SIGHUP with --checkpoint: exit $status, expected 130"
[ -s "$work/hangup.safetensors" ] || fail "SIGHUP did not save the checkpoint"
}
check sighup-terminal-or case_sighup_terminal_or

case_float32_sum_finite() {
# A Float32 sum of finite gradient norms that overflows is no divergence: the run goes on until an entry's value
# or gradient really goes non-finite, and names it.
expect_exit 3 "entry #" train --headless --preset rnn-sine --lr 100 --steps 200
}
check float32-sum-finite case_float32_sum_finite

case_autobw_sample_text() {
char_lstm_checkpoint
# autobw sample: text from the char-lstm checkpoint, starting with the prime.
"$autobw" sample --checkpoint "$work/run.safetensors" --length 40 --prime "The " > "$work/sample.txt" 2>/dev/null \
    || fail "autobw sample failed"
[ "$(head -c 4 "$work/sample.txt")" = "The " ] && [ "$(wc -m < "$work/sample.txt")" -ge 44 ] || fail "autobw sample: $(cat "$work/sample.txt")"
}
check autobw-sample-text case_autobw_sample_text

case_diverging_run_never() {
char_lstm_checkpoint
# A diverging run never overwrites the last good checkpoint: the file holds the step after the last logged one.
"$autobw" train --headless --preset rnn-sine --steps 50 --lr 1e30 --checkpoint "$work/div.safetensors" \
    --checkpoint-every 1 > "$work/div.jsonl" 2>/dev/null
good=$(grep -c '"step"' "$work/div.jsonl")
saved=$(python3 -c 'import json,struct,sys
f = open(sys.argv[1], "rb"); n = struct.unpack("<Q", f.read(8))[0]
print(json.loads(f.read(n))["__metadata__"]["step"])' "$work/div.safetensors") || saved="unreadable"
[ "$saved" = "$good" ] || fail "after divergence the checkpoint holds step $saved, the last good step was $good"
expect_exit 65 "saved with --preset char-lstm, this run has --preset mlp" train --headless --preset mlp --resume "$work/run.safetensors"
expect_exit 65 "saved with --seq-length 16, this run has --seq-length 20" train --headless --preset char-lstm --steps 100 \
    --hidden 32 --batch-size 16 --seq-length 20 --resume "$work/run.safetensors"
"$autobw" train --headless --preset char-lstm --steps 1 "${small_lstm[@]}" --resume "$work/run.safetensors" > /dev/null \
    2> "$work/err" || fail "resuming with nothing left to do failed"
grep -q "leaves nothing to do" "$work/err" || fail "resuming with --steps at the checkpoint's step said nothing: $(cat "$work/err")"
expect_exit 65 "char-lstm checkpoint" sample --checkpoint "$work/div.safetensors"
expect_exit 66 "no such file" sample --checkpoint "$work/none.safetensors"
expect_exit 64 "--temperature" sample --checkpoint "$work/run.safetensors" --temperature 0
expect_exit 66 "no such file" train --headless --preset mlp --resume "$work/none.safetensors"
printf 'junk' > "$work/junk.safetensors"
expect_exit 65 "cannot resume" train --headless --preset mlp --resume "$work/junk.safetensors"
}
check diverging-run-never case_diverging_run_never

case_progress_after_resume() {
# Progress after a resume counts steps/s from the resume, not from step 0 (it once showed 80,760 steps/s).
"$autobw" train --headless --preset coin-flip --steps 3000 --checkpoint "$work/far.safetensors" > /dev/null 2>&1 \
    || fail "a 3000-step coin-flip run failed"
"$autobw" train --headless --preset coin-flip --steps 3002 --resume "$work/far.safetensors" > /dev/null 2> "$work/err"
rate="$(grep -oE '[0-9.]+ steps/s' "$work/err" | tail -n 1 | cut -d' ' -f1)"
awk -v r="${rate:-0}" 'BEGIN { exit !(r > 0 && r < 3000) }' || fail "2 steps after a resume at 3000 reported ${rate:-no} steps/s"
}
check progress-after-resume case_progress_after_resume

case_default_run_char() {
# The default run (char-lstm on the embedded tinyshakespeare) holds out a tenth of the text and logs val_loss.
"$autobw" train --headless --steps 2 --hidden 8 --batch-size 4 --seq-length 8 2>/dev/null | grep -q '"val_loss"' \
    || fail "the default run logs no val_loss"
}
check default-run-char case_default_run_char

case_settings_that_make() {
# Settings that make no sense for the data are refused, not followed silently.
expect_exit 64 "each side needs a batch" train --headless --preset mlp --data "$work/flowers.csv" --val-fraction 0.999
expect_exit 64 "--labels applies to the mlp preset" train --headless --preset char-lstm --labels "$work/flowers.csv"
expect_exit 64 "--task applies to the mlp preset" train --headless --preset rnn-sine --task regression
expect_exit 64 "--seed must be a whole number from 0 to 18446744073709551615, got '-1'" train --headless --seed -1
"$autobw" train --headless --preset coin-flip --steps 2 --threads 1000 > /dev/null 2> "$work/err" || fail "--threads 1000 failed"
grep -q "more than this machine's .* cores; using" "$work/err" || fail "--threads beyond the cores gave no warning: $(cat "$work/err")"
printf 'a,b,label\r1,2,0\r3,4,1\r5,6,0\r7,8,1\r' > "$work/mac.csv"
"$autobw" train --headless --preset mlp --data "$work/mac.csv" --steps 2 > /dev/null 2> "$work/err" \
    || fail "a CSV with classic Mac line endings failed: $(cat "$work/err")"
}
check settings-that-make case_settings_that_make

case_dump_tape_writes() {
# --dump-tape writes the last step's tape; `autobw replay --headless` prints it; a diverging run dumps its step.
"$autobw" train --headless --preset mlp --steps 3 --dump-tape "$work/tape.json" > /dev/null 2>&1 || fail "--dump-tape run failed"
python3 - "$work/tape.json" <<'PY' || fail "the tape dump lacks documented fields"
import json, sys
dump = json.load(open(sys.argv[1]))
assert dump["format"] == "autobw-tape-1" and dump["step"] == 2 and dump["preset"] == "mlp", dump.keys()
ops = [e["entry"]["op"] for e in dump["entries"]]
assert ops[0] == "matmul" and ops[-1] == "softmax_cross_entropy", ops
for e in dump["entries"]:
    entry = e["entry"]
    assert {"index", "op", "scope", "inputShapes", "outputShapes", "inputSources", "outputStatistics"} <= set(entry), entry.keys()
    assert e["replayed"] and {"norm", "min", "max", "mean", "nanCount"} <= set(e["outputGradients"][0]), e
PY
"$autobw" replay --headless "$work/tape.json" > "$work/table" 2>&1 || fail "autobw replay --headless failed"
grep -q "softmax_cross_entropy" "$work/table" && grep -q "matmul" "$work/table" || fail "the replay table misses entries"
"$autobw" train --headless --preset rnn-sine --steps 50 --lr 1e30 --dump-tape "$work/div.json" > /dev/null 2>&1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["divergence"] and "entry #" in d["divergence"]' \
    "$work/div.json" || fail "a diverging run did not dump its step's tape"
expect_exit 64 "--headless" replay "$work/tape.json"
expect_exit 65 "not an autobw tape dump" replay --headless "$work/good.csv"
expect_exit 66 "no such file" replay --headless "$work/none.json"
}
check dump-tape-writes case_dump_tape_writes

case_lr_schedule_cosine() {
# --lr-schedule cosine: warm-up, then down to 1% of --lr at the last step.
"$autobw" train --headless --preset mlp --steps 40 --lr 0.01 --lr-schedule cosine 2>/dev/null | python3 -c '
import json, sys
rates = [l["lr"] for l in map(json.loads, sys.stdin) if "step" in l]
sys.exit(0 if rates[0] < rates[1] == 0.01 and abs(rates[-1] - 0.0001) < 5e-5 else 1)' \
    || fail "--lr-schedule cosine does not warm up and decay to 1% of --lr"
}
check lr-schedule-cosine case_lr_schedule_cosine

case_step_recomputed_checkpoint() {
# A step recomputed from a checkpoint is the step as the run took it: its table equals the straight run's dump's.
"$autobw" train --headless --preset rnn-sine --steps 10 --checkpoint "$work/at10.safetensors" > /dev/null 2>&1 \
    || fail "could not save a checkpoint at step 10"
"$autobw" train --headless --preset rnn-sine --steps 15 --dump-tape "$work/straight14.json" > /dev/null 2>&1 \
    || fail "could not dump step 14"
cmp -s <("$autobw" replay --headless "$work/at10.safetensors" --step 14 2>&1) \
    <("$autobw" replay --headless "$work/straight14.json" 2>&1) \
    || fail "step 14 recomputed from the checkpoint at step 10 differs from the run's own dump of it"
expect_exit 64 "before" replay --headless "$work/at10.safetensors" --step 3
}
check step-recomputed-checkpoint case_step_recomputed_checkpoint
finish
