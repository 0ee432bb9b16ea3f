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
/* Appends s as a JSON string literal, quotes included; a byte that is not part of valid
 * UTF-8 becomes U+FFFD, so the result is always valid JSON. */
void sb_json_str(sb *b, const char *s);
/* Length of the UTF-8 sequence at s (at most n bytes), 0 when it is not a valid one. */
size_t sb_utf8_len(const unsigned char *s, size_t n);
/* 1 when s[0..n) is valid UTF-8. */
int sb_utf8_valid(const char *s, size_t n);
void sb_free(sb *b);

#endif
