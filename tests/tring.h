/* tring.h: the ring's shape judged from outside, for tests that drive nodes through tnet.h:
 * the live joined nodes in position order, and whether their successor lists and predecessors
 * form the ideal ring. Header-only; includes node.h for the nodes' positions. */
#ifndef THEMIS_TRING_H
#define THEMIS_TRING_H

#include "tnet.h"

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

/* Indexes of the nodes that are up and joined, sorted by ring position. Returns how many. */
static inline int tring_sorted_live(tnet *t, int *idx)
{
	int k = 0;
	for (int i = 0; i < t->n; i++) {
		themis_ring_info ri;
		if (!t->node[i] || t->down[i])
			continue;
		themis_node_ring(t->node[i], &ri);
		if (ri.joined)
			idx[k++] = i;
	}
	for (int a = 1; a < k; a++)
		for (int b = a; b > 0 && memcmp(t->node[idx[b]]->ring.self_pos, t->node[idx[b - 1]]->ring.self_pos, 32) < 0; b--) {
			int x = idx[b];
			idx[b] = idx[b - 1];
			idx[b - 1] = x;
		}
	return k;
}

/* The k nodes of idx (in position order) form the ideal ring: every successor list is exactly
 * the next r of them (fewer when there are fewer) and every predecessor the previous one. */
static inline int tring_ideal(tnet *t, const int *idx, int k, uint32_t r)
{
	for (int a = 0; a < k; a++) {
		themis_ring_info ri;
		uint32_t want = (uint32_t)(k - 1) < r ? (uint32_t)(k - 1) : r;
		themis_node_ring(t->node[idx[a]], &ri);
		if (ri.nsucc != want)
			return 0;
		for (uint32_t s = 0; s < want; s++)
			if (memcmp(ri.succ[s].id, themis_node_id(t->node[idx[(a + 1 + (int)s) % k]]), 32) != 0)
				return 0;
		if (k > 1 && (!ri.has_pred ||
			      memcmp(ri.pred.id, themis_node_id(t->node[idx[(a + k - 1) % k]]), 32) != 0))
			return 0;
	}
	return 1;
}

#endif
