/* ini.h: lexical helpers shared by the scenario reader (scenario.c, schedule.c). Each parser
 * returns 0, or -1 on a malformed value and -2 on an out-of-range one; none allocates.
 */
#ifndef SIM_INI_H
#define SIM_INI_H

#include <stddef.h>
#include <stdint.h>

int ini_u64(const char *s, uint64_t *out);          /* decimal digits only */
int ini_double(const char *s, double *out);         /* a finite number, whole string */
int ini_bool(const char *s, int *out);              /* on/off yes/no true/false 1/0 */
int ini_range(const char *s, uint32_t *lo, uint32_t *hi); /* "a-b" or "a", inclusive */
char *ini_trim(char *s);                            /* in place; returns the new start */
/* Splits s in place at whitespace into at most max tokens; returns the count, or max + 1 when
 * there were more. */
int ini_tokenize(char *s, char **tok, int max);
/* Drops a comment that starts the line or follows whitespace ('#' or ';'). */
void ini_strip_comment(char *s);
/* Writes "FILE:LINE: message" (or "FILE: message" when line <= 0) into err; returns -1. */
int ini_fail(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
