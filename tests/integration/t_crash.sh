#!/usr/bin/env bash
# Crash test: a client streams resource PUTs; the server is killed with SIGKILL in the
# middle; after a restart every acknowledged write is there, and the scores equal a full
# recomputation (`securescore scan` of the same resources).
set -u
. "$(dirname "$0")/lib.sh"

S=33333333-cccc-4ccc-8ccc-000000000003
data="$SS_TMP/data"
mkdir -p "$data"
cat >"$data/containers.json" <<EOF
{"data": [{"id": "/subscriptions/$S", "type": "microsoft.resources/subscriptions",
  "subscriptionId": "$S", "name": "Crash",
  "properties": {"state": "Enabled", "managementGroupAncestorsChain": []}}]}
EOF
db="$SS_TMP/ss.db"
ss_make_ca "$SS_TMP/ca" || ss_fail "test CA" "certtool failed"
owner=$(ss_token "$db" Owner / it-owner)
port=$(ss_free_port)
ss_start_server "$db" "$port" --import "$data" || { ss_fail "server" "did not start"; ss_done; }

# The client: PUTs over one keep-alive connection; prints each id once its answer is 2xx.
cat >"$SS_TMP/client.py" <<'EOF'
import http.client, json, ssl, sys
port, token, sub, ca, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
ctx = ssl.create_default_context(cafile=ca)
conn = http.client.HTTPSConnection("127.0.0.1", int(port), context=ctx, timeout=10)
for i in range(n):
    good = i % 3 == 0
    rid = f"/subscriptions/{sub}/resourceGroups/rg{i % 7}/providers/Microsoft.Storage/storageAccounts/sa{i}"
    body = json.dumps({"location": "westeurope", "properties": {
        "supportsHttpsTrafficOnly": good, "minimumTlsVersion": "TLS1_2" if good else "TLS1_0",
        "allowBlobPublicAccess": not good}})
    try:
        conn.request("PUT", rid + "?api-version=2023-01-01", body,
                     {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
    except Exception:
        break
    if r.status in (200, 201):
        print(rid, flush=True)
EOF
python3 "$SS_TMP/client.py" "$port" "$owner" "$S" "$SS_CA_DIR/ca.pem" 100000 >"$SS_TMP/acked" 2>/dev/null &
client=$!
# Kill the server once a few hundred writes were acknowledged (at most 20 s).
for _ in $(seq 1 200); do
    [ "$(wc -l <"$SS_TMP/acked")" -ge 300 ] && break
    sleep 0.1
done
kill -9 "$SS_SERVER_PID"
wait "$SS_SERVER_PID" 2>/dev/null
SS_SERVER_PID=""
wait "$client" 2>/dev/null
acked=$(wc -l <"$SS_TMP/acked")
[ "$acked" -ge 300 ] && ss_ok "$acked writes acknowledged before kill -9" || ss_fail "writes before kill -9" "only $acked"

ss_start_server "$db" "$port" || { ss_fail "restart after kill -9" "did not start"; ss_done; }
ss_ok "the server restarts on the database it was killed on"

# Every acknowledged write is there: list the subscription's resources.
curl -sS --cacert "$SS_CA_DIR/ca.pem" -H "Authorization: Bearer $owner" \
    "$SS_URL/subscriptions/$S/resources?api-version=2021-04-01&\$top=1000" >"$SS_TMP/page0.json"
python3 - "$SS_TMP" "$SS_URL" "$owner" "$SS_CA_DIR/ca.pem" <<'EOF'
import json, ssl, sys, urllib.request
tmp, base, tok, ca = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=ca)
page = json.load(open(f"{tmp}/page0.json"))
items = list(page["value"])
while page.get("nextLink"):
    req = urllib.request.Request(page["nextLink"], headers={"Authorization": "Bearer " + tok})
    page = json.load(urllib.request.urlopen(req, context=ctx))
    items += page["value"]
json.dump(items, open(f"{tmp}/data/resources.json", "w"))
EOF
missing=$(python3 - "$SS_TMP" <<'EOF'
import json, sys
tmp = sys.argv[1]
have = {r["id"].lower() for r in json.load(open(f"{tmp}/data/resources.json"))}
acked = [l.strip() for l in open(f"{tmp}/acked") if l.strip()]
print(sum(1 for a in acked if a.lower() not in have))
EOF
)
[ "$missing" = 0 ] && ss_ok "every acknowledged write is in the database" || ss_fail "every acknowledged write is in the database" "$missing missing"

# The server's incremental scores equal a full recomputation over the same resources.
"$SS_BIN" scan --format json "$SS_TMP/data" >"$SS_TMP/scan.json"
curl -sS --cacert "$SS_CA_DIR/ca.pem" -H "Authorization: Bearer $owner" \
    "$SS_URL/subscriptions/$S/providers/Microsoft.Security/secureScoreControls?api-version=2020-01-01&\$expand=definition" >"$SS_TMP/controls.json"
curl -sS --cacert "$SS_CA_DIR/ca.pem" -H "Authorization: Bearer $owner" \
    "$SS_URL/subscriptions/$S/providers/Microsoft.Security/secureScores?api-version=2020-01-01" >"$SS_TMP/scores.json"
if python3 - "$SS_TMP" <<'EOF'; then ss_ok "scores after the crash equal scan's full recomputation"; else ss_fail "scores after the crash equal scan's full recomputation"; fi
import json, sys
tmp = sys.argv[1]
scan = json.load(open(f"{tmp}/scan.json"))
srv = json.load(open(f"{tmp}/scores.json"))["value"]
ctl = json.load(open(f"{tmp}/controls.json"))["value"]
ok = srv == scan["secureScores"] and sorted(ctl, key=lambda c: c["name"]) == sorted(scan["secureScoreControls"], key=lambda c: c["name"])
if not ok:
    print(json.dumps(srv)[:400]); print(json.dumps(scan["secureScores"])[:400])
sys.exit(0 if ok and srv and srv[0]["properties"]["score"]["max"] > 0 else 1)
EOF
ss_done
