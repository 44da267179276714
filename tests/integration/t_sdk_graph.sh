#!/usr/bin/env bash
# The official Azure SDK for JavaScript (@azure/arm-resourcegraph, pinned in package-lock.json)
# against `securescore serve`'s Resource Graph endpoint over HTTPS with a test CA:
# tests/sdk/graph.mjs on the hand-computed fixture tests/fixtures/small. Builds nothing; needs
# node and node_modules (`npm ci`, run by scripts/install-deps.sh). Missing ones are failures.
set -u
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib.sh"

if ss_sdk_prereqs; then
    db="$SS_TMP/ss.db"
    fx="$SS_ROOT/tests/fixtures/small"
    ss_make_ca "$SS_TMP/ca" || ss_fail "test CA" "certtool failed"
    admin=$(ss_token "$db" "Security Admin" /) || ss_fail "token" "token create (Security Admin) failed"
    port=$(ss_free_port)
    if [ "$SS_FAIL" -eq 0 ] && ss_start_server "$db" "$port" --definitions "$fx/definitions.json" \
        --metadata "$fx/metadata.json" --import "$fx"; then
        SS_TOKEN="$admin" ss_run_node graph "$SS_ROOT/tests/sdk/graph.mjs"
    else
        ss_fail "server" "securescore serve did not start over HTTPS (see the log above)"
    fi
fi
ss_done
