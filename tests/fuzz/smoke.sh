#!/usr/bin/env bash
# Fuzz smoke run for CI: builds every libFuzzer target (make fuzz-build) and
# runs each for a few seconds on its seed corpus, with a fixed seed so CI is
# repeatable (make fuzz explores at random). One test per target.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-10}
pass=0
fail=0
if ! make --no-print-directory fuzz-build >/tmp/ss-fuzz-build.$$ 2>&1; then
    cat /tmp/ss-fuzz-build.$$
    rm -f /tmp/ss-fuzz-build.$$
    echo "fuzz-smoke: 0 passed, 1 failed"
    exit 1
fi
rm -f /tmp/ss-fuzz-build.$$
for src in tests/fuzz/fuzz_*.c; do
    [ -e "$src" ] || continue
    t=$(basename "$src" .c)
    corpus=tests/fuzz/corpus/${t#fuzz_}
    work=$(mktemp -d)
    mkdir -p tests/fuzz/artifacts
    if build-fuzz/$t -seed=1 -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
        -artifact_prefix=tests/fuzz/artifacts/ "$work" "$corpus" >"$work.log" 2>&1; then
        echo "ok $t ($(grep -oE 'cov: [0-9]+' "$work.log" | tail -n 1))"
        pass=$((pass + 1))
    else
        tail -n 30 "$work.log"
        echo "FAIL $t"
        fail=$((fail + 1))
    fi
    rm -rf "$work" "$work.log"
done
echo "fuzz-smoke: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
