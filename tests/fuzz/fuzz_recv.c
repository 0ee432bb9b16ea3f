/* fuzz_recv.c: libFuzzer target for the whole receive path (themis_node_recv and the timers)
 * of two nodes A and B that already share a session. The input is a small script: raw
 * datagrams, bit-flipped copies of genuine packets, replays, clock jumps and new PINGs. The
 * node must never crash, leak or exceed its tables, whatever arrives.
 */
#include <stdlib.h>
#include <string.h>

#include "node.h"
/* the DHT layer's internals, which this white-box test reaches into */
#include "dht.h"
#include "heal.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "replica.h"
#include "req.h"
#include "themis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { LOG = 64 };

typedef struct world {
	themis_node *n[2];
	themis_addr addr[2];
	uint64_t rs[2];
	uint64_t now;
	uint8_t log[LOG][THEMIS_MAX_PACKET];
	size_t loglen[LOG];
	int logfrom[LOG];
	int nlog;
} world;

static void xrand(void *ctx, uint8_t *buf, size_t len)
{
	uint64_t *s = ctx;
	for (size_t i = 0; i < len; i++) {
		*s = *s * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (uint8_t)(*s >> 56);
	}
}

/* Moves every queued datagram to the other node, remembering the first LOG of them. */
static void pump(world *w)
{
	uint8_t buf[THEMIS_MAX_PACKET];
	themis_addr to;
	themis_event ev;
	int len, moved = 1, rounds = 0;

	while (moved && rounds++ < 64) {
		moved = 0;
		for (int i = 0; i < 2; i++) {
			while ((len = themis_node_poll_send(w->n[i], &to, buf, sizeof buf)) > 0) {
				moved = 1;
				if (w->nlog < LOG) {
					memcpy(w->log[w->nlog], buf, (size_t)len);
					w->loglen[w->nlog] = (size_t)len;
					w->logfrom[w->nlog++] = i;
				}
				themis_node_recv(w->n[1 - i], &w->addr[i], buf, (size_t)len, w->now);
			}
			while (themis_node_poll_event(w->n[i], &ev))
				;
		}
	}
}

static void setup(world *w)
{
	themis_config c;
	themis_peer p;

	memset(w, 0, sizeof *w);
	w->now = 1000000000ull;
	for (int i = 0; i < 2; i++) {
		themis_config_default(&c);
		c.network = "fuzz";
		memset(c.seed, 0x30 + i, sizeof c.seed);
		w->rs[i] = 77 + (uint64_t)i;
		c.rand = xrand;
		c.rand_ctx = &w->rs[i];
		c.max_halfopen = 8;
		c.max_pending = 16;
		c.queue_per_peer = 4;
		w->addr[i].family = 4;
		w->addr[i].addr[3] = (uint8_t)(i + 1);
		w->addr[i].port = 7000;
		c.self = w->addr[i];
		if (themis_node_new(&w->n[i], &c) != 0)
			abort();
	}
	memcpy(p.id, themis_node_id(w->n[1]), THEMIS_ID_LEN);
	p.addr = w->addr[1];
	if (themis_ping(w->n[0], &p, w->now) <= 0)
		abort();
	pump(w);
}

static void advance(world *w, uint64_t dt)
{
	uint64_t end = w->now + dt;
	for (int guard = 0; guard < 64; guard++) {
		uint64_t d0 = themis_node_next_deadline(w->n[0]);
		uint64_t d1 = themis_node_next_deadline(w->n[1]);
		uint64_t next = d0 < d1 ? d0 : d1;
		if (next > end)
			break;
		if (next > w->now)
			w->now = next;
		themis_node_on_timeout(w->n[0], w->now);
		themis_node_on_timeout(w->n[1], w->now);
		pump(w);
	}
	w->now = end;
}

static void check_bounds(const themis_node *n)
{
	if (n->nhalfopen > n->cfg.max_halfopen || n->nsessions > n->cfg.max_sessions ||
	    n->npend > n->hot.max_pending || n->npeers > n->hot.max_peers)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static world w;
	size_t i = 0;

	setup(&w);
	while (i < size) {
		uint8_t op = data[i++];
		int to = op >> 7;   /* which node receives */
		switch (op & 3) {
		case 0: {           /* a raw datagram */
			size_t len = i < size ? data[i++] : 0;
			if (len > size - i)
				len = size - i;
			themis_node_recv(w.n[to], &w.addr[1 - to], data + i, len, w.now);
			i += len;
			break;
		}
		case 1: {           /* a genuine packet, optionally with one byte changed */
			if (size - i < 3 || w.nlog == 0) {
				i = size;
				break;
			}
			int k = data[i] % w.nlog;
			uint8_t pkt[THEMIS_MAX_PACKET];
			size_t len = w.loglen[k];
			memcpy(pkt, w.log[k], len);
			pkt[data[i + 1] % len] ^= data[i + 2];
			themis_node_recv(w.n[1 - w.logfrom[k]], &w.addr[w.logfrom[k]], pkt, len, w.now);
			i += 3;
			break;
		}
		case 2:             /* time passes (up to ~4 minutes) */
			if (i < size)
				advance(&w, (uint64_t)data[i++] * 1000000000ull);
			break;
		default: {          /* a PING either way */
			themis_peer p;
			memcpy(p.id, themis_node_id(w.n[to]), THEMIS_ID_LEN);
			p.addr = w.addr[to];
			(void)themis_ping(w.n[1 - to], &p, w.now);
			break;
		}
		}
		pump(&w);
		check_bounds(w.n[0]);
		check_bounds(w.n[1]);
	}
	themis_node_del(w.n[0]);
	themis_node_del(w.n[1]);
	return 0;
}
