/* themis.c: the command-line client (CONTRACT.md, themis). Every command but keygen is one
 * request to a running themisd over its control socket (docs/cli.md); the daemon formats the
 * reply, so this program only picks the socket, sends the line and prints what comes back.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ctlc.h"
#include "key.h"
#include "rundir.h"

static const char usage[] =
	"usage: themis [--control SOCKET] [--json] [--node I] [--timeout S] COMMAND\n"
	"  keygen FILE            write a new identity (Ed25519 seed, mode 0600, never overwrites)\n"
	"  id                     ids and locators of the daemon's nodes\n"
	"  status                 ring state and counters (drops by reason)\n"
	"  peers                  predecessor and successors\n"
	"  routes                 finger table\n"
	"  join ADDR:PORT         join the ring through a bootstrap (or ID@ADDR:PORT)\n"
	"  leave                  leave the ring gracefully\n"
	"  store NAME             store this node under NAME\n"
	"  find NAME              find NAME's owner and records\n"
	"  lookup --trace ID      iterative lookup of a 64-hex-digit id, with its path totals\n"
	"  register SERVICE       register this node as an instance of SERVICE\n"
	"  discover SERVICE       discover an instance of SERVICE\n"
	"--node I picks the hosted node (default 0; status, peers, routes and id show all).\n"
	"Without --control: $THEMIS_CONTROL, else the only socket in the runtime directory.\n";

static int die_usage(const char *msg)
{
	fprintf(stderr, "themis: %s (see themis --help)\n", msg);
	return 2;
}

/* The only *.sock in the runtime directory, so that one local daemon needs no flag. */
static int default_control(char *buf, size_t cap)
{
	char dir[1024], err[256];
	const char *env = getenv("THEMIS_CONTROL");
	struct dirent *de;
	int found = 0;
	DIR *d;

	if (env && *env) {
		snprintf(buf, cap, "%s", env);
		return 0;
	}
	if (rundir_get(dir, sizeof dir, 0, err, sizeof err) != 0 || !(d = opendir(dir))) {
		fprintf(stderr, "themis: no daemon is running (no runtime directory %s); start themisd "
			"or give --control SOCKET\n", dir);
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

static int keygen(const char *path, int json)
{
	char err[512], hex[2 * THEMIS_PK_LEN + 1];
	uint8_t seed[THEMIS_SEED_LEN], pk[THEMIS_PK_LEN];

	if (key_generate(path, err, sizeof err) != 0 || key_load(path, seed, err, sizeof err) != 0) {
		fprintf(stderr, "themis: %s\n", err);
		return 1;
	}
	themis_pk_from_seed(seed, pk);
	key_wipe(seed, sizeof seed);
	themis_hex(pk, sizeof pk, hex);
	if (json)
		printf("{\"file\":\"%s\",\"public_key\":\"%s\"}\n", path, hex);
	else
		printf("wrote %s (mode 0600)\npublic key %s\n", path, hex);
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
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *control = NULL, *node = "-", *cmd, *arg = NULL;
	char sockbuf[2048], req[1200], *resp = NULL;
	int json = 0, trace = 0, timeout_s = 60, c, rc;

	/* "+": stop at the command, so "lookup --trace ID" keeps its own flag order */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'c': control = optarg; break;
		case 'j': json = 1; break;
		case 'n': node = optarg; break;
		case 't': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 1 || v > 86400)
				return die_usage("--timeout wants whole seconds from 1 to 86400");
			timeout_s = (int)v;
			break;
		}
		case 'T': trace = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("themis %s\n", THEMIS_VERSION); return 0;
		default: return die_usage("unknown option");
		}
	}
	if (optind >= argc)
		return die_usage("missing COMMAND");
	cmd = argv[optind++];
	if (!strcmp(cmd, "lookup") && optind < argc && !strcmp(argv[optind], "--trace")) {
		trace = 1;
		optind++;
	}
	if (optind < argc)
		arg = argv[optind++];
	if (optind < argc)
		return die_usage("too many arguments");
	static const char *const with_arg[] = { "keygen", "join", "store", "find", "lookup", "register",
						"discover", NULL };
	static const char *const without[] = { "id", "status", "peers", "routes", "leave", NULL };
	int known = 0, needs = 0;
	for (int i = 0; with_arg[i]; i++)
		if (!strcmp(cmd, with_arg[i]))
			known = needs = 1;
	for (int i = 0; without[i]; i++)
		if (!strcmp(cmd, without[i]))
			known = 1;
	if (!known)
		return die_usage("unknown COMMAND");
	if (needs != (arg != NULL))
		return die_usage(needs ? "this COMMAND needs an argument" : "this COMMAND takes no argument");
	if (!strcmp(cmd, "lookup") && !trace)
		return die_usage("lookup: use `lookup --trace ID`");
	if (strchr(arg ? arg : "", '\n') || strlen(arg ? arg : "") > 900)
		return die_usage("argument too long or contains a newline");
	if (!strcmp(cmd, "keygen"))
		return keygen(arg, json);
	if (!control) {
		if (default_control(sockbuf, sizeof sockbuf) != 0)
			return 1;
		control = sockbuf;
	}
	snprintf(req, sizeof req, "%s %s %s%s%s", json ? "json" : "text", node, cmd, arg ? " " : "",
		 arg ? arg : "");
	rc = ctlc_call(control, req, &resp, timeout_s * 1000);
	if (rc == CTLC_NO_DAEMON) {
		fprintf(stderr, "themis: no daemon is running at %s (%s); start themisd or give "
			"--control SOCKET\n", control, strerror(errno));
		return 1;
	}
	if (rc != 0) {
		fprintf(stderr, "themis: %s: no complete answer within %d s\n", control, timeout_s);
		return 1;
	}
	char *body = strchr(resp, '\n');
	body = body ? body + 1 : resp + strlen(resp);
	if (!strncmp(resp, "OK\n", 3)) {
		fputs(body, stdout);
		free(resp);
		return 0;
	}
	if (!strncmp(resp, "ERR ", 4)) {
		fprintf(stderr, "themis: %.*s\n", (int)(body - resp - 5), resp + 4);
		if (*body)
			fputs(body, stdout);
		else if (json)
			printf("{\"error\":\"%s failed\"}\n", cmd);
	} else {
		fprintf(stderr, "themis: %s: not a themisd control socket\n", control);
	}
	free(resp);
	return 1;
}
