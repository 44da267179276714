/*
 * Functions that must not be used in securescore (git's banned.h): each
 * has a bounded or safer replacement. Using one is a compile error.
 *   strcpy/strcat/strncpy -> memcpy with a known length, ss_buf
 *   sprintf/vsprintf      -> snprintf, ss_buf_printf
 *   strtok                -> explicit scanning (strtok keeps hidden state)
 *   atoi/atol/atoll       -> strtol/strtoull with end and range checks
 *   gets                  -> fgets / getline
 */
#ifndef SS_COMMON_BANNED_H
#define SS_COMMON_BANNED_H

#define SS__BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) SS__BANNED(strcpy)
#undef strcat
#define strcat(x, y) SS__BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) SS__BANNED(strncpy)
#undef sprintf
#define sprintf(...) SS__BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) SS__BANNED(vsprintf)
#undef strtok
#define strtok(x, y) SS__BANNED(strtok)
#undef atoi
#define atoi(x) SS__BANNED(atoi)
#undef atol
#define atol(x) SS__BANNED(atol)
#undef atoll
#define atoll(x) SS__BANNED(atoll)
#undef gets
#define gets(x) SS__BANNED(gets)

#endif
