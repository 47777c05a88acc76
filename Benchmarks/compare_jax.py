#!/usr/bin/env python3
"""autobw beside JAX (CPU, jit) on W1, W2 and W4, as ../shared/bench/compare.py sets it beside PyTorch.

    python3 -m venv /tmp/jax-venv && /tmp/jax-venv/bin/pip install jax numpy
    python3 Benchmarks/compare_jax.py --autobw "$(swift build -c release --show-bin-path)/autobw-bench" \\
        --python /tmp/jax-venv/bin/python

For each workload and thread count the two run in turn, each in a fresh process, `--repeats` times; the table
shows medians and the ratio autobw / JAX (below 1.0: autobw is faster), and one `RATIO {json}` line a row.
"""
import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def result(argv):
    """The `RESULT {json}` line of a fresh process running `argv`."""
    output = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
    if not lines:
        sys.exit("no RESULT line from: " + " ".join(argv))
    return json.loads(lines[-1][len("RESULT "):])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--autobw", required=True, help="command that runs autobw-bench")
    parser.add_argument("--python", default=sys.executable, help="a python with jax installed")
    parser.add_argument("--only", default="W1,W2,W4")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    arguments = parser.parse_args()
    common = ["--steps", str(arguments.steps), "--warmup", str(arguments.warmup)]
    jax_bench = [arguments.python, os.path.join(HERE, "bench_jax.py")]
    print("%-3s %3s  %12s  %12s  %s" % ("wl", "thr", "autobw ms", "jax ms", "ratio"))
    for workload in arguments.only.split(","):
        for threads in [int(t) for t in arguments.threads.split(",")]:
            ours, theirs = [], []
            for _ in range(arguments.repeats):
                ours.append(result(shlex.split(arguments.autobw) + ["--workload", workload, "--threads", str(threads)] + common))
                theirs.append(result(jax_bench + ["--workload", workload, "--threads", str(threads)] + common))
            mine = statistics.median(r["ms_step"] for r in ours)
            jax = statistics.median(r["ms_step"] for r in theirs)
            print("%-3s %3d  %12.4f  %12.4f  %.3f" % (workload, threads, mine, jax, mine / jax))
            print("RATIO " + json.dumps({"wl": workload, "threads": threads, "autobw": mine, "jax": jax, "ratio": mine / jax,
                                         "jax_version": theirs[0].get("jax")}))


if __name__ == "__main__":
    main()
