/* tnet.h: a tiny in-test network for driving real nodes through the sans-I/O API on a virtual
 * clock: every datagram is captured (so a test can drop, alter, replay or reflect it) and
 * delivered in FIFO order with zero latency. Header-only; used by test_node.c and friends.
 */
#ifndef THEMIS_TNET_H
#define THEMIS_TNET_H

#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "themis.h"
#include "themis_sim.h"   /* the oracle ring (themis_node_set_ring) */

enum { TNET_MAX_NODES = 24, TNET_LOG = 4096, TNET_EVENTS = 512 };

typedef struct tpkt {
	int from, to;          /* node indexes; to = -1 when addressed to nobody we know */
	size_t len;
	uint8_t b[THEMIS_MAX_PACKET + 64];
} tpkt;

/* Called for every datagram before delivery: return 1 to drop it. May change p. */
typedef int (*tnet_tap)(void *ctx, tpkt *p);

typedef struct tnet {
	themis_node *node[TNET_MAX_NODES];
	themis_addr addr[TNET_MAX_NODES];
	uint64_t rs[TNET_MAX_NODES][2];
	int n;
	uint8_t down[TNET_MAX_NODES];   /* failed silently: receives and sends nothing */
	uint64_t now;
	tnet_tap tap;
	void *tap_ctx;
	tpkt log[TNET_LOG];    /* every datagram sent, in order */
	int nlog;
	themis_event ev[TNET_MAX_NODES][TNET_EVENTS];
	int nev[TNET_MAX_NODES];
} tnet;

static inline void tnet_addr(themis_addr *a, int i)
{
	memset(a, 0, sizeof *a);
	a->family = 4;
	a->addr[0] = 10;
	a->addr[3] = (uint8_t)(i + 1);
	a->port = 7000;
}

/* Adds a node on network `network` with seed byte i; cfg tweaks through `tweak`. */
static inline int tnet_add(tnet *t, const char *network, void (*tweak)(themis_config *))
{
	themis_config c;
	int i = t->n++;

	themis_config_default(&c);
	c.network = network;
	memset(c.seed, 0x10 + i, sizeof c.seed);
	t->rs[i][0] = 0x1234 + (uint64_t)i;
	c.rand = test_rand;
	c.rand_ctx = t->rs[i];
	tnet_addr(&t->addr[i], i);
	c.self = t->addr[i];
	if (tweak)
		tweak(&c);
	assert_int_equal(themis_node_new(&t->node[i], &c), 0);
	return i;
}

static inline tnet *tnet_new(void)
{
	tnet *t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->now = 1000000000ull;
	return t;
}

static inline void tnet_del(tnet *t)
{
	for (int i = 0; i < t->n; i++)
		themis_node_del(t->node[i]);
	free(t);
}

static inline int tnet_index(const tnet *t, const themis_addr *a)
{
	for (int i = 0; i < t->n; i++)
		if (memcmp(&t->addr[i], a, sizeof *a) == 0)
			return i;
	return -1;
}

static inline void tnet_peer(const tnet *t, int i, themis_peer *p)
{
	memcpy(p->id, themis_node_id(t->node[i]), THEMIS_ID_LEN);
	p->addr = t->addr[i];
}

static inline void tnet_collect_events(tnet *t, int i)
{
	themis_event ev;
	while (themis_node_poll_event(t->node[i], &ev))
		if (t->nev[i] < TNET_EVENTS)
			t->ev[i][t->nev[i]++] = ev;
}

/* Delivers p to its destination (no tap). */
static inline void tnet_deliver(tnet *t, const tpkt *p)
{
	if (p->to >= 0 && !t->down[p->to] && !t->down[p->from])
		themis_node_recv(t->node[p->to], &t->addr[p->from], p->b, p->len, t->now);
}

/* Moves every queued datagram through the tap to its receiver until all outboxes are empty.
 * Returns the number of datagrams carried. */
static inline int tnet_pump(tnet *t)
{
	int moved = 0, again = 1;
	tpkt *p = malloc(sizeof *p);

	assert_non_null(p);
	while (again) {
		again = 0;
		for (int i = 0; i < t->n; i++) {
			themis_addr to;
			int len;
			if (!t->node[i])
				continue;
			while ((len = themis_node_poll_send(t->node[i], &to, p->b, sizeof p->b)) > 0) {
				p->from = i;
				p->to = tnet_index(t, &to);
				p->len = (size_t)len;
				if (t->nlog < TNET_LOG)
					t->log[t->nlog++] = *p;
				moved++;
				again = 1;
				if (t->tap && t->tap(t->tap_ctx, p))
					continue;
				tnet_deliver(t, p);
			}
			tnet_collect_events(t, i);
		}
	}
	free(p);
	return moved;
}

/* Advances the clock by dt, running every node's timers that fall due, in deadline order. */
static inline void tnet_advance(tnet *t, uint64_t dt)
{
	uint64_t end = t->now + dt;

	tnet_pump(t);
	for (;;) {
		uint64_t next = UINT64_MAX;
		for (int i = 0; i < t->n; i++) {
			if (!t->node[i] || t->down[i])
				continue;
			uint64_t d = themis_node_next_deadline(t->node[i]);
			if (d < next)
				next = d;
		}
		if (next > end)
			break;
		if (next > t->now)
			t->now = next;
		for (int i = 0; i < t->n; i++)
			if (t->node[i] && !t->down[i] && themis_node_next_deadline(t->node[i]) <= t->now)
				themis_node_on_timeout(t->node[i], t->now);
		tnet_pump(t);
	}
	t->now = end;
}

/* The last captured datagram of a given packet type from node `from` (NULL if none). */
static inline tpkt *tnet_last(tnet *t, int from, uint8_t type)
{
	for (int k = t->nlog - 1; k >= 0; k--)
		if (t->log[k].from == from && t->log[k].len > 1 && t->log[k].b[1] == type)
			return &t->log[k];
	return NULL;
}

static inline uint64_t tnet_drops(tnet *t, int i, themis_drop why)
{
	themis_counters c;
	themis_node_counters(t->node[i], &c);
	return c.drops[why];
}

static inline uint64_t tnet_total_drops(tnet *t, int i)
{
	themis_counters c;
	uint64_t s = 0;
	themis_node_counters(t->node[i], &c);
	for (int k = 0; k < THEMIS_DROP__COUNT; k++)
		s += c.drops[k];
	return s;
}

/* Count OP_DONE events of node i with the given ok value. */
static inline int tnet_ops_done(const tnet *t, int i, int ok)
{
	int c = 0;
	for (int k = 0; k < t->nev[i]; k++)
		if (t->ev[i][k].kind == THEMIS_EV_OP_DONE && t->ev[i][k].ok == ok)
			c++;
	return c;
}

#endif
