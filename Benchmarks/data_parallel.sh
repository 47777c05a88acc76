#!/usr/bin/env bash
# Data-parallel scaling on this machine: samples/s at 1 and 2 processes (one OpenBLAS thread each) for char-lstm
# and a W4-sized mlp (W4's optimizer, SGD), and the all-reduce time a step left after overlapping it with the
# replay, against doing it after the replay. "ceiling" is what two processes reach with no communication at all:
# two single-process runs at half the batch, side by side, one a core; what a step costs regardless of its batch
# (packing each weight matrix for every GEMM, the update) is paid on both, so 2 processes stay below 2x.
# A benchmark, not a test: it prints a table (medians over the logged steps after warmup).
# Usage: Benchmarks/data_parallel.sh [path/to/autobw]   (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
autobw="${1:-$(swift build -c release --show-bin-path)/autobw}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# median FIELD FILE: the median of FIELD over the steps after the first 10.
median() {
    python3 - "$1" "$2" <<'PY'
import json, statistics, sys
values = [l[sys.argv[1]] for l in map(json.loads, open(sys.argv[2])) if "step" in l and l["step"] >= 10 and sys.argv[1] in l]
print(f"{statistics.median(values):.3f}" if values else "-")
PY
}

echo "blas_core $("$autobw" --version | sed 's/.*kernels: \(.*\))/\1/'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs"
printf '%-28s %14s %14s %8s %8s %18s %18s %8s\n' workload "1 proc samp/s" "2 proc samp/s" speedup ceiling \
    "allreduce ms after" "allreduce ms overlap" hidden
# run NAME BATCH ARGS...: the table's row for `autobw train --batch-size BATCH ARGS`.
run() {
    local name="$1" batch="$2"; shift 2
    "$autobw" train --headless --threads 1 --batch-size "$batch" "$@" > "$work/one.jsonl" 2>/dev/null
    taskset -c 0 "$autobw" train --headless --threads 1 --batch-size $((batch / 2)) "$@" > "$work/half0.jsonl" 2>/dev/null &
    taskset -c 1 "$autobw" train --headless --threads 1 --batch-size $((batch / 2)) "$@" > "$work/half1.jsonl" 2>/dev/null
    wait
    set -- --batch-size "$batch" "$@"
    mpirun -np 2 --bind-to core "$autobw" train --headless --threads 1 "$@" > "$work/overlap.jsonl" 2>/dev/null
    mpirun -np 2 --bind-to core "$autobw" train --headless --threads 1 --allreduce after "$@" > "$work/after.jsonl" 2>/dev/null
    local one two after overlap ceiling
    one="$(median samples_per_s "$work/one.jsonl")"
    ceiling="$(python3 -c "print(f'{($(median samples_per_s "$work/half0.jsonl") + $(median samples_per_s "$work/half1.jsonl")) / $one:.2f}x')")"
    two="$(median samples_per_s "$work/overlap.jsonl")"
    after="$(median allreduce_ms "$work/after.jsonl")"
    overlap="$(median allreduce_ms "$work/overlap.jsonl")"
    printf '%-28s %14s %14s %8s %8s %18s %18s %8s\n' "$name" "$one" "$two" \
        "$(python3 -c "print(f'{$two / $one:.2f}x')")" "$ceiling" "$after" "$overlap" \
        "$(python3 -c "print(f'{100 * (1 - $overlap / $after):.0f}%' if $after > 0 else '-')")"
}
run "char-lstm (50x50, 128x2)" 50 --preset char-lstm --steps 60
run "mlp hidden 2048, batch 256" 256 --preset mlp --hidden 2048 --layers 2 --optimizer sgd --lr 0.01 --steps 60
