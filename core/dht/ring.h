/* ring.h: identifier arithmetic on the m-bit ring and one node's view of it (the paper's
 * routing table RT, section 6.1): a successor list of length r, a predecessor, and the
 * distinct finger entries. Pure data structure: no messages, no timers, no liveness checks
 * (the DHT layer decides what to adopt; P. Zave's rules live there).
 *
 * Positions are 32-byte big-endian numbers whose first m bits are the node's or object's
 * position and whose other bits are zero (themis_ring_pos), so plain 256-bit arithmetic mod
 * 2^256 on them is arithmetic mod 2^m.
 */
#ifndef THEMIS_RING_H
#define THEMIS_RING_H

#include <stddef.h>
#include <stdint.h>

#include "themis.h"

enum {
	RING_POS_LEN = 32,
	RING_MAX_SUCC = 16,      /* longest successor list a node keeps or accepts */
};

/* A node as the ring knows it: id and locator, the 52 bytes answering a FIND compares and puts
 * on the wire. Its position is not stored: it is the first m bits of the id (ring_node_pos),
 * and on a large simulated ring the 32 bytes it would add to every finger, successor and
 * lookup candidate are memory traffic. Hot paths use the position's key (ring_id_key). */
typedef struct ring_node {
	uint8_t id[THEMIS_ID_LEN];
	themis_addr addr;
} ring_node;

/* ---- arithmetic ---- */

/* Eight bytes as a big-endian number, spelled out rather than a loop: GCC makes this one
 * byte-swapped load at -O2 (the loop it ran byte by byte, 2 % of a large run's instructions). */
static inline uint64_t ring_get_key(const uint8_t *p)
{
	return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) | ((uint64_t)p[2] << 40) |
	       ((uint64_t)p[3] << 32) | ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
	       ((uint64_t)p[6] << 8) | (uint64_t)p[7];
}

/* A position's key: its first 64 bits, as a number. */
static inline uint64_t ring_pos_key(const uint8_t pos[RING_POS_LEN])
{
	return ring_get_key(pos);
}

/* x in (a, b) and x in (a, b] on keys, mod 2^64: ring_in_oo and ring_in_oc for positions that
 * are their keys (every position when m <= 64). (a, a) is the whole ring but a, (a, a] the
 * whole ring; subtracting one from both sides makes each test one unsigned compare. */
static inline int ring_key_in_oo(uint64_t x, uint64_t a, uint64_t b)
{
	return x - a - 1 < b - a - 1;
}

static inline int ring_key_in_oc(uint64_t x, uint64_t a, uint64_t b)
{
	return a == b || x - a - 1 < b - a;
}

/* The key of an id's position on the m-bit ring (8 <= m <= 256), without forming the
 * position: ring_pos_key(themis_ring_pos(id, m)). */
static inline uint64_t ring_id_key(const uint8_t id[THEMIS_ID_LEN], unsigned m)
{
	uint64_t k = ring_pos_key(id);
	return m >= 64 ? k : k & ~(UINT64_MAX >> m);
}

/* A node's position on the m-bit ring, written to out: themis_ring_pos of its id. Returns out. */
static inline uint8_t *ring_node_pos(const ring_node *rn, unsigned m, uint8_t out[RING_POS_LEN])
{
	themis_ring_pos(rn->id, m, out);
	return out;
}

/* The same in a temporary that lives to the end of the enclosing block, for use in an
 * expression: ring_in_oo(RING_POS(c, m), a, b). */
#define RING_POS(rn, m) ((const uint8_t *)ring_node_pos((rn), (m), (uint8_t[RING_POS_LEN]){ 0 }))

/* 1 when the position is its key alone (every bit past the first 64 is zero): then distances
 * between such positions, taken mod 2^64 on the keys, order exactly as the whole ones do. */
static inline int ring_pos_fits_key(const uint8_t pos[RING_POS_LEN])
{
	uint8_t z = 0;
	for (int i = 8; i < RING_POS_LEN; i++)
		z |= pos[i];
	return z == 0;
}

/* memcmp order of two positions: <0, 0, >0. */
int ring_cmp(const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN]);
/* x in (a, b) clockwise. When a == b the interval is the whole ring except a. */
int ring_in_oo(const uint8_t x[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN]);
/* x in (a, b] clockwise. When a == b the interval is the whole ring. */
int ring_in_oc(const uint8_t x[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN]);
/* out = (b - a) mod 2^256: the clockwise distance from a to b. */
void ring_dist(uint8_t out[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN]);
/* Compares dist(a, t) with dist(b, t): <0 when a is nearer before t than b, 0, >0. */
int ring_dist_cmp(const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN], const uint8_t t[RING_POS_LEN]);
/* out = pos + 2^i on the m-bit ring (0 <= i < m), i.e. the start of finger i + 1. */
void ring_finger_start(uint8_t out[RING_POS_LEN], const uint8_t pos[RING_POS_LEN], unsigned i, unsigned m);
/* Fill a ring_node from an id and a locator (addr may be NULL: a zero locator). */
void ring_node_make(ring_node *rn, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr);

/* ---- one node's view ---- */

typedef struct ring_state {
	unsigned m;
	uint32_t r;              /* successor list length wanted (1 = the paper's single successor) */
	uint32_t max_fingers;
	ring_node self;
	uint8_t self_pos[RING_POS_LEN];   /* self's position, derived once: most comparisons
					     are against it */
	ring_node *succ;         /* r entries, allocated on the first non-empty list (an idle
				    node stays small: a million of them fit in a simulator) */
	uint64_t *succ_key;      /* r keys, the successors' like finger_key: answering a FIND
				    reads one line of them instead of r entries (one block
				    with succ, which follows the keys; freed through this) */
	uint32_t nsucc;
	ring_node pred;
	int has_pred;
	ring_node *fingers;      /* distinct entries, sorted by clockwise distance from self */
	uint64_t *finger_key;    /* the first 64 bits of each finger's position, packed: routing
				    scans every finger, and on a large simulated ring reading
				    these few cache lines instead of every 52-byte entry is most
				    of the cost of answering a FIND */
	uint32_t nfingers, fingers_alloc;
	int keys_exact;          /* m <= 64: every node's position fits its key, so the key
				    alone is the position (the low words are zero) */
} ring_state;

/* r in 1..RING_MAX_SUCC, max_fingers >= 1. Fingers are allocated on demand. Returns 0 or -1. */
int ring_init(ring_state *rs, const ring_node *self, unsigned m, uint32_t r, uint32_t max_fingers);
/* Room for n fingers in all (at most max_fingers), allocated exactly: a caller that knows
 * the table it is about to fill (a static ring) avoids the slack of growth by doubling.
 * Returns 0 or -1 (no memory; the table stays as it was). */
int ring_fingers_reserve(ring_state *rs, uint32_t n);
void ring_free(ring_state *rs);

/* Replace the successor list by first followed by list (either may be NULL/0): duplicates
 * (same id) are skipped, the list ends where it comes round to self, and the result is
 * truncated to r. The order given is kept: the caller passes nodes in ring order starting
 * from its first successor, so what follows self there is our own list again. */
void ring_set_successors(ring_state *rs, const ring_node *first, const ring_node *list, size_t n);
/* What ring_remove found the node to be: a bit set. */
enum {
	RING_WAS_SUCC = 1,       /* a successor */
	RING_WAS_FIRST = 2,      /* the first successor (RING_WAS_SUCC is set too) */
	RING_WAS_PRED = 4,       /* the predecessor */
	RING_WAS_FINGER = 8,     /* a finger */
};
/* Forget a node everywhere (successors, predecessor, fingers). Returns the RING_WAS_* bits
 * of what it was (0: not known). */
int ring_remove(ring_state *rs, const uint8_t id[THEMIS_ID_LEN]);
/* Offer a node as a finger. Fingers are bucketed by the index of the highest set bit of
 * their clockwise distance from self (bucket i holds nodes in [self + 2^i, self + 2^(i+1)),
 * on the m-bit ring): at most one per bucket, the one closest to the bucket's start, which is
 * exactly Chord's finger i + 1 = successor(self + 2^i). Self and an id already present are
 * ignored. When max_fingers buckets are used, a new bucket evicts the lowest one (the
 * successor list covers the nearest part of the ring). */
void ring_finger_add(ring_state *rs, const ring_node *rn);

/* Up to k known nodes (successors and fingers, never self) strictly inside (self, target),
 * closest to target first; entries whose id is in skip (nskip ids of 32 bytes) are left out.
 * Returns how many were written. */
size_t ring_closest_preceding(const ring_state *rs, const uint8_t target[RING_POS_LEN],
			      const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
			      ring_node *out, size_t k);
/* The same search, naming the entries in place instead of copying them out (valid until
 * rs changes): a caller that only encodes them reads neither their positions nor a copy. */
size_t ring_closest_preceding_ref(const ring_state *rs, const uint8_t target[RING_POS_LEN],
				  const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
				  const ring_node **out, size_t k);
/* The successor that owns pos when the successor list covers it: succ[j] with pos in
 * (succ[j-1], succ[j]] (succ[-1] = self); NULL when pos lies past the last successor. */
const ring_node *ring_owner_in_successors(const ring_state *rs, const uint8_t pos[RING_POS_LEN]);
/* A known node (self, successors, predecessor, fingers) whose position equals pos, or NULL. */
const ring_node *ring_find_pos(const ring_state *rs, const uint8_t pos[RING_POS_LEN]);
/* A known node by id, or NULL. */
const ring_node *ring_find_id(const ring_state *rs, const uint8_t id[THEMIS_ID_LEN]);

#endif
