/* bench_net_blink.c: "blinking" nodes (paper, 9.2: 780 ms to join and leave, under 50 ms to
 * leave) over real loopback UDP: a secure ring of 20 nodes in this process; a fresh node
 * joins through a ring node and leaves as soon as its join is done, 20 times. Departed nodes
 * keep running (a blink leaves the ring, not the host), answering FIND_GONE. Then finds from a
 * ring node over random objects: their p99 against the same finds before the blinks shows
 * whether lookups stall on departed nodes. Maintenance: stabilize 20 ms, fix fingers 50 ms,
 * check predecessor 100 ms. Usage: bench_net_blink DB_PATH
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"
#include "udpnodes.h"

enum {
	NRING = 20,
	NBLINK = 20,
	NFIND = 5000,      /* finds per measurement */
	INFLIGHT = 8,      /* finds outstanding at the client */
};

typedef struct run {
	un_set s;
	int op_done[NRING + NBLINK];   /* 1 ok, -1 failed: last JOIN/LEAVE of that node */
	double *lat;                   /* find latencies, ms */
	unsigned nlat, issued, failed, client;
} run;

static void start_find(run *r)
{
	uint8_t obj[THEMIS_ID_LEN];

	randombytes_buf(obj, sizeof obj);
	if (themis_find(r->s.v[r->client].n, obj, un_now()) <= 0) {
		fprintf(stderr, "bench_net_blink: cannot start a find\n");
		exit(1);
	}
	r->issued++;
}

static void on_event(void *ctx, unsigned idx, const themis_event *ev)
{
	run *r = ctx;

	if (ev->kind != THEMIS_EV_OP_DONE)
		return;
	if (ev->op == THEMIS_OP_JOIN || ev->op == THEMIS_OP_LEAVE) {
		r->op_done[idx] = ev->ok ? 1 : -1;
		return;
	}
	if (ev->op != THEMIS_OP_FIND || idx != r->client)
		return;
	r->failed += !ev->ok;
	r->lat[r->nlat++] = (double)(ev->t_end_ns - ev->t_start_ns) / 1e6;
	if (r->issued < NFIND)
		start_find(r);
}

/* Runs the loop until node idx's JOIN or LEAVE is done; returns 0 when it succeeded. */
static int wait_op(run *r, unsigned idx)
{
	uint64_t end = un_now() + UINT64_C(10) * 1000000000u;

	while (!r->op_done[idx] && un_now() < end)
		un_step(&r->s, 1000000);
	return r->op_done[idx] == 1 ? 0 : -1;
}

static void settle(run *r, double secs)
{
	uint64_t end = un_now() + (uint64_t)(secs * 1e9);

	while (un_now() < end)
		un_step(&r->s, 1000000);
}

/* NFIND finds from the client, INFLIGHT at a time; returns the p99 in ms. */
static double finds_p99(run *r)
{
	r->nlat = r->issued = r->failed = 0;
	for (unsigned i = 0; i < INFLIGHT; i++)
		start_find(r);
	un_flush(&r->s, r->client);
	while (r->nlat < NFIND)
		un_step(&r->s, 1000000);
	if (r->failed)
		printf("bench_net_blink: %u of %u finds failed\n", r->failed, NFIND);
	(void)bench_median(r->lat, r->nlat);   /* sorts */
	return r->lat[(size_t)((r->nlat - 1) * 0.99)];
}

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "results/bench.db";
	static run r;
	themis_config c;
	themis_peer boot;
	unsigned idx[NRING];
	double blink[NBLINK], leave[NBLINK];
	int rc = 0;

	if (sodium_init() < 0)
		return 1;
	un_config(&c, 1);
	c.stabilize_ns = 20000000;
	c.fix_fingers_ns = 50000000;
	c.check_pred_ns = 100000000;
	r.lat = malloc(NFIND * sizeof *r.lat);
	if (!r.lat || un_open(&r.s, NRING, &c, 3000, on_event, &r) != 0)
		return 1;
	/* The ring: node 0 starts it, the others join through it one by one. */
	if (themis_join(r.s.v[0].n, NULL, un_now()) <= 0)
		return 1;
	un_flush(&r.s, 0);
	un_peer(&r.s, 0, &boot);
	for (unsigned i = 1; i < NRING; i++) {
		if (themis_join(r.s.v[i].n, &boot, un_now()) <= 0)
			return 1;
		un_flush(&r.s, i);
		if (wait_op(&r, i) != 0) {
			fprintf(stderr, "bench_net_blink: node %u could not join\n", i);
			return 1;
		}
	}
	for (unsigned i = 0; i < NRING; i++)
		idx[i] = i;
	for (uint64_t end = un_now() + UINT64_C(10) * 1000000000u; !un_ring_valid(&r.s, idx, NRING);) {
		if (un_now() > end) {
			fprintf(stderr, "bench_net_blink: the ring of %u did not form\n", NRING);
			return 1;
		}
		un_step(&r.s, 1000000);
	}
	settle(&r, 1.0);   /* fingers filled in */
	r.client = 1;
	double before = finds_p99(&r);

	for (unsigned b = 0; b < NBLINK; b++) {
		int i = un_add(&r.s, &c, 3000);
		if (i < 0)
			return 1;
		un_peer(&r.s, (b * 7) % NRING, &boot);
		double t0 = bench_now_s();
		r.op_done[i] = 0;
		if (themis_join(r.s.v[i].n, &boot, un_now()) <= 0)
			return 1;
		un_flush(&r.s, (unsigned)i);
		if (wait_op(&r, (unsigned)i) != 0) {
			fprintf(stderr, "bench_net_blink: blink %u could not join\n", b);
			return 1;
		}
		double t1 = bench_now_s();
		r.op_done[i] = 0;
		if (themis_leave(r.s.v[i].n, un_now()) <= 0)
			return 1;
		un_flush(&r.s, (unsigned)i);
		if (wait_op(&r, (unsigned)i) != 0) {
			fprintf(stderr, "bench_net_blink: blink %u could not leave\n", b);
			return 1;
		}
		double t2 = bench_now_s();
		blink[b] = (t2 - t0) * 1e3;
		leave[b] = (t2 - t1) * 1e3;
		/* a little time between blinks, as a node that restarts would take */
		settle(&r, 0.02);
	}
	double after = finds_p99(&r);
	int ring_ok = un_ring_valid(&r.s, idx, NRING);
	un_close(&r.s);
	free(r.lat);

	double bm = bench_median(blink, NBLINK), lm = bench_median(leave, NBLINK);
	rc |= bench_record(db, "blink_ms", bm, "ms", "paper_blink_780ms", 780, "value < 5", bm < 5);
	rc |= bench_record(db, "leave_ms", lm, "ms", "paper_leave_50ms", 50, "value < 1", lm < 1);
	rc |= bench_record(db, "find_p99_after_20_blinks_ms", after, "ms", "find_p99_before_blinks_ms",
			   before, "value < 10", after < 10);
	if (!ring_ok)
		printf("bench_net_blink: the ring of %u was not valid right after the finds\n", NRING);
	return rc ? 1 : 0;
}
