#!/usr/bin/env bash
# Times the Swift MiniGPT against the PyTorch reference in one run, on the same cores and corpus.
#
# usage: Benchmarks/compare.sh [ROUNDS] [STEPS]
# For each shape in SHAPES (default: "lesson shakespeare-char"), alternates `lesson bench --json` and
# Benchmarks/reference/minigpt_torch.py --json ROUNDS times (default 3), then prints each side's
# median ms/step, its loss after the run, the fraction of the machine's sgemm peak and the ratio.
#   lesson            d=128 L=4 h=4 T=64  B=32, STEPS timed steps (default 50) after 5 warm-up steps
#   shakespeare-char  d=384 L=6 h=6 T=256 B=8 (nanoGPT's shakespeare-char model, a smaller batch),
#                     STEPS/5 timed steps after 2 warm-up steps
#   t128 t256         the lesson shape at T=128 and T=256; d256 d384: at d=256 and d=384
#                     (SHAPES="lesson t128 t256 d256 d384" is the README's sweep)
# Any other shape: SHAPES="mine" SHAPE_mine="--d 256 --layers 4 --heads 4 --context 64 --batch 32".
#
# OpenBLAS picks its CPU kernels when it loads: from OPENBLAS_CORETYPE if set, else by detecting
# the CPU. `lesson` restarts itself with better kernels when that detection fell back to kernels
# without AVX2 (OpenBLAS 0.3.21 on CPUs newer than itself); PyTorch (MKL, its own kernels) ignores
# the variable. When OPENBLAS_CORETYPE is set, the Swift side runs twice per round: as the
# environment says, and with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for that command alone.
# `lesson bench` checks sgemm against float64 before timing, so a kernel that computes wrong
# results stops the run instead of being timed.
#
# Needs: a release build (make build) and PyTorch in the test environment (`make bench` runs
# scripts/install-python-test-deps.sh --torch first); LESSON_PYTHON names another interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
steps=${2:-50}
threads=${THREADS:-2}
bin=.build/release/lesson
python=${LESSON_PYTHON:-.build/python-venv/bin/python3}
reference=Benchmarks/reference/minigpt_torch.py
read -r -a shapes <<< "${SHAPES:-lesson shakespeare-char}"
SHAPE_lesson=${SHAPE_lesson:-"--d 128 --layers 4 --heads 4 --context 64 --batch 32"}
SHAPE_shakespeare_char=${SHAPE_shakespeare_char:-"--d 384 --layers 6 --heads 6 --context 256 --batch 8"}
# The README's sweep: T at d=128, then d at T=64, the lesson's other settings kept.
SHAPE_t128=${SHAPE_t128:-"--d 128 --layers 4 --heads 4 --context 128 --batch 32"}
SHAPE_t256=${SHAPE_t256:-"--d 128 --layers 4 --heads 4 --context 256 --batch 32"}
SHAPE_d256=${SHAPE_d256:-"--d 256 --layers 4 --heads 4 --context 64 --batch 32"}
SHAPE_d384=${SHAPE_d384:-"--d 384 --layers 4 --heads 4 --context 64 --batch 32"}

[ -x "$bin" ] || { echo "compare: build first (make build)" >&2; exit 2; }
[ -x "$python" ] || command -v "$python" >/dev/null || { echo "compare: $python not found; run scripts/install-python-test-deps.sh --torch" >&2; exit 2; }
"$python" -c "import torch" 2>/dev/null || { echo "compare: PyTorch is not installed for $python (scripts/install-python-test-deps.sh --torch)" >&2; exit 2; }

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
corpus="$workdir/corpus.txt"
"$bin" corpus > "$corpus"   # the embedded corpus, so both sides read the same characters

variants=(environment)
[ -n "${OPENBLAS_CORETYPE:-}" ] && variants+=(detected)

for shape in "${shapes[@]}"; do
  var="SHAPE_${shape//-/_}"
  flags=${!var:-}
  [ -n "$flags" ] || { echo "compare: no flags for shape '$shape' (set $var)" >&2; exit 2; }
  read -r -a shape_flags <<< "$flags"
  shape_steps=$steps warmup=5
  [ "$shape" = shakespeare-char ] && { shape_steps=$(( steps / 5 > 0 ? steps / 5 : 1 )); warmup=2; }
  echo "$shape $flags $shape_steps" >> "$workdir/shapes"
  for round in $(seq 1 "$rounds"); do
    for variant in "${variants[@]}"; do
      unset_vars=()
      [ "$variant" = detected ] && unset_vars=(-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
      if ! env ${unset_vars[@]+"${unset_vars[@]}"} "$bin" bench --json --steps "$shape_steps" --warmup "$warmup" \
          --threads "$threads" --corpus "$corpus" "${shape_flags[@]}" \
          > "$workdir/swift-$shape-$variant-$round.json" 2> "$workdir/swift.err"; then
        echo "compare: lesson bench failed ($shape, $variant OpenBLAS kernels):" >&2
        cat "$workdir/swift.err" >&2
        exit 1
      fi
    done
    if ! "$python" "$reference" "$corpus" --json --steps "$shape_steps" --warmup "$warmup" --threads "$threads" \
        "${shape_flags[@]}" > "$workdir/torch.out" 2>&1; then
      echo "compare: the PyTorch reference failed ($shape):" >&2
      cat "$workdir/torch.out" >&2
      exit 1
    fi
    tail -n 1 "$workdir/torch.out" > "$workdir/torch-$shape-$round.json"
    echo "compare: $shape round $round of $rounds done" >&2
  done
done

# Other processes on the same cores slow both sides, and PyTorch's thread pool far more: report the load.
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load averages*: //')

"$python" - "$workdir" "$rounds" "$threads" "$load" "${variants[*]}" <<'PY'
import json, statistics, sys, platform
workdir, rounds, threads, load, variants = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split()
def read(name):
    with open(f"{workdir}/{name}") as f:
        return json.loads(f.read())

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
def row(name, ms, rounds_ms, train, val, peak, ratio):
    listed = ", ".join(f"{x:.1f}" for x in rounds_ms)
    print(f"  {name:<72} {ms:8.1f}   {listed:<24} {train:6.3f} / {val:.3f}   {peak:>5}   {ratio}")
for line in open(f"{workdir}/shapes"):
    shape, *rest = line.split()
    steps = rest[-1]
    print()
    print(f"{shape}: {' '.join(rest[:-1])}, {steps} timed steps")
    print(f"  {'':<72} {'ms/step':>8}   {'rounds':<24} {'train / val loss':<16}   {'sgemm':>5}   vs PyTorch")
    torch_runs = [read(f"torch-{shape}-{r}.json") for r in range(1, rounds + 1)]
    torch_ms = statistics.median(run["median_ms_per_step"] for run in torch_runs)
    row("pytorch (eager)", torch_ms, [r["median_ms_per_step"] for r in torch_runs],
        statistics.median(r["train_loss"] for r in torch_runs), statistics.median(r["val_loss"] for r in torch_runs),
        "", "1.00x")
    for variant in variants:
        runs = [read(f"swift-{shape}-{variant}-{r}.json") for r in range(1, rounds + 1)]
        ms = statistics.median(run["median_ms_per_step"] for run in runs)
        blas = runs[0]["blas"]
        if blas.get("detected_before_choice"):
            how = f"lesson's choice; OpenBLAS detected {blas['detected_before_choice']}"
        elif blas.get("core_type_override"):
            how = f"OPENBLAS_CORETYPE={blas['core_type_override']}"
        else:
            how = "detected"
        name = f"swift, {blas['core']} kernels ({how})"
        peak = statistics.median(r["peak_fraction"] for r in runs)
        row(name, ms, [r["median_ms_per_step"] for r in runs],
            statistics.median(r["train_loss"] for r in runs), statistics.median(r["val_loss"] for r in runs),
            f"{100 * peak:.0f}%", f"{torch_ms / ms:.2f}x")
PY
