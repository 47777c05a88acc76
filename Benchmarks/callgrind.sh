#!/usr/bin/env bash
# W3's per-op cost in instructions, which stay stable on a noisy machine: callgrind's total for
# `autobw-bench --workload W3 --steps 4` minus the same at `--steps 2`, over the 2 x 10,000 ops between them.
#
#     Benchmarks/callgrind.sh [--precise-sites]     (the second: with a call stack captured per op)
#
# The C targets are built with DWARF 4 here (valgrind 3.19 cannot read clang's default DWARF 5), in a build folder
# of their own: the flag is the benchmark's, not the package's, whose library targets carry no unsafe flags.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "callgrind.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
swift build -c release --scratch-path .build-callgrind -Xcc -gdwarf-4 --product autobw-bench 2>&1 | tail -n 1 >&2
bench="$(swift build -c release --scratch-path .build-callgrind --show-bin-path)/autobw-bench"
extra=("$@")
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1" "$bench" --workload W3 --steps "$1" --warmup 0 "${extra[@]}" \
        > /dev/null 2> "$out/log.$1"
    grep -m1 -oE 'Collected : [0-9]+' "$out/log.$1" | awk '{print $3}'
}
two="$(instructions 2)"
four="$(instructions 4)"
awk -v a="$two" -v b="$four" 'BEGIN { printf "W3: %d instructions at 2 steps, %d at 4: %.0f instructions an op\n", a, b, (b - a) / 20000 }'
