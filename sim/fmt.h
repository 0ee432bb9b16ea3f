/* fmt.h: appending text without printf, for the lines every operation of a large run makes
 * (the trace notes of a find's start and end, its ops row): snprintf's format parsing was
 * 7.5 % of the instructions of a 100,000-find run. The bytes are exactly those of the printf
 * formats they replace ("%s", "%u", "%llu", "%lld"), truncated the same way (at most cap - 1
 * characters and a NUL), because the trace hash covers them.
 */
#ifndef SIM_FMT_H
#define SIM_FMT_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_fmt {
	char *buf;
	size_t len, cap;   /* cap >= 1: buf[len] is always the terminating NUL */
} sim_fmt;

static inline sim_fmt sim_fmt_on(char *buf, size_t cap)
{
	buf[0] = 0;
	return (sim_fmt){ .buf = buf, .len = 0, .cap = cap };
}

static inline void sim_fmt_str(sim_fmt *f, const char *s)
{
	while (*s && f->len + 1 < f->cap)
		f->buf[f->len++] = *s++;
	f->buf[f->len] = 0;
}

static inline void sim_fmt_u64(sim_fmt *f, uint64_t v)
{
	char digits[20];
	int n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n > 0 && f->len + 1 < f->cap)
		f->buf[f->len++] = digits[--n];
	f->buf[f->len] = 0;
}

static inline void sim_fmt_i64(sim_fmt *f, int64_t v)
{
	if (v < 0) {
		sim_fmt_str(f, "-");
		sim_fmt_u64(f, (uint64_t)0 - (uint64_t)v);
	} else {
		sim_fmt_u64(f, (uint64_t)v);
	}
}

#endif
