#!/usr/bin/env bash
# Data-parallel scaling on this machine: samples/s at 1 and 2 processes (one OpenBLAS thread each) for char-lstm
# and a W4-sized mlp (W4's optimizer, SGD), and the all-reduce time a step left after overlapping it with the
# replay, against doing it after the replay. "ceiling" is what two processes reach with no communication at all:
# two single-process runs at half the batch, side by side, one a core; what a step costs regardless of its batch
# (packing each weight matrix for every GEMM, the update) is paid on both, so 2 processes stay below 2x.
# A benchmark, not a test: it prints a table (medians over the logged steps after warmup, pooled
# over the rounds).
# Usage: Benchmarks/data_parallel.sh [path/to/autobw]   (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
autobw="${1:-$(swift build -c release --show-bin-path)/autobw}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# median FIELD FILE...: the median of FIELD over the steps after the first 10 of every FILE.
median() {
    python3 - "$@" <<'PY'
import json, statistics, sys
values = [l[sys.argv[1]] for f in sys.argv[2:] for l in map(json.loads, open(f))
          if "step" in l and l["step"] >= 10 and sys.argv[1] in l]
print(f"{statistics.median(values):.3f}" if values else "-")
PY
}

echo "blas_core $("$autobw" --version | sed 's/.*kernels: \(.*\))/\1/'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs"
printf '%-28s %14s %14s %8s %8s %18s %18s %8s\n' workload "1 proc samp/s" "2 proc samp/s" speedup ceiling \
    "allreduce ms after" "allreduce ms overlap" hidden
# run NAME BATCH ARGS...: the table's row for `autobw train --batch-size BATCH ARGS`. The configurations take
# turns, ROUNDS times (default 3), so a slow spell of this shared machine does not land on one of them alone.
run() {
    local name="$1" batch="$2"; shift 2
    local round
    for round in $(seq "${ROUNDS:-3}"); do
        "$autobw" train --headless --threads 1 --batch-size "$batch" "$@" > "$work/one$round.jsonl" 2>/dev/null
        taskset -c 0 "$autobw" train --headless --threads 1 --batch-size $((batch / 2)) "$@" \
            > "$work/half0-$round.jsonl" 2>/dev/null &
        taskset -c 1 "$autobw" train --headless --threads 1 --batch-size $((batch / 2)) "$@" \
            > "$work/half1-$round.jsonl" 2>/dev/null
        wait
        mpirun -np 2 --bind-to core "$autobw" train --headless --threads 1 --batch-size "$batch" "$@" \
            > "$work/overlap$round.jsonl" 2>/dev/null
        mpirun -np 2 --bind-to core "$autobw" train --headless --threads 1 --batch-size "$batch" --allreduce after "$@" \
            > "$work/after$round.jsonl" 2>/dev/null
    done
    local one two after overlap half ceiling
    one="$(median samples_per_s "$work"/one*.jsonl)"
    half="$(median samples_per_s "$work"/half*.jsonl)"
    ceiling="$(python3 -c "print(f'{2 * $half / $one:.2f}x')")"
    two="$(median samples_per_s "$work"/overlap*.jsonl)"
    after="$(median allreduce_ms "$work"/after*.jsonl)"
    overlap="$(median allreduce_ms "$work"/overlap*.jsonl)"
    printf '%-28s %14s %14s %8s %8s %18s %18s %8s\n' "$name" "$one" "$two" \
        "$(python3 -c "print(f'{$two / $one:.2f}x')")" "$ceiling" "$after" "$overlap" \
        "$(python3 -c "print(f'{100 * (1 - $overlap / $after):.0f}%' if $after > 0 else '-')")"
    rm -f "$work"/*.jsonl
}
run "char-lstm (50x50, 128x2)" 50 --preset char-lstm --steps 150
run "mlp hidden 2048, batch 256" 256 --preset mlp --hidden 2048 --layers 2 --optimizer sgd --lr 0.01 --steps 60
