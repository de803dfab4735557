#!/usr/bin/env bash
# Checks every lesson twice with one fresh result cache: cold (every step computed), then warm
# (every step replayed). The warm report must equal the cold one but for timings and cache
# marks, so `make test` proves both that the lessons hold and that the cache changes nothing.
# With LESSON_CHECK_CACHE=DIR the cache is kept in DIR (emptied first), so the test suite can
# reuse it for the end-to-end tests that check the real lessons, instead of training again.
# Usage: scripts/check-lessons.sh BINARY LESSON...
set -euo pipefail
binary=$1; shift
reports=$(mktemp -d "${TMPDIR:-/tmp}/lesson-check-reports.XXXXXX")
if [[ -n "${LESSON_CHECK_CACHE:-}" ]]; then
  cache=$LESSON_CHECK_CACHE
  rm -rf "$cache" "$cache.state"
  mkdir -p "$cache"
  trap 'rm -rf "$reports"' EXIT
else
  cache=$(mktemp -d "${TMPDIR:-/tmp}/lesson-check-cache.XXXXXX")
  trap 'rm -rf "$cache" "$cache.state" "$reports"' EXIT
fi
# The cache's key (XDG_STATE_HOME/lesson/cache-key) is kept beside it in $cache.state, never in
# the user's home; the end-to-end tests that reuse the cache look for it there too.
python=${PYTHON:-python3}

start=$(date +%s.%N)
status=0
XDG_CACHE_HOME=$cache XDG_STATE_HOME=$cache.state "$binary" check --format json "$@" > "$reports/cold.json" || status=$?
cold_end=$(date +%s.%N)
XDG_CACHE_HOME=$cache XDG_STATE_HOME=$cache.state "$binary" check --format json "$@" > "$reports/warm.json" || true
warm_end=$(date +%s.%N)

"$python" - "$reports/cold.json" "$reports/warm.json" "$start" "$cold_end" "$warm_end" <<'PY'
import json, sys
cold, warm = (json.load(open(p)) for p in sys.argv[1:3])
start, cold_end, warm_end = map(float, sys.argv[3:6])
def strip(report):
    for lesson in report["lessons"]:
        for result in lesson["results"]:
            result.pop("seconds", None); result.pop("cached", None)
    return report
for lesson in cold["lessons"]:
    for error in lesson["errors"]:
        print(f"{lesson['file']}: {error}")
    for r in lesson["results"]:
        if not r["passed"]:
            print(f"{r['file']}:{r['line']} {r['id']} FAIL ({r.get('message') or ''} claimed {r.get('claimed')}, computed {r.get('computed')})")
print(f"cold check: {cold['summary']} in {cold_end - start:.1f} s")
if strip(dict(cold)) != strip(warm):
    print("warm check: the report differs from the cold one", file=sys.stderr)
    shown = 0
    for c, w in zip(cold["lessons"], warm["lessons"]):
        if c.get("errors") != w.get("errors"):
            print(f"  {c['file']}: errors {c.get('errors')} then {w.get('errors')}", file=sys.stderr)
        for a, b in zip(c["results"], w["results"]):
            if a != b and shown < 20:
                shown += 1
                keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                print(f"  {a.get('file')}:{a.get('line')} {a.get('id')}: " + "; ".join(f"{k} {a.get(k)!r} then {b.get(k)!r}" for k in keys), file=sys.stderr)
        if len(c["results"]) != len(w["results"]):
            print(f"  {c['file']}: {len(c['results'])} results then {len(w['results'])}", file=sys.stderr)
    for key in sorted(k for k in set(cold) | set(warm) if k != "lessons" and cold.get(k) != warm.get(k)):
        print(f"  {key}: {cold.get(key)!r} then {warm.get(key)!r}", file=sys.stderr)
    sys.exit(1)
print(f"warm check: same report, every step from the cache, in {warm_end - cold_end:.1f} s")
print(cold["summary"])
PY
exit $status
