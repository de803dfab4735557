#!/usr/bin/env bash
# Builds the libFuzzer harness for lesson loading, parsing, binding, rendering and claim numbers,
# then fuzzes it for SECONDS seconds (default 60), seeded with every lesson and fixture.
#
#   scripts/fuzz.sh [SECONDS]          build and fuzz
#   FUZZ_BUILD_ONLY=1 scripts/fuzz.sh  only build .build-fuzz/lesson-fuzzer
#
# The harness is compiled with `swiftc -sanitize=fuzzer,address` straight from the LessonKit
# sources plus Fuzz/LessonFuzzer.swift, into .build-fuzz/: the normal SwiftPM build is untouched.
# Crashes land in Fuzz/findings/; each one found becomes a fixture under
# Tests/EndToEndTests/Fixtures/bad-lessons/ once fixed.
set -euo pipefail
# The Swift backtracer would wait on every crash the fuzzer provokes; libFuzzer prints its own.
export SWIFT_BACKTRACE=enable=no
cd "$(dirname "$0")/.."

SECONDS_TO_RUN="${1:-${SECONDS_TO_RUN:-60}}"
SWIFTC="${SWIFTC:-swiftc}"
OUT=.build-fuzz
BINARY="$OUT/lesson-fuzzer"
mkdir -p "$OUT" Fuzz/findings

# MARK: - Build (only when a source is newer than the binary)

sources=(Fuzz/LessonFuzzer.swift)
while IFS= read -r file; do sources+=("$file"); done < <(find Sources/LessonKit -name '*.swift' | sort)
if [[ ! -x "$BINARY" ]] || [[ -n "$(find "${sources[@]}" -newer "$BINARY" 2>/dev/null)" ]]; then
  echo "building $BINARY" >&2
  # shellcheck disable=SC2046
  nice -n 10 "$SWIFTC" -module-name LessonKit -parse-as-library -swift-version 6 \
    -sanitize=fuzzer,address -O -g \
    -I Sources/CCmark $(pkg-config --cflags-only-I libcmark | sed 's/-I/-Xcc -I/g') \
    $(pkg-config --libs libcmark) \
    "${sources[@]}" -o "$BINARY" 2> >(grep -v "Cannot export local symbol" >&2)
fi
[[ -n "${FUZZ_BUILD_ONLY:-}" ]] && exit 0

# MARK: - Seed corpus: every lesson and fixture, plus what earlier runs kept

CORPUS="$OUT/corpus"
SEEDS="$OUT/seeds"
rm -rf "$SEEDS"
mkdir -p "$CORPUS" "$SEEDS"
find Lessons Tests -type f \( -name '*.md' -o -name '*.lesson' -o -name '*.txt' \) -size -1024k \
  -exec cp --backup=numbered -t "$SEEDS" {} + 2>/dev/null || true

# MARK: - Fuzz

echo "fuzzing for $SECONDS_TO_RUN s; findings go to Fuzz/findings/" >&2
nice -n 15 "$BINARY" "$CORPUS" "$SEEDS" \
  -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -dict=Fuzz/lesson.dict -artifact_prefix=Fuzz/findings/ -print_final_stats=1 \
  ${FUZZ_FLAGS:-}
