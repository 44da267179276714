#!/usr/bin/env python3
"""rules_to_jq - writes a jq program that runs our built-in Audit rules.

    bench/rules_to_jq.py [--rules DIR] [-o FILE]
    bench/rules_to_jq.py [--rules DIR] --compare OURS JQ

The reference of the `policy` benchmark section (bench/run.sh): for every rule
in DIR (default catalog/rules) whose effect is Audit, in file-name order (the
order bench_policy uses), translates `policyRule.if` into a jq boolean
expression, with the evaluator's semantics (src/policy/eval.c, alias.c):

* aliases `Namespace/type/a.b[*].c`: strip `Namespace/type/`, look the first
  key up under `properties` (descending through nested `properties` objects when
  a key is absent), or at the top level (`sku`, `identity`, `kind`, `zones`, ...)
  when it is one of those; aliases with no namespace (`sku.name`) and the
  exception table of alias.c are walked from the root as written; [*] selects
  every member; a JSON null counts as missing;
* a field condition on a [*] alias outside a count holds when it holds for
  every member (vacuously on none); inside a `count`'s `where`, fields that
  extend the counted alias are read from the current member;
* operators: equals/notEquals/in/notIn compare strings ignoring case (numbers
  and booleans as their text), like/notLike (`*` wildcards, ignoring case),
  contains/notContains (array membership or substring ignoring case), exists,
  less/lessOrEquals/greater/greaterOrEquals; a missing left-hand side is
  false for every positive operator;
* applicability first: only the `type`, `name` and `kind` conditions are
  evaluated (others hold, or fail under `not`); a resource that fails them is
  NotApplicable; otherwise `if` true = Unhealthy, false = Healthy;
* parameters: their default values; `value` operands may use the template
  functions parameters, field, current, concat, split, int and [index].

Rules using anything else (other template functions) are written as "?" and
counted as not translated. Property names match ignoring case, as in Azure
(ARM returns e.g. `addonProfiles.azurepolicy` for the alias
`addonProfiles.azurePolicy`): an exact key first, then a scan of the object's
keys; the special fields `type`, `name`, `kind`, `id`, `location` are read
with their exact names.

The program reads resources (`jq -r -f prog.jq` over JSON Lines) and prints
per resource one letter per rule: H, U, N, or ? (not translated); the same
format as `bench_policy --outcomes`. Each rule is guarded by the types of its
top-level `type` condition (the same bucketing bench_policy does with
ss_policy_types), so jq does not evaluate rules that cannot apply.

--compare OURS JQ reads two such outcome files and prints
`compare resources=N evals=N applicable=N agree=N disagree=N untranslated=N
resources_agree=N` and up to 20 `disagree rule=FILE ours=X jq=Y count=N` lines.
"""

import argparse
import json
import os
import re
import sys

# alias.c: exceptions (alias -> path from the root; a trailing '.' is a prefix)
ALIAS_EXCEPTIONS = {
    "microsoft.compute/imageid": "properties.storageProfile.imageReference.id",
    "microsoft.compute/imageoffer": "properties.storageProfile.imageReference.offer",
    "microsoft.compute/imagepublisher": "properties.storageProfile.imageReference.publisher",
    "microsoft.compute/imagesku": "properties.storageProfile.imageReference.sku",
    "microsoft.compute/imageversion": "properties.storageProfile.imageReference.version",
    "microsoft.hybridcompute/imageoffer": "properties.osName",
    "microsoft.compute/virtualmachines/sku.name": "properties.hardwareProfile.vmSize",
    "microsoft.insights/diagnosticsettings/logs.enabled": "properties.logs[*].enabled",
    "microsoft.insights/diagnosticsettings/metrics.enabled": "properties.metrics[*].enabled",
    "microsoft.security/securitycontacts/alertnotifications": "properties.alertNotifications.state",
    "microsoft.security/securitycontacts/alertstoadmins": "properties.notificationsByRole.state",
    "microsoft.security/securitycontacts/email": "properties.emails",
    "microsoft.sql/auditingsettings.state": "properties.state",
    "microsoft.sql/transparentdataencryption.status": "properties.status",
}
ALIAS_PREFIX_EXCEPTIONS = {
    "microsoft.web/sites/config/web.": "properties.",
    "microsoft.web/sites/slots/config/web.": "properties.",
}
TOP_LEVEL = {"sku", "identity", "kind", "zones", "plan", "managedby", "extendedlocation"}
STRUCTURAL = {"type", "name", "kind", "fullname"}
OPS = ["equals", "notEquals", "like", "notLike", "contains", "notContains", "in", "notIn",
       "exists", "less", "lessOrEquals", "greater", "greaterOrEquals"]

PRELUDE = r'''
def sstxt: if type == "string" then ascii_downcase
  elif type == "boolean" or type == "number" then tostring | ascii_downcase else null end;
def sseq($r): if . == null then false
  elif type == "object" or type == "array" or ($r | type) == "object" or ($r | type) == "array"
    then . == $r
  elif type == "number" and ($r | type) == "number" then . == $r
  else (sstxt) == ($r | sstxt) end;
def ssin($a): . as $v | $v != null and any($a[]; . as $x | $v | sseq($x));
def sslike($re): if . == null then false else (sstxt) as $s | $s != null and ($s | test($re; "s")) end;
def sscontains($r): if type == "array" then any(.[]; sseq($r))
  elif . == null then false
  else (sstxt) as $s | ($r | sstxt) as $p | $s != null and $p != null and ($s | contains($p)) end;
def ssnum: if type == "number" then . elif type == "string" then (tonumber? // null) else null end;
def ssord($r): if . == null or type == "object" or type == "array" then null
  elif (type == "number" or ($r | type) == "number") and (ssnum) != null and ($r | ssnum) != null
    then (ssnum) as $x | ($r | ssnum) as $y | (if $x < $y then -1 elif $x > $y then 1 else 0 end)
  else (sstxt) as $x | ($r | sstxt) as $y
    | if $x == null or $y == null then null elif $x < $y then -1 elif $x > $y then 1 else 0 end end;
def ssci($k; $l): if has($k) then .[$k]
  else [to_entries[] | select(.key | ascii_downcase == $l) | .value][0] end;
def ssget($k; $l): if type == "object" then ssci($k; $l) else null end;
def ssdeep($k; $l): if type != "object" then null
  else ssci($k; $l) as $v | if $v != null then $v
  else ssci("properties"; "properties") as $p
  | if ($p | type) == "object" then $p | ssdeep($k; $l) else null end end end;
def ssall(f): if type == "array" then .[] | f else empty end;
'''


class Unsupported(Exception):
    pass


def q(s):
    return json.dumps(s)


def segments(path):
    """'a.b[*].c' -> [('a', False), ('b', False), (None, True), ('c', False)]"""
    out, i = [], 0
    while i < len(path):
        if path.startswith("[*]", i):
            out.append((None, True))
            i += 3
        elif path[i] == ".":
            i += 1
        else:
            j = i
            while j < len(path) and path[j] not in ".[":
                j += 1
            if j == i:
                raise Unsupported("malformed alias " + path)
            out.append((path[i:j], False))
            i = j
    return out


def parse_alias(text):
    """-> (segs, exact, top) as alias.c resolves it (no loaded table)."""
    low = text.lower()
    if low in ALIAS_EXCEPTIONS:
        return segments(ALIAS_EXCEPTIONS[low]), True, False
    for pre, path in ALIAS_PREFIX_EXCEPTIONS.items():
        if low.startswith(pre) and len(low) > len(pre):
            return segments(path + text[len(pre):]), True, False
    if "/" not in text:
        return segments(text), True, False
    segs = segments(text[text.rfind("/") + 1:])
    top = bool(segs) and not segs[0][1] and segs[0][0].lower() in TOP_LEVEL
    return segs, False, top


def walk(segs, deep, star_ctx):
    """jq filter walking `segs` from `.`; a stream when a [*] is in the path."""
    parts = []
    for key, star in segs:
        if star:
            parts.append("ssall(.)")
            star_ctx = True
        else:
            parts.append(("ssdeep(%s; %s)" if deep else "ssget(%s; %s)") % (q(key), q(key.lower())))
            if star_ctx:
                parts.append("select(. != null)")
    return " | ".join(parts) if parts else "."


class Translator:
    def __init__(self, params):
        self.params = params
        self.frames = []  # (segs through the last [*] of the counted alias, exact, jq var)
        self.nvar = 0

    # ---- values ----
    def literal(self, v):
        if isinstance(v, str) and v.startswith("[") and not v.startswith("[["):
            m = re.fullmatch(r"\[parameters\('([^']*)'\)\]", v)
            if m:
                name = m.group(1)
                if name not in self.params or "defaultValue" not in self.params[name]:
                    raise Unsupported("parameter without a default: " + name)
                return self.params[name]["defaultValue"]
            raise Unsupported("template expression " + v)
        if isinstance(v, str) and v.startswith("[["):
            return v[1:]
        return v

    def value_expr(self, v):
        """A `value` operand: a jq expression of one value."""
        if isinstance(v, str) and v.startswith("[") and not v.startswith("[["):
            toks = re.findall(r"'(?:[^']|'')*'|\d+|[A-Za-z_][A-Za-z0-9_.]*|[(),\[\]]", v[1:-1])
            if re.sub(r"\s+", "", "".join(toks)) != re.sub(r"\s+", "", v[1:-1]):
                raise Unsupported("template expression " + v)
            self.toks, self.pos = toks, 0
            e = self.texpr()
            if self.pos != len(self.toks):
                raise Unsupported("template expression " + v)
            return e
        return q(self.literal(v))

    # a small subset of ARM template expressions: parameters, field, current,
    # concat, split, int, string literals, integers and [index]
    def tnext(self):
        if self.pos >= len(self.toks):
            raise Unsupported("template expression ends early")
        self.pos += 1
        return self.toks[self.pos - 1]

    def texpr(self):
        t = self.tnext()
        if t.startswith("'"):
            e = q(t[1:-1].replace("''", "'"))
        elif t.isdigit():
            e = t
        else:
            if self.tnext() != "(":
                raise Unsupported("template: %s without (" % t)
            args = []
            while self.toks[self.pos] != ")":
                args.append(self.texpr())
                if self.toks[self.pos] == ",":
                    self.pos += 1
            self.pos += 1
            e = self.tcall(t.lower(), args)
        while self.pos < len(self.toks) and self.toks[self.pos] == "[":
            self.pos += 1
            idx = self.texpr()
            if self.tnext() != "]":
                raise Unsupported("template: [ without ]")
            e = "(%s | .[%s])" % (e, idx)
        return e

    def tcall(self, fn, args):
        def lit(a):
            return json.loads(a)  # a string literal argument
        if fn == "parameters" and len(args) == 1:
            return q(self.literal("[parameters('%s')]" % lit(args[0])))
        if fn in ("field", "current") and len(args) == 1:
            expr, coll = self.field(lit(args[0]))
            return "[%s]" % expr if coll else expr
        if fn == "concat" and args:
            return "([%s] | map(if type == \"string\" then . else tojson end) | add)" % ", ".join(
                args)
        if fn == "split" and len(args) == 2:
            return "(%s | split(%s))" % (args[0], args[1])
        if fn == "int" and len(args) == 1:
            return "(%s | if type == \"string\" then tonumber else . end | floor)" % args[0]
        raise Unsupported("template function %s" % fn)

    # ---- fields ----
    def field(self, text):
        """-> (jq expression, is_collection) reading field `text`."""
        low = text.lower()
        if low in ("type", "name", "kind", "id"):
            return "$r." + low, False
        if low == "location":
            return '($r.location | if type == "string" then ascii_downcase | gsub(" "; "") ' \
                   "else . end)", False
        if low == "identity.type":
            return "($r | ssget(\"identity\"; \"identity\") | ssget(\"type\"; \"type\"))", False
        if low.startswith("tags") or low == "fullname":
            raise Unsupported("field " + text)
        segs, exact, top = parse_alias(text)
        # bound to a count frame?
        for fsegs, fexact, var in reversed(self.frames):
            n = len(fsegs)
            if fexact == exact and len(segs) >= n and all(
                    a[1] == b[1] and (a[1] or a[0].lower() == b[0].lower())
                    for a, b in zip(fsegs, segs[:n])):
                rest = segs[n:]
                coll = any(s for _, s in rest)
                return "(%s | %s)" % (var, walk(rest, not exact, False)), coll
        coll = any(s for _, s in segs)
        if exact:
            return "($r | %s)" % walk(segs, False, False), coll
        if not segs or segs[0][1]:
            return "empty" if coll else "null", coll
        k0 = "%s; %s" % (q(segs[0][0]), q(segs[0][0].lower()))
        first = ("($r | ssget(\"properties\"; \"properties\") | ssdeep(%s)) as $u "
                 "| ($r | ssget(%s)) as $top | " % (k0, k0))
        if top:
            first += "(if $top != null then $top elif $u != null then $u else $top end)"
        else:
            first += "(if $u != null then $u else $top end)"
        rest = segs[1:]
        expr = "(%s%s)" % (first, (" | " + walk(rest, True, False)) if rest else "")
        return expr, coll

    def count(self, c, app, neg):
        """jq expression of the number a count gives."""
        if "value" in c:
            raise Unsupported("value count")
        text = c["field"]
        segs, exact, _ = parse_alias(text)
        expr, coll = self.field(text)
        if not coll:
            raise Unsupported("count of a field without [*]")
        if "where" not in c:
            return "([%s] | length)" % expr
        last = max(i for i, (_, s) in enumerate(segs) if s) + 1
        self.nvar += 1
        var = "$m%d" % self.nvar
        self.frames.append((segs[:last], exact, var))
        where = self.cond(c["where"], app, neg)
        self.frames.pop()
        return "([%s | . as %s | select(%s)] | length)" % (expr, var, where)

    # ---- conditions ----
    def op_expr(self, op, rhs):
        """jq filter over `.` (the left value) for operator `op` with a literal rhs."""
        if op == "equals":
            return "sseq(%s)" % q(rhs)
        if op == "notEquals":
            return "(sseq(%s) | not)" % q(rhs)
        if op in ("in", "notIn"):
            if not isinstance(rhs, list):
                raise Unsupported("in: not an array")
            e = "ssin(%s)" % q(rhs)
            return e if op == "in" else "(%s | not)" % e
        if op in ("like", "notLike"):
            if not isinstance(rhs, (str, int, float, bool)):
                raise Unsupported("like: not a string")
            pat = rhs if isinstance(rhs, str) else json.dumps(rhs)
            rx = "^" + ".*".join(re.escape(p) for p in pat.lower().split("*")) + "$"
            e = "sslike(%s)" % q(rx)
            return e if op == "like" else "(%s | not)" % e
        if op in ("contains", "notContains"):
            e = "sscontains(%s)" % q(rhs)
            return e if op == "contains" else "(%s | not)" % e
        if op == "exists":
            truthy = rhs is True or (isinstance(rhs, str) and rhs.lower() == "true")
            if not isinstance(rhs, (bool, str)):
                raise Unsupported("exists: not a boolean")
            return "(. != null)" if truthy else "(. == null)"
        tests = {"less": "< 0", "lessOrEquals": "<= 0", "greater": "> 0",
                 "greaterOrEquals": ">= 0"}
        if op in tests:
            return "(ssord(%s) as $c | $c != null and $c %s)" % (q(rhs), tests[op])
        raise Unsupported("operator " + op)

    def cond(self, c, app, neg):
        if not isinstance(c, dict):
            raise Unsupported("condition is not an object")
        if "allOf" in c or "anyOf" in c:
            key = "allOf" if "allOf" in c else "anyOf"
            kids = [self.cond(k, app, neg) for k in c[key]]
            if not kids:
                return "true" if key == "allOf" else "false"
            return "(" + (" and " if key == "allOf" else " or ").join(kids) + ")"
        if "not" in c:
            return "(%s | not)" % self.cond(c["not"], app, not neg)
        ops = [o for o in c if o in OPS]
        others = [o for o in c if o not in OPS and o not in ("field", "value", "count")]
        if len(ops) != 1 or others:
            raise Unsupported("condition keys %s" % sorted(c))
        op = ops[0]
        structural = "field" in c and str(c["field"]).lower() in STRUCTURAL
        if app and not structural:
            return "false" if neg else "true"
        rhs = self.literal(c[op])
        f = self.op_expr(op, rhs)
        if "field" in c:
            expr, coll = self.field(c["field"])
            if coll:
                return "all(%s; %s)" % (expr, f)
            return "(%s | %s)" % (expr, f)
        if "value" in c:
            return "(%s | %s)" % (self.value_expr(c["value"]), f)
        if "count" in c:
            return "(%s | %s)" % (self.count(c["count"], app, neg), f)
        raise Unsupported("no operand")


def rule_types(cond):
    """Types of the top-level `type` equals/in condition, or None (any type)."""
    kids = cond.get("allOf", [cond]) if isinstance(cond, dict) else []
    for k in kids:
        if isinstance(k, dict) and str(k.get("field", "")).lower() == "type":
            if isinstance(k.get("equals"), str):
                return [k["equals"]]
            if isinstance(k.get("in"), list):
                return [t for t in k["in"] if isinstance(t, str)]
    return None


def translate(rule):
    props = rule["properties"]
    params = props.get("parameters", {})
    cond = props["policyRule"]["if"]
    tr = Translator(params)
    app = tr.cond(cond, True, False)
    full = tr.cond(cond, False, False)
    body = '(if %s then (if %s then "U" else "H" end) else "N" end)' % (app, full)
    types = rule_types(cond)
    if types:
        test = " or ".join("$t == %s" % q(t.lower()) for t in types)
        body = '(if %s then %s else "N" end)' % (test, body)
    return body


def audit_rule_files(rules):
    for fn in sorted(os.listdir(rules)):
        if not fn.endswith(".json"):
            continue
        with open(os.path.join(rules, fn), encoding="utf-8") as f:
            rule = json.load(f)
        eff = rule["properties"].get("parameters", {}).get("effect", {}).get("defaultValue")
        if isinstance(eff, str) and eff.lower() == "audit":
            yield fn, rule


def compare(rules, ours_path, jq_path):
    """Prints one result line comparing two outcome files, and the disagreements."""
    names = [fn for fn, _ in audit_rule_files(rules)]
    with open(ours_path, encoding="ascii") as f:
        ours = f.read().splitlines()
    with open(jq_path, encoding="ascii") as f:
        ref = f.read().splitlines()
    n = evals = agree = applicable = untranslated = res_agree = 0
    bad = {}
    for x, y in zip(ours, ref):
        n += 1
        same = True
        if len(x) != len(y) or len(x) != len(names):
            print("rules_to_jq: line %d: %d and %d outcomes for %d rules"
                  % (n, len(x), len(y), len(names)), file=sys.stderr)
            sys.exit(1)
        for i, (a, b) in enumerate(zip(x, y)):
            if b == "?":
                untranslated += 1
                continue
            evals += 1
            applicable += a != "N" or b != "N"
            if a == b:
                agree += 1
            else:
                same = False
                key = (names[i], a, b)
                bad[key] = bad.get(key, 0) + 1
        res_agree += same
    if len(ours) != len(ref):
        print("rules_to_jq: %d and %d lines" % (len(ours), len(ref)), file=sys.stderr)
        sys.exit(1)
    print("compare resources=%d evals=%d applicable=%d agree=%d disagree=%d untranslated=%d "
          "resources_agree=%d" % (n, evals, applicable, agree, evals - agree, untranslated,
                                  res_agree))
    for (name, a, b), k in sorted(bad.items(), key=lambda kv: -kv[1])[:20]:
        print("disagree rule=%s ours=%s jq=%s count=%d" % (name, a, b, k))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rules", default="catalog/rules")
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--compare", nargs=2, metavar=("OURS", "JQ"),
                    help="compare two outcome files (bench_policy --outcomes, jq's output)")
    args = ap.parse_args()
    if args.compare:
        compare(args.rules, *args.compare)
        return
    exprs, names, skipped = [], [], []
    for fn, rule in audit_rule_files(args.rules):
        names.append(fn)
        try:
            exprs.append(translate(rule))
        except Unsupported as e:
            skipped.append("%s: %s" % (fn, e))
            exprs.append('"?"')
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    out.write("# generated by bench/rules_to_jq.py from %s: %d Audit rules, %d not translated\n"
              % (args.rules, len(names), len(skipped)))
    for s in skipped:
        out.write("#   not translated: %s\n" % s)
    out.write(PRELUDE)
    out.write(". as $r | ($r.type | if type == \"string\" then ascii_downcase else \"\" end) as $t\n"
              "| [\n")
    out.write(",\n".join("  # %s\n  %s" % (n, e) for n, e in zip(names, exprs)))
    out.write("\n] | join(\"\")\n")
    if out is not sys.stdout:
        out.close()
    print("rules_to_jq: %d Audit rules, %d translated, %d not translated"
          % (len(names), len(names) - len(skipped), len(skipped)), file=sys.stderr)
    for s in skipped:
        print("rules_to_jq:   not translated: " + s, file=sys.stderr)


if __name__ == "__main__":
    main()
