#!/usr/bin/env bash
# serve --watch: files dropped into a folder are imported while the server runs; a bad file is
# reported with its position and the server goes on. Tokens revoked with the CLI stop working.
set -u
. "$(dirname "$0")/lib.sh"

S=55555555-eeee-4eee-8eee-000000000005
watch="$SS_TMP/watch"
mkdir -p "$watch"
db="$SS_TMP/ss.db"
ss_make_ca "$SS_TMP/ca" || ss_fail "test CA" "certtool failed"
reader=$(ss_token "$db" Reader / it-reader)
port=$(ss_free_port)
ss_start_server "$db" "$port" --watch "$watch" --watch-interval 1 || { ss_fail "server" "did not start"; ss_done; }

get() {
    curl -sS --max-time 5 --cacert "$SS_CA_DIR/ca.pem" -o /dev/null -w '%{http_code}' \
        -H "Authorization: Bearer $1" "$SS_URL$2"
}

# wait_for TOKEN PATH CODE: polls (at most 10 s) until PATH answers CODE.
wait_for() {
    local _ c=""
    for _ in $(seq 1 50); do
        c=$(get "$1" "$2")
        [ "$c" = "$3" ] && return 0
        sleep 0.2
    done
    echo "last answer: $c" >&2
    return 1
}

RID="/subscriptions/$S/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/w1"
cat >"$watch/a.json" <<EOF
[{"id": "/subscriptions/$S", "type": "microsoft.resources/subscriptions", "subscriptionId": "$S",
  "properties": {"state": "Enabled"}},
 {"id": "$RID", "type": "Microsoft.Storage/storageAccounts", "name": "w1",
  "properties": {"supportsHttpsTrafficOnly": false}}]
EOF
if wait_for "$reader" "$RID?api-version=1" 200; then ss_ok "a file dropped into --watch is imported"; else ss_fail "a file dropped into --watch is imported"; fi
if wait_for "$reader" "/subscriptions/$S/providers/Microsoft.Security/secureScores?api-version=2020-01-01" 200; then
    ss_ok "its subscription has a score"
else
    ss_fail "its subscription has a score"
fi

printf '[{"id": "x",\n  "type": }]\n' >"$watch/bad.json"
ok=0
for _ in $(seq 1 50); do
    grep -q 'bad.json:2:11' "$SS_SERVER_LOG" && { ok=1; break; }
    sleep 0.2
done
[ $ok = 1 ] && ss_ok "a bad file is reported with its line and column" || ss_fail "a bad file is reported" "$(cat "$SS_SERVER_LOG")"
[ "$(get "" /healthz)" = 200 ] && ss_ok "the server goes on after a bad file" || ss_fail "the server goes on after a bad file"

# A changed file is imported again.
sed -i 's/"supportsHttpsTrafficOnly": false/"supportsHttpsTrafficOnly": true/' "$watch/a.json"
ok=0
for _ in $(seq 1 50); do
    body=$(curl -sS --cacert "$SS_CA_DIR/ca.pem" -H "Authorization: Bearer $reader" "$SS_URL$RID?api-version=1")
    case $body in *'"supportsHttpsTrafficOnly":true'*) ok=1; break ;; esac
    sleep 0.2
done
[ $ok = 1 ] && ss_ok "a changed file is imported again" || ss_fail "a changed file is imported again" "$body"

# Revocation with the CLI while the server runs.
[ "$(get "$reader" "$RID?api-version=1")" = 200 ] || ss_fail "the token works before revocation"
id=$("$SS_BIN" token list --db "$db" | awk '$2 == "it-reader" { print $1 }')
"$SS_BIN" token revoke --db "$db" "$id" >/dev/null || ss_fail "token revoke" "exit $?"
if wait_for "$reader" "$RID?api-version=1" 401; then ss_ok "a revoked token is refused within seconds"; else ss_fail "a revoked token is refused"; fi
"$SS_BIN" token list --db "$db" | grep -q "it-reader .* revoked" && ss_ok "token list shows it revoked" || ss_fail "token list shows it revoked"
ss_done
