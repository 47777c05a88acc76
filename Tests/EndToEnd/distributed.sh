#!/usr/bin/env bash
# Data-parallel training under Open MPI on this machine (loopback): two processes at global batch B follow one
# process at batch B; checkpoints move between rank counts; failures end every rank. Usage:
# Tests/EndToEnd/distributed.sh path/to/autobw
set -uo pipefail
source "$(cd "$(dirname "$0")" && pwd)/harness.sh"
autobw="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Open MPI refuses root unless told; CI runs as root. --oversubscribe: two ranks even on a one-core machine.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun -np 2 --oversubscribe)
suite distributed

# same_losses A B: every step's loss agrees within 1e-4 relative (and the steps are the same).
same_losses() {
    python3 - "$1" "$2" <<'PY'
import json, sys
def losses(path):
    return {l["step"]: l["loss"] for l in map(json.loads, open(path)) if "step" in l}
a, b = losses(sys.argv[1]), losses(sys.argv[2])
assert a.keys() == b.keys() and len(a) > 0, (sorted(a)[:5], sorted(b)[:5])
worst = max(abs(a[s] - b[s]) / max(abs(a[s]), 1e-12) for s in a)
assert worst <= 1e-4, f"largest relative difference {worst:.2e}"
print(f"{len(a)} steps, largest relative difference {worst:.1e}", file=sys.stderr)
PY
}

# ranks PATTERN: the pids of the two autobw processes whose command line starts with PATTERN, once both run.
ranks() {
    local found
    for _ in $(seq 100); do
        found=($(pgrep -f "^$1"))
        [ "${#found[@]}" -eq 2 ] && break
        sleep 0.1
    done
    echo "${found[@]}"
}

mlp=(train --headless --preset mlp --steps 50 --seed 5 --batch-size 200)
lstm=(train --headless --preset char-lstm --steps 50 --seed 5 --batch-size 8 --seq-length 16 --hidden 32)

echo "distributed: mlp, 2 processes at global batch 200 = 1 process at batch 200" >&2
"$autobw" "${mlp[@]}" > "$work/mlp1.jsonl" 2>/dev/null || fail "mlp alone failed"
"${mpi[@]}" "$autobw" "${mlp[@]}" > "$work/mlp2.jsonl" 2> "$work/err" || fail "mlp on 2 processes failed: $(tail -3 "$work/err")"
same_losses "$work/mlp1.jsonl" "$work/mlp2.jsonl" || fail "mlp: 2 processes do not follow 1"
grep -q '"allreduce_ms"' "$work/mlp2.jsonl" || fail "mlp on 2 processes reports no allreduce_ms"
"${mpi[@]}" "$autobw" "${mlp[@]}" --allreduce after > "$work/mlp2-after.jsonl" 2>/dev/null || fail "--allreduce after failed"
same_losses "$work/mlp1.jsonl" "$work/mlp2-after.jsonl" || fail "mlp: --allreduce after changes the losses"

echo "distributed: char-lstm, 2 processes at 8 streams = 1 process at 8 streams" >&2
"$autobw" "${lstm[@]}" > "$work/lstm1.jsonl" 2>/dev/null || fail "char-lstm alone failed"
"${mpi[@]}" "$autobw" "${lstm[@]}" > "$work/lstm2.jsonl" 2> "$work/err" || fail "char-lstm on 2 processes failed: $(tail -3 "$work/err")"
same_losses "$work/lstm1.jsonl" "$work/lstm2.jsonl" || fail "char-lstm: 2 processes do not follow 1"

echo "distributed: a checkpoint of 2 processes resumes in 1 (and the reverse)" >&2
"${mpi[@]}" "$autobw" "${lstm[@]}" --steps 20 --checkpoint "$work/two.safetensors" > /dev/null 2>&1 || fail "saving from 2 processes failed"
"$autobw" "${lstm[@]}" --resume "$work/two.safetensors" > "$work/resumed1.jsonl" 2>/dev/null || fail "resuming in 1 process failed"
python3 - "$work/lstm1.jsonl" "$work/resumed1.jsonl" <<'PY' || fail "2 -> 1 resume differs from the uninterrupted run"
import json, sys
a = {l["step"]: l["loss"] for l in map(json.loads, open(sys.argv[1])) if "step" in l}
b = {l["step"]: l["loss"] for l in map(json.loads, open(sys.argv[2])) if "step" in l}
assert min(b) == 20 and all(abs(a[s] - b[s]) <= 1e-4 * abs(a[s]) for s in b), (min(b), [(s, a[s], b[s]) for s in b][:3])
PY
"$autobw" "${lstm[@]}" --steps 20 --checkpoint "$work/one.safetensors" > /dev/null 2>&1 || fail "saving from 1 process failed"
"${mpi[@]}" "$autobw" "${lstm[@]}" --resume "$work/one.safetensors" > "$work/resumed2.jsonl" 2>/dev/null || fail "resuming in 2 processes failed"
same_losses <(grep -v '"step":1[0-9],' "$work/lstm1.jsonl" | python3 -c '
import json,sys
for l in sys.stdin:
    o = json.loads(l)
    if "step" not in o or o["step"] >= 20: print(l, end="")') "$work/resumed2.jsonl" || fail "1 -> 2 resume differs"

echo "distributed: a diverging run stops every process with exit 3 and keeps the last good checkpoint" >&2
status=0
"${mpi[@]}" "$autobw" train --headless --preset mlp --lr 1e38 --steps 50 --checkpoint "$work/good.safetensors" \
    --checkpoint-every 1 > /dev/null 2> "$work/err" || status=$?
[ "$status" -eq 3 ] || fail "divergence exited $status, expected 3"
grep -q "diverged" "$work/err" || fail "no divergence message: $(head -c 300 "$work/err")"
# Saved after step 0, the last good one: resuming it with --steps 1 loads it and has nothing left to do.
"$autobw" train --headless --preset mlp --steps 1 --resume "$work/good.safetensors" > /dev/null 2>&1 \
    || fail "the checkpoint kept after the divergence does not load"

echo "distributed: unreadable data and a killed process end every rank, non-zero, within 30 s" >&2
status=0
timeout 30 "${mpi[@]}" "$autobw" train --headless --preset mlp --data "$work/missing.csv" > /dev/null 2> "$work/err" || status=$?
[ "$status" -eq 66 ] || fail "missing data exited $status, expected 66"
grep -q "rank 1 of 2.*cannot read" "$work/err" || fail "the failing rank's message is missing: $(head -c 300 "$work/err")"
"${mpi[@]}" "$autobw" train --headless --preset mlp --steps 100000000 > /dev/null 2>&1 &
launcher=$!
ranks=($(ranks "$autobw train --headless --preset mlp --steps 100000000"))
sleep 1
kill -9 "${ranks[1]}"
status=0
for _ in $(seq 300); do kill -0 "$launcher" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$launcher" 2>/dev/null; then
    fail "30 s after a rank was killed the job still runs"
    kill -9 "$launcher" "${ranks[@]}" 2>/dev/null
else
    wait "$launcher" || status=$?
    [ "$status" -ne 0 ] || fail "the job exited 0 after a rank was killed"
fi
pgrep -f "^$autobw train --headless --preset mlp --steps 100000000" > /dev/null && fail "a rank outlived the job"

echo "distributed: SIGTERM to the ranks stops them at one step boundary, saved (exit 130)" >&2
"${mpi[@]}" "$autobw" train --headless --preset mlp --steps 100000000 --checkpoint "$work/stopped.safetensors" \
    > /dev/null 2>&1 &
launcher=$!
ranks=($(ranks "$autobw train --headless --preset mlp --steps 100000000 --checkpoint"))
sleep 1
kill -TERM "${ranks[@]}"
status=0
wait "$launcher" || status=$?
[ "$status" -eq 130 ] || fail "SIGTERM exited $status, expected 130"
"$autobw" train --headless --preset mlp --steps 1 --resume "$work/stopped.safetensors" > /dev/null 2>&1 \
    || fail "the checkpoint saved on SIGTERM does not load"

finish
