/* cliutil.c: command-line helpers shared by themis and themisd (cliutil.h). */
#include "cliutil.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Levenshtein distance of two short words (longer ones are never suggested). */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *cli_nearest(const char *w, const char *const *words, size_t n)
{
	const char *best = NULL;
	size_t bd = SIZE_MAX, len = strlen(w);
	size_t limit = len / 3 > 2 ? len / 3 : 2;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(w, words[i]);
		/* a prefix of a command ("reg" for register) is as good a hint as a typo */
		if (len >= 2 && strncmp(words[i], w, len) == 0)
			d = 1;
		if (d < bd) {
			bd = d;
			best = words[i];
		}
	}
	return bd <= limit && bd < len ? best : NULL;
}

const char *cli_option_arg(const char *opt)
{
	static const char *const map[][2] = {
		{ "control", "SOCKET" }, { "node", "I (a hosted node index)" },
		{ "timeout", "S (seconds)" }, { "network", "NAME" }, { "key", "FILE" },
		{ "interval", "S (seconds)" }, { "count", "N" }, { "listen", "ADDR:PORT" },
		{ "bootstrap", "PEER (ID@ADDR:PORT, or ADDR:PORT of a daemon on this host)" },
		{ "advertise", "ADDR:PORT" }, { "state", "DIR" }, { "nodes", "N" },
		{ "metrics", "FILE.db" }, { "metrics-listen", "ADDR:PORT" }, { "stabilize", "MS" },
	};
	while (*opt == '-')
		opt++;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strncmp(opt, map[i][0], strlen(opt)) && *opt)
			return map[i][1];
	return "a value";
}

static const char *user_name(uid_t uid, char *buf, size_t cap)
{
	struct passwd *pw = getpwuid(uid);
	if (pw)
		snprintf(buf, cap, "%s, uid %u", pw->pw_name, (unsigned)uid);
	else
		snprintf(buf, cap, "uid %u", (unsigned)uid);
	return buf;
}

void cli_explain_dir(const char *dir, const struct stat *st, const char *prog)
{
	char who[128], me[128];

	if (lstat(dir, (struct stat *)st) != 0) {
		fprintf(stderr, "%s: runtime directory %s: %s; give --control SOCKET\n", prog, dir,
			strerror(errno));
		return;
	}
	if (!S_ISDIR(st->st_mode)) {
		fprintf(stderr, "%s: runtime directory %s is not a directory; remove it, or set "
			"THEMIS_RUNTIME_DIR or give --control SOCKET\n", prog, dir);
		return;
	}
	if (st->st_uid != geteuid()) {
		fprintf(stderr, "%s: runtime directory %s belongs to %s, not to this user (%s): the "
			"daemon runs as another user (as the systemd unit's DynamicUser does); run "
			"themis as that user, or give --control %s/themisd-PORT.sock\n", prog, dir,
			user_name(st->st_uid, who, sizeof who), user_name(geteuid(), me, sizeof me), dir);
		return;
	}
	fprintf(stderr, "%s: runtime directory %s has mode %04o: others may enter it, so its "
		"sockets are not private; chmod 700 %s\n", prog, dir, (unsigned)(st->st_mode & 07777), dir);
}

void cli_explain_connect(const char *sock, int err, const char *prog)
{
	struct stat st;
	char who[128], me[128];

	if (err == ENOENT || err == ECONNREFUSED) {
		fprintf(stderr, "%s: no daemon is running at %s (%s); start themisd or give "
			"--control SOCKET\n", prog, sock, strerror(err));
		return;
	}
	if (err == EACCES || err == EPERM) {
		if (stat(sock, &st) == 0)
			fprintf(stderr, "%s: %s: permission denied: the socket belongs to %s (mode %04o) "
				"and this is %s; run themis as the daemon's user\n", prog, sock,
				user_name(st.st_uid, who, sizeof who), (unsigned)(st.st_mode & 07777),
				user_name(geteuid(), me, sizeof me));
		else
			fprintf(stderr, "%s: %s: permission denied on a directory on its path (this is "
				"%s); run themis as the daemon's user\n", prog, sock,
				user_name(geteuid(), me, sizeof me));
		return;
	}
	fprintf(stderr, "%s: cannot connect to %s: %s\n", prog, sock, strerror(err));
}

void cli_identity(const uint8_t seed[THEMIS_SEED_LEN], const char *network, uint8_t pk[THEMIS_PK_LEN],
		  uint8_t id[THEMIS_ID_LEN])
{
	uint8_t net[THEMIS_ID_LEN];

	themis_pk_from_seed(seed, pk);
	memset(id, 0, THEMIS_ID_LEN);
	if (network) {
		themis_net_hash(network, net);
		themis_id_from_pk(pk, net, id);
	}
}

void cli_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void cli_print_instances(FILE *f, const char *service, const char *body, int json)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	int n = 0;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (const char *p = body; *p;) {
		const char *eol = strchr(p, '\n');
		n += !strncmp(p, "record ", 7);
		p = eol ? eol + 1 : p + strlen(p);
	}
	if (json) {
		fprintf(f, "{\"time\":\"%s\",\"service\":", stamp);
		cli_json_str(f, service);
		fprintf(f, ",\"instances\":[");
	} else {
		fprintf(f, "%s %s: %d instance(s)\n", stamp, service, n);
	}
	int i = 0;
	for (const char *p = body; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[512], id[80] = "", addr[80] = "", tag[64] = "";
		if (len > 7 && len < sizeof line && !strncmp(p, "record ", 7)) {
			memcpy(line, p, len);
			line[len] = 0;
			sscanf(line, "record %79s %79s tag=%63s", id, addr, tag);
			if (json) {
				fprintf(f, "%s{\"id\":\"%s\",\"addr\":\"%s\",\"tag\":", i++ ? "," : "", id, addr);
				cli_json_str(f, tag);
				fprintf(f, "}");
			} else {
				fprintf(f, "  %s %s%s%s\n", id, addr, tag[0] ? " tag=" : "", tag);
			}
		}
		p += len + (eol ? 1 : 0);
	}
	if (json)
		fprintf(f, "]}\n");
}
