#!/usr/bin/env bash
# The demo (`make demo`): generates the demo tenant (examples/README.md) and scores it.
#
#   examples/demo.sh [--out DIR] [BIN]           generate into DIR (default: BIN's folder/demo,
#                                                i.e. build/demo) and run BIN scan on it
#   examples/demo.sh --generate DIR [OPTION...]  only generate into DIR; OPTIONs go to gen_demo
#                                                (--seed N, --resources N, --as-of TIME)
#
# The generator (examples/gen_demo.c, no dependencies) is compiled with ${CC:-cc} into BIN's
# folder (with --generate: $SS_BUILD, else build/) the first time and whenever its source is
# newer. Generating is deterministic: the same options give the same files.
set -euo pipefail

AS_OF=2026-11-01T00:00:00Z
CFLAGS_DEMO=(-std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes
             -Wwrite-strings -Wmissing-prototypes)

usage() {
    cat >&2 <<'EOF'
usage: examples/demo.sh [--out DIR] [BIN]
       examples/demo.sh --generate DIR [--seed N] [--resources N] [--as-of TIME]
EOF
    exit 2
}

# Absolute form of a path given relative to the caller's directory.
absolute() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "$PWD/$1" ;;
    esac
}

root=$(cd "$(dirname "$0")/.." && pwd)
mode=demo out="" bin="" gen=""
case ${1:-} in
--help | -h) usage ;;
--generate)
    [ $# -ge 2 ] || usage
    mode=generate out=$(absolute "$2")
    gen=$(absolute "${SS_BUILD:-build}")/gen_demo
    shift 2
    ;;
*)
    if [ "${1:-}" = --out ]; then
        [ $# -ge 2 ] || usage
        out=$(absolute "$2")
        shift 2
    fi
    [ $# -le 1 ] || usage
    bin=$(absolute "${1:-build/securescore}")
    [ -n "$out" ] || out=$(dirname "$bin")/demo
    gen=$(dirname "$bin")/gen_demo
    set --
    ;;
esac
cd "$root"

# Paths as the user would type them from the repository root.
show() {
    printf '%s\n' "${1#"$root"/}"
}

# Builds the generator if needed (into a temporary name, then renamed, so that concurrent
# runs never execute a half-written binary), then writes the tenant into $out.
generate() {
    if [ ! -x "$gen" ] || [ examples/gen_demo.c -nt "$gen" ]; then
        mkdir -p "$(dirname "$gen")"
        "${CC:-cc}" "${CFLAGS_DEMO[@]}" -o "$gen.$$" examples/gen_demo.c -lm
        mv -f "$gen.$$" "$gen"
    fi
    mkdir -p "$out"
    rm -rf "$out/tenant"
    "$gen" --recommendations catalog/recommendations.json --controls catalog/controls.json \
        --out "$(show "$out")" "$@"
}

if [ "$mode" = generate ]; then
    generate "$@"
    exit 0
fi

[ -x "$bin" ] || { echo "demo.sh: $(show "$bin") not found; run make first" >&2; exit 1; }
sc=$(show "$bin") dir=$(show "$out")
scan=("$bin" scan --as-of "$AS_OF" --exemptions "$out/exemptions.json")

bold="" plain=""
if [ -t 1 ]; then
    bold=$(printf '\033[1m') plain=$(printf '\033[0m')
fi

# section TITLE: a heading between the steps.
section() {
    printf '\n%s== %s%s\n' "$bold" "$1" "$plain"
}

# run ARGS...: echoes and runs `securescore scan` with the demo's options.
run() {
    local shown="$sc scan --as-of $AS_OF --exemptions $dir/exemptions.json" a
    for a in "$@"; do
        case $a in
        *' '*) shown="$shown \"$a\"" ;;
        *) shown="$shown $a" ;;
        esac
    done
    printf '$ %s %s/tenant\n' "$shown" "$dir"
    "${scan[@]}" "$@" "$out/tenant"
}

# Prints stdin up to its first empty line (the scope rows without the control table).
rows_only() {
    awk '/^$/ { exit } { print }'
}

section "Generating the demo tenant (examples/gen_demo.c; see examples/README.md)"
generate
echo "  $(du -sh "$out/tenant" | cut -f1) in $dir/tenant: hierarchy.json, inventory.jsonl, assessments.json"

section "Secure score per subscription, and the tenant's controls"
run

section "Per management group (pooled; the control table is the tenant's, as above)"
run --by management-group | rows_only

section "Per environment"
run --by environment | rows_only

section "Why is \"Remediate security configurations\" not at full score?"
explain=$(run --explain "Remediate security configurations")
total=$(wc -l <<<"$explain")
# The first 30 lines or so, cut before a resource so that each one keeps its recommendations.
head=$(awk 'n >= 30 && /^  \// { exit } { print; n++ }' <<<"$explain")
printf '%s\n' "$head"
shown=$(wc -l <<<"$head")
if [ "$total" -gt "$shown" ]; then
    echo "  ... $((total - shown)) more lines: the other unhealthy resources and their recommendations"
fi

section "Next: add to the same command"
cat <<EOF
  --format json | --format csv   Azure's secureScores and secureScoreControls objects, or rows
  --subscription GUID            one subscription (or several: a,b,c)
  --aggregation weighted         Microsoft's weighted formula for management groups
  --fail-under 70                exit 3 when the tenant scores below 70% (a CI gate)
See examples/README.md for what the tenant contains.
Query it with Resource Graph's KQL, or serve it over Azure's REST API (README, Quick start):
  $bin query "securityresources | where type == 'microsoft.security/securescores' | project subscriptionId, properties.score.current" $out/tenant
  $bin serve --db demo.db --import $out/tenant
EOF
