/* dheap.h: the deadlines of the hosted nodes in one indexed binary min-heap, so the loop
 * finds the earliest deadline and the nodes that are due in O(log N) instead of asking every
 * node on every wake-up (which made an idle daemon's CPU grow with the square of its nodes).
 * Each hosted node has at most one entry, keyed by its earliest deadline; UINT64_MAX means
 * "nothing due" and keeps the node out of the heap.
 */
#ifndef NET_DHEAP_H
#define NET_DHEAP_H

#include <stdint.h>

typedef struct dheap {
	uint64_t *key;    /* key[i]: node i's deadline (UINT64_MAX: not in the heap) */
	unsigned *heap;   /* node indices, heap-ordered by key */
	unsigned *pos;    /* pos[i]: where node i sits in heap */
	unsigned n, cap;
} dheap;

/* Room for nodes 0..cap-1, all absent. Returns 0, or -1 out of memory. */
int dheap_init(dheap *d, unsigned cap);
void dheap_free(dheap *d);
/* Sets node i's deadline (inserts, moves, or with UINT64_MAX removes it). */
void dheap_set(dheap *d, unsigned i, uint64_t key);
/* The earliest deadline, UINT64_MAX when the heap is empty; its node in *i. */
uint64_t dheap_min(const dheap *d, unsigned *i);

#endif
