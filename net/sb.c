/* sb.c: the string builder behind every control reply. */
#include "sb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

void sb_json_str(sb *b, const char *s)
{
	sb_printf(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20)
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
}

void sb_free(sb *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
