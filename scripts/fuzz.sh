#!/usr/bin/env bash
# Builds the libFuzzer harnesses and fuzzes each for SECONDS seconds (default 60):
#   lesson      lesson loading, parsing, binding, rendering and claim numbers (Fuzz/LessonFuzzer.swift),
#               seeded with every lesson and fixture;
#   checkpoint  the safetensors reader, checkpoint metadata and shapes, and the streaming corpus
#               decoder (Fuzz/CheckpointFuzzer.swift), seeded with checkpoints and JSON headers;
#   cache       the result cache's entry reader (Fuzz/CacheFuzzer.swift), seeded with real entries.
#
#   scripts/fuzz.sh [SECONDS]               build and fuzz every target
#   FUZZ_TARGETS=checkpoint scripts/fuzz.sh only some targets
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh       only build .build-fuzz/*-fuzzer
#
# Each harness is compiled with `swiftc -sanitize=fuzzer,address` straight from its library's
# sources (AtomicFiles is built first as a module of its own), into .build-fuzz/: the normal
# SwiftPM build is untouched. Crashes land in Fuzz/findings/<target>-*; each one found becomes a
# fixture (a bad lesson, or a corruption test) once fixed.
#
# Adding a target: write Fuzz/<Name>Fuzzer.swift with
# an LLVMFuzzerTestOneInput, add a `build_<target>` function below naming its sources, a
# `seed_<target>` function filling "$1" with example inputs, and the name to TARGETS.
set -euo pipefail
# The Swift backtracer would wait on every crash the fuzzer provokes; libFuzzer prints its own.
export SWIFT_BACKTRACE=enable=no
cd "$(dirname "$0")/.."

SECONDS_TO_RUN="${1:-${SECONDS_TO_RUN:-60}}"
SWIFTC="${SWIFTC:-swiftc}"
OUT=.build-fuzz
TARGETS=(${FUZZ_TARGETS:-lesson checkpoint cache})
mkdir -p "$OUT/modules" Fuzz/findings

# Whether $1 is missing or older than any of the following files.
stale() {
  local binary=$1; shift
  [[ ! -e "$binary" ]] || [[ -n "$(find "$@" -newer "$binary" 2>/dev/null)" ]]
}

# swiftc with the sanitizers every harness uses, quiet about a harmless linker note.
fuzz_swiftc() {
  nice -n 10 "$SWIFTC" -parse-as-library -swift-version 6 -sanitize=fuzzer,address -O -g \
    -I "$OUT/modules" "$@" 2> >(grep -v "Cannot export local symbol" >&2)
}

# MARK: - Build

# AtomicFiles (atomic writes, file kinds, excerpts) is imported by both libraries.
atomic_sources=()
while IFS= read -r file; do atomic_sources+=("$file"); done < <(find Sources/AtomicFiles -name '*.swift' | sort)
if stale "$OUT/libAtomicFiles.a" "${atomic_sources[@]}"; then
  echo "building $OUT/libAtomicFiles.a" >&2
  fuzz_swiftc -module-name AtomicFiles -emit-module -emit-module-path "$OUT/modules/AtomicFiles.swiftmodule" \
    -emit-library -static -o "$OUT/libAtomicFiles.a" "${atomic_sources[@]}"
fi

build_lesson() {
  local sources=(Fuzz/LessonFuzzer.swift)
  while IFS= read -r file; do sources+=("$file"); done < <(find Sources/LessonKit -name '*.swift' | sort)
  stale "$OUT/lesson-fuzzer" "${sources[@]}" "$OUT/libAtomicFiles.a" || return 0
  echo "building $OUT/lesson-fuzzer" >&2
  # shellcheck disable=SC2046
  fuzz_swiftc -module-name LessonKit \
    -I Sources/CCmark $(pkg-config --cflags-only-I libcmark | sed 's/-I/-Xcc -I/g') \
    $(pkg-config --libs libcmark) -L "$OUT" -lAtomicFiles \
    "${sources[@]}" -o "$OUT/lesson-fuzzer"
}

build_cache() {
  local sources=(Fuzz/CacheFuzzer.swift)
  while IFS= read -r file; do sources+=("$file"); done < <(find Sources/LessonKit -name '*.swift' | sort)
  stale "$OUT/cache-fuzzer" "${sources[@]}" "$OUT/libAtomicFiles.a" || return 0
  echo "building $OUT/cache-fuzzer" >&2
  # shellcheck disable=SC2046
  fuzz_swiftc -module-name LessonKit \
    -I Sources/CCmark $(pkg-config --cflags-only-I libcmark | sed 's/-I/-Xcc -I/g') \
    $(pkg-config --libs libcmark) -L "$OUT" -lAtomicFiles \
    "${sources[@]}" -o "$OUT/cache-fuzzer"
}

build_checkpoint() {
  # The safetensors format is a module of its own that Pretraining imports.
  local format=()
  while IFS= read -r file; do format+=("$file"); done < <(find Sources/Safetensors -name '*.swift' | sort)
  if stale "$OUT/libSafetensors.a" "${format[@]}" "$OUT/libAtomicFiles.a"; then
    echo "building $OUT/libSafetensors.a" >&2
    fuzz_swiftc -module-name Safetensors -emit-module -emit-module-path "$OUT/modules/Safetensors.swiftmodule" \
      -emit-library -static -o "$OUT/libSafetensors.a" "${format[@]}"
  fi
  local sources=(Fuzz/CheckpointFuzzer.swift)
  while IFS= read -r file; do sources+=("$file"); done < <(find Sources/Pretraining -name '*.swift' | sort)
  stale "$OUT/checkpoint-fuzzer" "${sources[@]}" "$OUT/libAtomicFiles.a" "$OUT/libSafetensors.a" || return 0
  echo "building $OUT/checkpoint-fuzzer" >&2
  # shellcheck disable=SC2046
  fuzz_swiftc -module-name Pretraining -target-cpu haswell -enforce-exclusivity=unchecked -Xcc -fno-math-errno \
    -Xcc -fmodule-map-file=Sources/CBLAS/module.modulemap $(pkg-config --cflags-only-I openblas | sed 's/-I/-Xcc -I/g') \
    $(pkg-config --cflags-only-I openblas) $(pkg-config --libs openblas) -L "$OUT" -lSafetensors -lAtomicFiles \
    "${sources[@]}" -o "$OUT/checkpoint-fuzzer"
}

for target in "${TARGETS[@]}"; do "build_$target"; done
[[ -n "${FUZZ_BUILD_ONLY:-}" ]] && exit 0

# MARK: - Seeds: examples of each target's input, plus what earlier runs kept

seed_lesson() {
  find Lessons Tests -type f \( -name '*.md' -o -name '*.lesson' -o -name '*.txt' \) -size -1024k \
    -exec cp --backup=numbered -t "$1" {} + 2>/dev/null || true
}

seed_checkpoint() {
  find Tests -type f -name '*.safetensors' -size -1024k -exec cp --backup=numbered -t "$1" {} + 2>/dev/null || true
  # A small valid checkpoint, when a release build of `lesson` is at hand.
  if [[ -x .build/release/lesson ]]; then
    printf 'to be or not to be, that is the question\n%.0s' {1..40} > "$1/corpus.txt"
    .build/release/lesson train --corpus "$1/corpus.txt" --steps 1 --d 8 --layers 1 --heads 1 --context 8 \
      --batch 2 --eval-batches 1 --out "$1/tiny.safetensors" > /dev/null 2>&1 || true
  fi
  printf '{"block_size":64,"n_embd":128,"n_head":4,"n_layer":4,"vocab_size":65}' > "$1/config.json"
  printf '["\\n"," ","a","\\u001b"]' > "$1/vocabulary.json"
}

seed_cache() {
  # Real entries, written by the self-test lesson's steps, plus JSON headers for the envelope.
  if [[ -x .build/release/lesson-testbed ]]; then
    local cache
    cache=$(mktemp -d)
    # The entries are tagged with the key the harness knows (CacheFuzzTarget.signingKey: "k"
    # 32 times), kept in the scratch state directory, never the user's own.
    mkdir -m 700 -p "$cache/state/lesson"
    (umask 077 && printf 'k%.0s' {1..32} > "$cache/state/lesson/cache-key")
    (cd Tests/EndToEndTests/Fixtures && XDG_CACHE_HOME=$cache XDG_STATE_HOME=$cache/state \
      "$OLDPWD/.build/release/lesson-testbed" check selftest) > /dev/null 2>&1 || true
    find "$cache" -name '*.entry' -exec cp --backup=numbered -t "$1" {} + 2>/dev/null || true
    rm -rf "$cache"
  fi
  printf '{"blobs":[{"length":3,"name":"s","offset":0}],"build":"b","key":"k","measurements":{"m":{"number":{"_0":1}}},"output":[],"seconds":0,"step":"x"}' > "$1/header.json"
}

# MARK: - Fuzz

for target in "${TARGETS[@]}"; do
  corpus="$OUT/corpus-$target"
  seeds="$OUT/seeds-$target"
  rm -rf "$seeds"
  mkdir -p "$corpus" "$seeds"
  # The lesson target's corpus from before targets had names.
  [[ "$target" == lesson && -d "$OUT/corpus" ]] && cp -n "$OUT/corpus/"* "$corpus/" 2>/dev/null || true
  "seed_$target" "$seeds"
  dict=()
  [[ -f "Fuzz/$target.dict" ]] && dict=(-dict="Fuzz/$target.dict")
  # Lessons stay small; a checkpoint needs room for a header and some tensors.
  max_len=65536
  [[ "$target" == checkpoint ]] && max_len=262144
  echo "fuzzing $target for $SECONDS_TO_RUN s; findings go to Fuzz/findings/$target-*" >&2
  nice -n 15 "$OUT/$target-fuzzer" "$corpus" "$seeds" \
    -max_total_time="$SECONDS_TO_RUN" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    "${dict[@]}" -artifact_prefix="Fuzz/findings/$target-" -print_final_stats=1 \
    ${FUZZ_FLAGS:-}
done
