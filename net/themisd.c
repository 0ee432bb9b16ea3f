/* themisd.c: the THEMIS daemon (docs/interface.md, themisd): command line, identity, the control
 * socket, signals and the graceful leave on shutdown. The loop itself is host.c; this file
 * only wires the pieces together and owns the process's lifetime.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "cliutil.h"
#include "ctl.h"
#include "dmetrics.h"
#include "host.h"
#include "key.h"
#include "leaveall.h"
#include "log.h"
#include "regs.h"
#include "rundir.h"
#include "sdnotify.h"

static const char usage[] =
	"usage: themisd --network NAME --listen ADDR:PORT [--bootstrap ADDR:PORT]... [--key FILE]\n"
	"               [--advertise ADDR:PORT] [--state DIR] [--control SOCKET] [--nodes N]\n"
	"               [--metrics FILE.db] [--insecure-baseline] [--stabilize MS]\n"
	"               [--max-records N] [--help] [--version]\n"
	"\n"
	"  --network NAME       network name (all nodes of one mesh use the same)\n"
	"  --listen ADDR:PORT   UDP locator of node 0 (IPv6 as [ADDR]:PORT; ADDR may be a host\n"
	"                       name, resolved once at start, IPv4 first)\n"
	"  --advertise ADDR:PORT  the locator peers reach node 0 at, when it differs from --listen\n"
	"                       (NAT, port forwarding); node i advertises PORT+i\n"
	"  --bootstrap PEER     ID@ADDR:PORT, or ADDR:PORT of a daemon on this host (its id is\n"
	"                       asked on its control socket); repeatable; none: start a new ring\n"
	"  --key FILE           Ed25519 seed file (themis keygen FILE); mode 0600 required\n"
	"  --state DIR          state directory; DIR/node.key is created on first start when no\n"
	"                       --key is given (default /var/lib/themisd as root, else\n"
	"                       $XDG_STATE_HOME/themisd); DIR/peers keeps the ring nodes known,\n"
	"                       for a restart without --bootstrap; DIR/registrations the services\n"
	"                       registered through the control socket, registered again at start\n"
	"  --control SOCKET     control socket (default RUNDIR/themisd-PORT.sock)\n"
	"  --nodes N            host N virtual nodes on ports PORT..PORT+N-1\n"
	"  --metrics FILE.db    write ops and summary rows (analysis/schema.sql, mode 'udp')\n"
	"  --insecure-baseline  PLAIN packets, no handshake, no encryption: measurement only\n"
	"  --stabilize MS       period of ring maintenance (default 1000; tests use less)\n"
	"  --max-records N      records each node holds for others at most (default 4096); a\n"
	"                       store past it is refused and the storer told which cap\n"
	"\n"
	"Environment: THEMIS_LOG=error|warn|info|debug, THEMIS_RUNTIME_DIR (RUNDIR).\n"
	"Signals: TERM, INT and every other signal that stops the daemon (QUIT, USR1, USR2, ALRM,\n"
	"...) make each node leave the ring first; HUP is logged and otherwise ignored.\n";

typedef struct daemon_state {
	host *h;
	ctl *ctl;
	dmetrics *dm;
	int stopping;
	leaveall *la;           /* the leaves of shutdown, once begun */
	reg_entry *regs;        /* registrations kept from earlier runs (regs.h) */
	unsigned char *replayed;
	size_t nregs, nreplay;  /* how many, and how many are still to be made again */
} daemon_state;

static void fail_usage(const char *msg)
{
	fprintf(stderr, "themisd: %s (see themisd --help)\n", msg);
	exit(2);
}

static void on_event(void *ctx, unsigned idx, const themis_event *ev)
{
	daemon_state *d = ctx;
	char hex[ID_HEXLEN + 1];

	if (ev->kind == THEMIS_EV_LOOKUP_HOP)
		ctl_on_event(d->ctl, idx, ev);
	if (ev->kind != THEMIS_EV_OP_DONE)
		return;
	themis_hex(themis_node_id(host_node(d->h, idx)), THEMIS_ID_LEN, hex);
	dm_op(d->dm, hex, ev, ctl_target(d->ctl, idx, ev->op_id));
	if (ev->op == THEMIS_OP_LEAVE && !ev->ok) {
		/* Say what a failed leave means for the records: a successor without room took
		 * none of a batch, and this node keeps (or, handed over already, lost) them. */
		uint64_t kept = themis_node_counters_ref(host_node(d->h, idx))->records_unplaced;
		unsigned ok, failed, started;
		int alone = 0;
		if (d->la)
			leaveall_counts(d->la, &ok, &failed, &started, &alone);
		if (alone)
			log_msg(LOG_WARN, "node %u: left holding %llu record(s) that no node took: no node "
				"outside this daemon is in the ring", idx, (unsigned long long)kept);
		else if (kept)
			log_msg(LOG_WARN, "node %u: leave failed: %llu record(s) could not be handed to a "
				"successor (its record table is full); %s", idx, (unsigned long long)kept,
				host_joined(d->h, idx) ? "the node stays in the ring and keeps them" :
				"their storers put them back at their next refresh");
		else
			log_msg(LOG_WARN, "node %u: leave failed", idx);
	}
	if (d->la && ev->op == THEMIS_OP_LEAVE)
		leaveall_on_done(d->la, idx, ev->ok);
	ctl_on_event(d->ctl, idx, ev);
}

static void on_signal(void *ctx, int fd, uint32_t events)
{
	daemon_state *d = ctx;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGHUP) {
			/* the usual "reload": there is nothing to reload (the log is stderr, the
			 * options are fixed), and a hangup must never stop a daemon */
			log_msg(LOG_INFO, "signal %s: nothing to reload; still running", strsignal(sig));
			continue;
		}
		if (d->stopping) {
			log_msg(LOG_INFO, "signal %s: already leaving the ring", strsignal(sig));
			continue;
		}
		log_msg(LOG_INFO, "signal %s (from pid %d): every node leaves the ring, then the daemon "
			"stops", strsignal(sig), (int)si.ssi_pid);
		d->stopping = 1;
	}
}

/* Every signal whose default action ends the process, except the ones a fault raises
 * (SEGV, BUS, FPE, ILL, ABRT, SYS, TRAP: blocking those is undefined) and KILL and STOP
 * (which cannot be caught): taken through the signalfd, so each ends the daemon only after
 * the graceful leave, with the control socket removed. HUP is among them and ignored. */
static void stop_signals(sigset_t *s)
{
	static const int sigs[] = {
		SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF,
		SIGXCPU, SIGXFSZ, SIGIO, SIGPWR,
#ifdef SIGSTKFLT
		SIGSTKFLT,
#endif
	};
	sigemptyset(s);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(s, sigs[i]);
	for (int r = SIGRTMIN; r <= SIGRTMAX; r++)
		sigaddset(s, r);
}

static int mkdir_p(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static void default_state(char *buf, size_t cap)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (geteuid() == 0)
		snprintf(buf, cap, "/var/lib/themisd");
	else if (xdg && *xdg)
		snprintf(buf, cap, "%s/themisd", xdg);
	else
		snprintf(buf, cap, "%s/.local/state/themisd", home ? home : ".");
}

/* The registrations kept in the state directory, made again as soon as their node has
 * joined (between steps: never from inside an event). */
static void replay_registrations(daemon_state *d)
{
	for (size_t i = 0; i < d->nregs && d->nreplay; i++) {
		reg_entry *r = &d->regs[i];
		int64_t op;
		if (d->replayed[i] || !host_joined(d->h, r->node))
			continue;
		d->replayed[i] = 1;
		d->nreplay--;
		op = themis_register(host_node(d->h, r->node), r->service, NULL, host_now());
		if (op > 0)
			log_msg(LOG_INFO, "node %u: registering %s again (kept in the state directory)",
				r->node, r->service);
		else
			log_msg(LOG_WARN, "node %u: cannot register %s again (error %lld)", r->node,
				r->service, (long long)op);
		host_flush(d->h, r->node);
	}
}

/* Graceful leave of every joined node (docs/interface.md: within a bound, leaveall.h), then exit.
 * The last line says what happened to the nodes and their records. */
static void shut_down(daemon_state *d)
{
	uint64_t start = host_now(), bound;
	unsigned ok, failed, started, pending;
	int alone;

	sd_notify_state("STOPPING=1");
	host_save_peers(d->h);   /* while the nodes still know their ring: a restart rejoins it */
	d->la = leaveall_start(d->h);
	if (!d->la) {
		log_msg(LOG_ERROR, "shutdown: out of memory; stopping without leaving the ring");
		return;
	}
	bound = leaveall_bound_ns(d->la);
	leaveall_pump(d->la);
	while (leaveall_pending(d->la) > 0 && host_now() - start < bound) {
		host_step(d->h, 20);
		leaveall_pump(d->la);
	}
	pending = leaveall_pending(d->la);
	leaveall_counts(d->la, &ok, &failed, &started, &alone);
	double ms = (double)(host_now() - start) / 1e6;
	if (started == 0 && pending == 0)
		log_msg(LOG_INFO, "shutdown: no node was in a ring; nothing to leave");
	else if (alone)
		log_msg(LOG_INFO, "shutdown: all %u node(s) left the ring in %.0f ms; no node of another "
			"daemon was in it to take their records", ok + failed, ms);
	else if (pending)
		log_msg(LOG_WARN, "shutdown: %u node(s) left the ring, %u failed to, and %u did not "
			"finish leaving within %.1f s; stopping anyway (their neighbours notice "
			"by timeout)", ok, failed, pending, (double)bound / 1e9);
	else if (failed)
		log_msg(LOG_WARN, "shutdown: %u node(s) left the ring and handed their records over; "
			"%u could not (see the warnings above) in %.0f ms", ok, failed, ms);
	else
		log_msg(LOG_INFO, "shutdown: all %u node(s) left the ring and handed their records "
			"to their successors in %.0f ms", ok, ms);
	leaveall_free(d->la);
	d->la = NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "network", required_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, 'l' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "key", required_argument, NULL, 'k' },
		{ "state", required_argument, NULL, 's' },
		{ "control", required_argument, NULL, 'c' },
		{ "nodes", required_argument, NULL, 'N' },
		{ "metrics", required_argument, NULL, 'm' },
		{ "insecure-baseline", no_argument, NULL, 'I' },
		{ "stabilize", required_argument, NULL, 'S' },
		{ "max-records", required_argument, NULL, 'R' },
		{ "advertise", required_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *network = NULL, *listen_s = NULL, *key = NULL, *state = NULL, *control = NULL;
	const char *metrics = NULL, *advertise = NULL, *lvl = getenv("THEMIS_LOG");
	char err[1024], state_buf[4096], control_buf[4096], rundir[1024], a[ADDR_STRLEN];
	daemon_state d = { 0 };
	host_cfg hc;
	sigset_t sigs;
	int c, sfd, rc = 1;

	memset(&hc, 0, sizeof hc);
	hc.nodes = 1;
	hc.security = 1;
	hc.autojoin = 1;
	hc.trace_lookups = 1;
	log_set_prog("themisd");
	if (log_set_level_name(lvl) != 0) {
		fprintf(stderr, "themisd: THEMIS_LOG=%s: unknown level; want error, warn, info or "
			"debug\n", lvl);
		return 2;
	}
	opterr = 0;   /* one message per error, ours */
	while ((c = getopt_long(argc, argv, ":hV", opts, NULL)) != -1) {
		char *end;
		unsigned long v;
		switch (c) {
		case 'n': network = optarg; break;
		case 'l': listen_s = optarg; break;
		case 'k': key = optarg; break;
		case 's': state = optarg; break;
		case 'c': control = optarg; break;
		case 'm': metrics = optarg; break;
		case 'I': hc.security = 0; break;
		case 'A': advertise = optarg; break;
		case 'b':
			if (hc.nboot >= HOST_MAX_BOOT)
				fail_usage("too many --bootstrap");
			hc.boot[hc.nboot++] = optarg;
			break;
		case 'N':
			v = strtoul(optarg, &end, 10);
			if (*end || v < 1 || v > HOST_MAX_NODES)
				fail_usage("--nodes N: N must be 1..4096");
			hc.nodes = (unsigned)v;
			break;
		case 'S':
			v = strtoul(optarg, &end, 10);
			if (*end || v < 10 || v > 600000)
				fail_usage("--stabilize MS: MS must be 10..600000");
			hc.stabilize_ns = (uint64_t)v * 1000000u;
			break;
		case 'R':
			v = strtoul(optarg, &end, 10);
			if (*end || v < 1 || v > 100000000)
				fail_usage("--max-records N: N must be 1..100000000");
			hc.max_records = (uint32_t)v;
			break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("themisd %s\n", THEMIS_VERSION); return 0;
		case ':':
			snprintf(err, sizeof err, "%s needs an argument: %s", argv[optind - 1],
				 cli_option_arg(argv[optind - 1]));
			fail_usage(err);
			break;
		default:
			if (optopt)
				snprintf(err, sizeof err, "unknown option '-%c'", optopt);
			else
				snprintf(err, sizeof err, "unknown option '%s'", argv[optind - 1]);
			fail_usage(err);
		}
	}
	if (optind < argc) {
		snprintf(err, sizeof err, "unexpected argument '%s' (themisd takes options only)", argv[optind]);
		fail_usage(err);
	}
	if (!network || !*network)
		fail_usage("--network NAME is required");
	if (!listen_s)
		fail_usage("--listen ADDR:PORT is required");
	if (addr_parse(listen_s, &hc.listen) != 0) {
		snprintf(err, sizeof err, "--listen %s: want ADDR:PORT, e.g. 127.0.0.1:7000, [::1]:7000 "
			 "or localhost:7000 (a name that resolves)", listen_s);
		fail_usage(err);
	}
	if (advertise && addr_parse(advertise, &hc.advertise) != 0) {
		snprintf(err, sizeof err, "--advertise %s: want ADDR:PORT, e.g. 203.0.113.5:7000", advertise);
		fail_usage(err);
	}
	/* An ADDR:PORT of another host can never be resolved: say so now, not in a retry loop. */
	for (unsigned i = 0; i < hc.nboot; i++) {
		themis_peer p;
		int has_id;
		if (peer_parse(hc.boot[i], &p, &has_id) != 0) {
			snprintf(err, sizeof err, "--bootstrap %s: want ID@ADDR:PORT (ID: 64 hex digits) or "
				 "ADDR:PORT of a daemon on this host", hc.boot[i]);
			fail_usage(err);
		}
		if (!has_id && !addr_is_local(&p.addr)) {
			fprintf(stderr, "themisd: --bootstrap %s: the node id of a remote bootstrap is needed; "
				"give it as ID@%s (run `themis id` on that host)\n", hc.boot[i], hc.boot[i]);
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	stop_signals(&sigs);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC);

	if (!key && !state) {
		default_state(state_buf, sizeof state_buf);
		state = state_buf;
	}
	if (state && mkdir_p(state) != 0) {
		fprintf(stderr, "themisd: --state %s: cannot create: %s\n", state, strerror(errno));
		return 1;
	}
	if ((key ? key_load(key, hc.seed, err, sizeof err) :
	     key_load_or_create(state, hc.seed, err, sizeof err)) != 0) {
		fprintf(stderr, "themisd: %s\n", err);
		return 1;
	}
	if (!control) {
		if (rundir_get(rundir, sizeof rundir, 1, err, sizeof err) != 0) {
			fprintf(stderr, "themisd: %s\n", err);
			goto out;
		}
		snprintf(control_buf, sizeof control_buf, "%s/themisd-%u.sock", rundir, hc.listen.port);
		control = control_buf;
	}
	hc.network = network;
	hc.own_control = control;
	hc.state_dir = state;
	hc.on_event = on_event;
	hc.ctx = &d;
	static const uint8_t any[16];
	if (!memcmp(hc.listen.addr, any, 16) && !hc.advertise.family)
		log_msg(LOG_WARN, "--listen %s: a wildcard address; other nodes learn this node's "
			"locator from its records, so give the address they should reach (or --advertise)", listen_s);
	if (!hc.security)
		log_msg(LOG_WARN, "--insecure-baseline: no handshake, no encryption, no authentication; "
			"for measurements on a closed network only");
	if (host_new(&d.h, &hc, err, sizeof err) != 0) {
		fprintf(stderr, "themisd: %s\n", err);
		goto out;
	}
	key_wipe(hc.seed, sizeof hc.seed);
	d.ctl = ctl_new(d.h, control, network, hc.security, err, sizeof err);
	if (!d.ctl) {
		fprintf(stderr, "themisd: %s\n", err);
		goto out;
	}
	if (state) {
		ctl_set_state_dir(d.ctl, state);
		d.regs = malloc(REGS_MAX * sizeof *d.regs);
		d.replayed = calloc(REGS_MAX, 1);
		if (d.regs && d.replayed) {
			size_t n = regs_load(state, d.regs, REGS_MAX);
			for (size_t i = 0; i < n; i++) {
				if (d.regs[i].node >= hc.nodes) {
					log_msg(LOG_WARN, "registration of %s on node %u kept in %s: this daemon "
						"hosts nodes 0..%u only; not registered", d.regs[i].service,
						d.regs[i].node, state, hc.nodes - 1);
					continue;
				}
				d.regs[d.nregs++] = d.regs[i];
			}
			d.nreplay = d.nregs;
		}
	}
	if (metrics) {
		char params[512];
		snprintf(params, sizeof params, "network=%s\nlisten=%s\nnodes=%u\nbootstraps=%u\n", network,
			 listen_s, hc.nodes, hc.nboot);
		d.dm = dm_open(metrics, network, hc.security, params, err, sizeof err);
		if (!d.dm) {
			fprintf(stderr, "themisd: %s\n", err);
			goto out;
		}
	}
	if (sfd < 0 || host_watch(d.h, sfd, on_signal, &d) != 0) {
		fprintf(stderr, "themisd: signalfd: %s\n", strerror(errno));
		goto out;
	}
	for (unsigned i = 0; i < hc.nodes; i++) {
		char hex[17];
		log_msg(LOG_INFO, "node %u: id %s... listening on %s", i,
			host_short(themis_node_id(host_node(d.h, i)), hex), addr_format(host_addr(d.h, i), a));
	}
	log_msg(LOG_INFO, "network %s, %u node(s), control socket %s", network, hc.nodes, control);
	sd_notify_state("READY=1");
	while (!d.stopping) {
		host_step(d.h, 1000);
		if (d.nreplay)
			replay_registrations(&d);
	}
	shut_down(&d);
	rc = 0;
out:
	key_wipe(hc.seed, sizeof hc.seed);
	dm_close(d.dm, d.h);
	ctl_del(d.ctl);
	host_del(d.h);
	free(d.regs);
	free(d.replayed);
	if (sfd >= 0)
		close(sfd);
	return rc;
}
