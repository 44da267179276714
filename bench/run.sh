#!/usr/bin/env bash
# securescore benchmarks: `make bench` runs this after `make BUILD=build-bench all`.
#
#   bench/run.sh [--list] [section...]     no section = all of them
#
# Environment:
#   BUILD        build folder holding libsecurescore.a (default build-bench);
#                programs and results go to $BUILD/bench/
#   CC, CXX      compilers (default cc, c++)
#   BENCH_SCALE  multiplies every input size (default 1; 0.05 for a quick run)
#   BENCH_RUNS   runs per measurement, the median is reported (default 3)
#   BENCH_SEED   generator seed (default 1)
#
# Each section is a function `section_NAME` listed in SECTIONS below; to add
# one (scoring, HTTP), write the function, add its name and a one-line
# description, and reuse the helpers (run_median, field, ratio_row, ...).
# Temporary data lives in a mktemp folder under $BUILD/bench/ and is removed
# on exit; raw result lines of every run are kept in $BUILD/bench/results.txt.
#
# Exit status: 0 when every program ran and all parsers agreed on the node
# counts (a MISS on a performance target is reported, not an error); 1
# otherwise. See bench/README.md for how to read the output.
set -euo pipefail

cd "$(dirname "$0")/.."

BUILD=${BUILD:-build-bench}
CC=${CC:-cc}
CXX=${CXX:-c++}
BENCH_SCALE=${BENCH_SCALE:-1}
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_SEED=${BENCH_SEED:-1}
OUT=$BUILD/bench
RESULTS=$OUT/results.txt
WARN=(-Wall -Wextra -Werror)

SECTIONS=(json)
declare -A SECTION_DESC=(
    [json]="JSON parsing: ours vs simdjson, cJSON, jansson (streaming and whole document)"
)

STATUS=0 # becomes 1 on a failed program or a count mismatch
TMP=""

# ---------------------------------------------------------------- helpers

say() { printf '%s\n' "$*"; }
note() { printf 'bench: %s\n' "$*" >&2; }
fail() {
    note "ERROR: $*"
    STATUS=1
}

# calc EXPR: floating-point arithmetic (awk), printed with %.6g unless FMT is given.
calc() { awk "BEGIN { printf \"${2:-%.6g}\", $1 }"; }
# Integer part of a floating-point expression.
icalc() { awk "BEGIN { printf \"%.0f\", int($1) }"; }

now() { printf '%s' "${EPOCHREALTIME:-$(date +%s.%N)}"; }

# field LINE NAME: the value of NAME=... in a result line ("" if absent).
field() {
    local f
    for f in $1; do
        [[ $f == "$2="* ]] && {
            printf '%s' "${f#*=}"
            return
        }
    done
    printf ''
}

# Count signature: what every parser must agree on for the same input.
signature() {
    local n out=""
    for n in docs objects arrays keys strings numbers bools nulls strbytes; do
        out+="$n=$(field "$1" "$n") "
    done
    printf '%s' "${out% }"
}

# (mawk's %d stops at 2^31 - 1, hence %.0f for byte counts)
# BENCH_MEM_AVAILABLE / BENCH_DISK_AVAILABLE (bytes) override them, to test the scaling.
mem_available() {
    [[ -n ${BENCH_MEM_AVAILABLE:-} ]] && printf '%s' "$BENCH_MEM_AVAILABLE" && return
    awk '/^MemAvailable:/ { printf "%.0f", $2 * 1024 }' /proc/meminfo
}
disk_available() {
    [[ -n ${BENCH_DISK_AVAILABLE:-} ]] && printf '%s' "$BENCH_DISK_AVAILABLE" && return
    df -Pk "$1" | awk 'NR == 2 { printf "%.0f", $4 * 1024 }'
}
file_size() { wc -c <"$1" | tr -d ' '; }
mb() { calc "$1 / 1e6" "%.1f"; }
mib() { calc "$1 / 1048576" "%.1f"; }

# run_median TAG CMD...: runs CMD $BENCH_RUNS times (CMD prints a result
# line), appends every line to $RESULTS, prints the line of the median run by
# `seconds=`, or FAILED.
run_median() {
    local tag=$1 i out line
    shift
    local -a lines=()
    for ((i = 0; i < BENCH_RUNS; i++)); do
        if ! out=$("$@" 2>"$TMP/stderr"); then
            note "$tag failed: $(tail -n 3 "$TMP/stderr")"
            printf 'FAILED'
            return 0
        fi
        line=$(grep '^parser=' <<<"$out" | tail -n 1) || true
        if [[ -z $line ]]; then
            note "$tag printed no result line"
            printf 'FAILED'
            return 0
        fi
        printf '%s %s\n' "$tag" "$line" >>"$RESULTS"
        lines+=("$line")
    done
    printf '%s\n' "${lines[@]}" |
        awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^seconds=/) print substr($i, 9) "\t" $0 }' |
        sort -g | awk -F '\t' -v mid=$(((BENCH_RUNS + 1) / 2)) 'NR == mid { print $2 }'
}

# table_row LABEL HOW LINE INPUT_BYTES [SCALE_NOTE]: one row of a result table.
table_row() {
    local label=$1 how=$2 line=$3 input=$4
    if [[ $line == FAILED || -z $line ]]; then
        printf '  %-9s %-36s %9s\n' "$label" "$how" "n/a"
        return
    fi
    local bytes sec rss
    bytes=$(field "$line" bytes)
    sec=$(field "$line" seconds)
    rss=$(field "$line" rss_kb)
    printf '  %-9s %-36s %9s %9s %10s %9s\n' "$label" "$how" \
        "$(calc "$bytes / $sec / 1e6" "%.1f")" "$(calc "$sec" "%.3f")" \
        "$(calc "$rss / 1024" "%.1f")" "$(calc "$rss * 1024 / $input" "%.3fx")"
}

table_head() {
    printf '  %-9s %-36s %9s %9s %10s %9s\n' parser how "MB/s" seconds "RSS MiB" "RSS/input"
}

# MB/s of a result line, or "" if it failed.
mbps() {
    [[ $1 == FAILED || -z $1 ]] && return 0
    calc "$(field "$1" bytes) / $(field "$1" seconds) / 1e6"
}

# target_row TEXT VALUE OP LIMIT: prints VALUE against LIMIT with PASS/MISS
# (OP is ge, gt or le; info = no verdict); n/a when VALUE is empty.
target_row() {
    local text=$1 value=$2 op=$3 limit=${4:-} verdict
    if [[ -z $value ]]; then
        printf '  %-64s %9s  %s\n' "$text" "n/a" "${op:+n/a}"
        return
    fi
    case $op in
    ge) verdict=$(awk -v v="$value" -v l="$limit" 'BEGIN { print (v >= l) ? "PASS" : "MISS" }') ;;
    gt) verdict=$(awk -v v="$value" -v l="$limit" 'BEGIN { print (v > l) ? "PASS" : "MISS" }') ;;
    le) verdict=$(awk -v v="$value" -v l="$limit" 'BEGIN { print (v <= l) ? "PASS" : "MISS" }') ;;
    *) verdict="" ;;
    esac
    printf '  %-64s %8sx  %s\n' "$text" "$(calc "$value" "%.2f")" "$verdict"
}

# ratio A B: A / B, or "" when either is empty.
ratio() {
    [[ -z $1 || -z $2 ]] && return 0
    calc "$1 / $2"
}

# check_counts TITLE LINE...: all non-failed lines must have the same signature.
check_counts() {
    local title=$1 first="" l s
    shift
    for l in "$@"; do
        [[ $l == FAILED || -z $l ]] && continue
        s=$(signature "$l")
        if [[ -z $first ]]; then
            first=$s
        elif [[ $s != "$first" ]]; then
            fail "$title: node counts differ between parsers:"
            printf '    %s: %s\n' "$(field "$first" parser)" "$first" >&2
            printf '    %s: %s\n' "$(field "$l" parser)" "$s" >&2
            say "  counts: MISMATCH (see stderr)"
            return
        fi
    done
    [[ -n $first ]] && say "  counts: all parsers agree ($first)"
    return 0
}

# ---------------------------------------------------------------- section: json

json_build() {
    local cj_flags=(-I/usr/include/cjson)
    if command -v pkg-config >/dev/null && pkg-config --exists libcjson; then
        read -ra cj_flags <<<"$(pkg-config --cflags libcjson)"
    fi
    note "building the JSON benchmark programs in $OUT/"
    $CC -std=c11 -O2 "${WARN[@]}" bench/gen_inventory.c -o "$OUT/gen_inventory"
    $CC -std=c11 -O2 "${WARN[@]}" "${cj_flags[@]}" bench/ref_cjson.c -lcjson -o "$OUT/ref_cjson"
    $CC -std=c11 -O2 "${WARN[@]}" bench/ref_jansson.c -ljansson -o "$OUT/ref_jansson"
    # No SIMDJSON_THREADS_ENABLED: parse_many on one core, like our reader.
    $CXX -std=c++17 -O2 -march=native "${WARN[@]}" bench/ref_simdjson.cpp -lsimdjson \
        -o "$OUT/ref_simdjson"
    rm -f "$OUT/ss_json_bench"
    if [[ ! -f $BUILD/libsecurescore.a ]]; then
        fail "$BUILD/libsecurescore.a is missing (run make BUILD=$BUILD all); our parser is skipped"
    elif ! $CC -std=c11 -O2 "${WARN[@]}" -Iinclude -Isrc bench/ss_json_bench.c \
        "$BUILD/libsecurescore.a" -lm -o "$OUT/ss_json_bench"; then
        fail "bench/ss_json_bench.c does not build against $BUILD/libsecurescore.a; skipped"
    fi
}

# Sizes: sets JSON_STREAM_N (ours, piped), JSON_REF_N (the JSONL file for the
# references), JSON_DOM_N (the array file) and JSON_AVG (bytes per resource),
# scaled by BENCH_SCALE and by the free disk and memory.
json_sizes() {
    local sample
    sample=$("$OUT/gen_inventory" --count 20000 --seed "$BENCH_SEED" | wc -c)
    JSON_AVG=$((sample / 20000))
    JSON_STREAM_N=$(icalc "1000000 * $BENCH_SCALE")
    JSON_DOM_N=$(icalc "250e6 * $BENCH_SCALE / $JSON_AVG")
    ((JSON_STREAM_N < 1000)) && JSON_STREAM_N=1000
    ((JSON_DOM_N < 1000)) && JSON_DOM_N=1000
    JSON_REF_N=$JSON_STREAM_N

    # Disk: the JSONL file, its 1/10 sample and the array file, plus 64 MB.
    local disk need f
    disk=$(disk_available "$OUT")
    need=$(((JSON_REF_N * 11 / 10 + JSON_DOM_N) * JSON_AVG + (64 << 20)))
    if ((need > disk * 9 / 10)); then
        f=$(calc "($disk * 0.9 - 67108864) / ($need - 67108864)")
        if awk -v f="$f" 'BEGIN { exit !(f <= 0) }'; then
            fail "only $(mib "$disk") MiB free on disk; the JSON benchmark needs at least 64 MiB"
            return 1
        fi
        note "only $(mib "$disk") MiB free on disk, $(mib "$need") MiB wanted: files scaled by $f"
        JSON_SCALED+=" disk x$(calc "$f" "%.2f")"
        JSON_REF_N=$(icalc "$JSON_REF_N * $f")
        JSON_DOM_N=$(icalc "$JSON_DOM_N * $f")
    fi
    # Memory: jansson's DOM takes about 8x its input, simdjson parse_many
    # holds the whole JSONL (1.3x); keep 256 MiB for everything else.
    local mem budget
    mem=$(mem_available)
    budget=$((mem * 8 / 10 - (256 << 20)))
    if ((JSON_DOM_N * JSON_AVG * 8 > budget)); then
        note "MemAvailable $(mib "$mem") MiB: whole-document size scaled down"
        JSON_SCALED+=" memory(dom)"
        JSON_DOM_N=$((budget / 8 / JSON_AVG))
    fi
    if ((JSON_REF_N * JSON_AVG * 13 / 10 > budget)); then
        note "MemAvailable $(mib "$mem") MiB: reference streaming file scaled down"
        JSON_SCALED+=" memory(stream)"
        JSON_REF_N=$((budget * 10 / 13 / JSON_AVG))
    fi
    if ((JSON_REF_N < 1000 || JSON_DOM_N < 1000)); then
        fail "not enough disk or memory for the JSON benchmark"
        return 1
    fi
    JSON_SAMPLE_N=$((JSON_REF_N / 10))
    ((JSON_SAMPLE_N < 1000)) && JSON_SAMPLE_N=$((JSON_REF_N < 1000 ? JSON_REF_N : 1000))
    return 0
}

json_gen() {
    local t0 t1
    note "generating $JSON_REF_N resources (JSONL) and $JSON_DOM_N (array) into $TMP/"
    "$OUT/gen_inventory" --count "$JSON_REF_N" --seed "$BENCH_SEED" >"$TMP/inv.jsonl"
    head -n "$JSON_SAMPLE_N" "$TMP/inv.jsonl" >"$TMP/sample.jsonl"
    "$OUT/gen_inventory" --count "$JSON_DOM_N" --seed "$BENCH_SEED" --format array \
        >"$TMP/inv.json"
    JSON_REF_BYTES=$(file_size "$TMP/inv.jsonl")
    JSON_SAMPLE_BYTES=$(file_size "$TMP/sample.jsonl")
    JSON_DOM_BYTES=$(file_size "$TMP/inv.json")
    if ((JSON_REF_N == JSON_STREAM_N)); then
        JSON_STREAM_BYTES=$JSON_REF_BYTES
    else
        JSON_STREAM_BYTES=$("$OUT/gen_inventory" --count "$JSON_STREAM_N" --seed "$BENCH_SEED" |
            wc -c | tr -d ' ')
    fi
    t0=$(now)
    "$OUT/gen_inventory" --count "$JSON_STREAM_N" --seed "$BENCH_SEED" >/dev/null
    t1=$(now)
    JSON_GEN_MBPS=$(calc "$JSON_STREAM_BYTES / ($t1 - $t0) / 1e6" "%.0f")
}

json_ours_pipe() {
    "$OUT/gen_inventory" --count "$JSON_STREAM_N" --seed "$BENCH_SEED" |
        "$OUT/ss_json_bench" stream - --bytes "$JSON_STREAM_BYTES"
}

# json_ours ARGS...: runs our program if it was built.
json_ours() {
    [[ -x $OUT/ss_json_bench ]] || {
        echo "ss_json_bench was not built" >&2
        return 1
    }
    "$OUT/ss_json_bench" "$@"
}

section_json() {
    local JSON_SCALED="" ours_pipe ours_file simd_s cj_s jan_s ours_sample
    local ours_dom simd_d cj_d jan_d ours_arr
    json_build || {
        fail "building the JSON programs failed"
        return
    }
    json_sizes || return
    json_gen

    note "streaming: ours (pipe, $JSON_STREAM_N resources)"
    ours_pipe=FAILED
    [[ -x $OUT/ss_json_bench ]] && ours_pipe=$(run_median ours-pipe json_ours_pipe)
    note "streaming: ours, simdjson, cJSON on the JSONL file; jansson on its 1/10 sample"
    ours_file=$(run_median ours-stream json_ours stream "$TMP/inv.jsonl")
    simd_s=$(run_median simdjson-stream "$OUT/ref_simdjson" stream "$TMP/inv.jsonl")
    cj_s=$(run_median cjson-stream "$OUT/ref_cjson" stream "$TMP/inv.jsonl")
    jan_s=$(run_median jansson-stream "$OUT/ref_jansson" stream "$TMP/sample.jsonl")
    ours_sample=$(BENCH_RUNS=1 run_median ours-sample json_ours stream "$TMP/sample.jsonl")
    ours_arr=$(run_median ours-stream-array json_ours stream "$TMP/inv.json")
    note "whole document ($(mb "$JSON_DOM_BYTES") MB): ours, simdjson, cJSON, jansson"
    ours_dom=$(run_median ours-dom json_ours dom "$TMP/inv.json")
    simd_d=$(run_median simdjson-dom "$OUT/ref_simdjson" dom "$TMP/inv.json")
    cj_d=$(run_median cjson-dom "$OUT/ref_cjson" dom "$TMP/inv.json")
    jan_d=$(run_median jansson-dom "$OUT/ref_jansson" dom "$TMP/inv.json")
    rm -f "$TMP/inv.jsonl" "$TMP/sample.jsonl" "$TMP/inv.json"

    local l
    for l in "$ours_pipe" "$ours_file" "$simd_s" "$cj_s" "$jan_s" "$ours_sample" "$ours_arr" \
        "$ours_dom" "$simd_d" "$cj_d" "$jan_d"; do
        [[ $l == FAILED ]] && STATUS=1
    done

    say ""
    say "== json: streaming, one resource at a time (median of $BENCH_RUNS runs)"
    say "  input: $JSON_STREAM_N resources, $(mb "$JSON_STREAM_BYTES") MB of JSON Lines piped" \
        "from the generator ($JSON_GEN_MBPS MB/s alone) for ours;"
    say "  the references read a file of $JSON_REF_N resources ($(mb "$JSON_REF_BYTES") MB)," \
        "jansson its first $JSON_SAMPLE_N lines ($(mb "$JSON_SAMPLE_BYTES") MB)"
    [[ -n $JSON_SCALED ]] && say "  scaled down for:$JSON_SCALED"
    table_head
    table_row ours "ss_json_reader, pipe from generator" "$ours_pipe" "$JSON_STREAM_BYTES"
    table_row ours "ss_json_reader, file" "$ours_file" "$JSON_REF_BYTES"
    table_row simdjson "parse_many, file loaded first" "$simd_s" "$JSON_REF_BYTES"
    table_row cJSON "getline + ParseWithLengthOpts" "$cj_s" "$JSON_REF_BYTES"
    table_row jansson "getline + json_loadb, 1/10 sample" "$jan_s" "$JSON_SAMPLE_BYTES"
    table_row ours "ss_json_reader, array file (below)" "$ours_arr" "$JSON_DOM_BYTES"
    if [[ $jan_s != FAILED ]]; then
        say "  (jansson ran on the sample; at its MB/s the whole file would take" \
            "$(calc "$JSON_REF_BYTES / ($(mbps "$jan_s") * 1e6)" "%.1f") s)"
    fi
    if [[ $simd_s != FAILED ]]; then
        say "  (simdjson spent $(calc "$(field "$simd_s" load_seconds)" "%.3f") s of its" \
            "$(calc "$(field "$simd_s" seconds)" "%.3f") s loading the file; parse+walk alone:" \
            "$(calc "$(field "$simd_s" bytes) / ($(field "$simd_s" seconds) - $(field "$simd_s" load_seconds)) / 1e6" "%.1f") MB/s)"
    fi
    check_counts "streaming file" "$ours_file" "$simd_s" "$cj_s"
    check_counts "streaming sample" "$ours_sample" "$jan_s"
    ((JSON_REF_N == JSON_STREAM_N)) && check_counts "streaming pipe" "$ours_pipe" "$ours_file"

    say ""
    say "== json: whole document, $JSON_DOM_N resources in one array" \
        "($(mb "$JSON_DOM_BYTES") MB file; median of $BENCH_RUNS runs, each a new process)"
    table_head
    table_row ours "ss_json_parse_file" "$ours_dom" "$JSON_DOM_BYTES"
    table_row simdjson "padded_string::load + dom::parser" "$simd_d" "$JSON_DOM_BYTES"
    table_row cJSON "read + ParseWithLengthOpts" "$cj_d" "$JSON_DOM_BYTES"
    table_row jansson "read + json_loadb" "$jan_d" "$JSON_DOM_BYTES"
    if [[ $ours_dom != FAILED ]]; then
        say "  (ours: parse $(calc "$(field "$ours_dom" parse_seconds)" "%.3f") s (includes" \
            "reading the file), walk $(calc "$(field "$ours_dom" walk_seconds)" "%.3f") s," \
            "free $(calc "$(field "$ours_dom" free_seconds)" "%.3f") s;" \
            "ss_json_doc_memory $(calc "$(field "$ours_dom" docmem) / $JSON_DOM_BYTES" "%.2f")x input)"
    fi
    check_counts "whole document" "$ours_dom" "$simd_d" "$cj_d" "$jan_d"
    # The reader returns the array's elements: one array and N-1 docs fewer.
    if [[ $ours_arr != FAILED && $ours_dom != FAILED ]]; then
        local a d
        a=$(signature "$ours_arr" | sed 's/docs=[0-9]* //; s/arrays=[0-9]*//')
        d=$(signature "$ours_dom" | sed 's/docs=[0-9]* //; s/arrays=[0-9]*//')
        if [[ $a != "$d" || $(($(field "$ours_arr" arrays) + 1)) != "$(field "$ours_dom" arrays)" ]]; then
            fail "ss_json_reader on the array file disagrees with ss_json_parse_file"
            say "  counts: MISMATCH between streaming and whole-document parse of the array file"
        fi
    fi

    local simd_core=""
    [[ $simd_s != FAILED ]] && simd_core=$(calc "$(field "$simd_s" bytes) / ($(field "$simd_s" seconds) - $(field "$simd_s" load_seconds)) / 1e6")
    say ""
    say "== json: targets (DESIGN.md §10)"
    target_row "streaming: ours (pipe) / simdjson parse_many >= 0.33" \
        "$(ratio "$(mbps "$ours_pipe")" "$(mbps "$simd_s")")" ge 0.33
    target_row "streaming: ours (pipe) / cJSON > 1" \
        "$(ratio "$(mbps "$ours_pipe")" "$(mbps "$cj_s")")" gt 1
    target_row "whole document: ours / cJSON > 1" \
        "$(ratio "$(mbps "$ours_dom")" "$(mbps "$cj_d")")" gt 1
    # Memory the document costs: peak RSS minus that of the same program
    # parsing "[]" (code, libc, stack), which matters only for small inputs.
    local rss_ratio="" base=0 empty
    printf '[]\n' >"$TMP/empty.json"
    empty=$(BENCH_RUNS=1 run_median ours-empty json_ours dom "$TMP/empty.json")
    [[ $empty != FAILED ]] && base=$(field "$empty" rss_kb)
    [[ $ours_dom != FAILED ]] &&
        rss_ratio=$(calc "($(field "$ours_dom" rss_kb) - $base) * 1024 / $JSON_DOM_BYTES")
    target_row "whole document: ours (peak RSS - RSS parsing []) / input <= 2" "$rss_ratio" le 2
    say "  for information (not targets):"
    target_row "  streaming: ours (file) / simdjson parse_many (file)" \
        "$(ratio "$(mbps "$ours_file")" "$(mbps "$simd_s")")" info
    target_row "  streaming: ours (file) / simdjson parse+walk with load excluded" \
        "$(ratio "$(mbps "$ours_file")" "$simd_core")" info
    target_row "  whole document: ours / simdjson DOM" \
        "$(ratio "$(mbps "$ours_dom")" "$(mbps "$simd_d")")" info
    target_row "  whole document: ours / jansson" \
        "$(ratio "$(mbps "$ours_dom")" "$(mbps "$jan_d")")" info
}

# ---------------------------------------------------------------- main

usage() {
    say "usage: bench/run.sh [--list] [section...]"
    list_sections
}

list_sections() {
    local s
    for s in "${SECTIONS[@]}"; do
        printf '  %-8s %s\n' "$s" "${SECTION_DESC[$s]}"
    done
}

main() {
    local -a want=()
    local a s
    for a in "$@"; do
        case $a in
        --list)
            list_sections
            return 0
            ;;
        -h | --help)
            usage
            return 0
            ;;
        *)
            [[ -n ${SECTION_DESC[$a]:-} ]] || {
                usage >&2
                return 2
            }
            want+=("$a")
            ;;
        esac
    done
    ((${#want[@]})) || want=("${SECTIONS[@]}")
    awk -v s="$BENCH_SCALE" 'BEGIN { exit !(s > 0) }' || {
        note "BENCH_SCALE must be a positive number"
        return 2
    }
    ((BENCH_RUNS >= 1)) || BENCH_RUNS=1

    mkdir -p "$OUT"
    TMP=$(mktemp -d "$OUT/tmp.XXXXXX")
    trap 'rm -rf "$TMP"' EXIT
    trap 'exit 130' INT TERM
    : >"$RESULTS"

    say "securescore benchmarks  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    say "  machine: $(nproc) CPU ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo))," \
        "$(mib "$(mem_available)") MiB available, $(mib "$(disk_available "$OUT")") MiB free disk"
    say "  $($CC --version | head -n 1); $($CXX --version | head -n 1)"
    say "  BENCH_SCALE=$BENCH_SCALE BENCH_RUNS=$BENCH_RUNS BENCH_SEED=$BENCH_SEED BUILD=$BUILD"
    local t0
    t0=$(now)
    for s in "${want[@]}"; do
        "section_$s" || STATUS=1
    done
    say ""
    say "done in $(calc "$(now) - $t0" "%.0f") s; raw results in $RESULTS"
    ((STATUS == 0)) || note "some measurements failed or disagreed (see above)"
    return "$STATUS"
}

main "$@"
