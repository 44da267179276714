#!/usr/bin/env bash
# Runs every test suite against the binaries in $BUILD and prints one closing
# line "N passed, N failed" (the sum of the suites); exits non-zero if any
# test failed or any suite could not run. Called by `make test` / `make check`.
#
#   SS_SHARED            the shared data folder (default ../shared)
#   FUZZ_SMOKE_SECONDS   seconds per fuzz target in the smoke run (default 10, 0 = skip)
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export SS_BIN="$PWD/$BUILD/securescore"
export SS_SHARED=${SS_SHARED:-$(cd .. && pwd)/shared}
export SS_BUILD="$BUILD"
[ -d "$SS_SHARED" ] || { echo "run.sh: shared data not found at $SS_SHARED" >&2; }

total_pass=0
total_fail=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# run NAME COMMAND...: runs a suite, shows its output, adds its closing line's counts.
run() {
    local name=$1; shift
    echo "== $name"
    "$@" 2>&1 | tee "$log/$name.out"
    local rc=${PIPESTATUS[0]}
    local line p f
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log/$name.out" | tail -n 1)
    if [ -z "$line" ]; then
        echo "$name: no result line (exit $rc)"
        total_fail=$((total_fail + 1))
        return
    fi
    p=$(echo "$line" | sed -E 's/.*[^0-9]?([0-9]+) passed.*/\1/; s/^[^0-9]*//')
    p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$name: exited $rc with no failed test"
        total_fail=$((total_fail + 1))
    fi
}

run unit "$BUILD/unit-tests"
run cases "$BUILD/sstest" tests/cases
if [ -x "$BUILD/json-diff" ]; then
    run json-diff "$BUILD/json-diff" "$SS_SHARED/data"
fi
run style tests/style.sh
run rules catalog/tools/check_rules.sh "$SS_BIN"
for t in tests/integration/t*.sh; do
    [ -e "$t" ] || continue
    run "$(basename "$t" .sh)" bash "$t"
done

smoke=${FUZZ_SMOKE_SECONDS:-10}
if [ "$smoke" != 0 ] && command -v clang >/dev/null 2>&1; then
    run fuzz-smoke tests/fuzz/smoke.sh "$smoke"
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
