/* log.h: one line per message on stderr, with a level; shared by the daemon, the CLI and the
 * embedding library. A line starts with an ISO 8601 time ("2026-12-07T22:32:22.123+00:00"),
 * the program and its pid; when stderr is the systemd journal (JOURNAL_STREAM) it starts
 * with the syslog priority instead ("<4>warn: ..."), the journal keeping time and pid. Callers must never pass secrets (seeds, session keys) to it.
 */
#ifndef NET_LOG_H
#define NET_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Messages above this level are dropped (default LOG_INFO). */
void log_set_level(enum log_level lvl);
/* Sets the level from its name (THEMIS_LOG): "error", "warn", "info" or "debug". NULL or ""
 * keeps the level. Returns 0, or -1 for any other name (the level is unchanged). */
int log_set_level_name(const char *name);
/* Program name printed in front of every line ("themisd"). */
void log_set_prog(const char *prog);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
