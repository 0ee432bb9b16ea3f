/* cliutil.h: what the two programs' command lines share (themis and themisd): number
 * parsing, the nearest known word for a typo, the name of an option's argument, and the
 * messages that say why a runtime directory or a control socket cannot be used.
 */
#ifndef NET_CLIUTIL_H
#define NET_CLIUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "themis.h"

/* A whole number in lo..hi, all of s. Returns 0 or -1. */
int cli_parse_long(const char *s, long lo, long hi, long *out);
/* The word of words[0..n) closest to w (edit distance at most 2, or a third of w's length
 * when that is more; a word that w begins is distance 1), or NULL when none is that close. */
const char *cli_nearest(const char *w, const char *const *words, size_t n);
/* What an option takes ("--control" -> "SOCKET"), for "needs an argument" messages. */
const char *cli_option_arg(const char *opt);
/* One line on stderr, prefixed "PROG: ", saying why the runtime directory dir (lstat'ed
 * into st, or failed to) cannot be used: owned by another user (a systemd DynamicUser
 * daemon), readable by others, not a directory, or an errno. */
void cli_explain_dir(const char *dir, const struct stat *st, const char *prog);
/* One line on stderr for a connect() to sock that failed with err: no daemon (ENOENT,
 * ECONNREFUSED) or the real cause (EACCES: whose socket it is, and what to do). */
void cli_explain_connect(const char *sock, int err, const char *prog);
/* The public key and the node id of a seed on network (id is zeroed when network is NULL). */
void cli_identity(const uint8_t seed[THEMIS_SEED_LEN], const char *network, uint8_t pk[THEMIS_PK_LEN],
		  uint8_t id[THEMIS_ID_LEN]);
/* s as a JSON string literal. */
void cli_json_str(FILE *f, const char *s);
/* watch: prints the instances of a `find` reply body (its "record ID ADDR [tag=T]" lines). */
void cli_print_instances(FILE *f, const char *service, const char *body, int json);

#endif
