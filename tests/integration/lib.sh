# shellcheck shell=bash
# Shared helpers for the integration tests (tests/integration/t*.sh). Source it:
#
#   . "$(dirname "$0")/lib.sh"
#
# Environment (set by tests/run.sh; defaults let a test run on its own from the repo root):
#   SS_BIN      absolute path of the securescore binary (default $SS_ROOT/$SS_BUILD/securescore)
#   SS_SHARED   the shared data folder (default ../shared next to the repo)
#   SS_BUILD    build folder name (default build)
# Set here:
#   SS_ROOT     the repository root
#   SS_TMP      a private temporary folder, removed when the test exits
#
# Functions:
#   ss_make_ca DIR               test CA + server certificate for 127.0.0.1 / localhost:
#                                DIR/ca.pem, DIR/server.pem, DIR/server.key (GnuTLS certtool)
#   ss_free_port                 prints a TCP port that is free on 127.0.0.1
#   ss_start_server DB PORT ...  starts `securescore serve` over HTTPS in the background with the
#                                certificate of the last ss_make_ca, waits until /healthz answers;
#                                the server is stopped when the test exits, whatever happens
#   ss_stop_server               stops it now (idempotent)
#   ss_token DB ROLE SCOPE [P]   creates a bearer token for principal P (default "it-<role>")
#                                with ROLE at SCOPE and prints it
#   ss_sdk_prereqs               node >= 20, node_modules with the pinned Azure SDK, the binary;
#                                counts a failure with the reason when one is missing
#   ss_run_node NAME PROGRAM     runs a tests/sdk program (env SS_URL, NODE_EXTRA_CA_CERTS set
#                                here; pass SS_TOKEN etc.), relays its lines, adds its counts
#   ss_ok NAME / ss_fail NAME WHY / ss_check NAME CMD...
#                                count results; ss_done prints "N passed, N failed" and exits
#                                non-zero if anything failed

SS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SS_BUILD=${SS_BUILD:-build}
SS_BIN=${SS_BIN:-$SS_ROOT/$SS_BUILD/securescore}
SS_SHARED=${SS_SHARED:-$(cd "$SS_ROOT/.." && pwd)/shared}
export SS_ROOT SS_BUILD SS_BIN SS_SHARED

SS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ss-it.XXXXXX")
SS_CA_DIR=""
SS_SERVER_PID=""
SS_SERVER_LOG=""
SS_PASS=0
SS_FAIL=0

ss_cleanup() {
    ss_stop_server
    rm -rf "$SS_TMP"
}
trap ss_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ss_ok() {
    SS_PASS=$((SS_PASS + 1))
    echo "ok $1"
}

ss_fail() {
    SS_FAIL=$((SS_FAIL + 1))
    echo "not ok $1: ${2:-failed}"
}

# ss_check NAME CMD...: runs CMD, counts ok when it exits 0.
ss_check() {
    local name=$1
    shift
    if "$@"; then ss_ok "$name"; else ss_fail "$name" "command failed: $*"; fi
}

# ss_add_counts LINE: adds the counts of a child's "N passed, N failed" line.
ss_add_counts() {
    local p f
    p=$(printf '%s\n' "$1" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    f=$(printf '%s\n' "$1" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    SS_PASS=$((SS_PASS + ${p:-0}))
    SS_FAIL=$((SS_FAIL + ${f:-0}))
}

ss_done() {
    echo "$SS_PASS passed, $SS_FAIL failed"
    [ "$SS_FAIL" -eq 0 ]
    exit
}

# ss_make_ca DIR: a self-signed test CA and a server certificate signed by it, valid for
# IP 127.0.0.1, IP ::1 and DNS localhost. Writes the certtool templates to DIR too.
ss_make_ca() {
    local dir=$1
    mkdir -p "$dir" || return 1
    cat >"$dir/ca.tmpl" <<'EOF'
cn = "securescore integration test CA"
organization = "securescore tests"
serial = 1
expiration_days = 2
ca
cert_signing_key
crl_signing_key
EOF
    cat >"$dir/server.tmpl" <<'EOF'
cn = "localhost"
organization = "securescore tests"
serial = 2
expiration_days = 2
dns_name = "localhost"
ip_address = "127.0.0.1"
ip_address = "::1"
tls_www_server
signing_key
encryption_key
EOF
    if ! certtool --no-text --generate-privkey --key-type=ecdsa --curve=secp256r1 \
        --outfile "$dir/ca.key" >/dev/null 2>&1 ||
        ! certtool --no-text --generate-self-signed --load-privkey "$dir/ca.key" \
            --template "$dir/ca.tmpl" --outfile "$dir/ca.pem" >/dev/null 2>&1 ||
        ! certtool --no-text --generate-privkey --key-type=ecdsa --curve=secp256r1 \
            --outfile "$dir/server.key" >/dev/null 2>&1 ||
        ! certtool --no-text --generate-certificate --load-privkey "$dir/server.key" \
            --load-ca-certificate "$dir/ca.pem" --load-ca-privkey "$dir/ca.key" \
            --template "$dir/server.tmpl" --outfile "$dir/server.pem" >/dev/null 2>&1; then
        echo "ss_make_ca: certtool failed (is gnutls-bin installed?)" >&2
        return 1
    fi
    chmod 600 "$dir/ca.key" "$dir/server.key"
    SS_CA_DIR=$dir
}

# ss_free_port: a port on 127.0.0.1 that nothing listens on right now (a connect is refused).
ss_free_port() {
    local p _
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    echo "ss_free_port: no free port found" >&2
    return 1
}

# ss_start_server DB PORT [ARGS...]: `securescore serve` on https://127.0.0.1:PORT.
# Fails (and prints the server's log) if it does not answer /healthz within 10 s.
ss_start_server() {
    local db=$1 port=$2
    shift 2
    [ -n "$SS_CA_DIR" ] || { echo "ss_start_server: call ss_make_ca first" >&2; return 1; }
    [ -x "$SS_BIN" ] || { echo "ss_start_server: no binary at $SS_BIN" >&2; return 1; }
    ss_stop_server
    SS_SERVER_LOG="$SS_TMP/server-$port.log"
    "$SS_BIN" serve --db "$db" --listen "127.0.0.1:$port" \
        --tls-cert "$SS_CA_DIR/server.pem" --tls-key "$SS_CA_DIR/server.key" "$@" \
        >"$SS_SERVER_LOG" 2>&1 &
    SS_SERVER_PID=$!
    SS_URL="https://127.0.0.1:$port"
    local _
    for _ in $(seq 1 100); do
        if curl -fsS --max-time 2 --cacert "$SS_CA_DIR/ca.pem" "$SS_URL/healthz" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$SS_SERVER_PID" 2>/dev/null; then
            echo "ss_start_server: the server exited; its log:" >&2
            sed 's/^/  | /' "$SS_SERVER_LOG" >&2
            SS_SERVER_PID=""
            return 1
        fi
        sleep 0.1
    done
    echo "ss_start_server: no answer from $SS_URL/healthz within 10 s; server log:" >&2
    sed 's/^/  | /' "$SS_SERVER_LOG" >&2
    ss_stop_server
    return 1
}

# ss_stop_server: SIGTERM, then SIGKILL after 5 s. Only the server this file started.
ss_stop_server() {
    [ -n "$SS_SERVER_PID" ] || return 0
    local pid=$SS_SERVER_PID _
    SS_SERVER_PID=""
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

# ss_token DB ROLE SCOPE [PRINCIPAL]: prints the new bearer token (last line of the command).
ss_token() {
    local db=$1 role=$2 scope=$3
    local principal=${4:-it-$(printf '%s' "$role" | tr 'A-Z ' 'a-z-')}
    local out
    out=$("$SS_BIN" token create --db "$db" --principal "$principal" --role "$role" \
        --scope "$scope") || { echo "ss_token: token create failed: $out" >&2; return 1; }
    out=$(printf '%s\n' "$out" | tail -n 1)
    [ -n "$out" ] || { echo "ss_token: no token printed" >&2; return 1; }
    printf '%s\n' "$out"
}

# ---- Azure SDK for JavaScript (tests/sdk) -----------------------------------------------------

# ss_sdk_prereqs: node >= 20 and the pinned packages, or a failure with the reason.
ss_sdk_prereqs() {
    if ! command -v node >/dev/null 2>&1; then
        ss_fail "node" "node is not installed (Node.js >= 20 runs the Azure SDK tests)"
        return 1
    fi
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    if [ "$major" -lt 20 ]; then
        ss_fail "node" "node $(node --version) is too old (>= 20 needed)"
        return 1
    fi
    if [ ! -d "$SS_ROOT/node_modules/@azure/arm-security" ] ||
        [ ! -d "$SS_ROOT/node_modules/@azure/arm-resourcegraph" ]; then
        ss_fail "node_modules" "the Azure SDK packages are not installed: run 'npm ci' in $SS_ROOT (scripts/install-deps.sh does)"
        return 1
    fi
    if [ ! -x "$SS_BIN" ]; then
        ss_fail "binary" "no securescore binary at $SS_BIN"
        return 1
    fi
}

# ss_run_node NAME PROGRAM: runs a tests/sdk program, relays its lines, adds its counts.
ss_run_node() {
    local name=$1 prog=$2 out rc line
    out="$SS_TMP/$name.out"
    NODE_EXTRA_CA_CERTS="$SS_CA_DIR/ca.pem" SS_URL="$SS_URL" \
        timeout 300 node "$prog" >"$out" 2>&1
    rc=$?
    grep -vE '^[0-9]+ passed, [0-9]+ failed$' "$out"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
    if [ -z "$line" ]; then
        ss_fail "$name" "no result line (exit $rc)"
        return
    fi
    ss_add_counts "$line"
    if [ "$rc" -ne 0 ] && ! printf '%s\n' "$line" | grep -qE '[1-9][0-9]* failed'; then
        ss_fail "$name" "exited $rc with no failed check"
    fi
}
