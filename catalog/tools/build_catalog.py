#!/usr/bin/env python3
"""Generate catalog/controls.json and catalog/recommendations.json.

Source of truth: the hand-written tables next to this script
(table_controls.py, table_recommendations.py). Facts are cross-checked against
the shared data (../shared from the project root, or $SECURESCORE_SHARED) when
it is present:

  * control membership comes from ../shared/data/catalog/controls.json (the
    seed's table); without the shared folder it is read back from the committed
    catalog/controls.json, so the output is reproducible either way;
  * an Azure assessment key is used only when the table names the shared file
    that holds it together with the recommendation's display name, and the
    script finds both there; otherwise the key is uuid5(NAMESPACE, displayName);
  * policy definition names are checked to exist in
    ../shared/data/azure-policy/policyDefinitions.

Usage: build_catalog.py [--accept-renamed-keys] [--check-only]
"""

import argparse
import glob
import json
import os
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.dirname(HERE)
ROOT = os.path.dirname(CATALOG)
sys.dont_write_bytecode = True  # keep catalog/tools free of __pycache__
sys.path.insert(0, HERE)

from table_controls import CONTROLS  # noqa: E402
from table_recommendations import ROWS  # noqa: E402

NAMESPACE = "6b1f3c0e-5d2a-5c4e-9f8a-2e7d4b1c9a30"

# The shared transcription of the seed joins two recommendations of the
# "Implement security best practices" row into one name, because the second one
# starts with a lower-case letter ("... resources - vTPM should be ..."). The seed
# separates them exactly like every other item, so the catalog splits them.
MERGED_SEED_NAME = ("Virtual machines should be migrated to new Azure Resource Manager "
                    "resources - vTPM should be enabled on supported virtual machines")
MERGED_SEED_PARTS = ["Virtual machines should be migrated to new Azure Resource Manager resources",
                     "vTPM should be enabled on supported virtual machines"]

SEV = {"H": "High", "M": "Medium", "L": "Low"}
LEVEL = {"L": "Low", "M": "Moderate", "H": "High"}
CAT = {"C": "Compute", "N": "Networking", "D": "Data", "I": "IdentityAndAccess", "T": "IoT",
       "A": "AppServices", "K": "Container"}
THREAT = {"AB": "accountBreach", "DE": "dataExfiltration", "DS": "dataSpillage",
          "MI": "maliciousInsider", "EP": "elevationOfPrivilege", "TR": "threatResistance",
          "MC": "missingCoverage", "DOS": "denialOfService"}
THREAT_ORDER = list(THREAT.values())
CAT_ORDER = list(CAT.values())


PREVIEW = {
    "Azure Arc-enabled Kubernetes clusters should have the Defender extension installed",
    "Guest Attestation extension should be installed on supported Linux virtual machine scale sets",
    "Guest Attestation extension should be installed on supported Linux virtual machines",
    "Guest Attestation extension should be installed on supported Windows virtual machine scale sets",
    "Guest Attestation extension should be installed on supported Windows virtual machines",
    "Linux virtual machines should use only signed and trusted boot components",
    "Secure Boot should be enabled on supported Windows virtual machines",
    "vTPM should be enabled on supported virtual machines",
}


def shared_dir():
    d = os.environ.get("SECURESCORE_SHARED") or os.path.join(os.path.dirname(ROOT), "shared")
    return d if os.path.isfile(os.path.join(d, "data", "catalog", "controls.json")) else None


def norm(name):
    """Compare names up to case, spacing and the "[Preview]: " / "[Enable if required] "
    markers that Azure puts in front of some names."""
    n = " ".join(name.split()).lower()
    for prefix in ("[preview]: ", "[enable if required] "):
        if n.startswith(prefix):
            n = n[len(prefix):]
    return n


def die(msg):
    sys.exit("build_catalog: " + msg)


def load_membership(shared):
    """{control GUID: [display name, ...]} in the seed's order."""
    if shared:
        src = json.load(open(os.path.join(shared, "data", "catalog", "controls.json")))
        out = {}
        for c in src["controls"]:
            names = []
            for n in c["recommendations"]:
                names.extend(MERGED_SEED_PARTS if n == MERGED_SEED_NAME else [n])
            out[c["id"]] = (c["displayName"], c["maxScore"], names)
        return out
    # No shared folder: read the committed output back.
    ctl = json.load(open(os.path.join(CATALOG, "controls.json")))
    recs = json.load(open(os.path.join(CATALOG, "recommendations.json")))
    by_key = {r["key"]: r["displayName"] for r in recs["recommendations"]}
    return {c["id"]: (c["displayName"], c["maxScore"], [by_key[k] for k in c["assessmentKeys"]])
            for c in ctl["controls"]}


def load_policies(shared):
    if not shared:
        return None
    out = {}
    for f in glob.glob(os.path.join(shared, "data", "azure-policy", "policyDefinitions", "*", "*.json")):
        d = json.load(open(f))
        out[d["name"]] = (d["properties"]["displayName"], os.path.relpath(f, shared))
    return out


def verify_key_source(shared, row):
    key, rel, shared_name, match = row["az"]
    if not shared:
        return
    path = os.path.join(shared, rel)
    if not os.path.isfile(path):
        die("%s: source file %s not found" % (row["name"], rel))
    text = open(path, encoding="utf-8").read()
    if key not in text:
        die("%s: key %s not in %s" % (row["name"], key, rel))
    if json.dumps(shared_name)[1:-1] not in text and shared_name not in text:
        die("%s: display name %r not in %s" % (row["name"], shared_name, rel))
    if match == "displayName" and norm(shared_name) != norm(row["name"]):
        die("%s: marked displayName match but %s names it %r" % (row["name"], rel, shared_name))


def build(accept_renamed):
    shared = shared_dir()
    membership = load_membership(shared)
    policies = load_policies(shared)

    # Seed order of first appearance.
    order = []
    for gid, _, _, _ in CONTROLS:
        if gid not in membership:
            die("control %s missing from the membership source" % gid)
        for n in membership[gid][2]:
            if n not in order:
                order.append(n)

    rows = {}
    for r in ROWS:
        if r["name"] in rows:
            die("duplicate table row: " + r["name"])
        rows[r["name"]] = r
    missing = [n for n in order if n not in rows]
    extra = [n for n in rows if n not in order]
    if missing or extra:
        die("table and seed disagree: missing %r, extra %r" % (missing, extra))

    recs, sources, keys = [], [], {}
    for name in order:
        r = rows[name]
        az = r["az"]
        use_azure = az is not None and (az[3] in ("displayName", "seedTypo") or accept_renamed)
        if use_azure:
            verify_key_source(shared, r)
            key, key_source = az[0], "azure"
            sources.append({"kind": "assessmentKey", "key": key, "displayName": name,
                            "file": "../shared/" + az[1], "sharedDisplayName": az[2],
                            "match": az[3]})
        else:
            key, key_source = str(uuid.uuid5(uuid.UUID(NAMESPACE), name)), "uuid5"
        if key in keys:
            die("key %s used by %r and %r" % (key, keys[key], name))
        keys[key] = name

        rec = {
            "key": key,
            "keySource": key_source,
            "displayName": name,
            "description": r["desc"],
            "remediationDescription": r["rem"],
            "severity": SEV[r["sev"]],
            "categories": sorted({CAT[c] for c in r["cats"].split(",") if c},
                                 key=CAT_ORDER.index),
            "userImpact": LEVEL[r["ui"]],
            "implementationEffort": LEVEL[r["ie"]],
            "threats": sorted({THREAT[t] for t in r["thr"].split(",") if t},
                              key=THREAT_ORDER.index),
            # The seed marks preview only in an image; these are the recommendations whose
            # policy definition in Defender's initiative is "[Preview]".
            "preview": name in PREVIEW,
            "assessmentType": "BuiltIn",
            "resourceTypes": r["types"],
        }
        if r["pol"]:
            pol = r["pol"]
            if policies is not None:
                if pol not in policies:
                    die("%s: policy %s not in shared data" % (name, pol))
                pname, pfile = policies[pol]
                if r["pm"] == "displayName" and norm(pname) != norm(name):
                    die("%s: policy %s is named %r, not a displayName match" % (name, pol, pname))
                sources.append({"kind": "policyDefinition", "name": pol, "displayName": name,
                                "file": "../shared/" + pfile, "policyDisplayName": pname,
                                "match": r["pm"]})
            rec["policyDefinitionName"] = pol
            rec["policyDefinitionId"] = "/providers/Microsoft.Authorization/policyDefinitions/" + pol
            rec["policyMatch"] = r["pm"]
        rec["decidable"] = r["dec"]
        recs.append(rec)

    by_name = {r["displayName"]: r["key"] for r in recs}
    controls = []
    for gid, dname, max_score, desc in CONTROLS:
        sname, smax, names = membership[gid]
        if sname != dname or smax != max_score:
            die("control %s: table says %r/%d, seed %r/%d" % (gid, dname, max_score, sname, smax))
        seen = []
        for n in names:
            if by_name[n] not in seen:
                seen.append(by_name[n])
        controls.append({"id": gid, "displayName": dname, "maxScore": max_score,
                         "description": desc, "assessmentKeys": seen})

    if policies is None:
        # Keep the sources of the committed file when regenerating without ../shared.
        old = json.load(open(os.path.join(CATALOG, "recommendations.json")))
        sources = [s for s in old.get("sources", []) if s.get("kind") == "policyDefinition"] + \
            [s for s in sources]
        sources.sort(key=lambda s: (s["kind"], s["displayName"]))
    else:
        sources.sort(key=lambda s: (s["kind"], s["displayName"]))

    ctl_doc = {
        "namespace": NAMESPACE,
        "note": "Generated by catalog/tools/build_catalog.py from catalog/tools/table_*.py; "
                "do not edit by hand. Control GUIDs, names, max scores and membership follow "
                "the seed's security controls table; descriptions are the project's own.",
        "controls": controls,
    }
    rec_doc = {
        "namespace": NAMESPACE,
        "note": "Generated by catalog/tools/build_catalog.py from catalog/tools/table_*.py; "
                "do not edit by hand. keySource 'azure': Azure's assessment key, found in the "
                "shared data file listed under sources; 'uuid5': uuid5(namespace, displayName). "
                "Policy definitions named here are Microsoft's (Azure/azure-policy, MIT); only "
                "their names are referenced. Descriptions are the project's own.",
        "sources": sources,
        "recommendations": recs,
    }
    return ctl_doc, rec_doc


def dump(doc, path):
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accept-renamed-keys", action="store_true",
                    help="also use Azure keys found in the shared data only under an older or "
                         "reworded display name (see table_recommendations.py, match 'renamed')")
    ap.add_argument("--check-only", action="store_true",
                    help="build in memory and compare with the committed files")
    args = ap.parse_args()
    ctl_doc, rec_doc = build(args.accept_renamed_keys)
    if args.check_only:
        same = True
        for doc, name in ((ctl_doc, "controls.json"), (rec_doc, "recommendations.json")):
            path = os.path.join(CATALOG, name)
            cur = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
            if cur != json.dumps(doc, indent=2, ensure_ascii=False) + "\n":
                print("build_catalog: %s is out of date" % name)
                same = False
        sys.exit(0 if same else 1)
    dump(ctl_doc, os.path.join(CATALOG, "controls.json"))
    dump(rec_doc, os.path.join(CATALOG, "recommendations.json"))
    print("wrote catalog/controls.json (%d controls) and catalog/recommendations.json "
          "(%d recommendations)" % (len(ctl_doc["controls"]), len(rec_doc["recommendations"])))


if __name__ == "__main__":
    main()
