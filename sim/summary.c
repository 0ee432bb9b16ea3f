/* summary.c: a run's headline figures (docs/interface.md summary names) computed from the driver's
 * statistics and the nodes' counters, and the [expect] check over them. It only reads the
 * finished run; it never changes what happened in it.
 */
#include "simint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int add(sim_summary *s, const char *name, double v)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		sim_summary_row *nr = realloc(s->rows, ncap * sizeof *nr);
		if (!nr)
			return -1;
		s->rows = nr;
		s->cap = ncap;
	}
	snprintf(s->rows[s->n].name, sizeof s->rows[s->n].name, "%s", name);
	s->rows[s->n].value = v;
	s->n++;
	return 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return (a > b) - (a < b);
}

/* Nearest-rank percentile of a sorted array; 0 when empty. */
static double pct(const uint64_t *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	size_t r = (size_t)ceil(p * (double)n);
	if (r < 1)
		r = 1;
	return (double)v[r - 1];
}

/* a / b, and 0 when nothing was asked (an empty run has no failures either) */
static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0;
}

/* Names whose values depend on the machine, not on the scenario and seed. */
static const char *const wall_names[] = { "wall_seconds", "events_per_second", "peak_rss_kb" };

/* Names whose values depend on the observers a scenario asks for (how often the ring checker
 * runs, settle, sample_interval) as well as on the run; every other value does not. */
static const char *const observer_names[] = { "ring_violations", "ring_checks", "observer_events",
					       "assumption_violations" };

/* Everything a run reports, in order. The drops_<reason> rows follow drops_malformed... */
static const char *const fixed_names[] = {
	"pings", "pings_unfinished", "ping_success_rate", "ping_rtt_p50_ns", "ping_rtt_p99_ns",
	"handshakes", "handshakes_failed", "sessions_established",
	"drops_malformed", "drops_bad_sig", "drops_bad_mac", "drops_replay",
	"forgeries_accepted", "replays_accepted",
	"datagrams", "bytes", "net_lost", "net_duplicated", "net_reordered", "net_partitioned",
	"down_drops", "unroutable", "adversary_dropped", "adversary_injected",
	"adversary_actions", "spoofed_bytes_in", "spoofed_bytes_out", "spoofed_amplification",
	"failures", "recoveries", "nodes",
	"lookups", "lookups_unfinished", "lookup_success_rate", "lookup_hops_mean",
	"lookup_latency_p50_ns", "lookup_latency_p99_ns", "lookup_msgs_mean", "finds_with_records",
	"wrong_owner_results", "ghost_records_accepted", "records_rejected",
	"stores", "store_success_rate", "registers", "register_success_rate",
	"discovers", "discover_success_rate", "joins", "join_success_rate", "leaves",
	"leave_success_rate", "objects_lost", "records_held", "members",
	"ring_valid", "ring_ideal", "ring_violations", "ring_checks", "assumption_violations",
	"events", "observer_events", "sim_seconds", "wall_seconds", "events_per_second", "peak_rss_kb",
};

int sim_summary_known(const char *name)
{
	for (size_t i = 0; i < sizeof fixed_names / sizeof fixed_names[0]; i++)
		if (!strcmp(name, fixed_names[i]))
			return 1;
	if (!strcmp(name, "heal_ns"))
		return 1;   /* only in runs with a partition (sim_ring_heal_ns) */
	if (!strncmp(name, "drops_", 6))
		for (int r = 0; r < THEMIS_DROP__COUNT; r++)
			if (!strcmp(name + 6, themis_drop_name((themis_drop)r)))
				return 1;
	return 0;
}

int sim_summary_build(struct sim *s, sim_summary *out, double wall_s, double loop_s)
{
	uint64_t drops[THEMIS_DROP__COUNT] = { 0 };
	uint64_t hs_failed = 0, sessions = 0, rejected = 0, held = 0;
	themis_counters c;
	themis_ring_info ri;
	const sim_dht_stats *d = &s->dst;
	for (uint32_t i = 0; i < s->count; i++) {
		themis_node_counters(s->nodes[i].tn, &c);
		for (int r = 0; r < THEMIS_DROP__COUNT; r++)
			drops[r] += c.drops[r];
		hs_failed += c.handshakes_failed;
		sessions += c.handshakes_ok;
		rejected += c.records_rejected;
		if (sim_ring_live(s, i)) {
			themis_node_ring(s->nodes[i].tn, &ri);
			held += ri.records;
		}
	}
	if (s->st.nrtt > 1)
		qsort(s->st.rtt, s->st.nrtt, sizeof *s->st.rtt, cmp_u64);
	if (d->nlat > 1)
		qsort(d->lat, d->nlat, sizeof *d->lat, cmp_u64);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	const sim_net_stats *n = &s->net.st;
	double sim_s = (double)s->sc->duration_ns * 1e-9;
	double v[] = {
		(double)s->st.pings, (double)(s->st.pings - s->st.pings_done),
		/* a ping still in flight when the run ends did not succeed */
		s->st.pings ? (double)s->st.pings_ok / (double)s->st.pings : 0,
		pct(s->st.rtt, s->st.nrtt, 0.50), pct(s->st.rtt, s->st.nrtt, 0.99),
		(double)s->st.handshakes, (double)hs_failed, (double)sessions,
		(double)drops[THEMIS_DROP_MALFORMED], (double)drops[THEMIS_DROP_BAD_SIG],
		(double)drops[THEMIS_DROP_BAD_MAC], (double)drops[THEMIS_DROP_REPLAY],
		(double)s->st.forgeries_accepted, (double)s->st.replays_accepted,
		(double)s->st.datagrams, (double)s->st.bytes, (double)n->lost, (double)n->duplicated,
		(double)n->reordered, (double)n->partitioned,
		(double)s->st.down_drops, (double)s->st.unroutable, (double)s->st.adv_dropped,
		(double)s->st.adv_injected,
		(double)(s->adv.actions + s->adv.flood_sent), (double)s->adv.spoofed_bytes_in,
		(double)s->adv.spoofed_bytes_out,
		/* bytes a flood victim sent to spoofed sources per byte it received from them */
		s->adv.spoofed_bytes_in ? (double)s->adv.spoofed_bytes_out / (double)s->adv.spoofed_bytes_in
					: 0,
		(double)s->st.failures, (double)s->st.recoveries,
		(double)s->count,
		/* a find still in flight when the run ends did not succeed */
		(double)d->finds, (double)(d->finds - d->finds_done), ratio(d->finds_ok, d->finds),
		ratio(d->finds_hops, d->finds_ok), pct(d->lat, d->nlat, 0.50), pct(d->lat, d->nlat, 0.99),
		ratio(d->finds_msgs, d->finds_done), (double)d->finds_with_records,
		(double)d->wrong_owner, (double)d->ghosts, (double)rejected,
		(double)d->stores, ratio(d->stores_ok, d->stores), (double)d->registers,
		ratio(d->registers_ok, d->registers), (double)d->discovers, ratio(d->discovers_ok, d->discovers),
		(double)d->joins, ratio(d->joins_ok, d->joins), (double)d->leaves,
		ratio(d->leaves_ok, d->leaves), (double)d->objects_lost, (double)held,
		(double)d->members_checked, (double)d->last_valid, (double)d->last_ideal,
		(double)d->violations, (double)d->checks_counted, (double)sim_assume_violations(s),
		(double)s->st.events, (double)s->st.observer_events, sim_s, wall_s,
		loop_s > 0 ? (double)s->st.events / loop_s : 0, (double)ru.ru_maxrss,
	};
	_Static_assert(sizeof v / sizeof v[0] == sizeof fixed_names / sizeof fixed_names[0],
		       "one value per summary name");
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (add(out, fixed_names[i], v[i]))
			return -1;
	sim_assume_report(s, out->assumptions, sizeof out->assumptions);
	/* every drop reason the core knows, under its metrics name */
	for (int r = 0; r < THEMIS_DROP__COUNT; r++) {
		char name[48];
		snprintf(name, sizeof name, "drops_%s", themis_drop_name((themis_drop)r));
		if (!sim_summary_get(out, name) && add(out, name, (double)drops[r]))
			return -1;
	}
	double heal;
	if (sim_ring_heal_ns(s, &heal) && add(out, "heal_ns", heal))
		return -1;
	return 0;
}

void sim_summary_free(sim_summary *s)
{
	free(s->rows);
	s->rows = NULL;
	s->n = s->cap = 0;
}

const double *sim_summary_get(const sim_summary *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->rows[i].name, name))
			return &s->rows[i].value;
	return NULL;
}

int sim_summary_is_wall(const char *name)
{
	for (size_t i = 0; i < sizeof wall_names / sizeof wall_names[0]; i++)
		if (!strcmp(name, wall_names[i]))
			return 1;
	return 0;
}

int sim_summary_is_observer(const char *name)
{
	for (size_t i = 0; i < sizeof observer_names / sizeof observer_names[0]; i++)
		if (!strcmp(name, observer_names[i]))
			return 1;
	return 0;
}

int sim_expect_check(const sim_scenario *sc, const sim_summary *s, FILE *out)
{
	int failures = 0;
	for (size_t i = 0; i < sc->nexpects; i++) {
		const sim_expect *e = &sc->expects[i];
		const double *v = sim_summary_get(s, e->name);
		if (!v) {
			fprintf(out, "%s:%d: expect failed: %s has no value in this run\n", sc->file, e->line,
				e->name);
			failures++;
		} else if (!sim_cmp_eval(e->op, *v, e->value)) {
			fprintf(out, "%s:%d: expect failed: %s %s %.17g (actual %.17g)\n", sc->file, e->line,
				e->name, sim_cmp_name(e->op), e->value, *v);
			failures++;
		}
	}
	if (sc->trace_hash[0] && strcmp(sc->trace_hash, s->trace_hash)) {
		fprintf(out, "%s: expect failed: trace_hash == %s (actual %s)\n", sc->file, sc->trace_hash,
			s->trace_hash);
		failures++;
	}
	return failures;
}
