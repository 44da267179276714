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
#   BENCH_LONG_RUNS  runs of the long measurements: the full-size scoring
#                pipes, bench_incremental and the kql join (default 1)
#
# Each section is a function `section_NAME` listed in SECTIONS below; to add
# one (scoring, HTTP), write the function, add its name and a one-line
# description, and reuse the helpers (run_median, field, ratio_row, ...).
# Temporary data lives in a mktemp folder under $BUILD/bench/ and is removed
# on exit; raw result lines of every run are kept in $BUILD/bench/results.txt.
#
# Exit status: 0 when every program ran, all parsers agreed on the node
# counts and the scoring checks held (same scores for two orders of the same
# rows, incremental state equal to a rebuild, KQL groups equal to jq's); a MISS on a performance target
# and outcomes where our policy evaluator and the jq program generated from
# our rules disagree are reported, not errors; 1 otherwise. See bench/README.md for how to read the output.
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

SECTIONS=(json scoring incremental policy scan server kql)
declare -A SECTION_DESC=(
    [json]="JSON parsing: ours vs simdjson, cJSON, jansson (streaming and whole document)"
    [scoring]="securescore scan over 10M assessment rows of 1M resources: throughput, memory"
    [incremental]="one assessment change -> updated secure score: latency, exactness"
    [policy]="rule evaluation: evaluations/s per core; the Audit rules against a jq program"
    [scan]="securescore scan of 1M resources (ingest+evaluate+score) against simdjson parse_many"
    [server]="securescore serve: GET secureScores with wrk over keep-alive; resource PUTs with evaluation"
    [kql]="KQL summarize and join over 1M securityresources rows (ss_kql_run) against jq"
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

# ---------------------------------------------------------------- our programs

# Our programs get the project's warnings (the references keep WARN).
SS_WARN=(-Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes -Wwrite-strings
    -Wmissing-prototypes)

# ours_build NAME: builds bench/NAME.c against $BUILD/libsecurescore.a into $OUT/NAME.
ours_build() {
    rm -f "$OUT/$1"
    if [[ ! -f $BUILD/libsecurescore.a ]]; then
        fail "$BUILD/libsecurescore.a is missing (run make BUILD=$BUILD all); $1 is skipped"
        return 1
    fi
    # The library's own link flags, as the Makefile knows them.
    local -a libs
    read -r -a libs <<<"$(make --no-print-directory -s print-libs)"
    if ! $CC -std=c11 -O2 "${SS_WARN[@]}" -Iinclude -Isrc "bench/$1.c" \
        "$BUILD/libsecurescore.a" "${libs[@]}" -o "$OUT/$1"; then
        fail "bench/$1.c does not build against $BUILD/libsecurescore.a; skipped"
        return 1
    fi
}

# mem_budget: bytes a section may use (80 % of MemAvailable minus 256 MiB).
mem_budget() {
    local mem
    mem=$(mem_available)
    printf '%s' $((mem * 8 / 10 - (256 << 20)))
}

# ---------------------------------------------------------------- section: scoring

SC_K=10      # assessments per resource
SC_SUBS=20   # subscriptions
SC_CATALOG=catalog/recommendations.json

scoring_build() {
    note "building the scoring benchmark programs in $OUT/"
    ours_build gen_assessments || return 1
    if [[ ! -x $BUILD/securescore ]] || ! "$BUILD/securescore" scan --help >/dev/null 2>&1; then
        fail "$BUILD/securescore scan is missing (run make BUILD=$BUILD all)"
        return 1
    fi
    if [[ ! -x $OUT/ref_simdjson || bench/ref_simdjson.cpp -nt $OUT/ref_simdjson ]]; then
        # As in json_build: no SIMDJSON_THREADS_ENABLED, parse_many on one core.
        $CXX -std=c++17 -O2 -march=native "${WARN[@]}" bench/ref_simdjson.cpp -lsimdjson \
            -o "$OUT/ref_simdjson" || note "ref_simdjson does not build; the reference is skipped"
    fi
    SC_TIME=()
    if [[ -x /usr/bin/time ]]; then
        SC_TIME=(/usr/bin/time -v -o "$TMP/time.txt")
    else
        note "/usr/bin/time not found: peak RSS of securescore is not reported"
    fi
    return 0
}

# Sizes: SC_N resources through the pipe, SC_REF_N in the file the reference
# reads (a twentieth: simdjson parse_many must hold the whole file in memory,
# and loading 15 GB costs minutes on this VM), scaled by free memory and disk.
scoring_sizes() {
    local sample budget disk need f
    SC_N=$(icalc "1000000 * $BENCH_SCALE")
    ((SC_N < 1000)) && SC_N=1000
    sample=$("$OUT/gen_assessments" --resources 2000 --per-resource $SC_K --seed "$BENCH_SEED" \
        --catalog $SC_CATALOG | wc -c)
    SC_ROW_AVG=$((sample / (2000 * SC_K)))
    ((SC_ROW_AVG > 0)) || {
        fail "gen_assessments produced no output"
        return 1
    }
    # Memory: the state (target under 1.5 KB per resource); reserve 3 KB.
    budget=$(mem_budget)
    if ((SC_N * 3072 > budget)); then
        note "MemAvailable $(mib "$(mem_available)") MiB: scoring input scaled down"
        SC_SCALED+=" memory(state)"
        SC_N=$((budget / 3072))
    fi
    SC_REF_N=$((SC_N / 20))
    ((SC_REF_N < 1000)) && SC_REF_N=$((SC_N < 1000 ? SC_N : 1000))
    # Disk: the reference file plus 64 MB.
    disk=$(disk_available "$OUT")
    need=$((SC_REF_N * SC_K * SC_ROW_AVG + (64 << 20)))
    if ((need > disk * 9 / 10)); then
        f=$(calc "($disk * 0.9 - 67108864) / ($need - 67108864)")
        note "only $(mib "$disk") MiB free on disk, $(mib "$need") MiB wanted: reference file scaled by $f"
        SC_SCALED+=" disk"
        SC_REF_N=$(icalc "$SC_REF_N * ($f > 0 ? $f : 0)")
    fi
    # Memory: simdjson holds the whole file.
    if ((SC_REF_N * SC_K * SC_ROW_AVG * 11 / 10 > budget)); then
        note "MemAvailable $(mib "$(mem_available)") MiB: reference file scaled down"
        SC_SCALED+=" memory(reference)"
        SC_REF_N=$((budget * 10 / 11 / (SC_K * SC_ROW_AVG)))
    fi
    if ((SC_N < 100)); then
        fail "not enough memory for the scoring benchmark"
        return 1
    fi
    if ((SC_REF_N < 100)); then
        note "no room for the reference file: the simdjson comparison is skipped"
        SC_SCALED+=" (no reference file)"
        SC_REF_N=0
    fi
    return 0
}

# scoring_scan SOURCE N ORDER: one run of `securescore scan --format csv` over
# N resources' rows; SOURCE is pipe (from the generator), file ($TMP/assess.jsonl,
# SC_REF_N resources, shuffled) or empty. Prints a result line (bench_common.h
# fields) built from the shell's clock and /usr/bin/time -v; the CSV goes to
# $TMP/scan-SOURCE-ORDER.csv.
scoring_scan() {
    local src=$1 n=$2 order=$3 t0 t1 bytes rows rss=""
    local out="$TMP/scan-$src-$order.csv"
    rm -f "$TMP/time.txt"
    t0=$(now)
    case $src in
    pipe)
        "$OUT/gen_assessments" --resources "$n" --per-resource $SC_K --subscriptions $SC_SUBS \
            --seed "$BENCH_SEED" --order "$order" --catalog $SC_CATALOG --stats 2>"$TMP/gen.err" |
            "${SC_TIME[@]}" "$BUILD/securescore" scan --format csv - >"$out" || {
            cat "$TMP/gen.err" >&2
            return 1
        }
        bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$TMP/gen.err")
        rows=$(sed -n 's/.*rows=\([0-9]*\).*/\1/p' "$TMP/gen.err")
        ;;
    file)
        "${SC_TIME[@]}" "$BUILD/securescore" scan --format csv "$TMP/assess.jsonl" >"$out" ||
            return 1
        bytes=$(file_size "$TMP/assess.jsonl")
        rows=$((n * SC_K))
        ;;
    empty)
        "${SC_TIME[@]}" "$BUILD/securescore" scan --format csv - </dev/null >"$out" || return 1
        bytes=0 rows=0
        ;;
    esac
    t1=$(now)
    [[ -f $TMP/time.txt ]] &&
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time.txt")
    printf 'parser=ours mode=scan-%s-%s bytes=%s docs=%s resources=%s seconds=%s load_seconds=-1 rss_kb=%s\n' \
        "$src" "$order" "${bytes:-0}" "${rows:-0}" "$n" "$(calc "$t1 - $t0" "%.6f")" "${rss:--1}"
}

# scoring_row LABEL HOW LINE [EMPTY_RSS_KB]: one row of the scoring table.
scoring_row() {
    local label=$1 how=$2 line=$3 base=${4:-}
    if [[ $line == FAILED || -z $line ]]; then
        printf '  %-9s %-34s %11s\n' "$label" "$how" "n/a"
        return
    fi
    local bytes docs sec rss n per="" rssm="n/a"
    bytes=$(field "$line" bytes)
    docs=$(field "$line" docs)
    sec=$(field "$line" seconds)
    rss=$(field "$line" rss_kb)
    n=$(field "$line" resources)
    [[ -n $rss && $rss != -1 ]] && rssm=$(calc "$rss / 1024" "%.1f")
    [[ -n $base && -n $n && $n -gt 0 && $rss != -1 ]] &&
        per=$(calc "($rss - $base) * 1024 / $n" "%.0f")
    printf '  %-9s %-34s %11s %8s %9s %9s %10s\n' "$label" "$how" \
        "$(calc "$docs / $sec" "%.0f")" "$(calc "$bytes / $sec / 1e6" "%.1f")" \
        "$(calc "$sec" "%.3f")" "$rssm" "${per:--}"
}

# A CSV with its lines sorted (the row order follows the input's order of subscriptions).
sorted_csv() { LC_ALL=C sort "$1"; }

section_scoring() {
    local SC_SCALED="" SC_TIME=() pipe grouped empty file simd gen_mbps t0 t1
    local runs=${BENCH_LONG_RUNS:-1}
    scoring_build || return
    scoring_sizes || return

    note "scoring: $SC_N resources x $SC_K rows piped into securescore scan, shuffled" \
        "then grouped ($runs run(s) each)"
    pipe=$(BENCH_RUNS=$runs run_median scan-pipe scoring_scan pipe "$SC_N" shuffled)
    grouped=$(BENCH_RUNS=$runs run_median scan-grouped scoring_scan pipe "$SC_N" grouped)
    empty=$(BENCH_RUNS=1 run_median scan-empty scoring_scan empty 0 none)
    local base=""
    [[ $empty != FAILED ]] && base=$(field "$empty" rss_kb)
    [[ $base == -1 ]] && base=""

    # The output: one total row per subscription, and the same scores for
    # both orders of the same rows (sorted: rows follow the input's order).
    local nsub_rows=0 expect_subs=$SC_SUBS same=""
    ((SC_N < SC_SUBS)) && expect_subs=$SC_N
    if [[ $pipe != FAILED ]]; then
        nsub_rows=$(awk -F, '$1 == "subscription" && $4 == ""' "$TMP/scan-pipe-shuffled.csv" | wc -l)
        ((nsub_rows == expect_subs)) ||
            fail "scan printed $nsub_rows subscription totals, $expect_subs expected"
        [[ $(field "$pipe" docs) == $((SC_N * SC_K)) ]] ||
            fail "the generator wrote $(field "$pipe" docs) rows, $((SC_N * SC_K)) expected"
    fi
    if [[ $pipe != FAILED && $grouped != FAILED ]]; then
        if cmp -s <(sorted_csv "$TMP/scan-pipe-shuffled.csv") \
            <(sorted_csv "$TMP/scan-pipe-grouped.csv"); then
            same=yes
        else
            same=no
            fail "scan results differ between two orders of the same rows (sorted CSVs):"
            diff <(sorted_csv "$TMP/scan-pipe-shuffled.csv") \
                <(sorted_csv "$TMP/scan-pipe-grouped.csv") | head -n 6 >&2 || true
        fi
    fi

    file=FAILED simd=FAILED
    local ref_bytes=0
    if ((SC_REF_N > 0)); then
        note "scoring: reference file of $SC_REF_N resources: ours, simdjson ($BENCH_RUNS runs)"
        t0=$(now)
        "$OUT/gen_assessments" --resources "$SC_REF_N" --per-resource $SC_K \
            --subscriptions $SC_SUBS --seed "$BENCH_SEED" --catalog $SC_CATALOG >/dev/null
        t1=$(now)
        "$OUT/gen_assessments" --resources "$SC_REF_N" --per-resource $SC_K \
            --subscriptions $SC_SUBS --seed "$BENCH_SEED" --catalog $SC_CATALOG >"$TMP/assess.jsonl"
        ref_bytes=$(file_size "$TMP/assess.jsonl")
        gen_mbps=$(calc "$ref_bytes / ($t1 - $t0) / 1e6" "%.0f")
        file=$(run_median scan-file scoring_scan file "$SC_REF_N" shuffled)
        [[ -x $OUT/ref_simdjson ]] &&
            simd=$(run_median simdjson-assessments "$OUT/ref_simdjson" stream "$TMP/assess.jsonl")
        rm -f "$TMP/assess.jsonl"
        [[ $file == FAILED ]] && STATUS=1
        [[ -x $OUT/ref_simdjson && $simd == FAILED ]] && STATUS=1
    fi
    local l
    for l in "$pipe" "$grouped" "$empty"; do
        [[ $l == FAILED ]] && STATUS=1
    done

    say ""
    say "== scoring: ingest + score of Resource Graph assessment rows (securescore scan --format csv -)"
    if [[ $pipe != FAILED ]]; then
        say "  input: $SC_N resources x $SC_K = $((SC_N * SC_K)) rows over $SC_SUBS subscriptions," \
            "$(mb "$(field "$pipe" bytes)") MB of JSON Lines piped from gen_assessments,"
        say "  in a shuffled order, then grouped by resource (the same rows); $runs run(s) each" \
            "(BENCH_LONG_RUNS)"
    fi
    [[ -n $SC_SCALED ]] && say "  scaled down for:$SC_SCALED"
    printf '  %-9s %-34s %11s %8s %9s %9s %10s\n' program how "rows/s" "MB/s" seconds \
        "RSS MiB" "B/resource"
    scoring_row ours "scan, pipe, shuffled" "$pipe" "$base"
    scoring_row ours "scan, pipe, grouped by resource" "$grouped" "$base"
    scoring_row ours "scan, empty input" "$empty"
    if ((SC_REF_N > 0)); then
        say "  reference file: $SC_REF_N resources, $((SC_REF_N * SC_K)) rows, shuffled," \
            "$(mb "$ref_bytes") MB (generator alone: $gen_mbps MB/s); median of $BENCH_RUNS runs"
        scoring_row ours "scan, file" "$file" "$base"
        scoring_row simdjson "parse_many, file loaded first" "$simd"
        if [[ $simd != FAILED ]]; then
            say "  (simdjson spent $(calc "$(field "$simd" load_seconds)" "%.3f") s of its" \
                "$(calc "$(field "$simd" seconds)" "%.3f") s loading the file; parse+walk alone:" \
                "$(calc "$(field "$simd" bytes) / ($(field "$simd" seconds) - $(field "$simd" load_seconds)) / 1e6" "%.1f") MB/s)"
        fi
    fi
    case $same in
    yes) say "  results: $nsub_rows subscription scores, identical for both orders (sorted CSV)" ;;
    no) say "  results: DIFFER between the two orders of the same rows (see stderr)" ;;
    esac

    say ""
    say "== scoring: targets (DESIGN.md §10)"
    local per="" text="memory: (peak RSS - RSS of an empty run) / resource <= 1536 B"
    [[ $pipe != FAILED && -n $base && $(field "$pipe" rss_kb) != -1 ]] &&
        per=$(calc "($(field "$pipe" rss_kb) - $base) * 1024 / $SC_N" "%.0f")
    if [[ -n $per ]]; then
        printf '  %-64s %7s B  %s\n' "$text" "$per" \
            "$(awk -v v="$per" 'BEGIN { print (v <= 1536) ? "PASS" : "MISS" }')"
    else
        printf '  %-64s %9s  %s\n' "$text" "n/a" "n/a"
    fi
    say "  for information (ingest + score against parse only; the 3x target of §10 is for"
    say "  inventories through the policy evaluator):"
    local simd_s="" simd_core="" file_s="" pipe_s="" grouped_s=""
    [[ $simd != FAILED ]] && simd_s=$(field "$simd" seconds) &&
        simd_core=$(calc "$(field "$simd" seconds) - $(field "$simd" load_seconds)")
    [[ $file != FAILED ]] && file_s=$(field "$file" seconds)
    [[ $pipe != FAILED ]] && pipe_s=$(field "$pipe" seconds)
    [[ $grouped != FAILED ]] && grouped_s=$(field "$grouped" seconds)
    target_row "  time, same file: ours scan / simdjson parse_many (load included)" \
        "$(ratio "$file_s" "$simd_s")" info
    target_row "  time, same file: ours scan / simdjson parse+walk (load excluded)" \
        "$(ratio "$file_s" "$simd_core")" info
    local pipe_b="" simd_b=""
    [[ -n $pipe_s ]] && pipe_b=$(calc "$pipe_s / $(field "$pipe" bytes)")
    [[ -n $simd_core ]] && simd_b=$(calc "$simd_core / $(field "$simd" bytes)")
    target_row "  time per byte: ours pipe, shuffled / simdjson parse+walk" \
        "$(ratio "$pipe_b" "$simd_b")" info
    target_row "  time, pipe: shuffled / grouped by resource" \
        "$(ratio "$pipe_s" "$grouped_s")" info
    return 0
}

# ---------------------------------------------------------------- section: incremental

# f NAME: field NAME of the caller's result line `$line` (bash scoping is dynamic).
f() { field "$line" "$1"; }

section_incremental() {
    local n changes budget line
    ours_build bench_incremental || return
    n=$(icalc "1000000 * $BENCH_SCALE")
    ((n < 1000)) && n=1000
    changes=$(icalc "1000000 * $BENCH_SCALE")
    ((changes < 10000)) && changes=10000
    # Two states (the incremental one and the rebuild for the check), about
    # 700 B per resource each today; reserve 4 KB.
    local scaled=""
    budget=$(mem_budget)
    if ((n * 4096 > budget)); then
        note "MemAvailable $(mib "$(mem_available)") MiB: incremental state scaled down"
        scaled=" memory"
        n=$((budget / 4096))
        ((n >= 100)) || {
            fail "not enough memory for the incremental benchmark"
            return
        }
    fi
    local runs=${BENCH_LONG_RUNS:-1}
    note "incremental: $n resources, $changes changes ($runs run(s))"
    line=$(BENCH_RUNS=$runs run_median incremental "$OUT/bench_incremental" --resources "$n" --per-resource $SC_K \
        --subscriptions $SC_SUBS --changes "$changes" --seed "$BENCH_SEED")

    say ""
    say "== incremental: one assessment change -> updated secure score ($runs run(s), BENCH_LONG_RUNS)"
    [[ -n $scaled ]] && say "  scaled down for:$scaled"
    if [[ $line == FAILED ]]; then
        STATUS=1
        say "  n/a (bench_incremental failed, see stderr)"
        say ""
        say "== incremental: targets (DESIGN.md §10)"
        target_row "one change -> updated secure score: median <= 5 us" "" le 5
        return
    fi
    say "  state: $(f resources) resources, $(f assessments) assessments, $(f subs) subscriptions," \
        "built-in catalog, public API only"
    say "  initial load: $(calc "$(f build_seconds)" "%.3f") s," \
        "$(calc "$(f build_per_s) / 1e6" "%.2f") M assessments/s (ss_score_resource + ss_score_set," \
        "resource by resource); state $(f state_bytes_per_resource) B/resource"
    say "  $(f changes) changes: $(f flips) status flips, $(f removes) removals, $(f adds) re-additions;"
    say "  one change = ss_score_find_resource (by ARM id) + ss_score_set/remove + ss_score_sub_result"
    printf '  %-30s %9s %9s %9s %9s %9s\n' "latency (us)" median p99 p99.9 max mean
    printf '  %-30s %9s %9s %9s %9s %9s\n' "one change + updated score" "$(f median_us)" \
        "$(f p99_us)" "$(f p999_us)" "$(f max_us)" "$(f mean_us)"
    say "  (a clock read costs $(f timer_ns) ns, included; ss_score_sub_result alone:" \
        "$(f subresult_us) us median)"
    if [[ $(f check) == ok ]]; then
        say "  check: the incremental state equals a full rebuild from the final assessments" \
            "(every subscription, control and resource state)"
    else
        fail "incremental state differs from a full rebuild"
        say "  check: MISMATCH between the incremental state and a full rebuild (see stderr)"
    fi
    say ""
    say "== incremental: targets (DESIGN.md §10)"
    local med verdict
    med=$(f median_us)
    verdict=$(awk -v v="$med" 'BEGIN { print (v < 5) ? "PASS" : "MISS" }')
    printf '  %-64s %6s us  %s\n' "one change -> updated secure score: median < 5 us" \
        "$(calc "$med" "%.2f")" "$verdict"
    return 0
}

# ---------------------------------------------------------------- section: server

# wrk_run LABEL ARGS...: runs wrk, prints "rps p99_ms" (p99 in milliseconds).
wrk_run() {
    local label=$1 out rps p99
    shift
    out=$(wrk --latency "$@" 2>&1) || {
        fail "wrk $label failed: $out"
        echo " "
        return
    }
    printf '%s\n' "$out" >>"$RESULTS"
    rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')
    p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {
        v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        if (u == "us") v /= 1000; else if (u == "s") v *= 1000; print v }')
    echo "$rps $p99"
}

section_server() {
    command -v wrk >/dev/null || {
        fail "wrk is not installed (scripts/install-deps.sh bench)"
        return
    }
    [[ -x $BUILD/securescore ]] || {
        fail "$BUILD/securescore is missing"
        return
    }
    local n secs dir port db tok pid
    n=$(icalc "20000 * $BENCH_SCALE")
    ((n < 200)) && n=200
    secs=$(icalc "10 * $BENCH_SCALE")
    ((secs < 3)) && secs=3
    dir=$TMP/server
    mkdir -p "$dir/data"
    local sub=44444444-dddd-4ddd-8ddd-000000000004
    python3 - "$dir/data" "$sub" "$n" <<'EOF'
import json, sys
d, sub, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
json.dump({"data": [{"id": f"/subscriptions/{sub}", "type": "microsoft.resources/subscriptions",
                     "subscriptionId": sub, "properties": {"state": "Enabled"}}]},
          open(f"{d}/containers.json", "w"))
with open(f"{d}/inventory.jsonl", "w") as f:
    for i in range(n):
        good = i % 3 == 0
        f.write(json.dumps({"id": f"/subscriptions/{sub}/resourceGroups/rg{i % 50}/providers/Microsoft.Storage/storageAccounts/sa{i}",
                            "type": "Microsoft.Storage/storageAccounts", "location": "westeurope",
                            "properties": {"supportsHttpsTrafficOnly": good, "minimumTlsVersion": "TLS1_2" if good else "TLS1_0"}}) + "\n")
EOF
    db=$dir/bench.db
    tok=$("$BUILD/securescore" token create --db "$db" --principal bench --role Owner --scope / | tail -n 1)
    local t0 t1
    t0=$(now)
    # One server thread: wrk needs the other core (research/bench.md §2 measured
    # libmicrohttpd the same way, -t1 -c50).
    "$BUILD/securescore" serve --db "$db" --listen 127.0.0.1:0 --ready-file "$dir/port" \
        --threads 1 --import "$dir/data" 2>"$dir/server.log" &
    pid=$!
    local _
    for _ in $(seq 1 600); do
        [[ -s $dir/port ]] && break
        sleep 0.1
    done
    t1=$(now)
    port=$(cat "$dir/port" 2>/dev/null || true)
    [[ -n $port ]] || {
        fail "securescore serve did not start: $(cat "$dir/server.log")"
        kill "$pid" 2>/dev/null
        return
    }
    local base="http://127.0.0.1:$port"
    local get="$base/subscriptions/$sub/providers/Microsoft.Security/secureScores?api-version=2020-01-01"
    note "server: $n resources imported; wrk ${secs}s per measurement"
    local h s p
    h=$(wrk_run healthz -t1 -c50 -d"${secs}s" "$base/healthz")
    s=$(wrk_run secureScores -t1 -c50 -d"${secs}s" -H "Authorization: Bearer $tok" "$get")
    cat >"$dir/put.lua" <<EOF
local n = 0
local tid = 0
local threads = {}
function setup(thread) tid = tid + 1; thread:set("tid", tid) end
function request()
    n = n + 1
    local good = n % 3 == 0
    local body = '{"location":"westeurope","properties":{"supportsHttpsTrafficOnly":' ..
        tostring(good) .. ',"minimumTlsVersion":"' .. (good and "TLS1_2" or "TLS1_0") .. '"}}'
    return wrk.format("PUT", "/subscriptions/$sub/resourceGroups/put" .. tid ..
        "/providers/Microsoft.Storage/storageAccounts/p" .. n .. "?api-version=2023-01-01",
        {["Authorization"] = "Bearer $tok", ["Content-Type"] = "application/json"}, body)
end
EOF
    p=$(wrk_run put -t1 -c8 -d"${secs}s" -s "$dir/put.lua" "$base")
    local check
    check=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "$get")
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    local hr=${h% *} hp=${h#* } sr=${s% *} sp=${s#* } pr=${p% *} pp=${p#* }
    say ""
    say "== server: securescore serve --threads 1, plain HTTP on loopback, wrk -t1 -c50 keep-alive"
    say "  $n resources imported and evaluated at start in $(calc "$t1 - $t0" "%.2f") s (includes startup)"
    printf '  %-46s %12s %10s\n' "endpoint" "requests/s" "p99 (ms)"
    printf '  %-46s %12s %10s\n' "GET /healthz (no auth: the transport ceiling)" "$hr" "$hp"
    printf '  %-46s %12s %10s\n' "GET secureScores (token, lock, JSON)" "$sr" "$sp"
    printf '  %-46s %12s %10s\n' "PUT resource (evaluate, score, commit)" "$pr" "$pp"
    say "  secureScores / healthz: $(calc "$(ratio "$sr" "$hr")" "%.2f")x of the transport ceiling"
    [[ $check == 200 ]] || fail "secureScores answered $check after the run"
    say ""
    say "== server: targets (DESIGN.md §10)"
    local v1 v2
    v1=$(awk -v v="$sr" 'BEGIN { print (v >= 50000) ? "PASS" : "MISS" }')
    v2=$(awk -v v="$sp" 'BEGIN { print (v != "" && v < 2) ? "PASS" : "MISS" }')
    printf '  %-64s %9s  %s\n' "GET secureScores >= 50,000 requests/s" "$sr" "$v1"
    printf '  %-64s %6s ms  %s\n' "GET secureScores p99 < 2 ms" "$sp" "$v2"
    return 0
}

# ---------------------------------------------------------------- section: policy

POL_RULES=catalog/rules

# policy_build: bench_policy, the generator, and the jq program from our rules.
policy_build() {
    note "building the policy benchmark programs in $OUT/"
    if [[ ! -x $OUT/gen_inventory || bench/gen_inventory.c -nt $OUT/gen_inventory ]]; then
        $CC -std=c11 -O2 "${WARN[@]}" bench/gen_inventory.c -o "$OUT/gen_inventory" || {
            fail "bench/gen_inventory.c does not build"
            return 1
        }
    fi
    ours_build bench_policy || return 1
    POL_JQ=""
    if ! command -v jq >/dev/null; then
        note "jq not found: the jq reference is skipped (scripts/install-deps.sh bench)"
    elif ! command -v python3 >/dev/null; then
        note "python3 not found: the jq program cannot be generated; the jq reference is skipped"
    elif python3 bench/rules_to_jq.py --rules $POL_RULES -o "$OUT/rules.jq" 2>"$TMP/jqgen.err"; then
        POL_JQ=$OUT/rules.jq
        POL_JQ_NOTE=$(grep -o '[0-9]* translated, [0-9]* not translated' "$TMP/jqgen.err" || true)
        POL_JQ_SKIPPED=$(sed -n 's/^rules_to_jq:   not translated: //p' "$TMP/jqgen.err")
    else
        cat "$TMP/jqgen.err" >&2
        fail "bench/rules_to_jq.py failed; the jq reference is skipped"
    fi
    return 0
}

# policy_jq FILE OUT: one timed run of the generated jq program (result line
# from the shell's clock).
policy_jq() {
    local t0 t1 n
    t0=$(now)
    jq -r -f "$POL_JQ" "$1" >"$2" || return 1
    t1=$(now)
    n=$(wc -l <"$2" | tr -d ' ')
    printf 'parser=jq mode=policy-stream bytes=%s docs=%s seconds=%s load_seconds=-1 rss_kb=-1 resources_per_s=%s\n' \
        "$(file_size "$1")" "$n" "$(calc "$t1 - $t0" "%.6f")" "$(calc "$n / ($t1 - $t0)" "%.0f")"
}

# policy_row LABEL HOW LINE: resources/s, evaluations/s per core, seconds, outcome counts.
policy_row() {
    local label=$1 how=$2 line=$3
    if [[ $line == FAILED || -z $line ]]; then
        printf '  %-6s %-40s %12s\n' "$label" "$how" "n/a"
        return
    fi
    local evps ev
    evps=$(field "$line" evals_per_s)
    ev=$(field "$line" evals)
    printf '  %-6s %-40s %12s %13s %9s %9s %9s %9s\n' "$label" "$how" \
        "$(calc "$(field "$line" docs) / $(field "$line" seconds)" "%.0f")" "${evps:--}" \
        "$(calc "$(field "$line" seconds)" "%.3f")" "${ev:--}" "$(field "$line" healthy)" \
        "$(field "$line" unhealthy)"
}

section_policy() {
    local POL_JQ="" POL_JQ_NOTE="" POL_JQ_SKIPPED="" n sample avg budget scaled=""
    policy_build || return
    n=$(icalc "100000 * $BENCH_SCALE")
    ((n < 1000)) && n=1000
    sample=$(icalc "10000 * $BENCH_SCALE")
    ((sample < 1000)) && sample=1000
    ((sample > n)) && sample=$n
    avg=$("$OUT/gen_inventory" --count 2000 --seed "$BENCH_SEED" --profile policy | wc -c)
    avg=$((avg / 2000))
    # Memory: every resource in its own document plus the inventory index,
    # about 3.2 KB a resource today; reserve 5 KB. Disk: the two files.
    budget=$(mem_budget)
    if ((n * 5120 > budget)); then
        note "MemAvailable $(mib "$(mem_available)") MiB: policy inventory scaled down"
        scaled+=" memory"
        n=$((budget / 5120))
    fi
    local disk
    disk=$(disk_available "$OUT")
    if ((2 * n * avg + (64 << 20) > disk * 9 / 10)); then
        note "only $(mib "$disk") MiB free on disk: policy inventory scaled down"
        scaled+=" disk"
        n=$(((disk * 9 / 10 - (64 << 20)) / (2 * avg)))
    fi
    if ((n < 100)); then
        fail "not enough memory or disk for the policy benchmark"
        return
    fi
    ((sample > n)) && sample=$n

    note "policy: generating $n resources (default and policy profiles) into $TMP/"
    "$OUT/gen_inventory" --count "$n" --seed "$BENCH_SEED" --profile policy >"$TMP/pol.jsonl"
    "$OUT/gen_inventory" --count "$n" --seed "$BENCH_SEED" >"$TMP/pol-default.jsonl"
    head -n "$sample" "$TMP/pol.jsonl" >"$TMP/pol-sample.jsonl"

    note "policy: all $(find $POL_RULES -maxdepth 1 -name '*.json' | wc -l) rules on $n resources ($BENCH_RUNS runs each)"
    local all def audit jqline=FAILED
    all=$(run_median policy-all "$OUT/bench_policy" --rules $POL_RULES "$TMP/pol.jsonl")
    def=$(run_median policy-default "$OUT/bench_policy" --rules $POL_RULES "$TMP/pol-default.jsonl")
    note "policy: Audit rules on a $sample-resource sample: ours, then jq"
    audit=$(run_median policy-audit "$OUT/bench_policy" --rules $POL_RULES --audit-only --stream \
        --outcomes "$TMP/ours.txt" "$TMP/pol-sample.jsonl")
    [[ -n $POL_JQ ]] &&
        jqline=$(BENCH_RUNS=1 run_median jq-audit policy_jq "$TMP/pol-sample.jsonl" "$TMP/jq.txt")
    local l
    for l in "$all" "$def" "$audit"; do
        [[ $l == FAILED ]] && STATUS=1
    done
    [[ -n $POL_JQ && $jqline == FAILED ]] && STATUS=1
    local cmpout=""
    if [[ $audit != FAILED && $jqline != FAILED ]]; then
        cmpout=$(python3 bench/rules_to_jq.py --rules $POL_RULES --compare "$TMP/ours.txt" \
            "$TMP/jq.txt") || fail "comparing the outcomes of ours and jq failed"
        printf 'policy-compare %s\n' "$(head -n 1 <<<"$cmpout")" >>"$RESULTS"
    fi
    # The same comparison on the rules' own test resources (catalog/rule-cases/):
    # the edge cases the generated inventory may not reach.
    local casesout=""
    if [[ -n $POL_JQ && -d catalog/rule-cases ]] && python3 -c '
import glob, json, sys
with open(sys.argv[1], "w") as out:
    for f in sorted(glob.glob(sys.argv[2] + "/*.json")):
        d = json.load(open(f))
        for k in ("healthy", "unhealthy", "notApplicable", "related"):
            for r in d.get(k, []):
                out.write(json.dumps(r) + "\n")' "$TMP/cases.jsonl" "catalog/rule-cases" &&
        "$OUT/bench_policy" --rules $POL_RULES --audit-only --stream \
            --outcomes "$TMP/ours-cases.txt" "$TMP/cases.jsonl" >/dev/null &&
        jq -r -f "$POL_JQ" "$TMP/cases.jsonl" >"$TMP/jq-cases.txt"; then
        casesout=$(python3 bench/rules_to_jq.py --rules $POL_RULES --compare \
            "$TMP/ours-cases.txt" "$TMP/jq-cases.txt") ||
            fail "comparing the outcomes of ours and jq on the rule cases failed"
        printf 'policy-compare-cases %s\n' "$(head -n 1 <<<"$casesout")" >>"$RESULTS"
    elif [[ -n $POL_JQ ]]; then
        fail "running ours or jq on the rules' test cases failed"
    fi
    rm -f "$TMP/pol.jsonl" "$TMP/pol-default.jsonl" "$TMP/pol-sample.jsonl" "$TMP/cases.jsonl"

    say ""
    say "== policy: rule evaluation (ss_policy_evaluate, one ss_policy_eval, 1 thread; median of $BENCH_RUNS runs)"
    [[ $all != FAILED ]] &&
        say "  $(field "$all" rules) built-in rules from $POL_RULES, bucketed by ss_policy_types" \
            "($(field "$all" typed_rules) typed); each resource meets only the rules of its type"
    say "  input: $n generated resources (gen_inventory --profile policy: $(mb "$(field "$all" bytes)") MB;" \
        "the default mix for comparison), all loaded and indexed as the related-resource inventory first"
    [[ -n $scaled ]] && say "  scaled down for:$scaled"
    printf '  %-6s %-40s %12s %13s %9s %9s %9s %9s\n' "" how "resources/s" "evals/s/core" seconds \
        evals healthy unhealthy
    policy_row ours "148 rules, policy mix" "$all"
    policy_row ours "148 rules, default mix (json section's)" "$def"
    if [[ $all != FAILED ]]; then
        say "  (policy mix: $(calc "$(field "$all" evals) / $(field "$all" docs)" "%.2f") evaluations" \
            "per resource, $(field "$all" notapplicable) NotApplicable, $(field "$all" errors) errors;" \
            "loading + indexing took $(calc "$(field "$all" load_seconds)" "%.2f") s, not timed;" \
            "peak RSS $(calc "$(field "$all" rss_kb) / 1024" "%.0f") MiB)"
    fi
    if [[ $def != FAILED ]]; then
        say "  (default mix: $(calc "$(field "$def" evals) / $(field "$def" docs)" "%.2f") evaluations" \
            "per resource: NICs, disks, public IPs and NSGs, 55 % of it, meet no built-in rule)"
    fi

    say ""
    say "== policy: the Audit rules against jq (read + evaluate, one resource at a time;" \
        "$sample resources, ours median of $BENCH_RUNS runs, jq 1 run)"
    if [[ -n $POL_JQ ]]; then
        say "  jq program generated by bench/rules_to_jq.py from the same rules ($POL_JQ_NOTE):" \
            "jq -r -f $POL_JQ"
        [[ -n $POL_JQ_SKIPPED ]] && say "  not translated (outcome '?', left out of the comparison): $POL_JQ_SKIPPED"
    else
        say "  jq reference skipped (see stderr)"
    fi
    printf '  %-6s %-40s %12s %13s %9s %9s %9s %9s\n' "" how "resources/s" "evals/s/core" seconds \
        evals healthy unhealthy
    policy_row ours "$(field "$audit" rules) Audit rules, bench_policy --stream" "$audit"
    if [[ $jqline != FAILED ]]; then
        printf '  %-6s %-40s %12s %13s %9s\n' jq "generated program, jq $(jq --version 2>/dev/null | sed 's/^jq-//')" \
            "$(field "$jqline" resources_per_s)" - "$(calc "$(field "$jqline" seconds)" "%.3f")"
    fi
    if [[ -n $cmpout ]]; then
        local c
        c=$(head -n 1 <<<"$cmpout")
        say "  agreement: $(field "$c" agree) of $(field "$c" evals) rule evaluations" \
            "($(calc "100 * $(field "$c" agree) / $(field "$c" evals)" "%.3f") %; $(field "$c" applicable)" \
            "applicable), $(field "$c" resources_agree) of $(field "$c" resources) resources agree on every rule"
        if [[ $(field "$c" disagree) != 0 ]]; then
            say "  disagreements (rule, ours, jq, count) - for the lead, see also $RESULTS:"
            grep '^disagree' <<<"$cmpout" | sed 's/^disagree /    /'
            grep '^disagree' <<<"$cmpout" | sed 's/^/policy-/' >>"$RESULTS"
        fi
    fi

    if [[ -n $casesout ]]; then
        local c
        c=$(head -n 1 <<<"$casesout")
        say "  on the rules' test resources (catalog/rule-cases, $(field "$c" resources) resources):" \
            "$(field "$c" agree) of $(field "$c" evals) rule evaluations agree" \
            "($(field "$c" applicable) applicable)"
        if [[ $(field "$c" disagree) != 0 ]]; then
            grep '^disagree' <<<"$casesout" | sed 's/^disagree /    /'
            grep '^disagree' <<<"$casesout" | sed 's/^/policy-cases-/' >>"$RESULTS"
        fi
    fi

    say ""
    say "== policy: targets (DESIGN.md §10)"
    local ratio_jq=""
    [[ $audit != FAILED && $jqline != FAILED ]] &&
        ratio_jq=$(calc "$(field "$jqline" seconds) / $(field "$audit" seconds)")
    target_row "per-resource throughput: ours / jq program from our rules >= 20" "$ratio_jq" ge 20
    if [[ $all != FAILED ]]; then
        say "  for information: $(calc "$(field "$all" evals_per_s) / 1e6" "%.2f") M resource-rule" \
            "evaluations per second per core, $(calc "$(field "$all" docs) / $(field "$all" seconds) / 1e3" "%.0f") k" \
            "resources/s (148 rules, policy mix, evaluation alone)"
    fi
    return 0
}

# ---------------------------------------------------------------- section: scan

# scan_run SOURCE N: one `securescore scan --format csv` over N generated
# resources (policy profile): SOURCE pipe (from the generator) or file
# ($TMP/scan.jsonl). Result line from the shell's clock and /usr/bin/time -v.
scan_run() {
    local src=$1 n=$2 t0 t1 rss="" bytes
    rm -f "$TMP/time.txt"
    t0=$(now)
    case $src in
    pipe)
        "$OUT/gen_inventory" --count "$n" --seed "$BENCH_SEED" --profile policy |
            "${SC_TIME[@]}" "$BUILD/securescore" scan --format csv - >"$TMP/scan-$src.csv" || return 1
        bytes=$SCAN_BYTES
        ;;
    file | file-noeval)
        local -a opt=()
        [[ $src == file-noeval ]] && opt=(--no-evaluate)
        "${SC_TIME[@]}" "$BUILD/securescore" scan --format csv "${opt[@]}" "$TMP/scan.jsonl" \
            >"$TMP/scan-$src.csv" || return 1
        bytes=$(file_size "$TMP/scan.jsonl")
        ;;
    esac
    t1=$(now)
    [[ -f $TMP/time.txt ]] &&
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time.txt")
    printf 'parser=ours mode=scan-inventory-%s bytes=%s docs=%s seconds=%s load_seconds=-1 rss_kb=%s\n' \
        "$src" "$bytes" "$n" "$(calc "$t1 - $t0" "%.6f")" "${rss:--1}"
}

scan_row() {
    local label=$1 how=$2 line=$3
    if [[ $line == FAILED || -z $line ]]; then
        printf '  %-9s %-40s %12s\n' "$label" "$how" "n/a"
        return
    fi
    local rss rssm="n/a"
    rss=$(field "$line" rss_kb)
    [[ -n $rss && $rss != -1 ]] && rssm=$(calc "$rss / 1024" "%.1f")
    printf '  %-9s %-40s %12s %8s %9s %9s\n' "$label" "$how" \
        "$(calc "$(field "$line" docs) / $(field "$line" seconds)" "%.0f")" \
        "$(calc "$(field "$line" bytes) / $(field "$line" seconds) / 1e6" "%.1f")" \
        "$(calc "$(field "$line" seconds)" "%.3f")" "$rssm"
}

section_scan() {
    local SC_TIME=() n ref_n avg budget disk scaled="" evaluates=yes
    if [[ ! -x $OUT/gen_inventory || bench/gen_inventory.c -nt $OUT/gen_inventory ]]; then
        $CC -std=c11 -O2 "${WARN[@]}" bench/gen_inventory.c -o "$OUT/gen_inventory" || {
            fail "bench/gen_inventory.c does not build"
            return
        }
    fi
    if [[ ! -x $BUILD/securescore ]] || ! "$BUILD/securescore" scan --help >/dev/null 2>&1; then
        fail "$BUILD/securescore scan is missing (run make BUILD=$BUILD all)"
        return
    fi
    # Rule evaluation in scan is on by default where --no-evaluate exists.
    "$BUILD/securescore" scan --help 2>&1 | grep -e '--no-evaluate' >/dev/null || evaluates=no
    if [[ ! -x $OUT/ref_simdjson || bench/ref_simdjson.cpp -nt $OUT/ref_simdjson ]]; then
        # As in json_build: no SIMDJSON_THREADS_ENABLED, parse_many on one core.
        $CXX -std=c++17 -O2 -march=native "${WARN[@]}" bench/ref_simdjson.cpp -lsimdjson \
            -o "$OUT/ref_simdjson" || note "ref_simdjson does not build; the reference is skipped"
    fi
    [[ -x /usr/bin/time ]] && SC_TIME=(/usr/bin/time -v -o "$TMP/time.txt")

    n=$(icalc "1000000 * $BENCH_SCALE")
    ((n < 1000)) && n=1000
    avg=$("$OUT/gen_inventory" --count 2000 --seed "$BENCH_SEED" --profile policy | wc -c)
    avg=$((avg / 2000))
    # Memory: the scan keeps the inventory for the related-resource rules
    # (about 3 KB a resource with its documents); simdjson holds the whole
    # file (1.3x). The file for the reference: all N resources if disk and
    # memory allow, else a sample.
    budget=$(mem_budget)
    if ((n * 4096 > budget)); then
        note "MemAvailable $(mib "$(mem_available)") MiB: scan input scaled down"
        scaled+=" memory(scan)"
        n=$((budget / 4096))
    fi
    ref_n=$n
    disk=$(disk_available "$OUT")
    if ((ref_n * avg + (64 << 20) > disk * 9 / 10)); then
        ref_n=$(((disk * 9 / 10 - (64 << 20)) / avg))
        scaled+=" disk(reference file)"
    fi
    if ((ref_n * avg * 13 / 10 > budget)); then
        ref_n=$((budget * 10 / 13 / avg))
        scaled+=" memory(reference file)"
    fi
    if ((n < 100 || ref_n < 100)); then
        fail "not enough memory or disk for the scan benchmark"
        return
    fi
    SCAN_BYTES=$("$OUT/gen_inventory" --count "$n" --seed "$BENCH_SEED" --profile policy | wc -c | tr -d ' ')

    local runs=${BENCH_LONG_RUNS:-1} pipe file noeval=FAILED simd=FAILED
    note "scan: $n resources piped into securescore scan, then a file of $ref_n: ours" \
        "($runs run(s) each, BENCH_LONG_RUNS), simdjson ($BENCH_RUNS runs)"
    pipe=$(BENCH_RUNS=$runs run_median scan-inventory-pipe scan_run pipe "$n")
    "$OUT/gen_inventory" --count "$ref_n" --seed "$BENCH_SEED" --profile policy >"$TMP/scan.jsonl"
    file=$(BENCH_RUNS=$runs run_median scan-inventory-file scan_run file "$ref_n")
    [[ $evaluates == yes ]] &&
        noeval=$(BENCH_RUNS=$runs run_median scan-inventory-noeval scan_run file-noeval "$ref_n")
    [[ -x $OUT/ref_simdjson ]] &&
        simd=$(run_median simdjson-inventory "$OUT/ref_simdjson" stream "$TMP/scan.jsonl")
    local ref_bytes
    ref_bytes=$(file_size "$TMP/scan.jsonl")
    rm -f "$TMP/scan.jsonl"
    [[ $pipe == FAILED || $file == FAILED ]] && STATUS=1
    [[ $evaluates == yes && $noeval == FAILED ]] && STATUS=1
    [[ -x $OUT/ref_simdjson && $simd == FAILED ]] && STATUS=1
    local nsubs=""
    [[ $pipe != FAILED ]] &&
        nsubs=$(awk -F, '$1 == "subscription" && $4 == ""' "$TMP/scan-pipe.csv" | wc -l)

    say ""
    say "== scan: ingest + evaluate + score of an inventory (securescore scan --format csv)"
    if [[ $evaluates == yes ]]; then
        say "  rule evaluation: on (the built-in rules; scan has --no-evaluate)"
    else
        say "  rule evaluation: NOT WIRED in this build (no --no-evaluate in scan --help):" \
            "ingest + score only"
    fi
    say "  input: $n resources (gen_inventory --profile policy), $(mb "$SCAN_BYTES") MB of JSON Lines" \
        "piped; the file: $ref_n resources, $(mb "$ref_bytes") MB; ours $runs run(s) each" \
        "(BENCH_LONG_RUNS), simdjson median of $BENCH_RUNS runs"
    [[ -n $scaled ]] && say "  scaled down for:$scaled"
    printf '  %-9s %-40s %12s %8s %9s %9s\n' program how "resources/s" "MB/s" seconds "RSS MiB"
    scan_row ours "scan, pipe from the generator" "$pipe"
    scan_row ours "scan, file" "$file"
    [[ $evaluates == yes ]] && scan_row ours "scan --no-evaluate, file (ingest + score)" "$noeval"
    scan_row simdjson "parse_many, file loaded first" "$simd"
    if [[ $simd != FAILED ]]; then
        say "  (simdjson spent $(calc "$(field "$simd" load_seconds)" "%.3f") s of its" \
            "$(calc "$(field "$simd" seconds)" "%.3f") s loading the file; parse+walk alone:" \
            "$(calc "$(field "$simd" bytes) / ($(field "$simd" seconds) - $(field "$simd" load_seconds)) / 1e6" "%.1f") MB/s)"
    fi
    [[ -n $nsubs ]] && say "  output: $nsubs subscription scores"
    if [[ $pipe != FAILED && $(field "$pipe" rss_kb) != -1 ]]; then
        say "  memory (pipe): peak RSS $(calc "$(field "$pipe" rss_kb) * 1024 / $n" "%.0f") B per resource," \
            "$(calc "($(field "$pipe" rss_kb) * 1024 - $SCAN_BYTES) / $n" "%.0f") B beyond its raw JSON" \
            "($(calc "$SCAN_BYTES / $n" "%.0f") B; DESIGN.md §10: under 1536 B)"
    fi

    say ""
    say "== scan: targets (DESIGN.md §10)"
    local simd_s="" simd_core="" file_s="" ratio_file=""
    [[ $simd != FAILED ]] && simd_s=$(field "$simd" seconds) &&
        simd_core=$(calc "$(field "$simd" seconds) - $(field "$simd" load_seconds)")
    [[ $file != FAILED ]] && file_s=$(field "$file" seconds)
    ratio_file=$(ratio "$file_s" "$simd_s")
    local label="time, same file: ours scan / simdjson parse_many <= 3"
    [[ $evaluates == no ]] && label="time, same file: ours scan (NO evaluation) / parse_many <= 3"
    target_row "$label" "$ratio_file" le 3
    say "  for information:"
    target_row "  time, same file: ours scan / simdjson parse+walk (load excluded)" \
        "$(ratio "$file_s" "$simd_core")" info
    local pipe_b="" simd_b=""
    [[ $pipe != FAILED ]] && pipe_b=$(calc "$(field "$pipe" seconds) / $(field "$pipe" bytes)")
    [[ -n $simd_core ]] && simd_b=$(calc "$simd_core / $(field "$simd" bytes)")
    target_row "  time per byte: ours pipe / simdjson parse+walk (load excluded)" \
        "$(ratio "$pipe_b" "$simd_b")" info
    if [[ $evaluates == yes && $noeval != FAILED && -n $file_s ]]; then
        target_row "  time, same file: ours scan --no-evaluate / simdjson parse_many" \
            "$(ratio "$(field "$noeval" seconds)" "$simd_s")" info
        say "  (rule evaluation, with keeping and indexing the resources for it, takes" \
            "$(calc "100 * ($file_s - $(field "$noeval" seconds)) / $file_s" "%.0f") % of the scan's time)"
    fi
    return 0
}

# ---------------------------------------------------------------- section: kql

KQL_K=10 # assessments per resource, as in the scoring section

# kql_jq_summarize FILE / kql_jq_join FILE RESOURCES: the reference queries in
# jq, printing the groups as bench_kql's `result` line does (KEY=COUNT,...).
kql_jq_summarize() {
    jq -r -s 'group_by(.properties.status.code)
        | map("\(.[0].properties.status.code)=\(length)") | join(",")' "$1"
}
kql_jq_join() {
    jq -n -r --slurpfile res "$2" '
        ($res[0] | map({key: .id, value: .location}) | from_entries) as $m
        | reduce (inputs | select(.type == "microsoft.security/assessments")
                  | $m[.properties.resourceDetails.Id] // empty) as $l ({}; .[$l] += 1)
        | to_entries | sort_by(.key) | map("\(.key)=\(.value)") | join(",")' "$1"
}

# kql_jq TAG FN ARGS...: runs a jq reference once; prints "seconds=S result=R" or FAILED.
kql_jq() {
    local tag=$1 fn=$2 t0 t1 out
    shift 2
    t0=$(now)
    if ! out=$("$fn" "$@" 2>"$TMP/stderr"); then
        note "jq $tag failed: $(tail -n 3 "$TMP/stderr")"
        printf 'FAILED'
        return 0
    fi
    t1=$(now)
    printf 'jq-%s seconds=%s result=%s\n' "$tag" "$(calc "$t1 - $t0" "%.6f")" "$out" >>"$RESULTS"
    printf 'seconds=%s result=%s' "$(calc "$t1 - $t0" "%.6f")" "$out"
}

# kql_line OUTPUT MODE: bench_kql's result line of MODE, or FAILED.
kql_line() {
    local l
    l=$(grep "^parser=ours mode=$2 " <<<"$1" | tail -n 1) || true
    printf '%s' "${l:-FAILED}"
}
# kql_groups OUTPUT MODE: the groups of bench_kql's `result` line of MODE.
kql_groups() {
    grep "^result mode=$2 " <<<"$1" | tail -n 1 | sed 's/^result mode=[^ ]* //' || true
}

kql_row() {
    local label=$1 how=$2 n=$3 sec=$4
    if [[ -z $sec ]]; then
        printf '  %-6s %-52s %12s\n' "$label" "$how" "n/a"
        return
    fi
    printf '  %-6s %-52s %12s %10s\n' "$label" "$how" "$(calc "$n / $sec" "%.0f")" \
        "$(calc "$sec" "%.3f")"
}

section_kql() {
    local n sample avg budget disk scaled="" full="" part="" jq_s=FAILED jq_j=FAILED
    note "building the KQL benchmark programs in $OUT/"
    ours_build gen_assessments || return 0
    ours_build bench_kql || return 0
    command -v jq >/dev/null || note "jq not found: the reference is skipped"

    n=$(icalc "1000000 * $BENCH_SCALE")
    ((n < 1000)) && n=1000
    avg=$("$OUT/gen_assessments" --resources 200 --per-resource $KQL_K --seed "$BENCH_SEED" \
        --catalog $SC_CATALOG | wc -c)
    avg=$((avg / (200 * KQL_K)))
    # Memory: bench_kql holds the text, its copy as one array while parsing, the
    # nodes (0.65x) and the engine's intermediate columns: about 4x the JSON.
    budget=$(mem_budget)
    if ((n * avg * 4 > budget)); then
        note "MemAvailable $(mib "$(mem_available)") MiB: the KQL table scaled down"
        scaled+=" memory"
        n=$((budget / 4 / avg))
    fi
    n=$((n / KQL_K * KQL_K))
    # jq slurps the sample (group_by needs it whole): a twentieth, at least 1000 rows.
    sample=$((n / 20))
    ((sample < 1000)) && sample=$((n < 1000 ? n : 1000))
    disk=$(disk_available "$OUT")
    if ((sample * avg + (64 << 20) > disk * 9 / 10)); then
        sample=$(((disk * 9 / 10 - (64 << 20)) / avg))
        scaled+=" disk(sample)"
    fi
    if ((n < 1000 || sample < 100)); then
        fail "not enough memory or disk for the KQL benchmark"
        return 0
    fi

    # The size of the piped stream (deterministic), so bench_kql allocates its buffer once.
    local bytes
    bytes=$("$OUT/gen_assessments" --resources $((n / KQL_K)) --per-resource $KQL_K \
        --seed "$BENCH_SEED" --catalog $SC_CATALOG | wc -c | tr -d ' ')
    note "kql: $n assessment rows piped into bench_kql ($BENCH_RUNS runs of the summarize," \
        "${BENCH_LONG_RUNS:-1} of the join)"
    full=$("$OUT/gen_assessments" --resources $((n / KQL_K)) --per-resource $KQL_K \
        --seed "$BENCH_SEED" --catalog $SC_CATALOG | "$OUT/bench_kql" --rows - \
        --bytes "$bytes" --runs "$BENCH_RUNS" --join-runs "${BENCH_LONG_RUNS:-1}" \
        2>"$TMP/stderr") || {
        fail "bench_kql failed on $n rows: $(tail -n 3 "$TMP/stderr")"
        full=""
    }
    { "$OUT/gen_assessments" --resources $((n / KQL_K)) --per-resource $KQL_K \
        --seed "$BENCH_SEED" --catalog $SC_CATALOG || true; } | head -n "$sample" \
        >"$TMP/kql-sample.jsonl"
    note "kql: the first $sample rows: bench_kql, then jq"
    part=$("$OUT/bench_kql" --rows "$TMP/kql-sample.jsonl" --runs "$BENCH_RUNS" \
        --resources-out "$TMP/kql-resources.json" 2>"$TMP/stderr") || {
        fail "bench_kql failed on the sample: $(tail -n 3 "$TMP/stderr")"
        part=""
    }
    printf 'kql-full %s\nkql-sample %s\n' "$full" "$part" | grep 'parser=' >>"$RESULTS" || true
    if command -v jq >/dev/null; then
        jq_s=$(kql_jq summarize kql_jq_summarize "$TMP/kql-sample.jsonl")
        [[ -f $TMP/kql-resources.json ]] &&
            jq_j=$(kql_jq join kql_jq_join "$TMP/kql-sample.jsonl" "$TMP/kql-resources.json")
    fi
    rm -f "$TMP/kql-sample.jsonl"

    local fs fj ps pj load="" fs_sec="" fj_sec="" ps_sec="" pj_sec="" ps_load=""
    fs=$(kql_line "$full" kql-summarize)
    fj=$(kql_line "$full" kql-join)
    ps=$(kql_line "$part" kql-summarize)
    pj=$(kql_line "$part" kql-join)
    [[ $fs != FAILED ]] && fs_sec=$(field "$fs" seconds) && load=$(field "$fs" load_seconds)
    [[ $fj != FAILED ]] && fj_sec=$(field "$fj" seconds)
    [[ $ps != FAILED ]] && ps_sec=$(field "$ps" seconds) && ps_load=$(field "$ps" load_seconds)
    [[ $pj != FAILED ]] && pj_sec=$(field "$pj" seconds)

    say ""
    say "== kql: queries over securityresources assessment rows (bench_kql, ss_kql_run;" \
        "median of $BENCH_RUNS runs; the join over all rows: ${BENCH_LONG_RUNS:-1} run(s))"
    say "  input: $n rows (gen_assessments, $KQL_K per resource, ~$avg B a row) piped and parsed" \
        "once$([[ -n $load ]] && printf ' in %s s' "$(calc "$load" "%.2f")"); the join's" \
        "resources table: the first 10000 distinct resource ids"
    [[ -n $scaled ]] && say "  scaled down for:$scaled"
    say "  summarize: securityresources | summarize count() by tostring(properties.status.code)"
    say "  join:      ... | extend id = tostring(properties.resourceDetails.Id)" \
        "| join kind=inner (resources | project id, rloc = location) on id | summarize count() by rloc"
    printf '  %-6s %-52s %12s %10s\n' "" how "rows/s" seconds
    kql_row ours "summarize, $n rows (query)" "$n" "$fs_sec"
    kql_row ours "join with 10000 resources, $n rows (query)" "$n" "$fj_sec"
    kql_row ours "summarize, $sample rows (query)" "$sample" "$ps_sec"
    [[ -n $ps_sec && -n $ps_load ]] &&
        kql_row ours "summarize, $sample rows (parse + query)" "$sample" \
            "$(calc "$ps_sec + $ps_load" "%.6f")"
    kql_row jq "summarize, $sample rows (jq -s group_by)" "$sample" \
        "$([[ $jq_s != FAILED ]] && field "$jq_s" seconds)"
    kql_row ours "join, $sample rows (query)" "$sample" "$pj_sec"
    [[ -n $pj_sec && -n $ps_load ]] &&
        kql_row ours "join, $sample rows (parse + query)" "$sample" \
            "$(calc "$pj_sec + $ps_load" "%.6f")"
    kql_row jq "join, $sample rows (jq hash join)" "$sample" \
        "$([[ $jq_j != FAILED ]] && field "$jq_j" seconds)"
    [[ -n $(kql_groups "$full" kql-summarize) ]] &&
        say "  groups ($n rows): $(kql_groups "$full" kql-summarize)"

    # Same answers as jq on the sample.
    local mode ref ours
    for mode in summarize join; do
        ref=$([[ $mode == summarize ]] && printf '%s' "$jq_s" || printf '%s' "$jq_j")
        [[ $ref == FAILED ]] && continue
        ours=$(kql_groups "$part" "kql-$mode")
        if [[ $ours == "$(field "$ref" result)" ]]; then
            say "  $mode: same groups as jq on the sample ($ours)"
        else
            fail "kql $mode: ours ($ours) and jq ($(field "$ref" result)) disagree on the sample"
        fi
    done

    say ""
    say "== kql: targets (DESIGN.md §10)"
    local verdict="n/a" est=""
    if [[ -n $fs_sec ]]; then
        est=$(calc "$fs_sec * 1000000 / $n" "%.3f")
        verdict=$(awk -v v="$est" 'BEGIN { print (v < 1) ? "PASS" : "MISS" }')
        printf '  %-64s %8s s  %s\n' "summarize over 1,000,000 assessment rows < 1 s$([[ $n != 1000000 ]] && printf ' (from %s rows)' "$n")" \
            "$est" "$verdict"
    else
        printf '  %-64s %9s\n' "summarize over 1,000,000 assessment rows < 1 s" "n/a"
    fi
    say "  for information (rows/s, same sample, ours / jq):"
    local r1="" r2="" r3="" r4=""
    [[ $jq_s != FAILED && -n $ps_sec ]] &&
        r1=$(calc "$(field "$jq_s" seconds) / ($ps_sec + $ps_load)") &&
        r2=$(calc "$(field "$jq_s" seconds) / $ps_sec")
    [[ $jq_j != FAILED && -n $pj_sec ]] &&
        r3=$(calc "$(field "$jq_j" seconds) / ($pj_sec + $ps_load)") &&
        r4=$(calc "$(field "$jq_j" seconds) / $pj_sec")
    target_row "  summarize, parse + query (like for like: jq parses too)" "$r1" info
    target_row "  summarize, query alone (rows already parsed)" "$r2" info
    target_row "  join, parse + query" "$r3" info
    target_row "  join, query alone" "$r4" info
    [[ $fs != FAILED ]] &&
        say "  peak RSS of bench_kql ($n rows): $(calc "$(field "$fs" rss_kb) / 1024" "%.0f") MiB" \
            "($(calc "$(field "$fs" rss_kb) * 1024 / $(field "$fs" bytes)" "%.2f")x the JSON Lines input)"
    return 0
}

# ---------------------------------------------------------------- main

usage() {
    say "usage: bench/run.sh [--list] [section...]"
    list_sections
}

list_sections() {
    local s
    for s in "${SECTIONS[@]}"; do
        printf '  %-12s %s\n' "$s" "${SECTION_DESC[$s]}"
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
    say "  BENCH_SCALE=$BENCH_SCALE BENCH_RUNS=$BENCH_RUNS BENCH_LONG_RUNS=${BENCH_LONG_RUNS:-1}" \
        "BENCH_SEED=$BENCH_SEED BUILD=$BUILD"
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
