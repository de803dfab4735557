#!/usr/bin/env bash
# The checkpoint interop test reads a Swift checkpoint with Python's safetensors + numpy.
# Installed from PyPI only when missing; the product itself never runs Python.
set -euo pipefail
python3 -c "import safetensors, numpy" 2>/dev/null && exit 0
echo "install-deps: installing safetensors and numpy from PyPI for the interop test" >&2
python3 -m pip install -q safetensors numpy
