#!/usr/bin/env python3
"""Check catalog/controls.json and catalog/recommendations.json; print a summary.

Checks: 15 controls with max scores summing to 58; the expected numbers of distinct
recommendations and memberships; unique keys; every control key defined; every
display name of ../shared/data/catalog/controls.json present exactly once (the one
name the shared transcription merged is expected as its two parts); enum values;
uuid5 keys recomputed; every Azure key backed by a source entry; one or two sentences
of prose each; no 8-word run copied from Microsoft's text in the shared data; the
generated files up to date with the tables. Exit status 1 on any failure.
"""

import json
import os
import re
import subprocess
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.dirname(HERE)
ROOT = os.path.dirname(CATALOG)
sys.dont_write_bytecode = True  # keep catalog/tools free of __pycache__
sys.path.insert(0, HERE)

from build_catalog import MERGED_SEED_NAME, MERGED_SEED_PARTS, NAMESPACE, shared_dir  # noqa: E402

EXPECT_CONTROLS = 15
EXPECT_MAX_SUM = 58
# The seed's table has 236 distinct names / 258 memberships as transcribed in
# ../shared/data/catalog/controls.json; one transcribed name holds two recommendations
# (MERGED_SEED_NAME), so the catalog has one more of each.
EXPECT_RECS = 237
EXPECT_MEMBERSHIPS = 259

SEVERITIES = {"High", "Medium", "Low"}
LEVELS = {"Low", "Moderate", "High"}
CATEGORIES = {"Compute", "Networking", "Data", "IdentityAndAccess", "IoT", "AppServices", "Container"}
THREATS = {"accountBreach", "dataExfiltration", "dataSpillage", "maliciousInsider",
           "elevationOfPrivilege", "threatResistance", "missingCoverage", "denialOfService"}
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

failures = []


def fail(msg):
    failures.append(msg)


def sentences(text):
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())


def ngrams(ws, n=8):
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def microsoft_text(shared):
    """Prose from the shared data that we must not copy."""
    texts = []
    for dirpath, _, files in os.walk(os.path.join(shared, "data")):
        for f in files:
            if not f.endswith(".json"):
                continue
            try:
                doc = json.load(open(os.path.join(dirpath, f), encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            stack = [doc]
            while stack:
                x = stack.pop()
                if isinstance(x, dict):
                    for k, v in x.items():
                        if k in ("description", "remediationDescription") and isinstance(v, str):
                            texts.append(v)
                        else:
                            stack.append(v)
                elif isinstance(x, list):
                    stack.extend(x)
    for f in os.listdir(os.path.join(shared, "seeds")):
        texts.append(open(os.path.join(shared, "seeds", f), encoding="utf-8").read())
    grams = set()
    for t in texts:
        grams |= ngrams(words(t))
    return grams


def main():
    ctl = json.load(open(os.path.join(CATALOG, "controls.json"), encoding="utf-8"))
    rec = json.load(open(os.path.join(CATALOG, "recommendations.json"), encoding="utf-8"))
    controls, recs = ctl["controls"], rec["recommendations"]
    shared = shared_dir()

    if ctl.get("namespace") != NAMESPACE:
        fail("controls.json namespace is %r" % ctl.get("namespace"))
    if len(controls) != EXPECT_CONTROLS:
        fail("%d controls, expected %d" % (len(controls), EXPECT_CONTROLS))
    if sum(c["maxScore"] for c in controls) != EXPECT_MAX_SUM:
        fail("max scores sum to %d" % sum(c["maxScore"] for c in controls))
    if len({c["id"] for c in controls}) != len(controls):
        fail("duplicate control id")

    by_key = {}
    for r in recs:
        if r["key"] in by_key:
            fail("duplicate key " + r["key"])
        by_key[r["key"]] = r
    names = [r["displayName"] for r in recs]
    if len(set(names)) != len(names):
        fail("duplicate display name")
    if len(recs) != EXPECT_RECS:
        fail("%d recommendations, expected %d" % (len(recs), EXPECT_RECS))

    memberships = 0
    used = set()
    for c in controls:
        if not GUID.match(c["id"]):
            fail("control id %r" % c["id"])
        if not 0 <= c["maxScore"] <= 10:
            fail("control %s maxScore %d" % (c["displayName"], c["maxScore"]))
        if len(c["description"]) > 256 or not 1 <= sentences(c["description"]) <= 2:
            fail("control %s: description must be 1-2 sentences, <= 256 chars" % c["displayName"])
        if len(set(c["assessmentKeys"])) != len(c["assessmentKeys"]):
            fail("control %s lists a key twice" % c["displayName"])
        for k in c["assessmentKeys"]:
            memberships += 1
            used.add(k)
            if k not in by_key:
                fail("control %s: key %s has no recommendation" % (c["displayName"], k))
    if memberships != EXPECT_MEMBERSHIPS:
        fail("%d memberships, expected %d" % (memberships, EXPECT_MEMBERSHIPS))
    for k in set(by_key) - used:
        fail("recommendation %s belongs to no control" % by_key[k]["displayName"])

    azure_sources = {s["key"]: s for s in rec.get("sources", []) if s.get("kind") == "assessmentKey"}
    for r in recs:
        n = r["displayName"]
        if not GUID.match(r["key"]):
            fail("%s: key %r is not a lower-case GUID" % (n, r["key"]))
        if r["keySource"] == "uuid5":
            if r["key"] != str(uuid.uuid5(uuid.UUID(NAMESPACE), n)):
                fail("%s: uuid5 key mismatch" % n)
        elif r["keySource"] == "azure":
            s = azure_sources.get(r["key"])
            if not s or s["displayName"] != n:
                fail("%s: Azure key without a source entry" % n)
        else:
            fail("%s: keySource %r" % (n, r["keySource"]))
        if r["severity"] not in SEVERITIES:
            fail("%s: severity %r" % (n, r["severity"]))
        if r["userImpact"] not in LEVELS or r["implementationEffort"] not in LEVELS:
            fail("%s: userImpact/implementationEffort" % n)
        if not set(r["categories"]) <= CATEGORIES:
            fail("%s: categories %r" % (n, r["categories"]))
        if not r["threats"] or not set(r["threats"]) <= THREATS:
            fail("%s: threats %r" % (n, r["threats"]))
        if r["preview"] is not False and r["preview"] is not True:
            fail("%s: preview" % n)
        if r["assessmentType"] != "BuiltIn":
            fail("%s: assessmentType" % n)
        if r["decidable"] not in ("policy", "external"):
            fail("%s: decidable %r" % (n, r["decidable"]))
        if not r["resourceTypes"] or any(t != t.lower() or t.count("/") < 1 for t in r["resourceTypes"]):
            fail("%s: resourceTypes %r" % (n, r["resourceTypes"]))
        if "policyDefinitionName" in r and r.get("policyMatch") not in (
                "displayName", "renamed", "broader", "seedTypo"):
            fail("%s: policyMatch %r" % (n, r.get("policyMatch")))
        for field in ("description", "remediationDescription"):
            if not 1 <= sentences(r[field]) <= 2:
                fail("%s: %s must be one or two sentences" % (n, field))

    if shared:
        src = json.load(open(os.path.join(shared, "data", "catalog", "controls.json")))
        shared_names = set()
        for c in src["controls"]:
            shared_names.update(c["recommendations"])
        expected = (shared_names - {MERGED_SEED_NAME}) | set(MERGED_SEED_PARTS)
        for n in sorted(expected):
            if names.count(n) != 1:
                fail("shared name present %d times: %s" % (names.count(n), n))
        for n in sorted(set(names) - expected):
            fail("name not in the seed: " + n)
        # Membership identical to the seed's, control by control.
        for sc in src["controls"]:
            mine = next(c for c in controls if c["id"] == sc["id"])
            want = []
            for n in sc["recommendations"]:
                want.extend(MERGED_SEED_PARTS if n == MERGED_SEED_NAME else [n])
            got = [by_key[k]["displayName"] for k in mine["assessmentKeys"]]
            if sorted(set(want)) != sorted(got):
                fail("control %s membership differs from the seed" % sc["displayName"])
        grams = microsoft_text(shared)
        for r in recs:
            for field in ("description", "remediationDescription"):
                if ngrams(words(r[field])) & grams:
                    fail("%s: %s repeats an 8-word run of Microsoft's text" % (r["displayName"], field))
        for c in controls:
            if ngrams(words(c["description"])) & grams:
                fail("control %s: description repeats Microsoft's text" % c["displayName"])
        print("shared data: %s (names, membership and prose checked)" % shared)
    else:
        print("shared data not found: skipped the seed and prose comparisons")

    cmd = [sys.executable, os.path.join(HERE, "build_catalog.py"), "--check-only"]
    if any(s.get("match") == "renamed" for s in azure_sources.values()):
        cmd.append("--accept-renamed-keys")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail("generated files are stale: run catalog/tools/build_catalog.py (%s)" %
             (r.stdout + r.stderr).strip())

    n_azure = sum(r["keySource"] == "azure" for r in recs)
    n_policy = sum(r["decidable"] == "policy" for r in recs)
    n_matched = sum("policyDefinitionName" in r for r in recs)
    by_match = {}
    for r in recs:
        if "policyMatch" in r:
            by_match[r["policyMatch"]] = by_match.get(r["policyMatch"], 0) + 1
    print("controls: %d, max score sum %d" % (len(controls), sum(c["maxScore"] for c in controls)))
    print("recommendations: %d distinct, %d control memberships" % (len(recs), memberships))
    print("keys: %d Azure (from shared data), %d uuid5" % (n_azure, len(recs) - n_azure))
    print("decidable: %d by policy, %d external" % (n_policy, len(recs) - n_policy))
    print("matched to a policy definition: %d (%s)" %
          (n_matched, ", ".join("%s %d" % kv for kv in sorted(by_match.items()))))
    print("distinct policy definitions referenced: %d" %
          len({r["policyDefinitionName"] for r in recs if "policyDefinitionName" in r}))
    print("severity: " + ", ".join("%s %d" % (s, sum(r["severity"] == s for r in recs))
                                   for s in ("High", "Medium", "Low")))
    print("preview: %d" % sum(r["preview"] for r in recs))
    if failures:
        print("\n%d FAILURE(S):" % len(failures))
        for f in failures:
            print("  " + f)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
