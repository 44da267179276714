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
/* JSON: bytes read from a descriptor at a time by the streaming reader. */
#define SS_JSON_READ_CHUNK (1u << 20)

#endif
