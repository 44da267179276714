/*
 * The first include of every .c file of securescore.
 *
 * Feature-test macros (POSIX.1-2008 plus the BSD/GNU extras we name), the
 * standard headers nearly every file needs, the allocation wrappers, and
 * the list of banned functions (git's banned.h is the model). Headers of
 * the project never include this file themselves; the .c file has already.
 */
#ifndef SS_COMMON_SETUP_H
#define SS_COMMON_SETUP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* strtod_l, newlocale, memmem, mremap through realloc */
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

#define SS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SS_MAX(a, b) ((a) > (b) ? (a) : (b))
#define SS_UNUSED(x) ((void)(x))

#if defined(__GNUC__) || defined(__clang__)
#define SS_LIKELY(x) __builtin_expect(!!(x), 1)
#define SS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SS_NORETURN __attribute__((noreturn))
#define SS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SS_LIKELY(x) (x)
#define SS_UNLIKELY(x) (x)
#define SS_NORETURN
#define SS_PRINTF(f, a)
#endif

#include "common/banned.h"

#endif
