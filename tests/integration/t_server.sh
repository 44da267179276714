#!/usr/bin/env bash
# `securescore serve` over HTTPS with a test CA, driven with curl: every endpoint, shapes
# against ../shared/data/azure-rest/, scores against `securescore scan` on the same files,
# roles and scopes, Deny and Disabled assignments, paging, hostile requests, restart.
set -u
. "$(dirname "$0")/lib.sh"

REST="$SS_SHARED/data/azure-rest"
S1=11111111-aaaa-4aaa-8aaa-000000000001
S2=22222222-bbbb-4bbb-8bbb-000000000002
data="$SS_TMP/data"
mkdir -p "$data"

# A small tenant: two subscriptions (resourcecontainers rows) and storage accounts, some
# compliant, some not, so the built-in rules decide their assessments.
python3 - "$data" "$S1" "$S2" <<'EOF'
import json, sys
d, s1, s2 = sys.argv[1:4]
subs = [{"id": f"/subscriptions/{s}", "type": "microsoft.resources/subscriptions",
         "subscriptionId": s, "name": n,
         "properties": {"state": "Enabled", "managementGroupAncestorsChain":
                        [{"name": "prod", "displayName": "Production"},
                         {"name": "root", "displayName": "Root"}]}}
        for s, n in ((s1, "Sub One"), (s2, "Sub Two"))]
json.dump({"data": subs}, open(f"{d}/containers.json", "w"))
res = []
for s in (s1, s2):
    for i in range(6):
        good = i % 3 == 0
        res.append({"id": f"/subscriptions/{s}/resourceGroups/rg{i % 2}/providers/Microsoft.Storage/storageAccounts/sa{i}",
                    "name": f"sa{i}", "type": "Microsoft.Storage/storageAccounts", "location": "westeurope",
                    "properties": {"supportsHttpsTrafficOnly": good, "minimumTlsVersion": "TLS1_2" if good else "TLS1_0",
                                   "allowBlobPublicAccess": not good,
                                   "networkAcls": {"defaultAction": "Deny" if good else "Allow"}}})
json.dump(res, open(f"{d}/inventory.json", "w"))
EOF

db="$SS_TMP/ss.db"
ss_make_ca "$SS_TMP/ca" || ss_fail "test CA" "certtool failed"
owner=$(ss_token "$db" Owner / it-owner)
admin=$(ss_token "$db" "Security Admin" / it-admin)
reader=$(ss_token "$db" Reader / it-reader)
sub2reader=$(ss_token "$db" Reader "/subscriptions/$S2" it-sub2)
port=$(ss_free_port)
if ! ss_start_server "$db" "$port" --import "$data" --access-log "$SS_TMP/access.log"; then
    ss_fail "server" "did not start"
    ss_done
fi

# req TOKEN METHOD PATH [BODY]: sets $code and $body.
req() {
    local tok=$1 method=$2 path=$3 data=${4-}
    local -a args=(-sS --path-as-is --max-time 10 --cacert "$SS_CA_DIR/ca.pem" -X "$method" -w '\n%{http_code}')
    [ -n "$tok" ] && args+=(-H "Authorization: Bearer $tok")
    [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "$data")
    local out
    out=$(curl "${args[@]}" "$SS_URL$path")
    code=$(printf '%s\n' "$out" | tail -n 1)
    body=$(printf '%s\n' "$out" | sed '$d')
}

# expect NAME CODE [PYTHON-ASSERTION over `d` (the body) ...]
expect() {
    local name=$1 want=$2
    shift 2
    if [ "$code" != "$want" ]; then
        ss_fail "$name" "HTTP $code, want $want: $(printf '%s' "$body" | head -c 300)"
        return
    fi
    local a
    for a in "$@"; do
        if ! printf '%s' "$body" | python3 -c "
import json, sys
d = json.loads(sys.stdin.read() or 'null')
sys.exit(0 if ($a) else 1)" 2>/dev/null; then
            ss_fail "$name" "assertion failed: $a; body: $(printf '%s' "$body" | head -c 300)"
            return
        fi
    done
    ss_ok "$name"
}

# keys_like EXAMPLE JSONPATH: the body's item has the keys (recursively) of the REST example's.
cat >"$SS_TMP/keys_like.py" <<'EOF'
import json, sys
ex = json.load(open(sys.argv[1]))["responses"]["200"]["body"]
got = json.loads(sys.stdin.read())
def pick(x, path):
    for p in path.split("/"):
        if p:
            x = x[int(p)] if isinstance(x, list) else x[p]
    return x
def keys(x, pre=""):
    out = set()
    if isinstance(x, dict):
        for k, v in x.items():
            out.add(pre + k)
            out |= keys(v, pre + k + ".")
    return out
want = keys(pick(ex, sys.argv[2]))
have = keys(pick(got, sys.argv[2]))
# keys the example has that we knowingly do not produce (argv[3:]: prefixes)
missing = {k for k in want - have if not any(k == p or k.startswith(p + ".") for p in sys.argv[3:])}
if missing:
    print("missing keys:", sorted(missing))
    sys.exit(1)
EOF
keys_like() {
    local ex=$1
    shift
    python3 "$SS_TMP/keys_like.py" "$REST/$ex" "$@"
}

SEC=/providers/Microsoft.Security
V20='api-version=2020-01-01'
V21='api-version=2021-06-01'

# --- authentication ---
req "" GET "/subscriptions/$S1$SEC/secureScores?$V20"
expect "no token: 401 AuthenticationFailed" 401 "d['error']['code'] == 'AuthenticationFailed'"
req "bogus" GET "/subscriptions/$S1$SEC/secureScores?$V20"
expect "unknown token: 401 with the error shape" 401 "set(d['error']) == {'code', 'message'}"

# --- scores equal scan's on the same files ---
"$SS_BIN" scan --format json "$data" >"$SS_TMP/scan.json" || ss_fail "scan" "scan failed"
for s in "$S1" "$S2"; do
    req "$reader" GET "/subscriptions/$s$SEC/secureScores?$V20"
    printf '%s' "$body" >"$SS_TMP/srv.json"
    if python3 - "$SS_TMP/scan.json" "$SS_TMP/srv.json" "$s" <<'EOF'; then ss_ok "secureScores of $s equal scan's"; else ss_fail "secureScores of $s equal scan's"; fi
import json, sys
scan = json.load(open(sys.argv[1]))
srv = json.load(open(sys.argv[2]))["value"]
want = [x for x in scan["secureScores"] if sys.argv[3] in x["id"]]
sys.exit(0 if srv == want and want and want[0]["properties"]["score"]["max"] > 0 else 1)
EOF
done
req "$reader" GET "/subscriptions/$S1$SEC/secureScores/ascScore?$V20"
expect "secureScores/ascScore" 200 "d['name'] == 'ascScore'"
printf '%s' "$body" | keys_like GetSecureScoresSingle_example.json "" && ss_ok "ascScore has the REST example's keys" || ss_fail "ascScore has the REST example's keys"
req "$reader" GET "/subscriptions/$S1$SEC/secureScores/other?$V20"
expect "an unknown secure score: 404" 404 "d['error']['code'] == 'ResourceNotFound'"

# --- controls and definitions ---
req "$reader" GET "/subscriptions/$S1$SEC/secureScoreControls?$V20&\$expand=definition"
expect "secureScoreControls?\$expand=definition" 200 "all('definition' in c['properties'] for c in d['value'])" "len(d['value']) > 0"
printf '%s' "$body" | keys_like ListSecureScoreControlsForNameWithExpand_builtin_example.json value/0 && ss_ok "controls have the REST example's keys" || ss_fail "controls have the REST example's keys"
total_max=$(printf '%s' "$body" | python3 -c "import json,sys; print(sum(c['properties']['score']['max'] for c in json.load(sys.stdin)['value']))")
req "$reader" GET "/subscriptions/$S1$SEC/secureScores/ascScore?$V20"
expect "score max = sum of the controls' max" 200 "d['properties']['score']['max'] == $total_max"
req "$reader" GET "/subscriptions/$S1$SEC/secureScores/ascScore/secureScoreControls?$V20"
expect "secureScores/ascScore/secureScoreControls" 200 "all('definition' not in c['properties'] for c in d['value'])"
req "$reader" GET "$SEC/secureScoreControlDefinitions?$V20"
expect "tenant secureScoreControlDefinitions" 200 "len(d['value']) == 15" "sum(x['properties']['maxScore'] for x in d['value']) == 58"
printf '%s' "$body" | keys_like ListSecureScoreControlDefinitions_example.json value/0 && ss_ok "definitions have the REST example's keys" || ss_fail "definitions have the REST example's keys"
req "$reader" GET "/subscriptions/$S1$SEC/secureScoreControlDefinitions?$V20"
expect "subscription secureScoreControlDefinitions" 200 "len(d['value']) == 15"

# --- paging: $top and nextLink with a literal $ ---
req "$reader" GET "/subscriptions/$S1$SEC/secureScoreControls?$V20&\$top=2"
expect "\$top=2 gives 2 items and a nextLink" 200 "len(d['value']) == 2" "'\$skipToken=' in d['nextLink']" "d['nextLink'].startswith('https://127.0.0.1:')"
pages=0
all_names=""
next="/subscriptions/$S1$SEC/secureScoreControls?$V20&\$top=2"
while [ -n "$next" ] && [ $pages -lt 20 ]; do
    req "$reader" GET "$next"
    pages=$((pages + 1))
    all_names+=$(printf '%s' "$body" | python3 -c "import json,sys; print(' '.join(c['name'] for c in json.load(sys.stdin)['value']))")" "
    next=$(printf '%s' "$body" | python3 -c "import json,sys; n=json.load(sys.stdin).get('nextLink',''); print(n[n.index('/subscriptions'):] if n else '')")
done
req "$reader" GET "/subscriptions/$S1$SEC/secureScoreControls?$V20"
full=$(printf '%s' "$body" | python3 -c "import json,sys; print(' '.join(c['name'] for c in json.load(sys.stdin)['value']))")
[ "$(echo $all_names)" = "$(echo $full)" ] && [ $pages -gt 1 ] && ss_ok "following nextLink pages gives the whole list ($pages pages)" || ss_fail "following nextLink pages gives the whole list" "$all_names vs $full"

# --- resources: PUT evaluates at once ---
RG="/subscriptions/$S1/resourceGroups/rgx"
SA="$RG/providers/Microsoft.Storage/storageAccounts/newsa"
before=$(curl -sS --cacert "$SS_CA_DIR/ca.pem" -H "Authorization: Bearer $reader" "$SS_URL/subscriptions/$S1$SEC/secureScores/ascScore?$V20")
bad='{"location":"westeurope","properties":{"supportsHttpsTrafficOnly":false,"minimumTlsVersion":"TLS1_0","allowBlobPublicAccess":true}}'
req "$admin" PUT "$SA?api-version=2023-01-01" "$bad"
expect "Security Admin cannot PUT a resource: 403" 403 "d['error']['code'] == 'AuthorizationFailed'"
req "$owner" PUT "$SA?api-version=2023-01-01" "$bad"
expect "resource PUT creates: 201" 201 "d['id'] == '$SA'" "d['type'] == 'Microsoft.Storage/storageAccounts'" "d['name'] == 'newsa'"
req "$owner" PUT "$SA?api-version=2023-01-01" "$bad"
expect "resource PUT again: 200" 200
req "$reader" GET "$SA?api-version=2023-01-01"
expect "resource GET" 200 "d['properties']['minimumTlsVersion'] == 'TLS1_0'"
req "$reader" GET "$SA$SEC/assessments?$V21"
expect "its assessments were evaluated on PUT" 200 "any(a['properties']['status']['code'] == 'Unhealthy' and a['properties']['status']['cause'] == 'PolicyEvaluation' for a in d['value'])"
unhealthy_key=$(printf '%s' "$body" | python3 -c "import json,sys; print([a['name'] for a in json.load(sys.stdin)['value'] if a['properties']['status']['code']=='Unhealthy'][0])")
req "$reader" GET "/subscriptions/$S1$SEC/secureScores/ascScore?$V20"
[ "$body" != "$before" ] && ss_ok "the score moved after the PUT" || ss_fail "the score moved after the PUT"
req "$reader" GET "$RG/resources?api-version=2021-04-01"
expect "resources of a resource group" 200 "[r['id'] for r in d['value']] == ['$SA']"
req "$reader" GET "/subscriptions/$S1$SEC/changes?$V21"
expect "the change log names the write and its score delta" 200 "any(c['kind'] == 'resource.created' and c['id'] == '$SA' and 'delta' in c['detail'] for c in d['value'])"
expect "per-control deltas add up to the total delta" 200 "all(round(sum(x['delta'] for x in c['detail']['controls']), 2) == c['detail']['delta'] for c in d['value'] if 'controls' in c['detail'])" "any(c['detail'].get('controls') for c in d['value'])"

# --- assessments ---
req "$reader" GET "$SA$SEC/assessments/$unhealthy_key?$V21&\$expand=metadata,links"
expect "assessment GET with \$expand=metadata,links" 200 "'metadata' in d['properties'] and 'links' in d['properties']" "d['properties']['resourceDetails']['id'] == '$SA'"
printf '%s' "$body" | keys_like GetAssessmentWithExpand_example.json "" properties.additionalData &&
    ss_ok "an assessment has the REST example's keys (additionalData when it has some)" ||
    ss_fail "an assessment has the REST example's keys"
req "$reader" GET "/subscriptions/$S1$SEC/assessments?$V21"
expect "assessments at a subscription" 200 "len(d['value']) > 10" "all('/subscriptions/$S1/' in a['id'] for a in d['value'])"
KEY=$(printf '%s' "$body" | python3 -c "import json,sys; print(json.load(sys.stdin)['value'][0]['name'])")
push='{"properties":{"resourceDetails":{"source":"Azure","id":"'"$SA"'"},"status":{"code":"Healthy","cause":"Manual","description":"checked by hand"},"additionalData":{"ticket":"SEC-42"}}}'
req "$admin" PUT "$SA$SEC/assessments/$unhealthy_key?$V21" "$push"
expect "a pushed assessment replaces the evaluated one: 201" 201 "d['properties']['status']['code'] == 'Healthy'" "d['properties']['additionalData'] == {'ticket': 'SEC-42'}"
req "$admin" PUT "$SA$SEC/assessments/$unhealthy_key?$V21" "$push"
expect "pushed again: 200" 200
req "$reader" PUT "$SA$SEC/assessments/$unhealthy_key?$V21" "$push"
expect "Reader cannot push an assessment: 403" 403 "d['error']['code'] == 'AuthorizationFailed'"
req "$admin" DELETE "$SA$SEC/assessments/$unhealthy_key?$V21"
expect "deleting the pushed assessment: 200" 200
req "$reader" GET "$SA$SEC/assessments/$unhealthy_key?$V21"
expect "the rule decides again after the delete" 200 "d['properties']['status']['code'] == 'Unhealthy'"
req "$admin" PUT "$SA$SEC/assessments/99999999-9999-4999-8999-999999999999?$V21" "$push"
expect "an assessment of unknown metadata: 404" 404

# --- metadata ---
req "$reader" GET "$SEC/assessmentMetadata?$V21"
expect "tenant assessmentMetadata" 200 "len(d['value']) > 100" "all(m['properties']['assessmentType'] == 'BuiltIn' for m in d['value'])"
printf '%s' "$body" | keys_like ListAssessmentsMetadata_example.json value/0 properties.publishDates \
    properties.plannedDeprecationDate properties.tactics properties.techniques properties.partnerData \
    properties.policyDefinitionId &&
    ss_ok "metadata has the REST example's keys (but publication dates, tactics, and a policy id where unknown)" ||
    ss_fail "metadata has the REST example's keys"
MK=0f0e0d0c-0b0a-4909-8807-060504030201
meta='{"properties":{"displayName":"Our own check","severity":"Medium","assessmentType":"CustomerManaged","description":"d"}}'
req "$admin" PUT "/subscriptions/$S1$SEC/assessmentMetadata/$MK?$V21" "$meta"
expect "subscription metadata PUT: 200" 200 "d['name'] == '$MK'" "d['properties']['assessmentType'] == 'CustomerManaged'"
req "$reader" GET "/subscriptions/$S1$SEC/assessmentMetadata?$V21"
expect "subscription metadata list" 200 "[m['name'] for m in d['value']] == ['$MK']"
req "$admin" PUT "$SA$SEC/assessments/$MK?$V21" '{"properties":{"status":{"code":"Unhealthy"}}}'
expect "an assessment of custom metadata: 201" 201
req "$admin" DELETE "/subscriptions/$S1$SEC/assessmentMetadata/$MK?$V21"
expect "subscription metadata DELETE: 200" 200
req "$reader" GET "/subscriptions/$S1$SEC/assessmentMetadata/$MK?$V21"
expect "deleted metadata: 404" 404

# --- assignments: Deny and Disabled ---
req "$admin" PUT "/subscriptions/$S1$SEC/assignments/$unhealthy_key?$V21" '{"properties":{"effect":"Deny"}}'
expect "a Deny assignment: 201" 201 "d['properties']['effect'] == 'Deny'"
req "$owner" PUT "$RG/providers/Microsoft.Storage/storageAccounts/denied?api-version=2023-01-01" "$bad"
expect "a non-compliant PUT under Deny: 403 RequestDisallowedByPolicy" 403 "d['error']['code'] == 'RequestDisallowedByPolicy'" "'$unhealthy_key' in d['error']['message']"
req "$reader" GET "$RG/providers/Microsoft.Storage/storageAccounts/denied?api-version=2023-01-01"
expect "nothing was written for the denied PUT" 404
req "$reader" POST "$RG/providers/Microsoft.Storage/storageAccounts/denied$SEC/whatIf?$V21" "$bad"
expect "what-if says a Deny would refuse it" 200 "d['denied']" "'RequestDisallowedByPolicy' not in d['message'] and 'disallowed by policy' in d['message']" "d['secureScore']['delta'] == 0"
req "$owner" PUT "/subscriptions/$S2/resourceGroups/rgx/providers/Microsoft.Storage/storageAccounts/other?api-version=2023-01-01" "$bad"
expect "Deny at one subscription does not reach another" 201
req "$admin" PUT "/subscriptions/$S1$SEC/assignments/$unhealthy_key?$V21" '{"properties":{"effect":"Disabled"}}'
expect "the assignment becomes Disabled: 200" 200
req "$reader" GET "$SA$SEC/assessments/$unhealthy_key?$V21"
expect "Disabled: NotApplicable with cause OffByPolicy" 200 "d['properties']['status']['code'] == 'NotApplicable'" "d['properties']['status']['cause'] == 'OffByPolicy'"
req "$reader" GET "/subscriptions/$S1$SEC/assignments?$V21"
expect "assignments list" 200 "len(d['value']) == 1"
req "$admin" DELETE "/subscriptions/$S1$SEC/assignments/$unhealthy_key?$V21"
expect "assignment DELETE: 200" 200
req "$reader" GET "$SA$SEC/assessments/$unhealthy_key?$V21"
expect "without the assignment the rule counts again" 200 "d['properties']['status']['code'] == 'Unhealthy'"

# --- subscription-level resources: a Defender plan ---
STORAGE_PLAN=0f9617a9-e04b-51d6-b62f-c88ee42bb241
req "$reader" GET "/subscriptions/$S1$SEC/assessments/$STORAGE_PLAN?$V21"
expect "without its pricing, Defender for Storage is off (Unhealthy)" 200 "d['properties']['status']['code'] == 'Unhealthy'"
req "$owner" PUT "/subscriptions/$S1$SEC/pricings/StorageAccounts?api-version=2024-01-01" '{"properties":{"pricingTier":"Standard"}}'
expect "PUT a Defender plan (a subscription-level resource): 201" 201 "d['type'] == 'Microsoft.Security/pricings'" "d['name'] == 'StorageAccounts'"
req "$reader" GET "/subscriptions/$S1$SEC/assessments/$STORAGE_PLAN?$V21"
expect "the subscription is re-evaluated: Defender for Storage Healthy" 200 "d['properties']['status']['code'] == 'Healthy'"
req "$reader" GET "/subscriptions/$S1$SEC/pricings/StorageAccounts?api-version=2024-01-01"
expect "GET the plan" 200 "d['properties']['pricingTier'] == 'Standard'"
req "$owner" DELETE "/subscriptions/$S1$SEC/pricings/StorageAccounts?api-version=2024-01-01"
expect "DELETE the plan" 200
req "$reader" GET "/subscriptions/$S1$SEC/assessments/$STORAGE_PLAN?$V21"
expect "after the delete it is off again" 200 "d['properties']['status']['code'] == 'Unhealthy'"

# --- what-if ---
scores_now=$(curl -sS --cacert "$SS_CA_DIR/ca.pem" -H "Authorization: Bearer $reader" "$SS_URL/subscriptions/$S1$SEC/secureScores/ascScore?$V20")
good='{"location":"westeurope","properties":{"supportsHttpsTrafficOnly":true,"minimumTlsVersion":"TLS1_2","allowBlobPublicAccess":false,"networkAcls":{"defaultAction":"Deny"}}}'
req "$reader" POST "$SA$SEC/whatIf?$V21" "$good"
expect "what-if: fixing the resource would raise the score" 200 "d['secureScore']['delta'] > 0" "not d['denied']" "round(sum(c['delta'] for c in d['secureScore']['controls']), 2) == d['secureScore']['delta']" "any(a['status'] == 'Healthy' for a in d['assessments'])"
req "$reader" GET "/subscriptions/$S1$SEC/secureScores/ascScore?$V20"
[ "$body" = "$scores_now" ] && ss_ok "what-if changes nothing" || ss_fail "what-if changes nothing" "$body vs $scores_now"
req "$reader" GET "$SA?api-version=2023-01-01"
expect "what-if leaves the resource as it was" 200 "d['properties']['minimumTlsVersion'] == 'TLS1_0'"
req "$reader" POST "$RG/providers/Microsoft.Storage/storageAccounts/brandnew$SEC/whatIf?$V21" "$bad"
expect "what-if of a new non-compliant resource lowers the score" 200 "d['created']" "d['secureScore']['delta'] <= 0"
req "$reader" GET "$RG/providers/Microsoft.Storage/storageAccounts/brandnew?api-version=1"
expect "what-if wrote nothing" 404

# --- exemptions ---
req "$admin" PUT "$SA$SEC/exemptions/waive1?$V21" '{"properties":{"recommendations":["'"$unhealthy_key"'"],"category":"Waiver","displayName":"accepted risk"}}'
expect "an exemption: 201" 201 "d['properties']['scope'] == '$SA'" "d['name'] == 'waive1'"
req "$reader" GET "$SA$SEC/assessments/$unhealthy_key?$V21"
expect "exempt: NotApplicable with cause Exempt" 200 "d['properties']['status']['code'] == 'NotApplicable'" "d['properties']['status']['cause'] == 'Exempt'"
req "$reader" GET "/subscriptions/$S1$SEC/exemptions?$V21"
expect "exemptions under a subscription" 200 "[x['name'] for x in d['value']] == ['waive1']"
req "$admin" PUT "$SA$SEC/exemptions/bad?$V21" '{"properties":{"recommendations":["no such thing"]}}'
expect "an exemption of an unknown recommendation: 400" 400
req "$admin" DELETE "$SA$SEC/exemptions/waive1?$V21"
expect "exemption DELETE: 200" 200
req "$reader" GET "$SA$SEC/assessments/$unhealthy_key?$V21"
expect "without the exemption the rule counts again" 200 "d['properties']['status']['code'] == 'Unhealthy'"
soon=$(python3 -c "import datetime; print((datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)).strftime('%Y-%m-%dT%H:%M:%SZ'))")
req "$admin" PUT "$SA$SEC/exemptions/brief?$V21" '{"properties":{"recommendations":["'"$unhealthy_key"'"],"category":"Mitigated","expiresOn":"'"$soon"'"}}'
expect "an exemption that expires in 2 s" 201
req "$reader" GET "$SA$SEC/assessments/$unhealthy_key?$V21"
expect "before its expiry it applies" 200 "d['properties']['status']['cause'] == 'Exempt'"
sleep 4
req "$reader" GET "$SA$SEC/assessments/$unhealthy_key?$V21"
expect "after its expiry it no longer applies" 200 "d['properties']['status']['code'] == 'Unhealthy'"

# --- scopes ---
req "$sub2reader" GET "/subscriptions/$S1$SEC/secureScores?$V20"
expect "a token for another subscription: 403" 403 "d['error']['code'] == 'AuthorizationFailed'"
req "$sub2reader" GET "/subscriptions/$S2$SEC/secureScores?$V20"
expect "a token for this subscription: 200" 200
req "$sub2reader" GET "/providers/Microsoft.Management/managementGroups/prod$SEC/secureScores?$V20"
expect "a management group read only in part: Restricted" 200 "d['value'][0]['properties']['state'] == 'Restricted'"
req "$reader" GET "/providers/Microsoft.Management/managementGroups/prod$SEC/secureScores/ascScore?$V20"
expect "management group score" 200 "d['properties']['score']['max'] > 0"
req "$reader" GET "$SEC/secureScores?$V20"
expect "tenant score" 200 "d['value'][0]['properties']['score']['max'] > 0"

# --- Resource Graph ---
ARG="/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01"
req "$reader" POST "$ARG" '{"query": "securityresources | where type == \"microsoft.security/securescores\" | project subscriptionId, current = properties.score.current, max = properties.score.max | order by subscriptionId asc"}'
expect "Resource Graph: secure scores of both subscriptions" 200 "d['totalRecords'] == 2 and d['count'] == 2" "d['resultTruncated'] == 'false'" "[r['subscriptionId'] for r in d['data']] == sorted(['$S1', '$S2'])"
req "$sub2reader" POST "$ARG" '{"query": "securityresources | where type == \"microsoft.security/securescores\" | project subscriptionId"}'
expect "Resource Graph: only the rows the caller may read" 200 "[r['subscriptionId'] for r in d['data']] == ['$S2']"
req "$reader" POST "$ARG" '{"subscriptions": ["'"$S1"'"], "query": "resources | summarize n = count() by subscriptionId"}'
expect "Resource Graph: the subscriptions of the request" 200 "[r['subscriptionId'] for r in d['data']] == ['$S1']"
req "$reader" POST "$ARG" '{"query": "resources | take 3", "options": {"$top": 2, "resultFormat": "table"}}'
expect "Resource Graph: table format and a \$skipToken" 200 "d['count'] == 2 and d['\$skipToken'] == '2'" "[c['name'] for c in d['data']['columns']][:3] == ['id', 'name', 'type']"
req "$reader" POST "$ARG" '{"query": "resources\n| where nosuch == 1"}'
expect "Resource Graph: a bad query is 400 naming line and column" 400 "d['error']['code'] == 'BadRequest'" "d['error']['details'][0]['code'] == 'InvalidQuery'" "d['error']['details'][0]['line'] == 2 and d['error']['details'][0]['characterPositionInLine'] == 9" "'nosuch' in d['error']['message']"
req "$reader" POST "/providers/Microsoft.ResourceGraph/resources?api-version=2019-04-01" '{"query": "resources"}'
expect "Resource Graph: an unknown api-version" 400 "d['error']['code'] == 'InvalidApiVersionParameter'"
req "$reader" GET "$ARG"
expect "Resource Graph: GET is not allowed" 405

# --- hostile requests ---
{ printf '{"x":"'; head -c 5000000 /dev/zero | tr '\0' 'a'; printf '"}'; } >"$SS_TMP/big.json"
req "$owner" PUT "$RG/providers/Microsoft.Storage/storageAccounts/big?api-version=1" "@$SS_TMP/big.json"
expect "oversized body: 413" 413 "d['error']['code'] == 'RequestEntityTooLarge'"
deep=$(printf '%0.s[' $(seq 1 200))$(printf '%0.s]' $(seq 1 200))
req "$owner" PUT "$RG/providers/Microsoft.Storage/storageAccounts/deep?api-version=1" "{\"properties\":$deep}"
expect "deep JSON: 400" 400 "d['error']['code'] == 'InvalidRequestContent'"
req "$owner" PUT "$RG/providers/Microsoft.Storage/storageAccounts/u8?api-version=1" $'{"properties":{"x":"\xff\xfe"}}'
expect "invalid UTF-8 in the body: 400" 400
req "$reader" GET "/subscriptions/$S1/resourceGroups/../../subscriptions/$S2$SEC/secureScores?$V20"
expect "path traversal: 400" 400 "d['error']['code'] == 'InvalidRequestUri'"
req "$reader" GET "/subscriptions/$S1%FF$SEC/secureScores?$V20"
expect "invalid UTF-8 in the path: 400" 400
req "$reader" POST "/subscriptions/$S1$SEC/secureScores?$V20" '{}'
expect "wrong method: 405" 405 "d['error']['code'] == 'MethodNotAllowed'"
req "$reader" GET "/subscriptions/$S1$SEC/secureScores?api-version=1999-01-01"
expect "unknown api-version: 400" 400 "d['error']['code'] == 'InvalidApiVersionParameter'"
req "$reader" GET "/subscriptions/$S1$SEC/secureScores"
expect "missing api-version: 400" 400 "d['error']['code'] == 'MissingApiVersionParameter'"
req "$owner" PUT "$RG/providers/Microsoft.Storage/storageAccounts/x?api-version=1" '{"a":1,}'
expect "malformed JSON: 400 naming line and column" 400 "'1:' in d['error']['message']"
req "" GET "/healthz"
expect "the server keeps serving" 200 "d['status'] == 'ok'"

# --- observability ---
req "" GET "/metrics"
if [ "$code" = 200 ] && printf '%s' "$body" | grep -q '^securescore_http_requests_total{code="2xx"} [1-9]' &&
    printf '%s' "$body" | grep -q '^securescore_score_percentage{subscription='; then
    ss_ok "/metrics in Prometheus format"
else
    ss_fail "/metrics in Prometheus format" "$(printf '%s' "$body" | head -c 300)"
fi
if python3 -c "
import json, sys
lines = [json.loads(l) for l in open('$SS_TMP/access.log')]
sys.exit(0 if lines and all({'time', 'method', 'path', 'status', 'durationUs'} <= set(l) for l in lines) else 1)"; then
    ss_ok "access log: one JSON object per request"
else
    ss_fail "access log: one JSON object per request"
fi

# --- restart: the state comes back from the database ---
req "$reader" GET "/subscriptions/$S1$SEC/secureScores?$V20"
scores_before=$body
ss_stop_server
if ss_start_server "$db" "$port"; then
    req "$reader" GET "/subscriptions/$S1$SEC/secureScores?$V20"
    [ "$body" = "$scores_before" ] && ss_ok "after a restart the scores are the same" || ss_fail "after a restart the scores are the same" "$body vs $scores_before"
    req "$reader" GET "$SA?api-version=2023-01-01"
    expect "after a restart the resource is there" 200
    req "$reader" GET "/subscriptions/$S1$SEC/secureScores/ascScore/history?$V21"
    expect "the history has today's daily snapshot" 200 "any(h['time'].endswith('T00:00:00.0000000Z') for h in d['value'])" "len(d['value']) >= 2"
else
    ss_fail "restart"
fi

# --- securescore query --db: the same answers from the database, while the server runs ---
req "$reader" POST "$ARG" '{"query": "securityresources | where type == \"microsoft.security/securescores\" | project subscriptionId, current = properties.score.current | order by subscriptionId asc"}'
want=$(printf '%s' "$body" | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)['data']))")
got=$("$SS_BIN" query --db "$db" --format json 'securityresources | where type == "microsoft.security/securescores" | project subscriptionId, current = properties.score.current | order by subscriptionId asc' | python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)))")
[ -n "$want" ] && [ "$got" = "$want" ] && ss_ok "query --db answers as the Resource Graph endpoint" || ss_fail "query --db answers as the Resource Graph endpoint" "$got vs $want"
"$SS_BIN" query --db "$db" 'resources | take' >/dev/null 2>"$SS_TMP/qerr"
rc=$?
[ $rc = 65 ] && grep -q '^securescore: query:1:' "$SS_TMP/qerr" && ss_ok "query --db: a bad query exits 65 with its position" || ss_fail "query --db: a bad query" "exit $rc: $(cat "$SS_TMP/qerr")"
ss_done
