#!/usr/bin/env bash
# Times the Swift MiniGPT against the PyTorch reference in one run, on the same cores and corpus.
#
# usage: Benchmarks/compare.sh [ROUNDS] [STEPS]
# Alternates `lesson bench --json` and ../shared/bench/minigpt_torch.py --json ROUNDS times
# (default 3, 50 timed steps each), then prints each side's median ms/step, its loss after the
# run, and the ratio.
#
# OpenBLAS picks its CPU kernels when it loads: from OPENBLAS_CORETYPE if set, else by detecting
# the CPU. Some machines set OPENBLAS_CORETYPE=Haswell (AVX2) for old OpenBLAS builds that go wrong
# on newer CPUs; PyTorch (MKL, its own kernels) ignores it. When the variable is set, the Swift side
# runs twice per round: as the environment says, and with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
# unset for that command alone. `lesson bench` checks sgemm against float64 before timing, so a
# kernel that computes wrong results stops the run instead of being timed.
#
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

variants=(environment)
[ -n "${OPENBLAS_CORETYPE:-}" ] && variants+=(detected)

for round in $(seq 1 "$rounds"); do
  for variant in "${variants[@]}"; do
    unset_vars=()
    [ "$variant" = detected ] && unset_vars=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
    if ! env ${unset_vars[@]+"${unset_vars[@]}"} "$bin" bench --json --steps "$steps" --threads "$threads" --corpus "$corpus" \
        > "$workdir/swift-$variant-$round.json" 2> "$workdir/swift.err"; then
      echo "compare: lesson bench failed ($variant OpenBLAS kernels):" >&2
      cat "$workdir/swift.err" >&2
      exit 1
    fi
  done
  if ! python3 "$torch_script" "$corpus" --json --steps "$steps" --threads "$threads" > "$workdir/torch.out" 2>&1; then
    echo "compare: the PyTorch reference failed:" >&2
    cat "$workdir/torch.out" >&2
    exit 1
  fi
  tail -n 1 "$workdir/torch.out" > "$workdir/torch-$round.json"
  echo "compare: round $round of $rounds done" >&2
done

# Other processes on the same cores slow both sides, and PyTorch's thread pool far more: report the load.
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load averages*: //')

python3 - "$workdir" "$rounds" "$threads" "$load" "${variants[*]}" <<'PY'
import json, statistics, sys, platform
workdir, rounds, threads, load, variants = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split()
def read(name):
    with open(f"{workdir}/{name}") as f:
        return json.loads(f.read())
torch_runs = [read(f"torch-{r}.json") for r in range(1, rounds + 1)]
torch_ms = statistics.median(run["ms_per_step"] for run in torch_runs)

cpu = "unknown CPU"
flags = set()
try:
    info = open("/proc/cpuinfo").read().split("\n\n")[0]
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    cpu = f"{fields.get('model name', '?')} (family {fields.get('cpu family', '?')}, model {fields.get('model', '?')})"
    flags = set(fields.get("flags", "").split())
except OSError:
    cpu = platform.processor() or cpu
isa = " ".join(f for f in ["avx2", "fma", "avx512f"] if f in flags)
import torch
print(f"machine    {cpu}, {isa or 'no AVX flags read'}")
print(f"pytorch    {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}; {threads} threads each side")
print(f"load       {load}  (1, 5, 15 min, at the end)")
print()
def row(name, ms, rounds_ms, train, val, ratio):
    listed = ", ".join(f"{x:.1f}" for x in rounds_ms)
    print(f"{name:<62} {ms:7.1f}   {listed:<20} {train:6.3f} / {val:.3f}   {ratio}")
print(f"{'':<62} {'ms/step':>7}   {'rounds':<20} {'train / val loss':<16}   vs PyTorch")
row("pytorch (eager)", torch_ms, [r["ms_per_step"] for r in torch_runs],
    statistics.median(r["train_loss"] for r in torch_runs), statistics.median(r["val_loss"] for r in torch_runs), "1.00x")
for variant in variants:
    runs = [read(f"swift-{variant}-{r}.json") for r in range(1, rounds + 1)]
    ms = statistics.median(run["median_ms_per_step"] for run in runs)
    blas = runs[0]["blas"]
    how = f"OPENBLAS_CORETYPE={blas['core_type_override']}" if blas.get("core_type_override") else "detected"
    name = f"swift, OpenBLAS {blas['core']} kernels ({how})"
    row(name, ms, [r["median_ms_per_step"] for r in runs],
        statistics.median(r["train_loss"] for r in runs), statistics.median(r["val_loss"] for r in runs),
        f"{torch_ms / ms:.2f}x")
PY
