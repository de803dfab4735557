#!/usr/bin/env bash
# Python test tools in a virtual environment under .build/, never in the system Python: stock Debian
# and Ubuntu pip refuses system installs ("externally-managed-environment", PEP 668). The product
# itself never runs Python; only tests and the benchmark's reference do.
#
# usage: scripts/install-python-test-deps.sh [--torch]
#   always   numpy and safetensors: the checkpoint interop tests that `make test` runs
#   --torch  also PyTorch, for the reference (Benchmarks/reference/minigpt_torch.py), `make bench` and
#            `make interop`. PyPI's Linux wheel is the CUDA build: about 2.8 GB of wheels with its
#            nvidia-* dependencies (54 s to download at ~100 MB/s where this was written), so
#            `make test` does not install it.
# Installs only what is missing. The environment's interpreter is .build/python-venv/bin/python3
# (LESSON_VENV overrides the directory); the Makefile hands it to the tests as LESSON_PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${LESSON_VENV:-.build/python-venv}
python="$venv/bin/python3"
modules="numpy safetensors"
[ "${1:-}" = --torch ] && modules="$modules torch"

if [ ! -x "$python" ]; then
  base=$(command -v python3 || true)
  [ -n "$base" ] || { echo "install-python-deps: python3 is missing; run scripts/install-deps.sh (or install python3 and python3-venv)" >&2; exit 1; }
  if ! "$base" -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    # Debian and Ubuntu ship venv's pip bootstrap (ensurepip) apart, in python3-venv.
    echo "install-python-deps: '$base -m venv' failed; installing python3-venv" >&2
    LESSON_WITH_TEST_TOOLS=1 scripts/install-deps.sh
    "$base" -m venv "$venv" || { echo "install-python-deps: $base cannot create a virtual environment; install python3-venv" >&2; exit 1; }
  fi
fi

missing=()
for module in $modules; do
  "$python" -c "import $module" 2>/dev/null || missing+=("$module")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-python-deps: installing ${missing[*]} from PyPI into $venv" >&2
"$python" -m pip install -q --disable-pip-version-check "${missing[@]}"
