#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer and then ThreadSanitizer.
#
# There is no UndefinedBehaviorSanitizer pass: swiftc refuses `-sanitize=undefined` on Linux
# ("unsupported option for target x86_64-unknown-linux-gnu"). The sanitized builds are debug
# builds, so Swift's own checks cover that ground in Swift code: arithmetic overflow, bounds,
# exclusivity (checked in debug) and force-unwraps all trap, and a trap fails the test.
#
#   scripts/sanitize.sh            both
#   scripts/sanitize.sh address    one of them (address | thread)
#   SANITIZE_FILTER='LessonKitTests|SafetensorsTests' scripts/sanitize.sh address
#                                  only the tests matching a `swift test --filter` pattern
#
# Each sanitizer builds into its own scratch directory (.build-asan, .build-tsan) so the normal
# .build is untouched; the end-to-end tests drive the sanitized `lesson` binary.
#
# ThreadSanitizer on 2 shared cores (2026-12-02, Swift 6.3.1): the TSan debug build takes 4 min
# 20 s from scratch. The whole suite does not fit in a working session: every end-to-end
# invocation hashes its own 24 MB debug binary for the build identity (about 30 s each under
# TSan), so the runs were split by filter (TSAN_OPTIONS=halt_on_error=0:log_path=..., no report
# file written means no report):
#   DataParallelTests|TrainingTests|LearningTests (14 tests, 2 worker threads)        183 s, no report
#   LessonKitTests|LessonWidgetsTests|HostileSweepEndToEndTests|InterruptEndToEndTests
#     (243 tests: the runner's worker thread, step timeouts, StepTrapGuard, interrupts,
#      the progress line, the play/pager sessions, the cache under concurrent runs)    1240 s, no report
#   after the trap-on-any-thread and worker-pool changes: WorkerPoolTests, DataParallelTests,
#     TrainingTests, StepTrapTests, RunnerTests, ResultCacheTests, HMACSHA256Tests and the
#     end-to-end trap, timeout and cache-key cases (57 tests)                         429 s, no report
#   PretrainingTests|SafetensorsTests|ModelCommandsTests, skipping LearningTests (run above),
#     the PyTorch suites and ClaimMutationTests (158 tests)                             322 s, no report
# Not run under TSan: the other end-to-end suites (CLI commands, tmux sessions, author packages,
# installed use) and BrowserTests.
# The only failure was aFileSizeLimitDegradesTheCacheWithOneWarning: under `ulimit -f 1` the
# TSan runtime itself dies of SIGBUS before `main` (exit 66, "ThreadSanitizer: BUS on unknown
# address"; the same with no log_path), so it is skipped in the thread pass below. It is not a
# race, and it passes in the normal and AddressSanitizer builds. No suppressions are needed.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
# Sanitizer reports are the output wanted; the Swift backtracer would only delay them.
export SWIFT_BACKTRACE=enable=no
# LeakSanitizer is off: Swift stores enum tags in the spare bits of object pointers, which
# LeakSanitizer cannot follow, so it reports objects that live globals still hold (the
# registered bundles) as leaked, and XCTest's runner leaks at exit. Memory errors are still fatal.
export ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"
# The end-to-end tests start the sanitized binary hundreds of times; keep TSan reports complete.
export TSAN_OPTIONS="halt_on_error=0:${TSAN_OPTIONS:-}"

for sanitizer in "${@:-address thread}"; do
  for kind in $sanitizer; do
    case "$kind" in
      address) scratch=.build-asan; flags=(--sanitize=address) ;;
      thread) scratch=.build-tsan; flags=(--sanitize=thread) ;;
      *) echo "unknown sanitizer '$kind' (address | thread)" >&2; exit 2 ;;
    esac
    echo "== swift test ${flags[*]}" >&2
    start=$(date +%s)
    "$SWIFT" build --build-tests "${flags[@]}" --scratch-path "$scratch"
    # ClaimMutationTests trains the lessons' full models (minutes in release); in a sanitized
    # debug build it would take hours. The threaded training step is covered by
    # DataParallelTests, TrainingTests and LearningTests, which run at 2 threads.
    filter=()
    [[ -n "${SANITIZE_FILTER:-}" ]] && filter=(--filter "$SANITIZE_FILTER")
    skip=ClaimMutationTests
    # A file-size limit kills the TSan runtime itself (see the header), not the code under test.
    [[ "$kind" == thread ]] && skip="$skip|aFileSizeLimitDegradesTheCacheWithOneWarning"
    LESSON_BINARY="$PWD/$scratch/debug/lesson" \
      "$SWIFT" test --skip-build "${flags[@]}" --scratch-path "$scratch" --skip "$skip" "${filter[@]}"
    echo "== $kind: clean in $(( $(date +%s) - start )) s" >&2
  done
done
