#!/usr/bin/env bash
# The official Azure SDK for JavaScript (@azure/arm-security, pinned in package-lock.json) against
# `securescore serve` over HTTPS with a test CA: tests/sdk/security.mjs on the hand-computed
# fixture tests/fixtures/small. Builds nothing; needs node and node_modules (`npm ci`, which
# scripts/install-deps.sh runs for `make check`). A missing node or node_modules is a failure.
set -u
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

if ss_sdk_prereqs; then
    db="$SS_TMP/ss.db"
    fx="$SS_ROOT/tests/fixtures/small"
    ss_make_ca "$SS_TMP/ca" || ss_fail "test CA" "certtool failed"
    admin=$(ss_token "$db" "Security Admin" /) || ss_fail "token" "token create (Security Admin) failed"
    reader=$(ss_token "$db" "Reader" / it-reader) || ss_fail "token" "token create (Reader) failed"
    port=$(ss_free_port)
    if [ "$SS_FAIL" -eq 0 ] && ss_start_server "$db" "$port" --definitions "$fx/definitions.json" \
        --metadata "$fx/metadata.json" --import "$fx"; then
        ss_ok "server answers /healthz over HTTPS with the test CA"

        # TLS is real: without the CA, curl must refuse the certificate (exit 60).
        curl -sS --max-time 5 -o /dev/null "$SS_URL/healthz" 2>/dev/null
        rc=$?
        if [ "$rc" -eq 60 ]; then ss_ok "curl without the test CA refuses the certificate"; else
            ss_fail "curl without the test CA refuses the certificate" "curl exit $rc, want 60"; fi

        # No token: 401 with an ARM error body.
        body=$(curl -sS --max-time 5 --cacert "$SS_CA_DIR/ca.pem" -w '\n%{http_code}' \
            "$SS_URL/subscriptions/aaaaaaaa-0000-4000-8000-00000000000a/providers/Microsoft.Security/secureScores?api-version=2020-01-01")
        code=$(printf '%s\n' "$body" | tail -n 1)
        if [ "$code" = 401 ] && printf '%s\n' "$body" | sed '$d' |
            node -e 'const e = JSON.parse(require("fs").readFileSync(0, "utf8")).error;
                     if (!e || !e.code || !e.message) process.exit(1);' 2>/dev/null; then
            ss_ok "no token: 401 with {\"error\": {\"code\", \"message\"}}"
        else
            ss_fail "no token: 401 with {\"error\": {\"code\", \"message\"}}" "HTTP $code: $(printf '%s' "$body" | sed '$d' | head -c 300)"
        fi

        SS_TOKEN="$admin" SS_READER_TOKEN="$reader" ss_run_node security "$SS_ROOT/tests/sdk/security.mjs"
    else
        ss_fail "server" "securescore serve did not start over HTTPS (see the log above)"
    fi
fi
ss_done
