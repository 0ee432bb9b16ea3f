/* sb.c: the string builder behind every control reply. */
#include "sb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int grow(sb *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *np;

	if (b->failed)
		return -1;
	while (cap < b->len + need + 1)
		cap *= 2;
	if (cap == b->cap)
		return 0;
	np = realloc(b->p, cap);
	if (!np) {
		b->failed = 1;
		return -1;
	}
	b->p = np;
	b->cap = cap;
	return 0;
}

void sb_printf(sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

size_t sb_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int sb_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t l = sb_utf8_len(p + i, n - i);
		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

void sb_json_str(sb *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	sb_printf(b, "\"");
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t l = sb_utf8_len(p + i, n - i);
		if (!l) {
			/* not UTF-8 (a tag from another node, say): the replacement character,
			 * so the reply stays valid JSON */
			sb_printf(b, "\\ufffd");
			i++;
		} else if (l > 1) {
			sb_printf(b, "%.*s", (int)l, (const char *)p + i);
			i += l;
		} else {
			if (c == '"' || c == '\\')
				sb_printf(b, "\\%c", c);
			else if (c < 0x20 || c == 0x7f)
				sb_printf(b, "\\u%04x", c);
			else
				sb_printf(b, "%c", c);
			i++;
		}
	}
	sb_printf(b, "\"");
}

void sb_free(sb *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
