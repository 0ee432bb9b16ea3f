/* ini.c: the lexical layer of scenario files: trimming, comments, tokens, integers, numbers,
 * durations, booleans, node ranges and the "FILE:LINE: message" format. It knows no section
 * or key, and never reads past the string it is given.
 */
#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

enum { NS_US = 1000, NS_MS = 1000000 };
#define NS_S 1000000000ull

int ini_u64(const char *s, uint64_t *out)
{
	if (!isdigit((unsigned char)*s))
		return -1;
	uint64_t v = 0;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -2; /* overflow: out of range */
		v = v * 10 + d;
	}
	if (*s)
		return -1;
	*out = v;
	return 0;
}

int ini_double(const char *s, double *out)
{
	if (!*s || isspace((unsigned char)*s))
		return -1;
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int sim_parse_duration(const char *s, uint64_t *ns)
{
	/* integer part, optional fraction, then a unit; exact integer arithmetic */
	uint64_t ip = 0, frac = 0, fscale = 1;
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (ip > (UINT64_MAX - 9) / 10)
			return -2;
		ip = ip * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			if (fscale < 1000000000000ull) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				fscale *= 10;
			}
		}
	}
	uint64_t unit;
	if (!strcmp(p, "ns")) unit = 1;
	else if (!strcmp(p, "us")) unit = NS_US;
	else if (!strcmp(p, "ms")) unit = NS_MS;
	else if (!strcmp(p, "s")) unit = NS_S;
	else if (!strcmp(p, "m")) unit = 60 * NS_S;
	else if (!strcmp(p, "h")) unit = 3600 * NS_S;
	else if (!*p && ip == 0 && frac == 0) unit = 1; /* a bare 0 needs no unit */
	else return -1;
	if (ip > UINT64_MAX / unit)
		return -2;
	uint64_t v = ip * unit;
	/* unit <= 3.6e12 and frac < 1e12: compute frac * unit / fscale without overflow */
	long double f = (long double)frac * (long double)unit / (long double)fscale;
	uint64_t fv = (uint64_t)(f + 0.5L);
	if (v > UINT64_MAX - fv)
		return -2;
	*ns = v + fv;
	return 0;
}

int ini_bool(const char *s, int *out)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (!strcmp(s, yes[i])) { *out = 1; return 0; }
		if (!strcmp(s, no[i])) { *out = 0; return 0; }
	}
	return -1;
}

/* "a-b" or "a": inclusive node range */
int ini_range(const char *s, uint32_t *lo, uint32_t *hi)
{
	char buf[64];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n + 1);
	char *dash = strchr(buf, '-');
	uint64_t a, b;
	if (dash) {
		*dash = 0;
		if (ini_u64(buf, &a) || ini_u64(dash + 1, &b) || a > b || b > UINT32_MAX)
			return -1;
	} else {
		if (ini_u64(buf, &a) || a > UINT32_MAX)
			return -1;
		b = a;
	}
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	return 0;
}

char *ini_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return s;
}

/* Splits s in place at whitespace into at most max tokens; returns the count, or max + 1 when
 * there were more. */
int ini_tokenize(char *s, char **tok, int max)
{
	int n = 0;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
		if (*s)
			*s++ = 0;
	}
}

int ini_fail(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
{
	char msg[SIM_ERR_MAX / 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s", file, line, msg);
	else
		snprintf(err, errlen, "%s: %s", file, msg);
	return -1;
}

/* Drops a comment that starts a line or follows whitespace. */
void ini_strip_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if ((*p == '#' || *p == ';') && (p == s || isspace((unsigned char)p[-1]))) {
			*p = 0;
			return;
		}
	}
}
