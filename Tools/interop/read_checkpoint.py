#!/usr/bin/env python3
"""Print what Python's safetensors sees in a checkpoint, as one JSON object on stdout.

usage: python3 Tools/interop/read_checkpoint.py FILE.safetensors

Output: {"tensors": [{"name", "dtype", "shape", "sum", "first"}...] in file order,
         "metadata": {...}}; "sum" and "first" hold numbers, or "inf", "-inf", "nan" as strings.
The Swift test suite runs it on a checkpoint written by Swift to prove that a PyTorch user can
load it (safetensors + numpy only; the product itself never runs Python).
"""
import json
import math
import sys

from safetensors import safe_open
from safetensors.numpy import load_file


def number(x) -> object:
    """A float for JSON; infinities and NaN (not valid JSON) become the strings "inf", "-inf", "nan"."""
    x = float(x)
    return x if math.isfinite(x) else str(x)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    path = sys.argv[1]
    arrays = load_file(path)  # validates the whole file, as torch's loader would
    with safe_open(path, framework="numpy") as handle:
        metadata = handle.metadata() or {}
        names = list(handle.keys())
    # keys() is sorted by name; report file order (by data offset) instead.
    with open(path, "rb") as f:
        header_len = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(header_len))
    names.sort(key=lambda n: header[n]["data_offsets"][0])
    tensors = []
    for name in names:
        array = arrays[name]
        flat = array.reshape(-1)
        tensors.append({
            "name": name,
            "dtype": str(array.dtype),
            "shape": list(array.shape),
            "sum": number(flat.astype("float64").sum()),
            "first": [number(x) for x in flat[:4]],
        })
    print(json.dumps({"tensors": tensors, "metadata": metadata}, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
