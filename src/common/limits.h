/*
 * Named limits on every input-driven size (SQLite's JSON_MAX_DEPTH,
 * SQLITE_LIMIT_*). Exceeding one is an error (SS_EDEPTH, SS_ETOOBIG,
 * SS_EBUDGET), never a crash and never an unbounded allocation. Where an
 * option can lower or raise a limit at run time, this is its default.
 */
#ifndef SS_COMMON_LIMITS_H
#define SS_COMMON_LIMITS_H

/* JSON: nesting depth of arrays and objects (SQLite uses 1000, jansson 2048). */
#define SS_JSON_MAX_DEPTH 1000
/* JSON: bytes of one decoded string or number literal. Azure caps a whole
 * request at 4 MiB, so 16 MiB leaves room; the node format allows 16 MiB - 1. */
#define SS_JSON_MAX_STRING ((1u << 24) - 1)
/* JSON: bytes of one document parsed whole (ss_json_parse). Bigger inputs
 * are read with the streaming reader. */
#define SS_JSON_MAX_DOC ((uint64_t)4 << 30)
/* JSON: bytes of one value returned by the streaming reader (one resource). */
#define SS_JSON_MAX_ELEMENT ((uint64_t)64 << 20)
/* JSON: scalar members of a top-level object read before its unwrap member
 * (Resource Graph puts "data" third, after totalRecords and count). */
#define SS_JSON_PROBE_MEMBERS 4
/* JSON: bytes read from a descriptor at a time by the streaming reader. */
#define SS_JSON_READ_CHUNK (1u << 20)

/* Policy: nesting of allOf/anyOf/not (Azure allows 4096 expressions in `if`). */
#define SS_POLICY_MAX_COND_DEPTH 64
/* Policy: conditions in one rule (Azure: 4096 in `if`, 128 in `then`). */
#define SS_POLICY_MAX_CONDITIONS 8192
/* Policy: nested `count` operands (Azure allows count in where; MCSB nests 2). */
#define SS_POLICY_MAX_COUNT_DEPTH 5
/* Policy: iterations of one value count (Azure: 100). */
#define SS_POLICY_MAX_VALUE_COUNT 100
/* Policy: bytes of one template expression. */
#define SS_POLICY_MAX_EXPR_LEN 16384
/* Policy: nesting of function calls and accessors in one template expression. */
#define SS_POLICY_MAX_EXPR_DEPTH 64
/* Policy: arguments of one template function call. */
#define SS_POLICY_MAX_ARGS 64
/* Policy: bytes of one string built by a template function (concat, padLeft ...). */
#define SS_POLICY_MAX_STRING (1u << 20)
/* Policy: segments of one alias path. */
#define SS_POLICY_MAX_ALIAS_SEGS 32
/* Policy: default step budget of one evaluation (conditions, calls, array members). */
#define SS_POLICY_MAX_STEPS 1000000u
/* Policy: bytes of an alias table file once decompressed (the full table is ~5 MiB). */
#define SS_POLICY_MAX_ALIAS_FILE (64u << 20)
/* Policy: nesting of child resources under `resources` arrays. */
#define SS_POLICY_MAX_NESTING 16

/* HTTP: bytes of one request body (Azure caps requests at 4 MiB). */
#define SS_HTTP_MAX_BODY ((size_t)4 << 20)
/* HTTP: connections served at once. */
#define SS_HTTP_MAX_CONNECTIONS 1024
/* HTTP: items of one page of a list ($top beyond it is capped). */
#define SS_HTTP_MAX_PAGE 1000
/* HTTP: nesting depth of a request body (deeper bodies are refused with 400). */
#define SS_HTTP_MAX_DEPTH 64
/* KQL: bytes of one query text (ARG documents no cap; 256 KiB is far above any real query). */
#define SS_KQL_MAX_QUERY (256u << 10)
/* KQL: nesting of expressions, parentheses and subqueries in one query. */
#define SS_KQL_MAX_DEPTH 128
/* KQL: bytes of one string, dynamic or datetime literal in a query. */
#define SS_KQL_MAX_LITERAL (64u << 10)
/* KQL: bytes of one regular expression (extract, trim). */
#define SS_KQL_MAX_REGEX 1024
/* KQL: arguments of one function call, items of one operator list. */
#define SS_KQL_MAX_ARGS 256
/* KQL: members of input rows taken as columns beyond ARG's own (others are ignored). */
#define SS_KQL_MAX_COLUMNS 1024
/* KQL: default step budget of one query: rows visited per operator plus expression nodes
 * evaluated (a 1,000,000-row `summarize count() by x` takes about 2.1 million). */
#define SS_KQL_MAX_STEPS 500000000ull
/* KQL: default bytes of intermediate results held by one query (arenas, parsed dynamics). */
#define SS_KQL_MAX_MEMORY ((uint64_t)1 << 30)
/* KQL: bytes of one string built by a function (strcat, replace_string, tostring of a bag). */
#define SS_KQL_MAX_STRING (16u << 20)

#endif
