/* themis.c: the command-line client (docs/interface.md, themis). Every command but keygen and
 * `id --key` is one request to a running themisd over its control socket (docs/cli.md); the
 * daemon formats the reply, so this program only parses the command line, picks the socket,
 * sends the line and prints what comes back (watch repeats a request, metrics reformats).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "cliutil.h"
#include "ctlc.h"
#include "host.h"
#include "key.h"
#include "rundir.h"

static const char usage[] =
	"usage: themis [OPTIONS] COMMAND [ARGUMENT]     (options may also follow the command)\n"
	"commands:\n"
	"  help                   this text\n"
	"  keygen FILE            write a new identity (Ed25519 seed, mode 0600, never overwrites);\n"
	"                         with --network NAME also the node id peers bootstrap through\n"
	"  id                     index, id and locator of each of the daemon's nodes; with\n"
	"                         --key FILE --network NAME: the id of a key file (no daemon)\n"
	"  status                 ring state and counters (drops by reason)\n"
	"  peers                  predecessor, successors and every session (age, handshake,\n"
	"                         bytes and packets each way, round trip)\n"
	"  routes                 finger table\n"
	"  metrics                the counters in the Prometheus text format\n"
	"  join PEER              join the ring through ID@ADDR:PORT (ID: 64 hex digits or a\n"
	"                         unique prefix of a known id) or ADDR:PORT of a local daemon\n"
	"  leave                  leave the ring gracefully\n"
	"  store NAME             store this node under NAME\n"
	"  find NAME              find NAME's owner and records\n"
	"  lookup [--trace] ID    iterative lookup of an id (64 hex digits or a unique prefix of\n"
	"                         a known id), one line per hop\n"
	"  register SERVICE       register this node as an instance of SERVICE\n"
	"  deregister SERVICE     withdraw it at once (a signed tombstone replaces the records)\n"
	"  discover SERVICE       discover an instance of SERVICE\n"
	"  watch SERVICE          print SERVICE's instances now and whenever they change\n"
	"options:\n"
	"  --control SOCKET       the daemon's control socket (default: $THEMIS_CONTROL, else\n"
	"                         the only socket in the runtime directory)\n"
	"  --json                 JSON replies\n"
	"  --node I               the hosted node to act on (default 0; id, status, peers,\n"
	"                         routes and metrics show all)\n"
	"  --timeout S            wait at most S seconds for an answer (default 60)\n"
	"  --trace                lookup: print the hops (always done; accepted for clarity)\n"
	"  --network NAME         keygen, id --key: the network the id is computed for\n"
	"  --key FILE             id: the key file to compute an id from\n"
	"  --interval S           watch: seconds between two looks (default 2)\n"
	"  --count N              watch: stop after N changes have been printed\n"
	"  -h, --help             this text\n"
	"  -V, --version          the version\n"
	"exit status: 0 success, 1 failure, 2 usage error.\n";

/* The commands, the argument each takes (NULL: none) and how that argument looks. */
static const struct command {
	const char *name, *arg, *example;
} commands[] = {
	{ "help", NULL, NULL },
	{ "keygen", "FILE", "themis keygen --network NAME ~/.themis.key" },
	{ "id", NULL, NULL },
	{ "status", NULL, NULL },
	{ "peers", NULL, NULL },
	{ "routes", NULL, NULL },
	{ "metrics", NULL, NULL },
	{ "join", "PEER", "themis join ID@10.0.0.1:7000" },
	{ "leave", NULL, NULL },
	{ "store", "NAME", "themis store printer" },
	{ "find", "NAME", "themis find printer" },
	{ "lookup", "ID", "themis lookup --trace 3fa9c1" },
	{ "register", "SERVICE", "themis register auth" },
	{ "deregister", "SERVICE", "themis deregister auth" },
	{ "discover", "SERVICE", "themis discover auth" },
	{ "watch", "SERVICE", "themis watch auth" },
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static int die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("themis: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see themis --help)\n", stderr);
	return 2;
}

/* The runtime directory's socket, so that one local daemon needs no flag. Every reason it
 * cannot be used is said as it is: "no daemon is running" only when there is none. */
static int default_control(char *buf, size_t cap)
{
	char dir[1024], err[256];
	const char *env = getenv("THEMIS_CONTROL");
	struct dirent *de;
	struct stat st;
	int found = 0;
	DIR *d;

	if (env && *env) {
		snprintf(buf, cap, "%s", env);
		return 0;
	}
	if (rundir_get(dir, sizeof dir, 0, err, sizeof err) != 0) {
		if (lstat(dir, &st) != 0 && errno == ENOENT)
			fprintf(stderr, "themis: no daemon is running (no runtime directory %s); start "
				"themisd or give --control SOCKET\n", dir);
		else
			cli_explain_dir(dir, &st, "themis");
		return -1;
	}
	if (!(d = opendir(dir))) {
		fprintf(stderr, "themis: cannot read the runtime directory %s: %s; give --control "
			"SOCKET\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n > 5 && !strcmp(de->d_name + n - 5, ".sock")) {
			found++;
			snprintf(buf, cap, "%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	if (found == 1)
		return 0;
	if (found == 0)
		fprintf(stderr, "themis: no daemon is running (no control socket in %s); start themisd "
			"or give --control SOCKET\n", dir);
	else
		fprintf(stderr, "themis: %d daemons have control sockets in %s; pick one with "
			"--control SOCKET\n", found, dir);
	return -1;
}

static int keygen(const char *path, const char *network, int json)
{
	char err[512], hex[2 * THEMIS_PK_LEN + 1], idhex[ID_HEXLEN + 1];
	uint8_t seed[THEMIS_SEED_LEN], pk[THEMIS_PK_LEN], id[THEMIS_ID_LEN];

	if (key_generate(path, err, sizeof err) != 0 || key_load(path, seed, err, sizeof err) != 0) {
		fprintf(stderr, "themis: %s\n", err);
		return 1;
	}
	cli_identity(seed, network, pk, id);
	key_wipe(seed, sizeof seed);
	themis_hex(pk, sizeof pk, hex);
	themis_hex(id, sizeof id, idhex);
	if (json) {
		printf("{\"file\":");
		cli_json_str(stdout, path);
		printf(",\"public_key\":\"%s\"", hex);
		if (network) {
			printf(",\"network\":");
			cli_json_str(stdout, network);
			printf(",\"id\":\"%s\"", idhex);
		}
		printf("}\n");
		return 0;
	}
	printf("wrote %s (mode 0600)\npublic key %s\n", path, hex);
	if (network)
		printf("id         %s\n"
		       "(network %s: peers bootstrap through this node with --bootstrap %s@ADDR:PORT)\n",
		       idhex, network, idhex);
	else
		printf("the node id depends on the network name too: `themis id --key %s --network "
		       "NAME` prints it\n", path);
	return 0;
}

/* `id --key FILE --network NAME`: the id a key file has on a network, without a daemon. */
static int key_id(const char *path, const char *network, int json)
{
	char err[512], hex[2 * THEMIS_PK_LEN + 1], idhex[ID_HEXLEN + 1];
	uint8_t seed[THEMIS_SEED_LEN], pk[THEMIS_PK_LEN], id[THEMIS_ID_LEN];

	if (key_load(path, seed, err, sizeof err) != 0) {
		fprintf(stderr, "themis: %s\n", err);
		return 1;
	}
	cli_identity(seed, network, pk, id);
	key_wipe(seed, sizeof seed);
	themis_hex(pk, sizeof pk, hex);
	themis_hex(id, sizeof id, idhex);
	if (json) {
		printf("{\"file\":");
		cli_json_str(stdout, path);
		printf(",\"network\":");
		cli_json_str(stdout, network);
		printf(",\"public_key\":\"%s\",\"id\":\"%s\"}\n", hex, idhex);
	} else {
		printf("id         %s\npublic key %s\n", idhex, hex);
	}
	return 0;
}

/* One request; the reply's status and body. Returns the exit status for a failure to get an
 * answer at all (1), or 0 with *resp set. */
static int call(const char *control, const char *req, int timeout_s, char **resp)
{
	int rc = ctlc_call(control, req, resp, timeout_s * 1000);

	if (rc == CTLC_NO_DAEMON) {
		cli_explain_connect(control, errno, "themis");
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "themis: %s: no complete answer within %d s\n", control, timeout_s);
		return 1;
	}
	return 0;
}

/* Prints a reply; returns the exit status: 0 OK, 2 "ERR usage: ..." (the daemon found the
 * request itself wrong, e.g. a node index it does not host), 1 any other ERR. */
static int print_reply(const char *control, const char *cmd, char *resp, int json)
{
	char *body = strchr(resp, '\n');
	body = body ? body + 1 : resp + strlen(resp);
	if (!strncmp(resp, "OK\n", 3)) {
		fputs(body, stdout);
		return 0;
	}
	if (!strncmp(resp, "ERR ", 4)) {
		int is_usage = !strncmp(resp + 4, "usage: ", 7);
		const char *msg = resp + 4 + (is_usage ? 7 : 0);
		fprintf(stderr, "themis: %.*s%s\n", (int)(body - msg - 1), msg,
			is_usage ? " (see themis --help)" : "");
		if (*body)
			fputs(body, stdout);
		else if (json)
			printf("{\"error\":\"%s failed\"}\n", cmd);
		return is_usage ? 2 : 1;
	}
	fprintf(stderr, "themis: %s: not a themisd control socket\n", control);
	return 1;
}

/* The "record ..." lines of a find reply body, as one malloc'd string. */
static char *records_of(const char *body)
{
	size_t len = 0;
	char *out = malloc(strlen(body) + 1);

	if (!out)
		return NULL;
	for (const char *p = body; *p;) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) + 1 : strlen(p);
		if (!strncmp(p, "record ", 7)) {
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	out[len] = 0;
	return out;
}

static volatile sig_atomic_t watch_stop;
static void on_stop(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* watch SERVICE: looks up the service's records every interval and prints the instance set
 * when it differs from the last one printed (docs/cli.md, watch: polling, not a push). */
static int watch(const char *control, const char *node, const char *service, int interval_s,
		 int count, int timeout_s, int json)
{
	char req[1200], *last = NULL;
	int printed = 0;

	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	/* find SERVICE looks up object obj(SERVICE, 0), replica 0 of the registrations */
	snprintf(req, sizeof req, "text %s find %s", node, service);
	while (!watch_stop) {
		char *resp = NULL, *set;
		int rc = call(control, req, timeout_s, &resp);
		if (rc != 0)
			return rc;
		if (strncmp(resp, "OK\n", 3) != 0) {
			int st = print_reply(control, "watch", resp, 0);
			free(resp);
			if (st == 2)
				return 2;
			set = NULL;   /* a failed look (owner unreachable): try again next time */
		} else {
			set = records_of(resp + 3);   /* the instances only: hops and rtt vary */
			free(resp);
			if (!set)
				return 1;
		}
		if (set && (!last || strcmp(set, last) != 0)) {
			cli_print_instances(stdout, service, set, json);
			fflush(stdout);
			free(last);
			last = set;
			if (count > 0 && ++printed >= count)
				break;
		} else {
			free(set);
		}
		for (int i = 0; i < interval_s * 10 && !watch_stop; i++)
			nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
	}
	free(last);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "node", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "trace", no_argument, NULL, 'T' },
		{ "network", required_argument, NULL, 'N' },
		{ "key", required_argument, NULL, 'k' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *control = NULL, *node = "-", *network = NULL, *keyfile = NULL, *cmd = NULL,
		   *arg = NULL;
	char sockbuf[2048], req[1200], *resp = NULL;
	int json = 0, timeout_s = 60, interval_s = 2, count = 0, c, rc;
	long v;

	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	opterr = 0;   /* one message per error, ours */
	/* ":" first: a missing option argument is told apart from an unknown option. Options
	 * are permuted, so "lookup --trace ID --json" works as well as "--json lookup ID". */
	while ((c = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': control = optarg; break;
		case 'j': json = 1; break;
		case 'n': node = optarg; break;
		case 'N': network = optarg; break;
		case 'k': keyfile = optarg; break;
		case 't':
			if (cli_parse_long(optarg, 1, 86400, &v) != 0)
				return die_usage("--timeout %s: want whole seconds from 1 to 86400", optarg);
			timeout_s = (int)v;
			break;
		case 'i':
			if (cli_parse_long(optarg, 1, 3600, &v) != 0)
				return die_usage("--interval %s: want whole seconds from 1 to 3600", optarg);
			interval_s = (int)v;
			break;
		case 'C':
			if (cli_parse_long(optarg, 1, 1000000, &v) != 0)
				return die_usage("--count %s: want a whole number from 1", optarg);
			count = (int)v;
			break;
		case 'T': break;   /* lookup always prints its hops */
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("themis %s\n", THEMIS_VERSION); return 0;
		case ':':
			return die_usage("%s needs an argument: %s", argv[optind - 1],
					 cli_option_arg(argv[optind - 1]));
		default:
			if (optopt)
				return die_usage("unknown option '-%c'", optopt);
			return die_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	cmd = argv[optind++];
	const struct command *cm = NULL;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(cmd, commands[i].name))
			cm = &commands[i];
	if (!cm) {
		const char *names[NCOMMANDS];
		for (size_t i = 0; i < NCOMMANDS; i++)
			names[i] = commands[i].name;
		const char *near = cli_nearest(cmd, names, NCOMMANDS);
		if (near)
			return die_usage("unknown command '%s'; did you mean '%s'?", cmd, near);
		return die_usage("unknown command '%s'", cmd);
	}
	if (optind < argc)
		arg = argv[optind++];
	if (optind < argc)
		return die_usage("%s: unexpected argument '%s'", cmd, argv[optind]);
	if (!strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return 0;
	}
	if (cm->arg && !arg)
		return die_usage("%s needs an argument: %s (e.g. %s)", cmd, cm->arg, cm->example);
	if (!cm->arg && arg)
		return die_usage("%s takes no argument (got '%s')", cmd, arg);
	if (arg && (strpbrk(arg, "\n\r") || strlen(arg) > 900))
		return die_usage("%s: the argument is longer than 900 bytes or holds a line break", cmd);
	if (network && strcmp(cmd, "keygen") != 0 && !(keyfile && !strcmp(cmd, "id")))
		return die_usage("--network is for keygen and id --key only");
	if (keyfile && strcmp(cmd, "id") != 0)
		return die_usage("--key is for id only");
	if (!strcmp(cmd, "keygen"))
		return keygen(arg, network, json);
	if (keyfile) {
		if (!network)
			return die_usage("id --key FILE needs --network NAME: an id is computed for one network");
		return key_id(keyfile, network, json);
	}
	if (strcmp(node, "-") != 0 && cli_parse_long(node, 0, HOST_MAX_NODES - 1, &v) != 0)
		return die_usage("--node %s: want a node index, 0 or more", node);
	if (!control) {
		if (default_control(sockbuf, sizeof sockbuf) != 0)
			return 1;
		control = sockbuf;
	}
	if (!strcmp(cmd, "watch"))
		return watch(control, node, arg, interval_s, count, timeout_s, json);
	snprintf(req, sizeof req, "%s %s %s%s%s", json ? "json" : "text", node, cmd, arg ? " " : "",
		 arg ? arg : "");
	if ((rc = call(control, req, timeout_s, &resp)) != 0)
		return rc;
	rc = print_reply(control, cmd, resp, json);
	free(resp);
	return rc;
}
