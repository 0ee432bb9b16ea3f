/* log.c: the one writer of diagnostic lines. Each line is built in full and written with a
 * single write(2), so lines from concurrent processes sharing a log do not interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* 1 when stderr is the journal's stream (systemd sets JOURNAL_STREAM to its "DEV:INODE"):
 * lines then carry a syslog priority prefix and no time or pid, which the journal records. */
static int to_journal(void)
{
	static int known = 0, yes = 0;
	const char *js;
	unsigned long long dev, ino;
	struct stat st;

	if (known)
		return yes;
	known = 1;
	js = getenv("JOURNAL_STREAM");
	if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
	    (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
		yes = 1;
	return yes;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	static const int priority[] = { 3, 4, 6, 7 };   /* syslog: err, warning, info, debug */
	char line[1024], stamp[64], zone[8];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n, m;

	if (lvl > level)
		return;
	if (to_journal()) {
		n = snprintf(line, sizeof line, "<%d>%s: ", priority[lvl], names[lvl]);
	} else {
		/* ISO 8601 local time with milliseconds and the UTC offset */
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
		strftime(zone, sizeof zone, "%z", &tm);
		n = snprintf(line, sizeof line, "%s.%03ld%.3s:%s %s[%d] %s: ", stamp, ts.tv_nsec / 1000000,
			     zone, zone + 3, prog, (int)getpid(), names[lvl]);
	}
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
