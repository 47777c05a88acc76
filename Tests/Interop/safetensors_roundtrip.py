"""autobw against the reference safetensors library, both ways, compared exactly.

    python safetensors_roundtrip.py PATH/TO/SafeTensorsInterop WORKDIR

1. The reference library (`safetensors.numpy`) writes files of every dtype autobw converts (F32, F64, F16, the
   integer types, BOOL), a 0-d scalar, empty tensors beside full ones, a thousand tensors and metadata; autobw
   reads each, and every element must equal numpy's own conversion to float32, bit for bit.
2. autobw writes a checkpoint and a file of assorted shapes; the reference library reads them, and every
   tensor must equal, bit for bit, what autobw wrote.
Exits non-zero with a message naming the file and tensor at the first difference.
"""
import json
import os
import subprocess
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file, load_file

tool, workdir = sys.argv[1], sys.argv[2]
os.makedirs(workdir, exist_ok=True)
failures = []


def parse_tensors(text):
    """The tool's output: {name: (shape, float32 array)}, metadata."""
    tensors, metadata = {}, None
    for line in text.splitlines():
        record = json.loads(line)
        if "metadata" in record:
            metadata = record["metadata"]
        else:
            bits = np.array(record["bits"], dtype=np.uint32).view(np.float32)
            tensors[record["name"]] = (tuple(record["shape"]), bits)
    return tensors, metadata


def autobw_read(path):
    """What autobw loads from `path`."""
    out = subprocess.run([tool, "read", path], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"autobw could not read {path}: {out.stderr.strip()}")
    return parse_tensors(out.stdout)


def same_bits(a, b):
    a = np.ascontiguousarray(a, dtype=np.float32).ravel()
    b = np.ascontiguousarray(b, dtype=np.float32).ravel()
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


def check_reference_file(name, tensors, metadata=None):
    path = os.path.join(workdir, name)
    save_file(tensors, path, metadata=metadata)
    loaded, loaded_metadata = autobw_read(path)
    if set(loaded) != set(tensors):
        failures.append(f"{name}: autobw read tensors {sorted(loaded)}, expected {sorted(tensors)}")
    for key, array in tensors.items():
        if key not in loaded:
            continue
        shape, values = loaded[key]
        if shape != array.shape:
            failures.append(f"{name}/{key}: shape {shape}, expected {array.shape}")
        elif not same_bits(values, array.astype(np.float32)):
            failures.append(f"{name}/{key}: values differ from numpy's float32 conversion")
    if (loaded_metadata or {}) != (metadata or {}):
        failures.append(f"{name}: metadata {loaded_metadata}, expected {metadata}")


rng = np.random.default_rng(7)
floats = rng.standard_normal((4, 6))
special = np.array([0.0, -0.0, 1e-40, -3.4e38, 65504.0, 1.0 / 3.0])
check_reference_file("floats.safetensors", {
    "f32": floats.astype(np.float32),
    "f64": np.concatenate([floats.ravel(), special]).astype(np.float64),
    "f16": (floats * 100).astype(np.float16),
    "special32": special.astype(np.float32),
}, metadata={"source": "numpy", "note": "é ✓"})
ints = {}
for dtype in [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]:
    info = np.iinfo(dtype)
    ints[np.dtype(dtype).name] = np.array([info.min, info.max, 0, 1, 7, info.max // 3], dtype=dtype)
ints["bool"] = np.array([True, False, True])
check_reference_file("integers.safetensors", ints)
check_reference_file("scalar.safetensors", {"scalar": np.array(2.5, dtype=np.float32)})
check_reference_file("empty.safetensors", {
    "empty": np.zeros((0, 3), dtype=np.float32),
    "f32": rng.standard_normal(12).astype(np.float32),
    "also_empty": np.zeros((2, 0, 5), dtype=np.float64),
    "tail": np.arange(3, dtype=np.int32),
})
check_reference_file("many.safetensors", {f"t{i:04d}": rng.standard_normal(i % 7 + 1).astype(np.float32) for i in range(1000)})

# The file from issue 14: an empty tensor sharing its offset with a neighbour. Its header order is the
# reference writer's; autobw must accept it every time, in fresh processes.
for attempt in range(20):
    check_reference_file(f"issue14-{attempt % 2}.safetensors", {
        "empty": np.zeros((0, 3), dtype=np.float32),
        "f32": np.arange(12, dtype=np.float32),
        "f64": np.arange(10, dtype=np.float64),
    })

# autobw writes; the reference reads. For shapes.safetensors the expected values are the ones autobw held in
# memory when writing; for the checkpoint, what autobw itself loads from it.
out = subprocess.run([tool, "write", workdir], capture_output=True, text=True)
if out.returncode != 0:
    raise SystemExit(f"autobw could not write: {out.stderr.strip()}")
in_memory = parse_tensors(out.stdout)
for name in ["checkpoint.safetensors", "shapes.safetensors"]:
    path = os.path.join(workdir, name)
    reference = load_file(path)
    written, written_metadata = in_memory if name == "shapes.safetensors" else autobw_read(path)
    with safe_open(path, framework="numpy") as handle:
        reference_metadata = handle.metadata() or {}
    if set(reference) != set(written):
        failures.append(f"{name}: the reference read {sorted(reference)}, autobw wrote {sorted(written)}")
    for key, array in reference.items():
        if array.dtype != np.float32:
            failures.append(f"{name}/{key}: dtype {array.dtype}, autobw writes float32")
        elif key in written and (array.shape != written[key][0] or not same_bits(array, written[key][1])):
            failures.append(f"{name}/{key}: the reference read other values or shape than autobw wrote")
    if reference_metadata != (written_metadata or {}):
        failures.append(f"{name}: reference metadata {reference_metadata}, autobw's {written_metadata}")

if failures:
    print("safetensors interop: FAILED", *failures, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print("safetensors interop: reference -> autobw and autobw -> reference agree bit for bit", file=sys.stderr)
