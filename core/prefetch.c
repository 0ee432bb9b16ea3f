/* prefetch.c: cache hints for a driver that runs many nodes (themis_node_prefetch). On a
 * simulated ring of a million nodes each input lands on a node whose state no cache holds, and
 * the input's time goes into waiting for its object and tables one pointer after the other;
 * a hint issued one or two inputs ahead lets those loads overlap with useful work. Reads
 * nothing that changes behaviour: prefetch instructions never fault and never alter state.
 */
#include <stddef.h>

#include "msg.h"
#include "node.h"
#include "ops.h"
#include "req.h"
#include "wire.h"

static inline void pf(const void *p)
{
	__builtin_prefetch(p, 0, 3);
}

/* Every cache line of [p, p + len). GCC deletes a loop whose body is only prefetches when its
 * trip count is not a constant (it did, silently, for the tables here); the empty asm
 * statement is a side effect it must keep, and costs nothing. */
static void pf_range(const void *p, size_t len)
{
	const char *c = p;
	for (size_t off = 0; off < len; off += 64) {
		pf(c + off);
		__asm__ volatile("" ::: "memory");
	}
	if (len)
		pf(c + len - 1);
}

void themis_node_prefetch(const themis_node *n, int stage)
{
	if (!n)
		return;
	if (stage == 0) {
		/* the hot head of the object (node.h, with the config values a datagram reads),
		 * then of the rest what every datagram reads: the traffic counters (the two
		 * lines the drops and the packet counts share); fewer hints than lines of the
		 * whole object: a hint beyond the core's fill buffers stalls like a load */
		pf_range(n, offsetof(themis_node, cnt));
		pf(&n->cnt.drops[0]);
		pf(&n->cnt.pkts_in);
		return;
	}
	if (stage == 2) {
		/* An answer walks peer -> pending request -> operation -> its lookup, each a
		 * pointer read from the one before: hinted together here they arrive together
		 * instead of one after the other. The tables themselves are in the cache by now
		 * (stage 1), so reading them costs nothing; only the first few entries (a node
		 * seldom has more in flight). */
		for (uint32_t i = 0; i < n->npeers && i < 4; i++)
			pf_range(n->peers[i], sizeof *n->peers[i]);
		for (uint32_t i = 0; i < n->npend && i < 4; i++)
			pf_range(n->pend[i], sizeof *n->pend[i] + 8);   /* and its frame's head */
		for (uint32_t i = 0; i < n->nops && i < 4; i++) {
			const op *o = n->ops[i];
			pf(o);
			pf(&o->lk);
			pf(&o->lk.ctag);      /* the candidates' and the bad nodes' tags, */
			pf(&o->lk.btag);      /* scanned for every node an answer names */
			pf(&o->lk.asked);
		}
		/* a node waiting for answers most likely sends its next request now, with an id
		 * from the random source in the config (a node answering a FIND needs none) */
		if (n->npend)
			pf(&n->cfg.rand);
		return;
	}
	const ring_state *rs = &n->ring;
	if (rs->succ_key)
		pf_range(rs->succ_key, rs->nsucc * sizeof *rs->succ_key);
	if (rs->finger_key)
		pf_range(rs->finger_key, rs->nfingers * sizeof *rs->finger_key);
	/* only pointers held in the node object itself: following one more (a pending request,
	 * an operation) would wait for the load this is meant to hide. An empty table is hinted
	 * too: a datagram most often adds the first entry (the peer a FIND comes from, the
	 * request or operation a node starts), and that store would miss. */
	if (n->peers)
		pf(n->peers);
	/* a request from a node we hold no entry for (most FINDs on a large ring) takes the
	 * spare one, last written long ago */
	if (n->spare_peer)
		pf_range(n->spare_peer, sizeof *n->spare_peer);
	if (n->pend)
		pf(n->pend);
	if (n->ops)
		pf(n->ops);
	if (n->out)
		pf(&n->out[n->out_head]);
}

/* A FIND request is answered from the fingers just before its target (ring.c, the
 * closest-preceding search): their entries are the answer's content and, on a large ring, a
 * miss each. The packed keys are in the cache (stage 1), so finding those fingers costs a
 * short scan; their entries are hinted here, before the node gets to them. Plain mode with
 * exact keys only (the simulator's large rings); anything else is left alone. */
void themis_node_prefetch_input(const themis_node *n, const uint8_t *pkt, size_t len)
{
	const ring_state *rs;

	if (!n || n->hot.security || len != PLAIN_MIN_LEN + MSG_FIND_LEN ||
	    wire_packet_type(pkt, len) != PKT_PLAIN || pkt[PLAIN_HDR_LEN] != MSG_FIND)
		return;
	rs = &n->ring;
	if (!rs->keys_exact || !rs->finger_key || rs->m > 64)
		return;
	/* the target's key: the first m bits of the id in the body */
	uint64_t key = be64_get(pkt + PLAIN_MIN_LEN);
	if (rs->m < 64)
		key &= ~(UINT64_MAX >> rs->m);
	uint64_t self = be64_get(rs->self_pos), dt = key - self;
	uint32_t end = 0;
	while (end < rs->nfingers && rs->finger_key[end] - self - 1 < dt - 1)
		end++;
	for (uint32_t i = end, k = 0; i-- > 0 && k < 4; k++) {
		pf(rs->fingers[i].id);
		pf((const uint8_t *)&rs->fingers[i].addr + sizeof rs->fingers[i].addr - 1);
	}
}
