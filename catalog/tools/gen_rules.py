#!/usr/bin/env python3
"""Generate catalog/rules/<key>.json and catalog/rule-cases/<key>.json.

Source of truth: table_rules.py (hand-written). Each rule is a complete Azure
Policy definition; each case file lists healthy, unhealthy and not-applicable
resources (and, for auditIfNotExists rules, the related resources).

Usage: gen_rules.py [--check]   (--check: fail if the files are not up to date)
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.dirname(HERE)
RULES_DIR = os.path.join(CATALOG, "rules")
CASES_DIR = os.path.join(CATALOG, "rule-cases")
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)

from table_rules import RULES  # noqa: E402

def first_sentence(text):
    for i, ch in enumerate(text):
        if ch == "." and (i + 1 == len(text) or text[i + 1] == " "):
            return text[: i + 1]
    return text


def build(rec, rule):
    aine = rule.details is not None
    effect = "AuditIfNotExists" if aine else "Audit"
    allowed = ["AuditIfNotExists", "Disabled"] if aine else ["Audit", "Deny", "Disabled"]
    params = {"effect": {"type": "String",
                         "metadata": {"displayName": "Effect",
                                      "description": ("Audit the resources that lack the related "
                                                      "resource, or turn the rule off." if aine else
                                                      "Audit or deny the non-compliant resources, "
                                                      "or turn the rule off.")},
                         "allowedValues": allowed, "defaultValue": effect}}
    params.update(rule.params)
    conds = list(rule.app) + ([] if aine else [rule.bad])
    cond = conds[0] if len(conds) == 1 else {"allOf": conds}
    then = {"effect": "[parameters('effect')]"}
    if aine:
        then["details"] = rule.details
    meta = {"category": rec["categories"][0] if rec.get("categories") else "Security Center",
            "version": "1.0.0",
            "securescore": {"recommendation": rec["key"]}}
    if rule.note:
        meta["securescore"]["note"] = rule.note
    return {"properties": {
        "displayName": rec["displayName"],
        "policyType": "BuiltIn",
        "mode": rule.mode,
        "description": first_sentence(rec["description"]),
        "metadata": meta,
        "parameters": params,
        "policyRule": {"if": cond, "then": then}},
        "name": rec["key"]}


def dump(obj):
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    with open(os.path.join(CATALOG, "recommendations.json")) as f:
        recs = json.load(f)["recommendations"]
    by8 = {}
    for r in recs:
        by8.setdefault(r["key"][:8], []).append(r)
    outputs = {}
    seen = set()
    for k8, rule in RULES.items():
        cand = [r for r in by8.get(k8, []) if r.get("decidable") == "policy"]
        if len(cand) != 1:
            sys.exit(f"gen_rules: {k8}: expected one decidable recommendation, found {len(cand)}")
        rec = cand[0]
        seen.add(rec["key"])
        outputs[os.path.join(RULES_DIR, rec["key"] + ".json")] = dump(build(rec, rule))
        outputs[os.path.join(CASES_DIR, rec["key"] + ".json")] = dump(rule.cases)
    missing = [r for r in recs if r.get("decidable") == "policy" and r["key"] not in seen]
    bad = 0
    for path, text in sorted(outputs.items()):
        old = open(path).read() if os.path.exists(path) else None
        if old == text:
            continue
        if check:
            print(f"gen_rules: {os.path.relpath(path, CATALOG)} is out of date", file=sys.stderr)
            bad = 1
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
    print(f"gen_rules: {len(RULES)} rules, {len(missing)} decidable recommendations without a rule")
    for r in missing:
        print(f"  no rule: {r['key']} {r['displayName']}")
    return bad


if __name__ == "__main__":
    sys.exit(main())
