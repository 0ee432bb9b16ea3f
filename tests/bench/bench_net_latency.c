/* bench_net_latency.c: find latency under a constant offered load of 50,000 finds per second
 * (paper, 9.2: 331 ms at that load), open loop over real loopback UDP: a secure two-node
 * ring, the server in a thread of its own, every object owned by the server. A find's latency
 * runs from the moment it was due, not from when the client got round to it, so a client that
 * falls behind pays for its backlog. Usage: bench_net_latency DB_PATH
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"
#include "udpnodes.h"

enum {
	RATE = 50000,          /* offered finds per second */
	ROUNDS = 3,            /* repetitions; the median of each percentile is recorded */
	NOBJ = 1024,
	MAX_INFLIGHT = 4096,   /* more than this waits in the client's own queue */
	SLOTS = 1 << 16,       /* op id -> due time; ids in flight span far fewer */
};

typedef struct run {
	un_set srv, cli;
	uint8_t obj[NOBJ][THEMIS_ID_LEN];     /* one record each */
	uint8_t empty[NOBJ][THEMIS_ID_LEN];   /* no record: the find only resolves the owner */
	int with_records;
	uint64_t slot_id[SLOTS], slot_due[SLOTS];
	double *lat;                          /* microseconds, one per completed find */
	unsigned nlat, failed, inflight, stores_left;
} run;

static void on_event(void *ctx, unsigned idx, const themis_event *ev)
{
	run *r = ctx;
	unsigned s = (unsigned)(ev->op_id % SLOTS);

	(void)idx;
	if (ev->kind != THEMIS_EV_OP_DONE)
		return;
	if (ev->op == THEMIS_OP_STORE) {
		r->stores_left--;
		r->failed += !ev->ok;
		return;
	}
	if (ev->op != THEMIS_OP_FIND || r->slot_id[s] != ev->op_id)
		return;
	r->inflight--;
	if (!ev->ok || (r->with_records && ev->nrec != 1))
		r->failed++;
	r->lat[r->nlat++] = (double)(un_now() - r->slot_due[s]) / 1e3;
}

/* Offer RATE finds per second for secs seconds, then wait for the last. p50 and p99 in us. */
static void rep(run *r, int with_records, double secs, double *p50, double *p99)
{
	unsigned total = (unsigned)(RATE * secs), started = 0;
	uint64_t t0 = un_now(), gap = 1000000000u / RATE;

	r->with_records = with_records;
	r->nlat = r->failed = r->inflight = 0;
	while (r->nlat < total) {
		uint64_t now = un_now();
		int any = 0;
		while (started < total && t0 + started * gap <= now && r->inflight < MAX_INFLIGHT) {
			const uint8_t *o = with_records ? r->obj[started % NOBJ] : r->empty[started % NOBJ];
			int64_t id = themis_find(r->cli.v[0].n, o, now);
			if (id <= 0) {
				fprintf(stderr, "bench_net_latency: cannot start a find\n");
				exit(1);
			}
			r->slot_id[id % SLOTS] = (uint64_t)id;
			r->slot_due[id % SLOTS] = t0 + started * gap;
			r->inflight++;
			started++;
			any = 1;
		}
		if (any)
			un_flush(&r->cli, 0);
		un_step(&r->cli, 0);
		if (now - t0 > (uint64_t)(secs * 30e9)) {
			fprintf(stderr, "bench_net_latency: finds did not complete\n");
			exit(1);
		}
	}
	if (r->failed) {
		fprintf(stderr, "bench_net_latency: %u finds failed\n", r->failed);
		exit(1);
	}
	*p50 = bench_median(r->lat, r->nlat);   /* sorts: the 99th percentile is an index */
	*p99 = r->lat[(size_t)((r->nlat - 1) * 0.99)];
}

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "results/bench.db";
	static run r;
	themis_config c;
	un_thread th;
	double p50[2][ROUNDS], p99[2][ROUNDS];
	static const double secs[2] = { 3.0, 1.0 };   /* resolve-only, with records */
	int rc = 0;

	if (sodium_init() < 0)
		return 1;
	un_config(&c, 1);
	c.max_ops = 2 * MAX_INFLIGHT;
	c.max_pending = 2 * MAX_INFLIGHT;
	c.outbox_cap = 2 * MAX_INFLIGHT;
	c.event_cap = 2 * MAX_INFLIGHT;
	c.max_registrations = NOBJ;
	c.max_records = 2 * NOBJ;
	c.max_records_per_storer = 2 * NOBJ;
	c.ttl_ns = UINT64_C(3600) * 1000000000u;
	c.stabilize_ns = 20000000;
	r.lat = malloc(sizeof *r.lat * (size_t)(RATE * 3.0));
	if (!r.lat || un_open(&r.srv, 1, &c, 700, NULL, NULL) != 0 ||
	    un_open(&r.cli, 1, &c, 701, on_event, &r) != 0 || un_pair_join(&r.srv, &r.cli, 10) != 0) {
		fprintf(stderr, "bench_net_latency: cannot form the two-node ring\n");
		return 1;
	}
	un_owned_objects(r.cli.v[0].n, r.srv.v[0].n, r.obj, NOBJ);
	un_owned_objects(r.cli.v[0].n, r.srv.v[0].n, r.empty, NOBJ);
	if (un_thread_start(&th, &r.srv) != 0)
		return 1;
	un_thread_pin(&th);   /* no tick-long stalls from sharing the client's CPU */
	/* Every object of r.obj gets one record (the client's own), as in the paper's run. */
	r.stores_left = NOBJ;
	for (unsigned i = 0; i < NOBJ; i++)
		if (themis_store(r.cli.v[0].n, r.obj[i], NULL, un_now()) <= 0)
			return 1;
	un_flush(&r.cli, 0);
	while (r.stores_left)
		un_step(&r.cli, 1000000);
	if (r.failed) {
		fprintf(stderr, "bench_net_latency: stores failed\n");
		return 1;
	}
	for (int k = 0; k < ROUNDS; k++)
		for (int w = 0; w < 2; w++)
			rep(&r, w, secs[w], &p50[w][k], &p99[w][k]);
	un_thread_stop(&th);
	un_close(&r.cli);
	un_close(&r.srv);
	free(r.lat);

	double a50 = bench_median(p50[0], ROUNDS), a99 = bench_median(p99[0], ROUNDS);
	double b50 = bench_median(p50[1], ROUNDS), b99 = bench_median(p99[1], ROUNDS);
	rc |= bench_record(db, "find_p50_at_50k_us", b50, "us", "none", 0, "info", 1);
	rc |= bench_record(db, "find_p99_at_50k_us", b99, "us", "paper_find_latency_331ms", 331000,
			   "value < 1000", b99 < 1000);
	rc |= bench_record(db, "find_p50_at_50k_resolve_us", a50, "us", "none", 0, "info", 1);
	rc |= bench_record(db, "find_p99_at_50k_resolve_us", a99, "us", "paper_find_latency_331ms", 331000,
			   "value < 1000", a99 < 1000);
	return rc ? 1 : 0;
}
