/* bench_net_local.c: finds and stores that resolve at the node receiving them (paper, 9.2,
 * first experiment), over real loopback UDP: a client node and a server node in a two-node
 * ring, the server in a thread of its own, every object owned by the server, many operations
 * in flight. Secure (sessions + signed records) against the security-off baseline of the
 * same run. Usage: bench_net_local DB_PATH
 *
 * What the figures mean, since signed records make "a store" and "a find" several things:
 *   local_store_per_s   the client stores again an association the server holds (what every
 *                       refresh and every re-register is): the same signed bytes, so neither
 *                       side does public-key work.
 *   local_find_per_s    finds of records the client has read before (a service discovered
 *                       again): the signature check is a hit in its verified-record cache.
 *   local_store_new_per_s, local_find_uncached_per_s (info): the costly cases, a changed
 *                       association (here: its tag flips on every store, so the client signs
 *                       and the server verifies) and finds at a client without the cache
 *                       (one Ed25519 verification per find). Bound by Ed25519, not by THEMIS.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"
#include "udpnodes.h"

enum {
	ROUNDS = 11,         /* repetitions per figure; the median is recorded (this VM's
	                      * neighbours make single ~30 ms repetitions swing by 30%) */
	NOBJ = 1024,         /* objects owned by the server */
	SLOW_OPS = 16000,    /* operations per repetition of stores and finds of records */
	FAST_OPS = 60000,    /* ... of finds that only resolve the owner */
	INFLIGHT = 256,      /* operations outstanding at the client */
};

typedef enum { DO_STORE, DO_FIND, DO_FIND_EMPTY, DO_STORE_NEW, NWORK } workload;

typedef struct run {
	un_set srv, cli;
	uint8_t obj[NOBJ][THEMIS_ID_LEN];     /* hold one record each after the stores */
	uint8_t empty[NOBJ][THEMIS_ID_LEN];   /* never stored: a find only resolves the owner */
	workload w;
	unsigned issued, done, failed, total;
	uint64_t recs;                        /* records returned by finds */
} run;

static int start_one(run *r)
{
	themis_node *c = r->cli.v[0].n;
	unsigned i = r->issued % NOBJ;
	int64_t id;

	if (r->w == DO_STORE)
		id = themis_store(c, r->obj[i], NULL, un_now());
	else if (r->w == DO_STORE_NEW)
		/* passes alternate "b" and no tag, so each store changes what the server holds
		 * (and a DO_STORE pass, untagged, after an even number of passes is a refresh) */
		id = themis_store(c, r->obj[i], (r->issued / NOBJ) % 2 == 0 ? "b" : NULL, un_now());
	else
		id = themis_find(c, r->w == DO_FIND ? r->obj[i] : r->empty[i], un_now());
	if (id <= 0)
		return -1;
	r->issued++;
	return 0;
}

static void on_event(void *ctx, unsigned idx, const themis_event *ev)
{
	run *r = ctx;

	(void)idx;
	if (ev->kind != THEMIS_EV_OP_DONE || (ev->op != THEMIS_OP_FIND && ev->op != THEMIS_OP_STORE))
		return;
	r->done++;
	r->failed += !ev->ok;
	r->recs += ev->nrec;
	if (r->issued < r->total && start_one(r) != 0) {
		fprintf(stderr, "bench_net_local: cannot start an operation\n");
		exit(1);
	}
}

/* Only the pair being measured is stepped (its server runs in a thread of its own, its
 * client on this one), so a client sits frozen for seconds while the other pairs run, and
 * its server's maintenance requests to it time out meanwhile. Step it a little first: what a
 * frozen node owes (answers, the renewed session its server asked for) is not a cost of the
 * operations measured next. */
static void wake(run *r)
{
	double t0 = bench_now_s();

	while (bench_now_s() - t0 < 0.05)
		un_step(&r->cli, 1000000);
}

/* One repetition: total operations of workload w, INFLIGHT at a time. Returns ops/s. */
static double rep(run *r, workload w, unsigned total)
{
	double t0;

	wake(r);
	r->w = w;
	r->issued = r->done = r->failed = 0;
	r->recs = 0;
	r->total = total;
	t0 = bench_now_s();
	for (unsigned i = 0; i < INFLIGHT && r->issued < total; i++)
		if (start_one(r) != 0) {
			fprintf(stderr, "bench_net_local: cannot start an operation\n");
			exit(1);
		}
	un_flush(&r->cli, 0);
	while (r->done < total)
		un_step(&r->cli, 1000000);
	double dt = bench_now_s() - t0;
	if (r->failed) {
		fprintf(stderr, "bench_net_local: %u of %u operations failed\n", r->failed, total);
		exit(1);
	}
	if (w == DO_FIND && r->recs != total) {
		fprintf(stderr, "bench_net_local: finds returned %llu records, expected %u\n",
			(unsigned long long)r->recs, total);
		exit(1);
	}
	return total / dt;
}

/* A two-node ring of one security mode, its server served by a thread of its own. */
static void pair_open(run *r, un_thread *th, int security, uint32_t verified_cache, unsigned seed_base)
{
	themis_config c;

	memset(r, 0, sizeof *r);
	un_config(&c, security);
	c.max_ops = 4 * INFLIGHT;
	c.max_pending = 4 * INFLIGHT;
	c.outbox_cap = 4 * INFLIGHT;
	c.event_cap = 4 * INFLIGHT;
	c.max_registrations = NOBJ;
	c.max_records = 2 * NOBJ;
	c.max_records_per_storer = 2 * NOBJ;
	c.ttl_ns = UINT64_C(3600) * 1000000000u;   /* no refresh during the run */
	c.stabilize_ns = 20000000;                 /* 20 ms: the pair forms fast */
	c.verified_cache = verified_cache;
	if (un_open(&r->srv, 1, &c, seed_base, NULL, NULL) != 0 ||
	    un_open(&r->cli, 1, &c, seed_base + 1, on_event, r) != 0 ||
	    un_pair_join(&r->srv, &r->cli, 10) != 0) {
		fprintf(stderr, "bench_net_local: cannot form the two-node ring\n");
		exit(1);
	}
	un_owned_objects(r->cli.v[0].n, r->srv.v[0].n, r->obj, NOBJ);
	un_owned_objects(r->cli.v[0].n, r->srv.v[0].n, r->empty, NOBJ);
	if (un_thread_start(th, &r->srv) != 0) {
		fprintf(stderr, "bench_net_local: cannot start the server thread\n");
		exit(1);
	}
	(void)rep(r, DO_STORE, NOBJ);   /* warm-up; every object now holds one record */
}

static void pair_close(run *r, un_thread *th)
{
	un_thread_stop(th);
	if (r->cli.send_fail || r->srv.send_fail)
		fprintf(stderr, "bench_net_local: %llu datagrams refused by the kernel\n",
			(unsigned long long)(r->cli.send_fail + r->srv.send_fail));
	un_close(&r->cli);
	un_close(&r->srv);
}

static int record_pair(const char *db, const char *name, double secure, double plain)
{
	char base[64], abs_name[64];
	int rc = 0;

	snprintf(base, sizeof base, "%s_insecure", name);
	snprintf(abs_name, sizeof abs_name, "%s_abs", name);
	rc |= bench_record(db, name, secure, "ops/s", base, plain, "ratio >= 0.75",
			   secure / plain >= 0.75);
	rc |= bench_record(db, abs_name, secure, "ops/s", "none", 0, "value >= 150000",
			   secure >= 150000);
	return rc;
}

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "results/bench.db";
	static run pr, sr, cr;
	un_thread pt, st, ct;
	/* STORE_NEW: an even number of whole passes, so every object ends untagged again */
	static const unsigned ops[NWORK] = { [DO_STORE] = SLOW_OPS, [DO_FIND] = SLOW_OPS,
					     [DO_FIND_EMPTY] = FAST_OPS, [DO_STORE_NEW] = 2 * NOBJ };
	double v[3][NWORK][ROUNDS], m[3][NWORK], cold[ROUNDS];
	int rc = 0;

	if (sodium_init() < 0)
		return 1;
	pair_open(&pr, &pt, 0, 4096, 500);
	pair_open(&sr, &st, 1, 4096, 600);
	pair_open(&cr, &ct, 1, 0, 700);    /* secure, without the verified-record cache */
	/* Secure and insecure repetitions interleave: a neighbour's load on the machine hits
	 * both alike, so the ratio stays meaningful when the absolute rates wobble. */
	for (int k = 0; k < ROUNDS; k++) {
		for (int w = 0; w < DO_STORE_NEW; w++) {
			v[0][w][k] = rep(&pr, (workload)w, ops[w]);
			v[1][w][k] = rep(&sr, (workload)w, ops[w]);
		}
		cold[k] = rep(&cr, DO_FIND, SLOW_OPS / 4);
	}
	/* Last: changing every association makes the records the client has read stale. */
	for (int k = 0; k < ROUNDS; k++) {
		v[0][DO_STORE_NEW][k] = rep(&pr, DO_STORE_NEW, ops[DO_STORE_NEW]);
		v[1][DO_STORE_NEW][k] = rep(&sr, DO_STORE_NEW, ops[DO_STORE_NEW]);
	}
	pair_close(&pr, &pt);
	pair_close(&sr, &st);
	pair_close(&cr, &ct);
	for (int s = 0; s < 2; s++)
		for (int w = 0; w < NWORK; w++)
			m[s][w] = bench_median(v[s][w], ROUNDS);
	rc |= record_pair(db, "local_find_per_s", m[1][DO_FIND], m[0][DO_FIND]);
	rc |= record_pair(db, "local_find_resolve_per_s", m[1][DO_FIND_EMPTY], m[0][DO_FIND_EMPTY]);
	rc |= record_pair(db, "local_store_per_s", m[1][DO_STORE], m[0][DO_STORE]);
	rc |= bench_record(db, "local_store_new_per_s", m[1][DO_STORE_NEW], "ops/s",
			   "local_store_new_per_s_insecure", m[0][DO_STORE_NEW], "info", 1);
	rc |= bench_record(db, "local_find_uncached_per_s", bench_median(cold, ROUNDS), "ops/s",
			   "local_find_per_s_insecure", m[0][DO_FIND], "info", 1);
	return rc ? 1 : 0;
}
