/* ring.c: 256-bit clockwise arithmetic on ring positions and one node's routing table (the
 * paper's RT, section 6.1): successor list, predecessor, bucketed fingers. It never sends,
 * times out or judges liveness; it only remembers what the DHT layer decided to adopt.
 */
#include "ring.h"

#include <stdlib.h>
#include <string.h>

enum {
	POS_BITS = 8 * RING_POS_LEN,
	FINGERS_FIRST_ALLOC = 4,
};

/* ---- arithmetic ----
 * Positions are handled as four 64-bit words, most significant first: the lookups of a
 * simulated million-node ring spend most of their time here, and word arithmetic is several
 * times faster than byte loops and memcmp. */

typedef struct w256 {
	uint64_t w[4];
} w256;

static inline uint64_t load_be64(const uint8_t *p)
{
	return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) | ((uint64_t)p[2] << 40) |
	       ((uint64_t)p[3] << 32) | ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
	       ((uint64_t)p[6] << 8) | (uint64_t)p[7];
}

static inline w256 load(const uint8_t p[RING_POS_LEN])
{
	w256 v = { { load_be64(p), load_be64(p + 8), load_be64(p + 16), load_be64(p + 24) } };
	return v;
}

static inline void store(uint8_t out[RING_POS_LEN], w256 v)
{
	for (int i = 0; i < 4; i++)
		for (int b = 0; b < 8; b++)
			out[8 * i + b] = (uint8_t)(v.w[i] >> (56 - 8 * b));
}

/* b - a mod 2^256: the clockwise distance from a to b (the final borrow is the wrap). */
static inline w256 sub(w256 b, w256 a)
{
	w256 d;
	uint64_t borrow = 0;
	for (int i = 3; i >= 0; i--) {
		uint64_t x = b.w[i] - a.w[i];
		uint64_t nb = (b.w[i] < a.w[i]) | (x < borrow);
		d.w[i] = x - borrow;
		borrow = nb;
	}
	return d;
}

static inline int cmp(w256 a, w256 b)
{
	for (int i = 0; i < 4; i++)
		if (a.w[i] != b.w[i])
			return a.w[i] < b.w[i] ? -1 : 1;
	return 0;
}

static inline int zero(w256 a)
{
	return (a.w[0] | a.w[1] | a.w[2] | a.w[3]) == 0;
}

/* 2^i as a 256-bit number (0 <= i < 256). */
static inline w256 pow2(unsigned i)
{
	w256 v = { { 0, 0, 0, 0 } };
	v.w[3 - i / 64] = (uint64_t)1 << (i % 64);
	return v;
}

/* A position's key: its first 64 bits. */
static inline uint64_t key_of(const uint8_t pos[RING_POS_LEN])
{
	return load_be64(pos);
}

/* 1 when the position is its key alone (every bit past the first 64 is zero). */
static inline int fits_key(const uint8_t pos[RING_POS_LEN])
{
	return (load_be64(pos + 8) | load_be64(pos + 16) | load_be64(pos + 24)) == 0;
}

/* 1 when all three positions are their keys: then arithmetic on the keys alone, mod 2^64,
 * is the same as on the whole positions (every ring with m <= 64 is in this case). */
static inline int fit3(const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN],
		       const uint8_t c[RING_POS_LEN])
{
	return (load_be64(a + 8) | load_be64(a + 16) | load_be64(a + 24) | load_be64(b + 8) |
		load_be64(b + 16) | load_be64(b + 24) | load_be64(c + 8) | load_be64(c + 16) |
		load_be64(c + 24)) == 0;
}

/* A node's position as a number, derived from its id (ring.h). */
static inline w256 node_pos(const ring_state *rs, const ring_node *rn)
{
	uint8_t p[RING_POS_LEN];
	return load(ring_node_pos(rn, rs->m, p));
}

/* A node's key: the first 64 bits of its position. */
static inline uint64_t node_key(const ring_state *rs, const ring_node *rn)
{
	return ring_id_key(rn->id, rs->m);
}

/* Finger i's position as a number. From the packed key when that is exact, so that a scan
 * of the fingers reads the key array and not the entries themselves. */
static inline w256 finger_pos(const ring_state *rs, uint32_t i)
{
	if (rs->keys_exact) {
		w256 v = { { rs->finger_key[i], 0, 0, 0 } };
		return v;
	}
	return node_pos(rs, &rs->fingers[i]);
}

int ring_cmp(const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	uint64_t x = load_be64(a), y = load_be64(b);
	if (x != y)
		return x < y ? -1 : 1;
	return memcmp(a + 8, b + 8, RING_POS_LEN - 8);
}

void ring_dist(uint8_t out[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	store(out, sub(load(b), load(a)));   /* out may alias a or b: both are loaded first */
}

int ring_dist_cmp(const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN], const uint8_t t[RING_POS_LEN])
{
	if (fit3(a, b, t)) {
		uint64_t T = key_of(t), da = T - key_of(a), db = T - key_of(b);
		return da < db ? -1 : da > db;
	}
	w256 T = load(t);
	return cmp(sub(T, load(a)), sub(T, load(b)));
}

/* Both intervals are measured from a: x is in (a, b) exactly when 0 < dist(a, x) < dist(a, b),
 * which handles the wrap past zero without case analysis. Positions keep their unused low bits
 * zero, so the 256-bit distances order points exactly as m-bit ones would. */
static int in_oo(w256 x, w256 a, w256 b)
{
	w256 dx = sub(x, a), db = sub(b, a);

	if (zero(dx))
		return 0;
	/* a == b: Chord's (n, n) is the full circle minus n (a lone node is its own successor). */
	if (zero(db))
		return 1;
	return cmp(dx, db) < 0;
}

int ring_in_oo(const uint8_t x[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	if (fit3(x, a, b))
		return ring_key_in_oo(key_of(x), key_of(a), key_of(b));
	return in_oo(load(x), load(a), load(b));
}

int ring_in_oc(const uint8_t x[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	if (fit3(x, a, b))
		return ring_key_in_oc(key_of(x), key_of(a), key_of(b));
	w256 A = load(a), db = sub(load(b), A), dx;

	/* a == b: (n, n] is the full circle, n included, so a lone node owns every key. */
	if (zero(db))
		return 1;
	dx = sub(load(x), A);
	if (zero(dx))
		return 0;
	return cmp(dx, db) <= 0;
}

void ring_finger_start(uint8_t out[RING_POS_LEN], const uint8_t pos[RING_POS_LEN], unsigned i, unsigned m)
{
	if (out != pos)
		memcpy(out, pos, RING_POS_LEN);
	if (m > POS_BITS)
		m = POS_BITS;
	/* 2^i on the m-bit ring is 2^(256 - m + i) on the left-aligned 256-bit one. With
	 * i >= m that is a multiple of 2^256, i.e. nothing to add. */
	if (i >= m)
		return;
	unsigned b = POS_BITS - m + i;
	size_t byte = RING_POS_LEN - 1 - b / 8;
	unsigned carry = 1u << (b % 8);
	for (size_t k = byte + 1; k-- > 0 && carry != 0;) {
		unsigned s = (unsigned)out[k] + carry;
		out[k] = (uint8_t)s;
		carry = s >> 8;
	}
}

void ring_node_make(ring_node *rn, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr)
{
	memset(rn, 0, sizeof(*rn));
	memcpy(rn->id, id, THEMIS_ID_LEN);
	if (addr != NULL)
		rn->addr = *addr;
}

/* Index of the highest set bit of a non-zero 64-bit word. */
static inline int top_bit64(uint64_t x)
{
	return 63 - __builtin_clzll(x);
}

/* Index (0 = least significant) of the highest set bit of a 256-bit number; -1 for zero. */
static int top_bit(w256 d)
{
	for (int i = 0; i < 4; i++) {
		if (d.w[i] != 0)
			return 64 * (3 - i) + top_bit64(d.w[i]);
	}
	return -1;
}

static int same_id(const ring_node *rn, const uint8_t id[THEMIS_ID_LEN])
{
	return memcmp(rn->id, id, THEMIS_ID_LEN) == 0;
}

/* ---- one node's view ---- */

int ring_init(ring_state *rs, const ring_node *self, unsigned m, uint32_t r, uint32_t max_fingers)
{
	if (rs == NULL || self == NULL || m < 8 || m > POS_BITS || r < 1 || r > RING_MAX_SUCC ||
	    max_fingers < 1)
		return -1;
	memset(rs, 0, sizeof(*rs));
	rs->m = m;
	rs->r = r;
	rs->max_fingers = max_fingers;
	rs->keys_exact = m <= 64;
	ring_node_make(&rs->self, self->id, &self->addr);
	themis_ring_pos(self->id, m, rs->self_pos);
	return 0;
}

void ring_free(ring_state *rs)
{
	if (rs == NULL)
		return;
	free(rs->fingers);
	rs->fingers = NULL;
	free(rs->finger_key);
	rs->finger_key = NULL;
	free(rs->succ_key);   /* the successors live in the same block */
	rs->succ_key = NULL;
	rs->succ = NULL;
	rs->nsucc = 0;
	rs->nfingers = 0;
	rs->fingers_alloc = 0;
}

static int list_has_id(const ring_node *list, size_t n, const uint8_t id[THEMIS_ID_LEN])
{
	for (size_t i = 0; i < n; i++) {
		if (same_id(&list[i], id))
			return 1;
	}
	return 0;
}

/* Recompute the successors' keys after the list changed. */
static void succ_keys_update(ring_state *rs)
{
	for (uint32_t i = 0; i < rs->nsucc; i++)
		rs->succ_key[i] = node_key(rs, &rs->succ[i]);
}

void ring_set_successors(ring_state *rs, const ring_node *first, const ring_node *list, size_t n)
{
	/* Build into a local list first: callers may pass rs->succ itself as `list` to push a new
	 * first successor in front of the current ones. */
	ring_node next[RING_MAX_SUCC];
	uint32_t nn = 0;

	if (list == NULL)
		n = 0;
	for (size_t i = 0; i <= n && nn < rs->r; i++) {
		const ring_node *c = i == 0 ? first : &list[i - 1];
		if (c == NULL || list_has_id(next, nn, c->id))
			continue;
		/* The list has come round to us: what follows came from our own list. In a ring of
		 * at most r members, skipping ourselves would copy it back, and a node that left
		 * would circulate between the members for ever (tests/verify/ring.pml, STOPSELF). */
		if (same_id(c, rs->self.id))
			break;
		next[nn++] = *c;
	}
	/* keys and entries in one block (keys first, for their alignment): one allocation
	 * less per node of a simulated ring of a million */
	if (nn && !rs->succ_key) {
		rs->succ_key = calloc(rs->r, sizeof(*rs->succ_key) + sizeof(*rs->succ));
		if (rs->succ_key)
			rs->succ = (ring_node *)(rs->succ_key + rs->r);
		else
			nn = 0;   /* no memory: no successors, as if none were known */
	}
	if (nn)
		memcpy(rs->succ, next, nn * sizeof(next[0]));
	rs->nsucc = nn;
	succ_keys_update(rs);
}

int ring_remove(ring_state *rs, const uint8_t id[THEMIS_ID_LEN])
{
	int flags = 0;

	for (uint32_t i = 0; i < rs->nsucc;) {
		if (!same_id(&rs->succ[i], id)) {
			i++;
			continue;
		}
		flags |= i == 0 ? RING_WAS_SUCC | RING_WAS_FIRST : RING_WAS_SUCC;
		memmove(&rs->succ[i], &rs->succ[i + 1], (rs->nsucc - i - 1) * sizeof(rs->succ[0]));
		rs->nsucc--;
	}
	succ_keys_update(rs);
	if (rs->has_pred && same_id(&rs->pred, id)) {
		rs->has_pred = 0;
		memset(&rs->pred, 0, sizeof(rs->pred));
		flags |= RING_WAS_PRED;
	}
	for (uint32_t i = 0; i < rs->nfingers;) {
		if (!same_id(&rs->fingers[i], id)) {
			i++;
			continue;
		}
		flags |= RING_WAS_FINGER;
		memmove(&rs->fingers[i], &rs->fingers[i + 1],
			(rs->nfingers - i - 1) * sizeof(rs->fingers[0]));
		memmove(&rs->finger_key[i], &rs->finger_key[i + 1],
			(rs->nfingers - i - 1) * sizeof(rs->finger_key[0]));
		rs->nfingers--;
	}
	return flags;
}

/* Both finger arrays to want entries (want >= nfingers). 0 or -1. */
static int fingers_resize(ring_state *rs, uint32_t want)
{
	ring_node *p = realloc(rs->fingers, (size_t)want * sizeof(*p));
	if (p == NULL)
		return -1;
	rs->fingers = p;
	uint64_t *k = realloc(rs->finger_key, (size_t)want * sizeof(*k));
	if (k == NULL)
		return -1;   /* fingers_alloc unchanged: a larger entry array alone does no harm */
	rs->finger_key = k;
	rs->fingers_alloc = want;
	return 0;
}

/* Room for one more finger: doubles the arrays, never past max_fingers. 0 or -1. */
static int fingers_grow(ring_state *rs)
{
	if (rs->nfingers < rs->fingers_alloc)
		return 0;
	if (rs->fingers_alloc >= rs->max_fingers)
		return -1;
	uint32_t want = rs->fingers_alloc == 0 ? FINGERS_FIRST_ALLOC : 2 * rs->fingers_alloc;
	if (want > rs->max_fingers || want < rs->fingers_alloc)
		want = rs->max_fingers;
	return fingers_resize(rs, want);
}

int ring_fingers_reserve(ring_state *rs, uint32_t n)
{
	if (n > rs->max_fingers)
		n = rs->max_fingers;
	if (n <= rs->fingers_alloc)
		return 0;
	return fingers_resize(rs, n);
}

/* Finger slot at becomes rn, key included. */
static void finger_put(ring_state *rs, uint32_t at, const ring_node *rn)
{
	rs->fingers[at] = *rn;
	rs->finger_key[at] = node_key(rs, rn);
}

/* rn, in a bucket no entry holds, goes in at index at of the distance-sorted arrays. */
static void finger_insert(ring_state *rs, uint32_t at, const ring_node *rn)
{
	if (rs->nfingers >= rs->max_fingers) {
		/* Full: the lowest buckets matter least, since the successor list already covers
		 * the ring just after us. A newcomer below every kept bucket is the one to go. */
		if (at == 0)
			return;
		memmove(&rs->fingers[0], &rs->fingers[1], (at - 1) * sizeof(rs->fingers[0]));
		memmove(&rs->finger_key[0], &rs->finger_key[1], (at - 1) * sizeof(rs->finger_key[0]));
		finger_put(rs, at - 1, rn);
		return;
	}
	if (fingers_grow(rs) != 0)
		return;
	memmove(&rs->fingers[at + 1], &rs->fingers[at], (rs->nfingers - at) * sizeof(rs->fingers[0]));
	memmove(&rs->finger_key[at + 1], &rs->finger_key[at],
		(rs->nfingers - at) * sizeof(rs->finger_key[0]));
	finger_put(rs, at, rn);
	rs->nfingers++;
}

/* ring_finger_add on keys alone (keys_exact, m <= 64): bucket i of the 256-bit arithmetic is
 * 192 + the top bit of the 64-bit distance. Called for every answer a lookup gets
 * (dht_node_seen), so on a static ring it is a search that finds the entry it already has. */
static void finger_add64(ring_state *rs, const ring_node *rn)
{
	uint64_t self = key_of(rs->self_pos), d = node_key(rs, rn) - self;

	if (d == 0)
		return;
	uint64_t start = (uint64_t)1 << top_bit64(d);
	uint32_t at = 0, hi = rs->nfingers;
	while (at < hi) {
		uint32_t mid = at + (hi - at) / 2;
		if (rs->finger_key[mid] - self < start)
			at = mid + 1;
		else
			hi = mid;
	}
	if (at < rs->nfingers) {
		uint64_t fd = rs->finger_key[at] - self;
		if (fd < 2 * start || start == (uint64_t)1 << 63) {   /* same bucket */
			/* a different position is a different id: the entry itself (a cache miss
			 * on a large ring) is read only when the positions agree */
			if (fd == d && same_id(&rs->fingers[at], rn->id)) {
				rs->fingers[at].addr = rn->addr;
				return;
			}
			if (d < fd)
				finger_put(rs, at, rn);
			return;
		}
	}
	finger_insert(rs, at, rn);
}

void ring_finger_add(ring_state *rs, const ring_node *rn)
{
	if (rs->keys_exact) {
		finger_add64(rs, rn);
		return;
	}
	w256 self = load(rs->self_pos), d = sub(node_pos(rs, rn), self);
	int bucket = top_bit(d);

	/* Self, or another id at our own position: no bucket, neither before nor after us. */
	if (bucket < 0)
		return;

	/* The array is sorted by distance and holds one entry per bucket, so it is sorted by
	 * bucket too: binary search for the first entry whose bucket is not below the new one,
	 * i.e. whose distance is at least 2^bucket. An id we already hold has the same
	 * position, hence this same bucket. */
	w256 start = pow2((unsigned)bucket);
	uint32_t at = 0, hi = rs->nfingers;
	while (at < hi) {
		uint32_t mid = at + (hi - at) / 2;
		if (cmp(sub(finger_pos(rs, mid), self), start) < 0)
			at = mid + 1;
		else
			hi = mid;
	}
	if (at < rs->nfingers) {
		w256 fd = sub(finger_pos(rs, at), self);
		if (top_bit(fd) == bucket) {
			if (same_id(&rs->fingers[at], rn->id)) {
				/* Same node: only the locator can be news (the node moved). */
				rs->fingers[at].addr = rn->addr;
				return;
			}
			/* Keep whichever is nearer the bucket's start, i.e. Chord's
			 * successor(self + 2^i); a tie keeps the one we already have. */
			if (cmp(d, fd) < 0)
				finger_put(rs, at, rn);
			return;
		}
	}

	finger_insert(rs, at, rn);
}

static int skipped(const uint8_t id[THEMIS_ID_LEN], const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip)
{
	for (size_t i = 0; i < nskip; i++) {
		if (memcmp(skip[i], id, THEMIS_ID_LEN) == 0)
			return 1;
	}
	return 0;
}

/* The closest-preceding search: the target's distance from self, and the k best so far with
 * their distances to the target (nearest first). */
typedef struct best {
	w256 self, dt;
	const ring_node *node[RING_MAX_SUCC + 1];
	w256 key[RING_MAX_SUCC + 1];
	size_t n, k;
} best;

/* Offer c, at position cpos: kept when strictly inside (self, target), not skipped, not already there; ties
 * go by id so the answer does not depend on where a node was found. */
static void offer(best *b, const ring_state *rs, const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
		  const ring_node *c, w256 cpos)
{
	w256 dc = sub(cpos, b->self), key;

	/* In (self, target) iff 0 < dist(self, c) < dist(self, target); then its distance to
	 * the target is the difference. */
	if (zero(dc) || cmp(dc, b->dt) >= 0)
		return;
	key = sub(b->dt, dc);
	size_t at = b->n;
	while (at > 0) {
		int o = cmp(key, b->key[at - 1]);
		if (o > 0 || (o == 0 && memcmp(c->id, b->node[at - 1]->id, THEMIS_ID_LEN) > 0))
			break;
		at--;
	}
	if (at >= b->k)
		return;
	for (size_t i = 0; i < b->n; i++)
		if (same_id(b->node[i], c->id))
			return;
	if (same_id(c, rs->self.id) || skipped(c->id, skip, nskip))
		return;
	size_t keep = b->n < b->k ? b->n : b->k - 1;
	memmove(&b->node[at + 1], &b->node[at], (keep - at) * sizeof(b->node[0]));
	memmove(&b->key[at + 1], &b->key[at], (keep - at) * sizeof(b->key[0]));
	b->node[at] = c;
	b->key[at] = key;
	if (b->n < b->k)
		b->n++;
}

/* The same search on keys alone, for a ring whose positions all fit their keys (m <= 64):
 * one subtraction and one compare per entry instead of four-word arithmetic. dt is the
 * target's distance from self; 0 (target == self) stands for the whole ring, which the
 * minus-one compare of ring_key_in_oo gives for free. */
typedef struct best64 {
	uint64_t self, dt;
	const ring_node *node[RING_MAX_SUCC + 1];
	uint64_t key[RING_MAX_SUCC + 1];
	uint8_t rank[RING_MAX_SUCC + 1];
	size_t n, k;
} best64;

/* Which table an offered entry comes from. One id may sit in several with different
 * locators; the answer names the entry of the first in this order (successors, then the
 * predecessor, then fingers), whatever the order the entries are offered in. */
enum { FROM_SUCC, FROM_PRED, FROM_FINGER };

static void offer64(best64 *b, const ring_state *rs, const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
		    const ring_node *c, uint64_t cpos, uint8_t rank)
{
	uint64_t dc = cpos - b->self;

	if (dc - 1 >= b->dt - 1)
		return;   /* not strictly inside (self, target) */
	uint64_t key = b->dt - dc;
	size_t at = b->n;
	while (at > 0) {
		uint64_t o = b->key[at - 1];
		if (key > o || (key == o && memcmp(c->id, b->node[at - 1]->id, THEMIS_ID_LEN) > 0))
			break;
		at--;
	}
	if (at >= b->k)
		return;
	/* A position is a function of the id (ring.h), so one id has one key: the ids are
	 * compared only where the keys agree, and the entry c (a cache miss on a large ring)
	 * is read here only then. Self needs no check: its key is b->self, outside the
	 * interval. The winners' entries are read once, by whoever encodes the answer. */
	for (size_t i = 0; i < b->n; i++) {
		if (b->key[i] == key && same_id(b->node[i], c->id)) {
			if (rank < b->rank[i]) {
				b->node[i] = c;
				b->rank[i] = rank;
			}
			return;
		}
	}
	for (size_t i = 0; i < nskip; i++)
		if (ring_id_key(skip[i], rs->m) == cpos && memcmp(skip[i], c->id, THEMIS_ID_LEN) == 0)
			return;
	size_t keep = b->n < b->k ? b->n : b->k - 1;
	/* the fingers come best first, so most offers that are kept go at the end */
	for (size_t i = keep; i > at; i--) {
		b->node[i] = b->node[i - 1];
		b->key[i] = b->key[i - 1];
		b->rank[i] = b->rank[i - 1];
	}
	b->node[at] = c;
	b->key[at] = key;
	b->rank[at] = rank;
	if (b->n < b->k)
		b->n++;
}

/* 1 when the key-only search gives the exact answer: every node's key is exact (m <= 64)
 * and so is the target's. */
static int all_fit(const ring_state *rs, const uint8_t target[RING_POS_LEN])
{
	return rs->keys_exact && fits_key(target);
}

static size_t closest_preceding64(const ring_state *rs, const uint8_t target[RING_POS_LEN],
				  const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
				  const ring_node **out, size_t k)
{
	best64 b;

	b.self = key_of(rs->self_pos);
	b.dt = key_of(target) - b.self;
	b.n = 0;
	b.k = k < RING_MAX_SUCC + 1 ? k : RING_MAX_SUCC + 1;
	/* The answer is the k best distinct ids by (distance to the target, id), whatever the
	 * order of the offers. Fingers are sorted by distance from self, so those strictly
	 * before the target are a prefix, and walking it backwards offers them best first:
	 * once k are kept, a finger farther than the worst kept one ends the walk without its
	 * entry (a cache miss each on a large ring) ever being read.
	 * The fingers go first: the successors lie just after self, far from most targets, and
	 * offered last they are turned away on their packed keys without their entries being
	 * read (a duplicate id keeps the successor's or predecessor's entry, see FROM_SUCC). */
	uint32_t end = 0;
	while (end < rs->nfingers && rs->finger_key[end] - b.self - 1 < b.dt - 1)
		end++;
	for (uint32_t i = end; i-- > 0;) {
		uint64_t f = rs->finger_key[i];
		if (b.n == b.k && b.dt - (f - b.self) > b.key[b.n - 1])
			break;
		offer64(&b, rs, skip, nskip, &rs->fingers[i], f, FROM_FINGER);
	}
	for (uint32_t i = 0; i < rs->nsucc; i++)
		offer64(&b, rs, skip, nskip, &rs->succ[i], rs->succ_key[i], FROM_SUCC);
	if (rs->has_pred)
		offer64(&b, rs, skip, nskip, &rs->pred, node_key(rs, &rs->pred), FROM_PRED);
	for (size_t i = 0; i < b.n; i++)
		out[i] = b.node[i];
	return b.n;
}

size_t ring_closest_preceding(const ring_state *rs, const uint8_t target[RING_POS_LEN],
			      const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
			      ring_node *out, size_t k)
{
	const ring_node *ref[RING_MAX_SUCC + 1];
	size_t n = ring_closest_preceding_ref(rs, target, skip, nskip, ref, k);

	for (size_t i = 0; i < n; i++)
		out[i] = *ref[i];
	return n;
}

size_t ring_closest_preceding_ref(const ring_state *rs, const uint8_t target[RING_POS_LEN],
				  const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
				  const ring_node **out, size_t k)
{
	best b;

	if (k == 0)
		return 0;
	if (all_fit(rs, target))
		return closest_preceding64(rs, target, skip, nskip, out, k);
	b.self = load(rs->self_pos);
	b.dt = sub(load(target), b.self);
	b.n = 0;
	b.k = k < RING_MAX_SUCC + 1 ? k : RING_MAX_SUCC + 1;
	/* target == self: (self, self) is the whole ring but self */
	if (zero(b.dt))
		b.dt.w[0] = b.dt.w[1] = b.dt.w[2] = b.dt.w[3] = UINT64_MAX;
	for (uint32_t i = 0; i < rs->nsucc; i++)
		offer(&b, rs, skip, nskip, &rs->succ[i], node_pos(rs, &rs->succ[i]));
	for (uint32_t i = 0; i < rs->nfingers; i++)
		offer(&b, rs, skip, nskip, &rs->fingers[i], finger_pos(rs, i));
	/* The predecessor precedes almost every target; it is the last resort when nothing
	 * else is strictly before the target. */
	if (rs->has_pred)
		offer(&b, rs, skip, nskip, &rs->pred, node_pos(rs, &rs->pred));
	for (size_t i = 0; i < b.n; i++)
		out[i] = b.node[i];
	return b.n;
}

const ring_node *ring_owner_in_successors(const ring_state *rs, const uint8_t pos[RING_POS_LEN])
{
	if (rs->keys_exact && fits_key(pos)) {
		/* on the packed keys: an entry is read only when it is the answer */
		uint64_t x = key_of(pos), a = key_of(rs->self_pos);
		for (uint32_t j = 0; j < rs->nsucc; j++) {
			if (ring_key_in_oc(x, a, rs->succ_key[j]))
				return &rs->succ[j];
			a = rs->succ_key[j];
		}
		return NULL;
	}
	uint8_t prev[RING_POS_LEN], cur[RING_POS_LEN];
	memcpy(prev, rs->self_pos, RING_POS_LEN);
	for (uint32_t j = 0; j < rs->nsucc; j++) {
		if (ring_in_oc(pos, prev, ring_node_pos(&rs->succ[j], rs->m, cur)))
			return &rs->succ[j];
		memcpy(prev, cur, RING_POS_LEN);
	}
	return NULL;
}

const ring_node *ring_find_pos(const ring_state *rs, const uint8_t pos[RING_POS_LEN])
{
	/* equal positions have equal keys: compare whole positions only when the keys agree */
	uint64_t key = key_of(pos);

	if (ring_cmp(rs->self_pos, pos) == 0)
		return &rs->self;
	for (uint32_t i = 0; i < rs->nsucc; i++) {
		if (rs->succ_key[i] == key && ring_cmp(RING_POS(&rs->succ[i], rs->m), pos) == 0)
			return &rs->succ[i];
	}
	if (rs->has_pred && ring_cmp(RING_POS(&rs->pred, rs->m), pos) == 0)
		return &rs->pred;
	for (uint32_t i = 0; i < rs->nfingers; i++) {
		if (rs->finger_key[i] == key && ring_cmp(RING_POS(&rs->fingers[i], rs->m), pos) == 0)
			return &rs->fingers[i];
	}
	return NULL;
}

const ring_node *ring_find_id(const ring_state *rs, const uint8_t id[THEMIS_ID_LEN])
{
	if (same_id(&rs->self, id))
		return &rs->self;
	for (uint32_t i = 0; i < rs->nsucc; i++) {
		if (same_id(&rs->succ[i], id))
			return &rs->succ[i];
	}
	if (rs->has_pred && same_id(&rs->pred, id))
		return &rs->pred;
	for (uint32_t i = 0; i < rs->nfingers; i++) {
		if (same_id(&rs->fingers[i], id))
			return &rs->fingers[i];
	}
	return NULL;
}
