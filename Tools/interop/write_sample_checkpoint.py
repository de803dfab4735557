#!/usr/bin/env python3
"""Write the small safetensors fixture that the Swift reader must accept (made by Python's writer).

usage: python3 Tools/interop/write_sample_checkpoint.py Tests/SafetensorsTests/Fixtures/data/python_written.safetensors

Values are exact in Float32 (k / 8), so the Swift test can compare them exactly.
Needs: pip install safetensors numpy. Not run by CI; its output is committed.
"""
import sys

import numpy as np
from safetensors.numpy import save_file

tensors = {
    "tok.weight": (np.arange(12, dtype=np.float32) / 8).reshape(3, 4),
    "blocks.0.ln1.bias": np.array([-1.5, 0.0, 2.25], dtype=np.float32),
    "scalar": np.array(7.0, dtype=np.float32),
}
save_file(tensors, sys.argv[1], metadata={"writer": "safetensors.numpy", "note": "fixture"})
