/* testutil.h: small helpers shared by the cmocka tests: a deterministic random stream for
 * node configs and hex parsing for known-answer vectors. Header-only on purpose.
 */
#ifndef THEMIS_TESTUTIL_H
#define THEMIS_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* splitmix64: a deterministic stream, one per test node (ctx points at its state). */
static inline void test_rand(void *ctx, uint8_t *buf, size_t len)
{
	uint64_t *s = ctx;
	for (size_t i = 0; i < len; i++) {
		if (i % 8 == 0) {
			uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
			s[1] = z ^ (z >> 31);
		}
		buf[i] = (uint8_t)(s[1] >> (8 * (i % 8)));
	}
}

/* Parses exactly n bytes of hex from s; returns 0, or -1 on a bad digit or length. */
static inline int test_unhex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int j = 0; j < 2; j++) {
			char c = s[2 * i + j];
			v <<= 4;
			if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
			else return -1;
		}
		out[i] = (uint8_t)v;
	}
	return 0;
}

#endif
