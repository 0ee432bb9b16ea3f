/* sb.h: a growable string for building control replies, with JSON string escaping. An
 * allocation failure is sticky (sb.failed) and checked once when the reply is sent.
 */
#ifndef NET_SB_H
#define NET_SB_H

#include <stddef.h>

typedef struct sb {
	char *p;
	size_t len, cap;
	int failed;
} sb;

void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included. */
void sb_json_str(sb *b, const char *s);
void sb_free(sb *b);

#endif
