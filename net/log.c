/* log.c: the one writer of diagnostic lines. Each line is built in full and written with a
 * single write(2), so lines from concurrent processes sharing a log do not interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static enum log_level level = LOG_INFO;
static const char *prog = "themis";

void log_set_level(enum log_level lvl)
{
	level = lvl;
}

int log_set_level_name(const char *name)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };

	if (!name || !*name)
		return 0;
	for (int i = 0; i <= LOG_DEBUG; i++)
		if (!strcmp(name, names[i])) {
			level = (enum log_level)i;
			return 0;
		}
	return -1;
}

void log_set_prog(const char *p)
{
	prog = p;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char line[1024];
	struct timespec ts;
	va_list ap;
	int n, m;

	if (lvl > level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof line, "%lld.%03ld %s[%d] %s: ", (long long)ts.tv_sec,
		     ts.tv_nsec / 1000000, prog, (int)getpid(), names[lvl]);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	/* Best effort: a log line that cannot be written is not worth failing over. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
