#!/bin/sh
# Installs what securescore needs to build, test and benchmark on Debian 12.
# Idempotent: packages already present are not touched, and apt-get runs only
# when something is missing. Called by `make check`, `make demo` and `make bench`.
#
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh bench    also the benchmark references
set -eu

build_pkgs="gcc make pkg-config libmicrohttpd-dev libgnutls28-dev libsqlite3-dev zlib1g-dev"
test_pkgs="libjansson-dev clang clang-format libclang-rt-14-dev curl gnutls-bin jq python3"
bench_pkgs="g++ libsimdjson-dev libcjson-dev wrk"

want="$build_pkgs $test_pkgs"
[ "${1:-}" = bench ] && want="$want $bench_pkgs"

missing=""
for p in $want; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Node.js packages used by the integration tests, pinned by package-lock.json.
here=$(cd "$(dirname "$0")/.." && pwd)
if [ -f "$here/package-lock.json" ] && command -v npm >/dev/null 2>&1; then
    if [ ! -d "$here/node_modules" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
        (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) && touch "$here/node_modules"
    fi
fi
exit 0
