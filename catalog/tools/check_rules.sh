#!/bin/sh
# Runs every built-in rule (catalog/rules/<key>.json) on its test cases
# (catalog/rule-cases/<key>.json) with `securescore policy test` and compares
# the outcome of each case resource with the list it is in (healthy,
# unhealthy, notApplicable). Related resources are loaded too but not checked.
#
# usage: catalog/tools/check_rules.sh [SECURESCORE_BINARY] [RULE_KEY...]
# CHECK_RULES_ALIASES=FILE passes --aliases FILE (an alias,path table).
# Exit 0 when every case agrees, 1 on any disagreement or error, 2 on usage.
# The last line reads "... N passed, N failed" (the format tests/run.sh sums).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build/securescore}
[ $# -gt 0 ] && shift
if [ ! -x "$bin" ]; then
    echo "check_rules: $bin is not executable (run make first)" >&2
    exit 2
fi
command -v python3 >/dev/null 2>&1 || { echo "check_rules: python3 is required" >&2; exit 2; }
exec python3 - "$bin" "$root/catalog/rules" "$@" <<'PY'
import json, os, subprocess, sys, tempfile

bin_, rules_dir, only = sys.argv[1], sys.argv[2], set(sys.argv[3:])
cases_dir = os.path.join(os.path.dirname(rules_dir), "rule-cases")
aliases = os.environ.get("CHECK_RULES_ALIASES", "")
want_name = {"healthy": "Healthy", "unhealthy": "Unhealthy", "notApplicable": "NotApplicable"}
nrules = ncases = bad = 0
for fn in sorted(os.listdir(rules_dir)):
    if not fn.endswith(".json"):
        continue
    key = fn[:-5]
    if only and key not in only:
        continue
    rule = os.path.join(rules_dir, fn)
    cpath = os.path.join(cases_dir, fn)
    if not os.path.exists(cpath):
        print(f"FAIL {key}: no cases file"); bad += 1; continue
    with open(cpath) as f:
        cases = json.load(f)
    want, resources = {}, []
    for group, outcome in want_name.items():
        for r in cases.get(group, []):
            want[r["id"].lower()] = (outcome, group)
            resources.append(r)
    groups = {g for _, g in want.values()}
    if "healthy" not in groups or "unhealthy" not in groups:
        print(f"FAIL {key}: needs at least one healthy and one unhealthy case"); bad += 1
    resources += cases.get("related", [])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tf:
        json.dump(resources, tf)
        tmp = tf.name
    try:
        extra = ["--aliases", aliases] if aliases else []
        p = subprocess.run([bin_, "policy", "test", rule, tmp, "--why"] + extra,
                           capture_output=True, text=True)
    finally:
        os.unlink(tmp)
    nrules += 1
    if p.returncode != 0:
        print(f"FAIL {key}: exit {p.returncode}: {p.stderr.strip()}"); bad += 1; continue
    got = {}
    for line in p.stdout.splitlines():
        parts = line.split(" ", 2)
        if len(parts) >= 2:
            got[parts[0].lower()] = (parts[1], parts[2] if len(parts) > 2 else "")
    for rid, (outcome, group) in want.items():
        ncases += 1
        g = got.get(rid)
        if g is None or g[0] != outcome:
            bad += 1
            print(f"FAIL {key}: {rid}: want {outcome}, got {g[0] if g else 'nothing'}"
                  + (f" ({g[1]})" if g and g[1] else ""))
print(f"check_rules: {nrules} rules, {ncases} cases: {ncases - min(bad, ncases)} passed, {bad} failed")
sys.exit(1 if bad else 0)
PY
