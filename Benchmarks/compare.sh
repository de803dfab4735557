#!/usr/bin/env bash
# Times the Swift MiniGPT against the PyTorch reference in one run, on the same cores and corpus.
#
# usage: Benchmarks/compare.sh [ROUNDS] [STEPS]
# Alternates `lesson bench --json` and ../shared/bench/minigpt_torch.py --json ROUNDS times
# (default 3, 50 timed steps each), then prints each side's median ms/step and the ratio.
# Needs: a release build (make build) and `pip install torch numpy safetensors`.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
steps=${2:-50}
threads=${THREADS:-2}
bin=.build/release/lesson
torch_script=${TORCH_BENCH:-../shared/bench/minigpt_torch.py}

[ -x "$bin" ] || { echo "compare: build first (make build)" >&2; exit 2; }
[ -f "$torch_script" ] || { echo "compare: $torch_script not found (set TORCH_BENCH)" >&2; exit 2; }
python3 -c "import torch" 2>/dev/null || { echo "compare: PyTorch is not installed (pip install torch numpy safetensors)" >&2; exit 2; }

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
corpus="$workdir/corpus.txt"
"$bin" corpus > "$corpus"   # the embedded corpus, so both sides read the same characters

swift_ms=()
torch_ms=()
for round in $(seq 1 "$rounds"); do
  s=$("$bin" bench --json --steps "$steps" --threads "$threads" --corpus "$corpus" | tail -n 1)
  t=$(python3 "$torch_script" "$corpus" --json --steps "$steps" --threads "$threads" | tail -n 1)
  sm=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["median_ms_per_step"])' "$s")
  tm=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ms_per_step"])' "$t")
  echo "round $round: swift ${sm} ms/step, pytorch ${tm} ms/step" >&2
  swift_ms+=("$sm")
  torch_ms+=("$tm")
done

# Other processes on the same cores slow both sides, and PyTorch's thread pool far more: report the load.
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load averages*: //')

python3 - "${swift_ms[*]}" "${torch_ms[*]}" "$threads" "$load" <<'PY'
import statistics, sys
swift = [float(x) for x in sys.argv[1].split()]
torch = [float(x) for x in sys.argv[2].split()]
s, t = statistics.median(swift), statistics.median(torch)
print(f"threads            {sys.argv[3]}")
print(f"load average       {sys.argv[4]}  (1, 5, 15 min, at the end)")
print(f"swift   ms/step    {s:.1f}  (rounds: {', '.join(f'{x:.1f}' for x in swift)})")
print(f"pytorch ms/step    {t:.1f}  (rounds: {', '.join(f'{x:.1f}' for x in torch)})")
print(f"speed-up           {t / s:.2f}x")
PY
