/* main.c: the themis-sim command line (docs/interface.md): options, the default database path, the
 * human summary and the exit status (0 ok, 1 an [expect] failed, 2 usage or scenario error).
 * It never simulates anything itself: sim_run does.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cpu.h"
#include "distinct.h"
#include "rng.h"
#include "scenario.h"
#include "sim.h"
#include "themis.h"

static const char usage[] =
	"usage: themis-sim SCENARIO.ini [--seed N] [--db FILE] [--set section.key=value]...\n"
	"                  [--trace FILE|-] [--pcap FILE] [--progress] [--quiet] [--threads N]\n"
	"       themis-sim --calibrate | --help | --version\n"
	"\n"
	"Runs a THEMIS scenario in simulated time and appends its results to a SQLite database.\n"
	"  --seed N        override [run] seed\n"
	"  --db FILE       results database (default results/<scenario name>.db)\n"
	"  --set S.K=V     override any scenario key (repeatable; unknown keys are errors)\n"
	"  --trace FILE    one line per message and node event, stamped with simulated time ('-': stdout)\n"
	"  --pcap FILE     every datagram the simulated network carried, as a pcap file\n"
	"  --progress      a status line on stderr (a plain line per tenth of the run when\n"
	"                  stderr is not a terminal)\n"
	"  --quiet         no summary\n"
	"  --threads N     at most N threads (default: one per core; 1: a single thread); the\n"
	"                  trace, summary and rows are the same for every N\n"
	"  --calibrate     measure this machine's crypto costs and print a [cpu] section\n"
	"  --positions     print every node's ring position (m bits) in ring order and exit\n"
	"Exit status: 0 ok, 1 an [expect] failed, 2 usage or scenario error.\n"
	"Scenario keys: scenarios/README.md\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "themis-sim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (try --help)\n");
	return 2;
}

static double val(const sim_summary *s, const char *name)
{
	const double *v = sim_summary_get(s, name);
	return v ? *v : 0.0;
}

/* "97.5% ok" of an operation's runs, or an em dash when it never ran (0 of 0 is no rate). */
static const char *rate(char *buf, size_t n, const sim_summary *s, const char *count, const char *ratio)
{
	if (val(s, count) <= 0)
		snprintf(buf, n, "\u2014");
	else
		snprintf(buf, n, "%.1f%% ok", 100 * val(s, ratio));
	return buf;
}

/* "12.345 ms" for a latency of something that happened, an em dash when nothing did. */
static const char *ms(char *buf, size_t n, const sim_summary *s, const char *count, const char *name)
{
	if (val(s, count) <= 0)
		snprintf(buf, n, "\u2014");
	else
		snprintf(buf, n, "%.3f ms", val(s, name) * 1e-6);
	return buf;
}

static void print_summary(FILE *f, const sim_scenario *sc, const sim_summary *s, const char *db)
{
	char a[32], b[32], c[32];
	fprintf(f, "themis-sim: %s (seed %llu): %u nodes, %.3f s simulated, %.0f events in %.2f s (%.2fM events/s)\n",
		sc->name, (unsigned long long)sc->seed, sc->count, val(s, "sim_seconds"), val(s, "events"),
		val(s, "wall_seconds"), val(s, "events_per_second") * 1e-6);
	/* percentiles over the pings that succeeded */
	double pings_ok = val(s, "pings") * val(s, "ping_success_rate");
	fprintf(f, "  pings %.0f (%s), rtt p50 %s, p99 %s\n", val(s, "pings"),
		rate(a, sizeof a, s, "pings", "ping_success_rate"),
		pings_ok > 0 ? ms(b, sizeof b, s, "pings", "ping_rtt_p50_ns") : "\u2014",
		pings_ok > 0 ? ms(c, sizeof c, s, "pings", "ping_rtt_p99_ns") : "\u2014");
	fprintf(f, "  handshakes %.0f (failed %.0f), datagrams %.0f (%.0f bytes), lost %.0f, duplicated %.0f\n",
		val(s, "handshakes"), val(s, "handshakes_failed"), val(s, "datagrams"), val(s, "bytes"), val(s, "net_lost"),
		val(s, "net_duplicated"));
	/* every reason the nodes dropped something for, in the core's order: an attack is often
	 * stopped by one no other run sees (mitm: bad_key) */
	fprintf(f, "  drops:");
	int any = 0;
	for (int r = 0; r < THEMIS_DROP__COUNT; r++) {
		char name[48];
		snprintf(name, sizeof name, "drops_%s", themis_drop_name((themis_drop)r));
		if (val(s, name) > 0)
			fprintf(f, "%s %s %.0f", any++ ? "," : "", themis_drop_name((themis_drop)r), val(s, name));
	}
	fprintf(f, "%s\n", any ? "" : " none");
	if (val(s, "joins") + val(s, "lookups") + val(s, "stores") + val(s, "registers") + val(s, "members") > 0) {
		fprintf(f, "  ring: %.0f members at the end, valid %s, ideal %s, violations after settling %.0f (of %.0f checks)\n",
			val(s, "members"), val(s, "ring_valid") ? "yes" : "NO", val(s, "ring_ideal") ? "yes" : "no",
			val(s, "ring_violations"), val(s, "ring_checks"));
		fprintf(f, "  joins %.0f (%s), leaves %.0f (%s), failures %.0f, recoveries %.0f\n",
			val(s, "joins"), rate(a, sizeof a, s, "joins", "join_success_rate"), val(s, "leaves"),
			rate(b, sizeof b, s, "leaves", "leave_success_rate"), val(s, "failures"), val(s, "recoveries"));
		if (val(s, "lookups") > 0)
			fprintf(f, "  lookups %.0f: %s, %.2f hops, %.2f msgs, latency p50 %s, p99 %s, wrong owner %.0f\n",
				val(s, "lookups"), rate(a, sizeof a, s, "lookups", "lookup_success_rate"),
				val(s, "lookup_hops_mean"), val(s, "lookup_msgs_mean"),
				ms(b, sizeof b, s, "lookups", "lookup_latency_p50_ns"),
				ms(c, sizeof c, s, "lookups", "lookup_latency_p99_ns"), val(s, "wrong_owner_results"));
		else
			fprintf(f, "  lookups 0: \u2014\n");
		fprintf(f, "  stores %.0f (%s), ", val(s, "stores"), rate(a, sizeof a, s, "stores", "store_success_rate"));
		fprintf(f, "registers %.0f (%s), ", val(s, "registers"),
			rate(b, sizeof b, s, "registers", "register_success_rate"));
		fprintf(f, "discovers %.0f (%s)\n", val(s, "discovers"),
			rate(c, sizeof c, s, "discovers", "discover_success_rate"));
		fprintf(f, "  records held %.0f, objects lost %.0f, ghost records accepted %.0f\n", val(s, "records_held"),
			val(s, "objects_lost"), val(s, "ghost_records_accepted"));
	}
	fprintf(f, "  peak RSS %.0f kB, trace_hash %s\n", val(s, "peak_rss_kb"), s->trace_hash);
	if (db)
		fprintf(f, "  results: %s (run_id %lld)\n", db, (long long)s->run_id);
}

struct pos_ctx {
	const sim_scenario *sc;
	const uint8_t *net;
};

/* The position of node i's identity of draw `attempt`, without making the node. */
static int position_of(void *ctx, uint32_t i, uint32_t attempt, uint8_t pos[THEMIS_ID_LEN])
{
	const struct pos_ctx *pc = ctx;
	uint8_t seed[THEMIS_SEED_LEN], pk[THEMIS_PK_LEN], id[THEMIS_ID_LEN];

	sim_identity_seed(seed, pc->sc->seed, i, attempt);
	themis_pk_from_seed(seed, pk);
	themis_id_from_pk(pk, pc->net, id);
	themis_ring_pos(id, pc->sc->m, pos);
	return 0;
}

/* --positions: where each node sits on the ring (the identities the run would give them),
 * so a teaching scenario can pick a seed whose positions do not collide. */
static int print_positions(const sim_scenario *sc)
{
	uint8_t net[THEMIS_ID_LEN];
	char hex[2 * THEMIS_ID_LEN + 1];
	uint32_t n = sc->count < 4096 ? sc->count : 4096, *order = malloc(n * sizeof *order);
	uint8_t (*pos)[THEMIS_ID_LEN] = malloc(n * sizeof *pos);
	if (!order || !pos) {
		free(order);
		free(pos);
		fprintf(stderr, "themis-sim: out of memory\n");
		return 2;
	}
	if (sodium_init() < 0) {
		free(order);
		free(pos);
		return 2;
	}
	themis_net_hash(sc->network, net);
	struct pos_ctx pc = { sc, net };
	for (uint32_t i = 0; i < n; i++) {
		uint32_t attempt = 0;
		/* [nodes] positions: the draw the run will find for the node */
		if (sc->npositions && sim_identity_at(sc->seed, net, i, sc->m, sc->positions[i], &attempt)) {
			free(order);
			free(pos);
			fprintf(stderr, "%s: no identity found for node n%u at position %u\n", sc->file, i,
				sc->positions[i]);
			return 2;
		}
		(void)position_of(&pc, i, attempt, pos[i]);
	}
	/* the run's own rule (distinct.c): a node's draws depend only on the nodes before it, so
	 * the first n are placed as in the run */
	uint32_t stuck = 0;
	if (!sc->npositions && sc->distinct_positions && sim_distinct_positions(n, pos, position_of, &pc, &stuck) != 0) {
		free(order);
		free(pos);
		fprintf(stderr, "%s: no free ring position for node n%u (m = %u)\n", sc->file, stuck, sc->m);
		return 2;
	}
	for (uint32_t i = 0; i < n; i++) {
		/* insertion sort: at most a few thousand teaching nodes */
		uint32_t k = i;
		for (; k > 0 && memcmp(pos[order[k - 1]], pos[i], THEMIS_ID_LEN) > 0; k--)
			order[k] = order[k - 1];
		order[k] = i;
	}
	unsigned digits = (sc->m + 3) / 4 < 16 ? (sc->m + 3) / 4 : 16;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = order[k];
		int dup = k > 0 && !memcmp(pos[order[k - 1]], pos[i], THEMIS_ID_LEN);
		themis_hex(pos[i], THEMIS_ID_LEN, hex);
		hex[digits] = 0;
		printf("n%u 0x%s%s\n", i, hex, dup ? "  COLLIDES with the line above" : "");
	}
	free(order);
	free(pos);
	return 0;
}

/* Creates the directory part of path if it is missing (one level, as for results/). */
static int ensure_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return 0;
	char dir[1024];
	size_t n = (size_t)(slash - path);
	if (n >= sizeof dir)
		return -1;
	memcpy(dir, path, n);
	dir[n] = 0;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *db = NULL, *trace = NULL, *pcap = NULL, *seed = NULL, *threads = NULL;
	const char **sets = calloc((size_t)argc, sizeof *sets);
	size_t nsets = 0;
	int quiet = 0, progress = 0, positions = 0, status = 2;
	char err[SIM_ERR_MAX];
	sim_scenario sc;
	sim_summary sum = { 0 };
	FILE *tf = NULL;
	char dbpath[SIM_NAME_MAX + 32];

#ifdef __GLIBC__
	/* The heap grows by 64 MB at a time instead of 128 KB: a large ring's heap grows for
	 * the whole setup and early run, and in small steps it paid a system call and a stretch
	 * of small pages each time (measured: 100k nodes, a million finds, 15.82 -> 14.95 s,
	 * medians of three interleaved runs). Untouched, the padding costs no memory. */
	mallopt(M_TOP_PAD, 64 << 20);
#endif
	if (!sets || sim_scenario_init(&sc)) {
		fprintf(stderr, "themis-sim: out of memory\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			status = 0;
			goto out;
		} else if (!strcmp(a, "--version")) {
			printf("themis-sim %s\n", THEMIS_VERSION);
			status = 0;
			goto out;
		} else if (!strcmp(a, "--calibrate")) {
			sim_cpu_costs c;
			if (sim_cpu_calibrate(&c)) {
				fprintf(stderr, "themis-sim: libsodium failed to initialise\n");
				goto out;
			}
			printf("# measured by themis-sim --calibrate (median of several rounds)\n");
			sim_cpu_print(stdout, &c);
			status = 0;
			goto out;
		} else if (!strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (!strcmp(a, "--positions")) {
			positions = 1;
		} else if (!strcmp(a, "--progress")) {
			progress = 1;
		} else if (!strcmp(a, "--seed")) {
			dst = &seed;
		} else if (!strcmp(a, "--db")) {
			dst = &db;
		} else if (!strcmp(a, "--trace")) {
			dst = &trace;
		} else if (!strcmp(a, "--pcap")) {
			dst = &pcap;
		} else if (!strcmp(a, "--threads")) {
			dst = &threads;
		} else if (!strcmp(a, "--set")) {
			dst = &sets[nsets++];
		} else if (a[0] == '-' && a[1] != 0) {
			status = usage_error("unknown option '%s'", a);
			goto out;
		} else if (file) {
			status = usage_error("more than one scenario file ('%s')", a);
			goto out;
		} else {
			file = a;
		}
		if (dst) {
			if (i + 1 >= argc) {
				status = usage_error("%s needs a value", a);
				goto out;
			}
			*dst = argv[++i];
		}
	}
	if (!file) {
		status = usage_error("%s", "no scenario file given");
		goto out;
	}
	int nthreads = 0;
	if (threads) {
		char *end;
		long v = strtol(threads, &end, 10);
		if (*threads < '0' || *threads > '9' || *end || v < 1 || v > 64) {
			status = usage_error("bad --threads '%s' (1 to 64)", threads);
			goto out;
		}
		nthreads = (int)v;
	}
	if (sim_scenario_load(&sc, file, err, sizeof err))
		goto scenario_error;
	for (size_t i = 0; i < nsets; i++)
		if (sim_scenario_set(&sc, sets[i], err, sizeof err))
			goto scenario_error;
	if (seed) {
		char buf[64];
		snprintf(buf, sizeof buf, "run.seed=%s", seed);
		if (sim_scenario_set(&sc, buf, err, sizeof err)) {
			status = usage_error("bad --seed '%s' (an integer >= 0)", seed);
			goto out;
		}
	}
	if (sim_scenario_finish(&sc, err, sizeof err))
		goto scenario_error;
	for (size_t i = 0; i < sc.nexpects; i++) {
		if (!sim_summary_known(sc.expects[i].name)) {
			snprintf(err, sizeof err, "%s:%d: unknown summary value '%s' (see scenarios/README.md)",
				 sc.file, sc.expects[i].line, sc.expects[i].name);
			goto scenario_error;
		}
	}
	if (sim_scenario_warning(&sc, err, sizeof err))
		fprintf(stderr, "%s\n", err);
	if (positions) {
		status = print_positions(&sc);
		goto out;
	}
	if (!db) {
		snprintf(dbpath, sizeof dbpath, "results/%s.db", sc.name);
		db = dbpath;
	}
	if (ensure_dir_of(db)) {
		fprintf(stderr, "themis-sim: cannot create the directory for %s: %s\n", db, strerror(errno));
		goto out;
	}
	if (trace) {
		tf = strcmp(trace, "-") ? fopen(trace, "w") : stdout;
		if (!tf) {
			fprintf(stderr, "themis-sim: cannot create %s: %s\n", trace, strerror(errno));
			goto out;
		}
	}
	sim_opts o = { .trace = tf, .pcap_path = pcap, .db_path = db,
		       .progress = !progress ? 0 : isatty(STDERR_FILENO) ? 1 : 2, .threads = nthreads };
	if (sim_run(&sc, &o, &sum, err, sizeof err)) {
		fprintf(stderr, "themis-sim: %s\n", err);
		goto out;
	}
	/* the trace's last lines out first: with --trace - the summary goes to stderr, and both
	 * may be one terminal or file, where a line still buffered would be cut by it */
	if (tf)
		fflush(tf);
	if (!quiet)
		print_summary(tf == stdout ? stderr : stdout, &sc, &sum, db);
	/* a database drawn as figures shows every run in it: say when this one joined others
	 * (sweeps and campaigns append on purpose, with --quiet) */
	if (!quiet && sum.prior_runs > 0) {
		fprintf(stderr, "themis-sim: %s: %s already held %lld run%s", sum.prior_same ? "warning" : "note",
			db, (long long)sum.prior_runs, sum.prior_runs == 1 ? "" : "s");
		if (sum.prior_same)
			fprintf(stderr, " (%lld with this scenario, seed and parameters: their curves will "
				"overlap this run's)", (long long)sum.prior_same);
		fprintf(stderr, "; this run was appended as run_id %lld. Figures draw every run in a "
			"database; a new --db starts a fresh one\n", (long long)sum.run_id);
	}
	/* even with --quiet: a run that ended broken for this reason must say why */
	if (sum.assumptions[0])
		fprintf(stderr, "themis-sim: warning: %s: the run left Chord's assumptions: %s\n", sc.file,
			sum.assumptions);
	status = sim_expect_check(&sc, &sum, stderr) ? 1 : 0;
	goto out;

scenario_error:
	fprintf(stderr, "%s\n", err);
	status = 2;
out:
	if (tf && tf != stdout && fclose(tf) != 0 && status == 0) {
		fprintf(stderr, "themis-sim: write error on %s\n", trace);
		status = 2;
	}
	sim_summary_free(&sum);
	sim_scenario_free(&sc);
	free(sets);
	return status;
}
