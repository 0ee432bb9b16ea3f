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

/* ---- arithmetic ---- */

int ring_cmp(const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	return memcmp(a, b, RING_POS_LEN);
}

static int is_zero(const uint8_t p[RING_POS_LEN])
{
	for (size_t i = 0; i < RING_POS_LEN; i++) {
		if (p[i] != 0)
			return 0;
	}
	return 1;
}

void ring_dist(uint8_t out[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	/* Byte-wise subtraction from the least significant end; the final borrow is the wrap
	 * past zero, which mod 2^256 we simply drop. out may alias a or b: each byte is read
	 * before it is written. */
	unsigned borrow = 0;
	for (size_t i = RING_POS_LEN; i-- > 0;) {
		unsigned d = (unsigned)b[i] - (unsigned)a[i] - borrow;
		out[i] = (uint8_t)d;
		borrow = (d >> 8) & 1u;
	}
}

/* Both intervals are measured from a: x is in (a, b) exactly when 0 < dist(a, x) < dist(a, b),
 * which handles the wrap past zero without case analysis. Positions keep their unused low bits
 * zero, so the 256-bit distances order points exactly as m-bit ones would. */
int ring_in_oo(const uint8_t x[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	uint8_t dx[RING_POS_LEN], db[RING_POS_LEN];

	ring_dist(dx, a, x);
	ring_dist(db, a, b);
	if (is_zero(dx))
		return 0;
	/* a == b: Chord's (n, n) is the full circle minus n (a lone node is its own successor). */
	if (is_zero(db))
		return 1;
	return ring_cmp(dx, db) < 0;
}

int ring_in_oc(const uint8_t x[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	uint8_t dx[RING_POS_LEN], db[RING_POS_LEN];

	ring_dist(db, a, b);
	/* a == b: (n, n] is the full circle, n included, so a lone node owns every key. */
	if (is_zero(db))
		return 1;
	ring_dist(dx, a, x);
	if (is_zero(dx))
		return 0;
	return ring_cmp(dx, db) <= 0;
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

void ring_node_make(ring_node *rn, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr, unsigned m)
{
	memset(rn, 0, sizeof(*rn));
	memcpy(rn->id, id, THEMIS_ID_LEN);
	themis_ring_pos(id, m, rn->pos);
	if (addr != NULL)
		rn->addr = *addr;
}

/* Index (0 = least significant) of the highest set bit of a 256-bit number; -1 for zero. */
static int top_bit(const uint8_t d[RING_POS_LEN])
{
	for (size_t i = 0; i < RING_POS_LEN; i++) {
		if (d[i] == 0)
			continue;
		int b = 7;
		while (!(d[i] & (1u << b)))
			b--;
		return (int)(8 * (RING_POS_LEN - 1 - i)) + b;
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
	/* Every comparison is against self.pos, so derive it here from the id and this m rather
	 * than trust a position the caller may have computed for another ring size. */
	ring_node_make(&rs->self, self->id, &self->addr, m);
	return 0;
}

void ring_free(ring_state *rs)
{
	if (rs == NULL)
		return;
	free(rs->fingers);
	rs->fingers = NULL;
	free(rs->succ);
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
		if (c == NULL || same_id(c, rs->self.id) || list_has_id(next, nn, c->id))
			continue;
		next[nn++] = *c;
	}
	if (nn && !rs->succ && !(rs->succ = calloc(rs->r, sizeof(*rs->succ))))
		nn = 0;   /* no memory: no successors, as if none were known */
	if (nn)
		memcpy(rs->succ, next, nn * sizeof(next[0]));
	rs->nsucc = nn;
}

int ring_remove(ring_state *rs, const uint8_t id[THEMIS_ID_LEN])
{
	int flags = 0;

	for (uint32_t i = 0; i < rs->nsucc;) {
		if (!same_id(&rs->succ[i], id)) {
			i++;
			continue;
		}
		flags |= i == 0 ? 3 : 1;
		memmove(&rs->succ[i], &rs->succ[i + 1], (rs->nsucc - i - 1) * sizeof(rs->succ[0]));
		rs->nsucc--;
	}
	if (rs->has_pred && same_id(&rs->pred, id)) {
		rs->has_pred = 0;
		memset(&rs->pred, 0, sizeof(rs->pred));
		flags |= 4;
	}
	for (uint32_t i = 0; i < rs->nfingers;) {
		if (!same_id(&rs->fingers[i], id)) {
			i++;
			continue;
		}
		flags |= 8;
		memmove(&rs->fingers[i], &rs->fingers[i + 1],
			(rs->nfingers - i - 1) * sizeof(rs->fingers[0]));
		rs->nfingers--;
	}
	return flags;
}

/* Room for one more finger: doubles the array, never past max_fingers. 0 or -1. */
static int fingers_reserve(ring_state *rs)
{
	if (rs->nfingers < rs->fingers_alloc)
		return 0;
	if (rs->fingers_alloc >= rs->max_fingers)
		return -1;
	uint32_t want = rs->fingers_alloc == 0 ? FINGERS_FIRST_ALLOC : 2 * rs->fingers_alloc;
	if (want > rs->max_fingers || want < rs->fingers_alloc)
		want = rs->max_fingers;
	ring_node *p = realloc(rs->fingers, (size_t)want * sizeof(*p));
	if (p == NULL)
		return -1;
	rs->fingers = p;
	rs->fingers_alloc = want;
	return 0;
}

void ring_finger_add(ring_state *rs, const ring_node *rn)
{
	uint8_t d[RING_POS_LEN];

	if (same_id(rn, rs->self.id))
		return;
	for (uint32_t i = 0; i < rs->nfingers; i++) {
		if (same_id(&rs->fingers[i], rn->id)) {
			/* Same id, same position: only the locator can be news (the node moved). */
			rs->fingers[i].addr = rn->addr;
			return;
		}
	}
	ring_dist(d, rs->self.pos, rn->pos);
	int bucket = top_bit(d);
	/* Another id at our own position has no bucket: it is neither before nor after us. */
	if (bucket < 0)
		return;

	/* The array is sorted by distance and holds one entry per bucket, so it is sorted by
	 * bucket too: find the first entry whose bucket is not below the new one. */
	uint32_t at = 0;
	int at_bucket = -1;
	for (; at < rs->nfingers; at++) {
		uint8_t fd[RING_POS_LEN];
		ring_dist(fd, rs->self.pos, rs->fingers[at].pos);
		at_bucket = top_bit(fd);
		if (at_bucket >= bucket) {
			/* Same bucket: keep whichever is nearer the bucket's start, i.e. Chord's
			 * successor(self + 2^i); a tie keeps the one we already have. */
			if (at_bucket == bucket && ring_cmp(d, fd) < 0)
				rs->fingers[at] = *rn;
			if (at_bucket == bucket)
				return;
			break;
		}
	}

	if (rs->nfingers >= rs->max_fingers) {
		/* Full: the lowest buckets matter least, since the successor list already covers
		 * the ring just after us. A newcomer below every kept bucket is the one to go. */
		if (at == 0)
			return;
		memmove(&rs->fingers[0], &rs->fingers[1], (at - 1) * sizeof(rs->fingers[0]));
		rs->fingers[at - 1] = *rn;
		return;
	}
	if (fingers_reserve(rs) != 0)
		return;
	memmove(&rs->fingers[at + 1], &rs->fingers[at], (rs->nfingers - at) * sizeof(rs->fingers[0]));
	rs->fingers[at] = *rn;
	rs->nfingers++;
}

static int skipped(const uint8_t id[THEMIS_ID_LEN], const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip)
{
	for (size_t i = 0; i < nskip; i++) {
		if (memcmp(skip[i], id, THEMIS_ID_LEN) == 0)
			return 1;
	}
	return 0;
}

/* Insert c into out[0..*n) (capacity k) kept sorted by distance to target, nearest first; ties
 * go by id so the answer does not depend on where a node was found. */
static void offer(const ring_state *rs, const uint8_t target[RING_POS_LEN],
		  const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
		  const ring_node *c, ring_node *out, size_t *n, size_t k)
{
	uint8_t d[RING_POS_LEN];

	if (same_id(c, rs->self.id) || !ring_in_oo(c->pos, rs->self.pos, target) ||
	    skipped(c->id, skip, nskip) || list_has_id(out, *n, c->id))
		return;
	ring_dist(d, c->pos, target);
	size_t at = *n;
	while (at > 0) {
		uint8_t od[RING_POS_LEN];
		ring_dist(od, out[at - 1].pos, target);
		int o = ring_cmp(d, od);
		if (o > 0 || (o == 0 && memcmp(c->id, out[at - 1].id, THEMIS_ID_LEN) > 0))
			break;
		at--;
	}
	if (at >= k)
		return;
	size_t keep = *n < k ? *n : k - 1;
	memmove(&out[at + 1], &out[at], (keep - at) * sizeof(out[0]));
	out[at] = *c;
	if (*n < k)
		(*n)++;
}

size_t ring_closest_preceding(const ring_state *rs, const uint8_t target[RING_POS_LEN],
			      const uint8_t (*skip)[THEMIS_ID_LEN], size_t nskip,
			      ring_node *out, size_t k)
{
	size_t n = 0;

	if (k == 0)
		return 0;
	for (uint32_t i = 0; i < rs->nsucc; i++)
		offer(rs, target, skip, nskip, &rs->succ[i], out, &n, k);
	for (uint32_t i = 0; i < rs->nfingers; i++)
		offer(rs, target, skip, nskip, &rs->fingers[i], out, &n, k);
	/* The predecessor precedes almost every target; it is the last resort when nothing
	 * else is strictly before the target. */
	if (rs->has_pred)
		offer(rs, target, skip, nskip, &rs->pred, out, &n, k);
	return n;
}

const ring_node *ring_find_pos(const ring_state *rs, const uint8_t pos[RING_POS_LEN])
{
	if (ring_cmp(rs->self.pos, pos) == 0)
		return &rs->self;
	for (uint32_t i = 0; i < rs->nsucc; i++) {
		if (ring_cmp(rs->succ[i].pos, pos) == 0)
			return &rs->succ[i];
	}
	if (rs->has_pred && ring_cmp(rs->pred.pos, pos) == 0)
		return &rs->pred;
	for (uint32_t i = 0; i < rs->nfingers; i++) {
		if (ring_cmp(rs->fingers[i].pos, pos) == 0)
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
