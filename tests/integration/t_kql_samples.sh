#!/usr/bin/env bash
# Conformance of `securescore query` (DESIGN.md §8) on a demo tenant (examples/gen_demo.c):
#
#  - every query of ../shared/data/kql/arg_sample_queries.json runs and returns
#    the columns its `returns` field describes (CSV header, in order), with the
#    rows the demo tenant implies (no alerts, pricings, IoT or compliance rows
#    in it; one row per assessment, per subscription score, per control);
#  - the per-assessment and per-recommendation samples agree with each other
#    and with the tenant's imported assessments;
#  - the two queries of the seed (seeds/002_*: "Subscription secure score" and
#    "Status of all security controls") give each subscription's points and
#    percentage and each control's status exactly as `securescore scan
#    --format json` does on the same inputs.
#
# Environment (tests/run.sh sets them): SS_BIN (the securescore binary),
# SS_SHARED (the shared data folder), SS_BUILD (the build folder, where the
# demo generator is compiled). Needs python3 for the checks.
# Ends with "kql-samples: N passed, N failed"; exits non-zero on a failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
BIN=${SS_BIN:-$root/build/securescore}
SHARED=${SS_SHARED:-$(cd .. && pwd)/shared}
export SS_BUILD=${SS_BUILD:-build}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fatal() {
    echo "FAIL kql-samples: $*"
    echo "kql-samples: 0 passed, 1 failed"
    exit 1
}

[ -x "$BIN" ] || fatal "$BIN not found"
command -v python3 >/dev/null 2>&1 || fatal "python3 is needed"
samples=$SHARED/data/kql/arg_sample_queries.json
[ -f "$samples" ] || fatal "$samples not found"
# A smaller demo tenant than `make demo`'s (300 resources instead of 3000: the same
# subscriptions, groups, connectors and controls), so the suite stays quick under ASan.
examples/demo.sh --generate "$tmp/demo" --resources 300 >"$tmp/gen.log" 2>&1 || {
    cat "$tmp/gen.log"
    fatal "the demo tenant could not be generated"
}
"$BIN" scan --format json "$tmp/demo/tenant" >"$tmp/scan.json" 2>"$tmp/scan.err" || {
    cat "$tmp/scan.err"
    fatal "securescore scan failed on the demo tenant"
}

python3 - "$BIN" "$samples" "$tmp/demo/tenant" "$tmp/scan.json" <<'EOF'
import csv, io, json, subprocess, sys

BIN, SAMPLES, TENANT, SCAN = sys.argv[1:5]
queries = json.load(open(SAMPLES))
scan = json.load(open(SCAN))
imported = json.load(open(TENANT + "/assessments.json"))["data"]
passed = failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok " + what)
    else:
        failed += 1
        print("FAIL " + what + (": " + detail if detail else ""))
    return ok


def run(query, fmt):
    p = subprocess.run([BIN, "query", "--format", fmt, query, TENANT],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def rows_of(out):
    """Rows as dicts from any JSON shape query may print: an array of objects,
    ARG's envelope with data as objectArray, or the table format."""
    doc = json.loads(out)
    if isinstance(doc, dict) and "data" in doc:
        doc = doc["data"]
    if isinstance(doc, dict) and "columns" in doc:
        names = [c["name"] for c in doc["columns"]]
        return [dict(zip(names, r)) for r in doc["rows"]]
    return doc


def columns_of(out):
    return next(csv.reader(io.StringIO(out)), [])


def sample(title):
    for q in queries:
        if q["title"] == title:
            return q["query"]
    raise KeyError(title)


def query(name, q, cols):
    """Runs q in CSV (the header: the columns, in order) and JSON (the rows)."""
    rc, out, err = run(q, "csv")
    if not check(rc == 0, name + ": runs (csv)", err.strip()[:300]):
        return None
    if cols is not None:
        got = columns_of(out)
        check(got == cols, name + ": columns", "got %s, want %s" % (got, cols))
    rc, out, err = run(q, "json")
    if not check(rc == 0, name + ": runs (json)", err.strip()[:300]):
        return None
    try:
        return rows_of(out)
    except (ValueError, KeyError, TypeError) as e:
        check(False, name + ": JSON output", str(e))
        return None


ARG_COLUMNS = ["id", "name", "type", "tenantId", "kind", "location", "resourceGroup",
               "subscriptionId", "managedBy", "sku", "plan", "properties", "tags",
               "identity", "zones", "extendedLocation"]
scores = {s["id"].split("/")[2]: s["properties"] for s in scan["secureScores"]}
controls = [(c["id"].split("/")[2], c["properties"]) for c in scan["secureScoreControls"]]

# Samples whose rows the demo tenant has none of (alerts, IoT, insights, compliance, pricings).
empty = {
    "Display all active Microsoft Defender for Cloud alerts":
        ["alert_type", "SystemAlertId", "ResourceIdentifiers"],
    "Get all IoT alerts on hub, filtered by type": ARG_COLUMNS,
    "Get sensitivity insight of a specific resource": ["SensitivityInsight"],
    "Get specific IoT alert": ARG_COLUMNS,
    "List Container Registry vulnerability assessment results":
        ["assessmentKey", "subassessmentKey", "id", "properties", "resourceGroup",
         "subscriptionId", "tenantId", "description", "displayName", "resourceId",
         "resourceSource", "category", "severity", "code", "timeGenerated", "remediation",
         "impact", "vulnId", "additionalData"],
    "Regulatory compliance assessments state":
        ["tenantId", "subscriptionId", "id", "complianceStandard", "complianceControl",
         "assessmentName", "state", "skippedResources", "passedResources", "failedResources"],
    "Show Defender for Cloud plan pricing tier per subscription":
        ["Subscription", "Azure_Defender_plan", "Status"],
}
for title, cols in empty.items():
    rows = query(title, sample(title), cols)
    if rows is not None:
        check(rows == [], title + ": no rows", "%d rows" % len(rows))

# One row per assessment.
title = "List Microsoft Defender recommendations"
recs = query(title, sample(title),
             ["tenantId", "subscriptionId", "resourceId", "recommendationName", "recommendationId",
              "recommendationState", "recommendationSeverity", "description",
              "remediationDescription", "assessmentType", "policyDefinitionId",
              "implementationEffort", "userImpact", "category", "threats", "source", "portalLink"])
if recs is not None:
    check(len(recs) >= len(imported), title + ": one row per assessment",
          "%d rows, %d imported assessments" % (len(recs), len(imported)))
    by_id = {r["resourceId"].lower(): r for r in recs}
    missing = wrong = 0
    for a in imported:
        r = by_id.get(a["id"].lower())
        if r is None:
            missing += 1
        elif r["recommendationState"] != a["properties"]["status"]["code"]:
            wrong += 1
    check(missing == 0 and wrong == 0, title + ": every imported assessment, same status",
          "%d missing, %d with another status" % (missing, wrong))
    bad = [r for r in recs
           if r["recommendationState"] not in ("Healthy", "Unhealthy", "NotApplicable")
           or not r["resourceId"].lower().endswith("/" + r["recommendationId"].lower())
           or not r["portalLink"].endswith(r["recommendationId"])
           or r["source"] not in ("Azure", "Aws", "Gcp")
           or r["assessmentType"] not in ("BuiltIn", "CustomPolicy", "CustomerManaged",
                                          "VerifiedPartner")]
    check(not bad, title + ": states, ids, links, sources, types", json.dumps(bad[:1]))
    subs = {r["subscriptionId"] for r in recs}
    check(set(scores) <= subs, title + ": every scored subscription", str(set(scores) - subs))

title = "Count healthy, unhealthy, and not applicable resources per recommendation"
counts = query(title, sample(title),
               ["recommendationName", "recommendationState", "numberOfResources"])
if counts is not None and recs is not None:
    want = {}
    for r in recs:
        k = (r["recommendationName"], r["recommendationState"])
        want[k] = want.get(k, 0) + 1
    got = {(r["recommendationName"], r["recommendationState"]): r["numberOfResources"]
           for r in counts}
    check(len(got) == len(counts), title + ": one row per (name, state)")
    check(got == want, title + ": counts agree with the per-assessment sample",
          "%d groups, want %d" % (len(got), len(want)))

title = "Secure score per subscription"
rows = query(title, sample(title),
             ["tenantId", "subscriptionId", "percentageScore", "currentScore", "maxScore",
              "weight"])
if rows is not None:
    got = {r["subscriptionId"]: (r["percentageScore"], r["currentScore"], r["maxScore"],
                                 r["weight"]) for r in rows}
    want = {s: (p["score"]["percentage"], p["score"]["current"], p["score"]["max"], p["weight"])
            for s, p in scores.items()}
    check(len(rows) == len(scores) and got == want, title + ": equal to scan",
          "got %s, want %s" % (got, want))

title = "Controls secure score per subscription"
rows = query(title, sample(title),
             ["tenantId", "subscriptionId", "controlName", "controlId", "unhealthyResourceCount",
              "healthyResourceCount", "notApplicableResourceCount", "percentageScore",
              "currentScore", "maxScore", "weight", "controlType", "controlRecommendationIds"])
if rows is not None:
    got = sorted((r["subscriptionId"], r["controlId"], r["controlName"],
                  r["unhealthyResourceCount"], r["healthyResourceCount"],
                  r["notApplicableResourceCount"], r["percentageScore"], r["currentScore"],
                  r["maxScore"], r["weight"], r["controlType"],
                  json.dumps(r["controlRecommendationIds"], sort_keys=True)) for r in rows)
    want = sorted((s, p["definition"]["name"], p["displayName"], p["unhealthyResourceCount"],
                   p["healthyResourceCount"], p["notApplicableResourceCount"],
                   p["score"]["percentage"], p["score"]["current"],
                   p["definition"]["properties"]["maxScore"], p["weight"],
                   p["definition"]["properties"]["source"]["sourceType"],
                   json.dumps(p["definition"]["properties"]["assessmentDefinitions"],
                              sort_keys=True)) for s, p in controls)
    check(got == want, title + ": equal to scan (maxScore from the definition)",
          "%d rows, want %d; first difference %s" % (
              len(got), len(want), next(((g, w) for g, w in zip(got, want) if g != w), None)))

# The seed's two queries.
title = "Subscription secure score (points and percentage)"
rows = query(title, sample(title), ["subscriptionId", "current", "max", "percentage"])
if rows is not None:
    ok = len(rows) == len(scores)
    detail = "%d rows, %d scores" % (len(rows), len(scores))
    for r in rows:
        p = scores.get(r["subscriptionId"])
        if p is None or r["current"] != p["score"]["current"] or \
                r["max"] != float(p["score"]["max"]) or \
                abs(r["percentage"] - p["score"]["current"] / p["score"]["max"] * 100) > 1e-9 or \
                abs(r["percentage"] - p["score"]["percentage"] * 100) > 0.005 + 1e-9:
            ok, detail = False, "row %s, scan %s" % (r, p)
            break
    check(ok, title + ": points and percentage equal to scan", detail)

title = "Status of all security controls"
rows = query(title, sample(title), ["SecureControl", "unhealthy", "currentscore", "maxscore"])
if rows is not None:
    got = sorted((r["SecureControl"], r["unhealthy"], r["currentscore"], r["maxscore"])
                 for r in rows)
    want = sorted((p["displayName"], p["unhealthyResourceCount"], p["score"]["current"],
                   p["score"]["max"]) for _, p in controls)
    check(got == want, title + ": every control's status equal to scan",
          "%d rows, want %d" % (len(got), len(want)))

# Table names ignore case; an unknown table is an error.
rc, out, err = run("SECURITYRESOURCES | where type =~ 'Microsoft.Security/secureScores' | count",
                   "json")
check(rc == 0 and rows_of(out) and list(rows_of(out)[0].values()) == [len(scores)],
      "table names and =~ ignore case", out.strip()[:200] + err.strip()[:200])
rc, out, err = run("nosuchtable | take 1", "json")
check(rc != 0 and "nosuchtable" in err, "an unknown table is an error naming it",
      "exit %d, %s" % (rc, err.strip()[:200]))

print("kql-samples: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
