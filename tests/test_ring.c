/* test_ring.c: ring arithmetic and the routing-table view (core/dht/ring.c, the paper's RT,
 * section 6.1). Hand-computed tables on small rings, a randomized cross-check against a naive
 * 64-bit-limb reference on m = 8, 13, 64, 256, and brute-force Chord fingers for whole networks.
 */
#include "testutil.h"

#include <stdlib.h>

#include "ring.h"

/* ---- helpers ---- */

/* Left-aligned position of an m-bit value (m <= 64): the value's top bit is bit 255. */
static void pos_of(uint8_t pos[RING_POS_LEN], uint64_t v, unsigned m)
{
	uint64_t w = m == 64 ? v : v << (64 - m);
	memset(pos, 0, RING_POS_LEN);
	for (int i = 0; i < 8; i++)
		pos[i] = (uint8_t)(w >> (56 - 8 * i));
}

static uint64_t mask_of(unsigned m)
{
	return m == 64 ? UINT64_MAX : (1ull << m) - 1;
}

/* A node whose id starts with the m-bit value v; `tag` makes the rest of the id distinct. */
static void node_at(ring_node *rn, uint64_t v, unsigned m, uint32_t tag)
{
	uint8_t id[THEMIS_ID_LEN], pos[RING_POS_LEN];
	themis_addr a = { 4, { 10, 0, (uint8_t)(tag >> 8), (uint8_t)tag }, (uint16_t)(1000 + tag) };

	pos_of(pos, v, m);
	memcpy(id, pos, sizeof(id));
	/* Bits below m are free in the id: fill them so that ids differ even when positions
	 * collide, and so that deriving a position (ring_node_pos) has bits to clear. */
	for (int i = 0; i < 4; i++)
		id[28 + i] = (uint8_t)(tag >> (24 - 8 * i));
	id[27] = 0xA5;
	ring_node_make(rn, id, &a);
}

/* The m-bit value of a position (m <= 64). */
static uint64_t val_of(const uint8_t pos[RING_POS_LEN], unsigned m)
{
	uint64_t w = 0;
	for (int i = 0; i < 8; i++)
		w = (w << 8) | pos[i];
	return m == 64 ? w : w >> (64 - m);
}

static uint64_t rnd64(uint64_t *s)
{
	uint8_t b[8];
	uint64_t v = 0;
	test_rand(s, b, sizeof(b));
	for (int i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	return v;
}

static void shuffle(uint32_t *a, size_t n, uint64_t *s)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(rnd64(s) % i);
		uint32_t t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* ---- the reference: four 64-bit limbs, most significant first ---- */

typedef struct { uint64_t l[4]; } big;

static big big_of(const uint8_t p[RING_POS_LEN])
{
	big b;
	for (int i = 0; i < 4; i++) {
		b.l[i] = 0;
		for (int j = 0; j < 8; j++)
			b.l[i] = (b.l[i] << 8) | p[8 * i + j];
	}
	return b;
}

static void big_put(uint8_t p[RING_POS_LEN], big b)
{
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 8; j++)
			p[8 * i + j] = (uint8_t)(b.l[i] >> (56 - 8 * j));
}

static int big_cmp(big a, big b)
{
	for (int i = 0; i < 4; i++) {
		if (a.l[i] != b.l[i])
			return a.l[i] < b.l[i] ? -1 : 1;
	}
	return 0;
}

static big big_sub(big a, big b)
{
	big r;
	uint64_t borrow = 0;
	for (int i = 3; i >= 0; i--) {
		uint64_t d = a.l[i] - b.l[i] - borrow;
		borrow = (a.l[i] < b.l[i]) || (a.l[i] == b.l[i] && borrow);
		r.l[i] = d;
	}
	return r;
}

static big big_add_pow2(big a, unsigned e)
{
	big r = a;
	uint64_t add = 1ull << (e % 64);
	for (int i = 3 - (int)(e / 64); i >= 0 && add != 0; i--) {
		uint64_t s = r.l[i] + add;
		add = s < r.l[i];
		r.l[i] = s;
	}
	return r;
}

/* Textbook clockwise intervals by case analysis, independent of any distance. */
static int ref_in_oo(big x, big a, big b)
{
	int ab = big_cmp(a, b);
	if (ab < 0)
		return big_cmp(a, x) < 0 && big_cmp(x, b) < 0;
	if (ab > 0)
		return big_cmp(x, a) > 0 || big_cmp(x, b) < 0;
	return big_cmp(x, a) != 0;
}

static int ref_in_oc(big x, big a, big b)
{
	int ab = big_cmp(a, b);
	if (ab < 0)
		return big_cmp(a, x) < 0 && big_cmp(x, b) <= 0;
	if (ab > 0)
		return big_cmp(x, a) > 0 || big_cmp(x, b) <= 0;
	return 1;
}

/* A random m-bit position, with the unused low bits zero. */
static void rnd_pos(uint8_t pos[RING_POS_LEN], unsigned m, uint64_t *s)
{
	uint8_t id[THEMIS_ID_LEN];
	test_rand(s, id, sizeof(id));
	themis_ring_pos(id, m, pos);
}

/* ---- arithmetic ---- */

struct iv_row {
	uint8_t x, a, b;
	int oo, oc;
};

static const struct iv_row iv_rows[] = {
	/* plain intervals */
	{ 0x05, 0x03, 0x0A, 1, 1 }, { 0x03, 0x03, 0x0A, 0, 0 }, { 0x0A, 0x03, 0x0A, 0, 1 },
	{ 0x0B, 0x03, 0x0A, 0, 0 }, { 0x02, 0x03, 0x0A, 0, 0 }, { 0x04, 0x03, 0x0A, 1, 1 },
	/* across zero: (0xF0, 0x10) */
	{ 0xF8, 0xF0, 0x10, 1, 1 }, { 0x00, 0xF0, 0x10, 1, 1 }, { 0x05, 0xF0, 0x10, 1, 1 },
	{ 0xFF, 0xF0, 0x10, 1, 1 }, { 0x10, 0xF0, 0x10, 0, 1 }, { 0xF0, 0xF0, 0x10, 0, 0 },
	{ 0x80, 0xF0, 0x10, 0, 0 }, { 0xEF, 0xF0, 0x10, 0, 0 }, { 0x11, 0xF0, 0x10, 0, 0 },
	/* a == b: the whole ring except a, or the whole ring */
	{ 0x40, 0x40, 0x40, 0, 1 }, { 0x41, 0x40, 0x40, 1, 1 }, { 0x3F, 0x40, 0x40, 1, 1 },
	{ 0x00, 0x40, 0x40, 1, 1 }, { 0x00, 0x00, 0x00, 0, 1 }, { 0xFF, 0x00, 0x00, 1, 1 },
	/* neighbours and the ends of the ring */
	{ 0x07, 0x07, 0x08, 0, 0 }, { 0x08, 0x07, 0x08, 0, 1 }, { 0x09, 0x07, 0x08, 0, 0 },
	{ 0x00, 0xFF, 0x00, 0, 1 }, { 0xFF, 0xFF, 0x00, 0, 0 }, { 0x80, 0xFF, 0x00, 0, 0 },
	{ 0x80, 0x00, 0xFF, 1, 1 }, { 0xFF, 0x00, 0xFF, 0, 1 }, { 0x00, 0x00, 0xFF, 0, 0 },
};

static void test_intervals_m8(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(iv_rows) / sizeof(iv_rows[0]); i++) {
		const struct iv_row *r = &iv_rows[i];
		uint8_t x[RING_POS_LEN], a[RING_POS_LEN], b[RING_POS_LEN];
		pos_of(x, r->x, 8);
		pos_of(a, r->a, 8);
		pos_of(b, r->b, 8);
		if (ring_in_oo(x, a, b) != r->oo || ring_in_oc(x, a, b) != r->oc)
			fail_msg("row %zu: x %02x in (%02x, %02x): oo %d oc %d, expected %d %d", i,
				 r->x, r->a, r->b, ring_in_oo(x, a, b), ring_in_oc(x, a, b), r->oo, r->oc);
	}
}

static void test_intervals_m13(void **state)
{
	(void)state;
	/* Wrap-around at the top of a 13-bit ring whose values straddle a byte boundary. */
	static const struct { uint16_t x, a, b; int oo, oc; } rows[] = {
		{ 0x0000, 0x1FFF, 0x0001, 1, 1 }, { 0x0001, 0x1FFF, 0x0001, 0, 1 },
		{ 0x1FFF, 0x1FFF, 0x0001, 0, 0 }, { 0x0100, 0x00FF, 0x0101, 1, 1 },
		{ 0x1000, 0x0FFF, 0x1000, 0, 1 }, { 0x0FFF, 0x1000, 0x1000, 1, 1 },
		{ 0x1000, 0x1000, 0x1000, 0, 1 }, { 0x0020, 0x001F, 0x0021, 1, 1 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t x[RING_POS_LEN], a[RING_POS_LEN], b[RING_POS_LEN];
		pos_of(x, rows[i].x, 13);
		pos_of(a, rows[i].a, 13);
		pos_of(b, rows[i].b, 13);
		assert_int_equal(ring_in_oo(x, a, b), rows[i].oo);
		assert_int_equal(ring_in_oc(x, a, b), rows[i].oc);
	}
}

static void test_dist(void **state)
{
	(void)state;
	static const struct { uint8_t a, b, d; } rows[] = {
		{ 0x10, 0x05, 0xF5 }, { 0x05, 0x10, 0x0B }, { 0x40, 0x40, 0x00 },
		{ 0x00, 0xFF, 0xFF }, { 0xFF, 0x00, 0x01 }, { 0x80, 0x00, 0x80 },
	};
	uint8_t a[RING_POS_LEN], b[RING_POS_LEN], d[RING_POS_LEN], want[RING_POS_LEN];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		pos_of(a, rows[i].a, 8);
		pos_of(b, rows[i].b, 8);
		pos_of(want, rows[i].d, 8);
		ring_dist(d, a, b);
		assert_memory_equal(d, want, RING_POS_LEN);
	}
	/* The full 256 bits: 0 - 1 borrows through every byte. */
	memset(a, 0, sizeof(a));
	a[RING_POS_LEN - 1] = 1;
	memset(b, 0, sizeof(b));
	memset(want, 0xFF, sizeof(want));
	ring_dist(d, a, b);
	assert_memory_equal(d, want, RING_POS_LEN);
	/* Output aliasing an input. */
	pos_of(a, 0x10, 8);
	pos_of(b, 0x05, 8);
	ring_dist(a, a, b);
	pos_of(want, 0xF5, 8);
	assert_memory_equal(a, want, RING_POS_LEN);
}

static void test_finger_start(void **state)
{
	(void)state;
	static const struct { unsigned m; uint64_t pos; unsigned i; uint64_t want; } rows[] = {
		{ 8, 0xF0, 4, 0x00 }, { 8, 0xF0, 3, 0xF8 }, { 8, 0x00, 7, 0x80 },
		{ 8, 0x80, 7, 0x00 }, { 8, 0xFF, 0, 0x00 }, { 8, 0x00, 0, 0x01 },
		{ 8, 0x7F, 0, 0x80 }, { 8, 0xC0, 6, 0x00 },
		{ 13, 0x1FFF, 0, 0x0000 }, { 13, 0x0FFF, 0, 0x1000 }, { 13, 0x001F, 0, 0x0020 },
		{ 13, 0x1000, 12, 0x0000 }, { 13, 0x0000, 12, 0x1000 }, { 13, 0x1F00, 8, 0x0000 },
		{ 13, 0x00FF, 3, 0x0107 },
		{ 64, UINT64_MAX, 0, 0 }, { 64, 0, 63, 1ull << 63 }, { 32, 0xFFFFFFFF, 31, 0x7FFFFFFF },
	};
	uint8_t p[RING_POS_LEN], out[RING_POS_LEN], want[RING_POS_LEN];

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		pos_of(p, rows[k].pos, rows[k].m);
		pos_of(want, rows[k].want, rows[k].m);
		ring_finger_start(out, p, rows[k].i, rows[k].m);
		if (memcmp(out, want, RING_POS_LEN) != 0)
			fail_msg("row %zu: m %u pos %llx + 2^%u", k, rows[k].m,
				 (unsigned long long)rows[k].pos, rows[k].i);
	}
	/* m = 256: all ones + 1 wraps to zero; 2^255 lands on the top bit. */
	memset(p, 0xFF, sizeof(p));
	memset(want, 0, sizeof(want));
	ring_finger_start(out, p, 0, 256);
	assert_memory_equal(out, want, RING_POS_LEN);
	memset(p, 0, sizeof(p));
	ring_finger_start(out, p, 255, 256);
	want[0] = 0x80;
	assert_memory_equal(out, want, RING_POS_LEN);
}

/* Random positions, with a bias towards the equalities where interval bugs live. */
static void cross_check(unsigned m, uint64_t seed, int trials)
{
	uint64_t s[2] = { seed, 0 };
	uint8_t x[RING_POS_LEN], a[RING_POS_LEN], b[RING_POS_LEN], d[RING_POS_LEN];
	uint8_t fs[RING_POS_LEN], want[RING_POS_LEN];
	int hits_oo = 0;

	for (int t = 0; t < trials; t++) {
		rnd_pos(x, m, s);
		rnd_pos(a, m, s);
		rnd_pos(b, m, s);
		switch (t % 8) {
		case 1: memcpy(x, a, RING_POS_LEN); break;
		case 2: memcpy(x, b, RING_POS_LEN); break;
		case 3: memcpy(b, a, RING_POS_LEN); break;
		case 4: memcpy(b, a, RING_POS_LEN); memcpy(x, a, RING_POS_LEN); break;
		default: break;
		}
		big bx = big_of(x), ba = big_of(a), bb = big_of(b);
		int oo = ring_in_oo(x, a, b), oc = ring_in_oc(x, a, b);
		if (oo != ref_in_oo(bx, ba, bb) || oc != ref_in_oc(bx, ba, bb))
			fail_msg("m %u trial %d: oo %d/%d oc %d/%d", m, t, oo, ref_in_oo(bx, ba, bb),
				 oc, ref_in_oc(bx, ba, bb));
		hits_oo += oo;

		ring_dist(d, a, b);
		big_put(want, big_sub(bb, ba));
		assert_memory_equal(d, want, RING_POS_LEN);

		/* ring_dist_cmp: which of a and b is nearer before x, as the signs of big_cmp */
		int dc = ring_dist_cmp(a, b, x), ref = big_cmp(big_sub(bx, ba), big_sub(bx, bb));
		if ((dc > 0) - (dc < 0) != (ref > 0) - (ref < 0))
			fail_msg("m %u trial %d: ring_dist_cmp %d, expected the sign of %d", m, t, dc, ref);

		unsigned i = (unsigned)(rnd64(s) % m);
		ring_finger_start(fs, a, i, m);
		big_put(want, big_add_pow2(ba, 256 - m + i));
		assert_memory_equal(fs, want, RING_POS_LEN);
		/* Still an m-bit position: the bits below m stay zero. */
		uint8_t again[RING_POS_LEN];
		themis_ring_pos(fs, m, again);
		assert_memory_equal(fs, again, RING_POS_LEN);
	}
	/* Both outcomes must have been exercised. */
	assert_true(hits_oo > trials / 8 && hits_oo < trials - trials / 8);
}

static void test_random_cross_check(void **state)
{
	(void)state;
	static const unsigned ms[] = { 8, 13, 64, 256 };
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		cross_check(ms[i], 0x51ce + i, 50000);
}

static void test_node_make(void **state)
{
	(void)state;
	uint8_t id[THEMIS_ID_LEN];
	themis_addr a = { 4, { 10, 1, 2, 3 }, 4242 };
	ring_node rn;
	uint8_t pos[RING_POS_LEN];

	memset(id, 0xFF, sizeof(id));
	ring_node_make(&rn, id, &a);
	assert_memory_equal(rn.id, id, THEMIS_ID_LEN);
	ring_node_pos(&rn, 13, pos);
	assert_int_equal(pos[0], 0xFF);
	assert_int_equal(pos[1], 0xF8);
	for (int i = 2; i < RING_POS_LEN; i++)
		assert_int_equal(pos[i], 0);
	assert_int_equal(rn.addr.port, 4242);
	assert_int_equal(rn.addr.addr[3], 3);
}

/* A position's key is its first 64 bits read big-endian (ring_pos_key, spelled out for the
 * compiler), and an id's key (ring_id_key) is the key of its position, for every m and for
 * ids whose bits are all set, none set, or random. */
static void test_keys_match_positions(void **state)
{
	(void)state;
	uint8_t id[THEMIS_ID_LEN], pos[THEMIS_ID_LEN];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (int kind = 0; kind < 3; kind++) {
		for (size_t i = 0; i < THEMIS_ID_LEN; i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			id[i] = kind == 0 ? 0xFF : kind == 1 ? 0 : (uint8_t)(x >> 56);
		}
		for (unsigned m = 8; m <= 256; m++) {
			themis_ring_pos(id, m, pos);
			uint64_t want = 0;
			for (int i = 0; i < 8; i++)
				want = want << 8 | pos[i];
			assert_true(ring_pos_key(pos) == want);
			assert_true(ring_id_key(id, m) == want);
		}
	}
}

/* ---- one node's view ---- */

static void test_init(void **state)
{
	(void)state;
	ring_state rs;
	ring_node self;

	node_at(&self, 0x10, 8, 0);
	assert_int_equal(ring_init(&rs, &self, 7, 1, 8), -1);
	assert_int_equal(ring_init(&rs, &self, 257, 1, 8), -1);
	assert_int_equal(ring_init(&rs, &self, 8, 0, 8), -1);
	assert_int_equal(ring_init(&rs, &self, 8, RING_MAX_SUCC + 1, 8), -1);
	assert_int_equal(ring_init(&rs, &self, 8, 1, 0), -1);
	assert_int_equal(ring_init(&rs, NULL, 8, 1, 8), -1);
	assert_int_equal(ring_init(&rs, &self, 8, RING_MAX_SUCC, 1), 0);
	assert_int_equal(rs.nsucc, 0);
	assert_int_equal(rs.nfingers, 0);
	assert_int_equal(rs.has_pred, 0);
	assert_null(rs.fingers);
	assert_memory_equal(rs.self_pos, RING_POS(&self, 8), RING_POS_LEN);
	ring_free(&rs);
	ring_free(&rs);
}

static void expect_succ(const ring_state *rs, const ring_node *want, size_t n)
{
	assert_int_equal(rs->nsucc, n);
	for (size_t i = 0; i < n; i++)
		assert_memory_equal(rs->succ[i].id, want[i].id, THEMIS_ID_LEN);
}

static void test_set_successors(void **state)
{
	(void)state;
	ring_state rs;
	ring_node self, A, B, C, D, X;

	node_at(&self, 0x00, 8, 0);
	node_at(&A, 0x10, 8, 1);
	node_at(&B, 0x20, 8, 2);
	node_at(&C, 0x30, 8, 3);
	node_at(&D, 0x40, 8, 4);
	node_at(&X, 0x08, 8, 5);
	assert_int_equal(ring_init(&rs, &self, 8, 3, 8), 0);

	/* Duplicates are skipped, the result is cut at r. */
	ring_node list[] = { B, A, C, B, D };
	ring_set_successors(&rs, &A, list, 5);
	expect_succ(&rs, (ring_node[]){ A, B, C }, 3);

	/* A list that comes round to us ends there: what follows is our own list again (a ring
	 * of at most r members would otherwise keep a node that left for ever). */
	ring_set_successors(&rs, &A, (ring_node[]){ B, self, C, D }, 4);
	expect_succ(&rs, (ring_node[]){ A, B }, 2);
	ring_set_successors(&rs, &A, (ring_node[]){ self, B }, 2);
	expect_succ(&rs, (ring_node[]){ A }, 1);
	ring_set_successors(&rs, &A, (ring_node[]){ B, C, D }, 3);

	/* The caller's own successor list as input: a new first successor pushed in front. */
	ring_set_successors(&rs, &X, rs.succ, rs.nsucc);
	expect_succ(&rs, (ring_node[]){ X, A, B }, 3);

	ring_set_successors(&rs, NULL, (ring_node[]){ self }, 1);
	expect_succ(&rs, NULL, 0);
	ring_set_successors(&rs, &self, (ring_node[]){ A }, 1);
	expect_succ(&rs, NULL, 0);
	ring_set_successors(&rs, NULL, NULL, 5);
	expect_succ(&rs, NULL, 0);
	ring_set_successors(&rs, &A, NULL, 0);
	expect_succ(&rs, (ring_node[]){ A }, 1);
	ring_free(&rs);

	/* r = 16 keeps all of them; the duplicate check is by id, not position. */
	ring_node A2;
	node_at(&A2, 0x10, 8, 9);
	assert_int_equal(ring_init(&rs, &self, 8, RING_MAX_SUCC, 8), 0);
	ring_set_successors(&rs, &A, (ring_node[]){ B, A2, C, A, D, C }, 6);
	expect_succ(&rs, (ring_node[]){ A, B, A2, C, D }, 5);
	ring_free(&rs);
}

static void test_remove(void **state)
{
	(void)state;
	ring_state rs;
	ring_node self, A, B, C, D, Z;

	node_at(&self, 0x00, 8, 0);
	node_at(&A, 0x10, 8, 1);
	node_at(&B, 0x20, 8, 2);
	node_at(&C, 0x30, 8, 3);
	node_at(&D, 0x80, 8, 4);
	node_at(&Z, 0x90, 8, 5);
	assert_int_equal(ring_init(&rs, &self, 8, 4, 8), 0);
	ring_set_successors(&rs, &A, (ring_node[]){ B, C }, 2);
	rs.pred = B;
	rs.has_pred = 1;
	ring_finger_add(&rs, &A);
	ring_finger_add(&rs, &D);
	assert_int_equal(rs.nfingers, 2);

	assert_int_equal(ring_remove(&rs, Z.id), 0);
	assert_int_equal(ring_remove(&rs, self.id), 0);
	assert_int_equal(ring_remove(&rs, C.id), RING_WAS_SUCC);
	expect_succ(&rs, (ring_node[]){ A, B }, 2);
	assert_int_equal(ring_remove(&rs, A.id), RING_WAS_SUCC | RING_WAS_FIRST | RING_WAS_FINGER);
	expect_succ(&rs, (ring_node[]){ B }, 1);
	assert_int_equal(ring_remove(&rs, B.id), RING_WAS_SUCC | RING_WAS_FIRST | RING_WAS_PRED);
	assert_int_equal(rs.has_pred, 0);
	assert_int_equal(rs.nsucc, 0);
	assert_int_equal(ring_remove(&rs, D.id), RING_WAS_FINGER);
	assert_int_equal(rs.nfingers, 0);
	assert_int_equal(ring_remove(&rs, D.id), 0);
	assert_null(ring_find_id(&rs, A.id));
	assert_null(ring_find_id(&rs, B.id));
	assert_null(ring_find_id(&rs, D.id));
	ring_free(&rs);
}

static void test_find(void **state)
{
	(void)state;
	ring_state rs;
	ring_node self, A, P, F, Z;

	node_at(&self, 0x00, 13, 0);
	node_at(&A, 0x0010, 13, 1);
	node_at(&P, 0x1F00, 13, 2);
	node_at(&F, 0x0800, 13, 3);
	node_at(&Z, 0x0900, 13, 4);
	assert_int_equal(ring_init(&rs, &self, 13, 2, 8), 0);
	ring_set_successors(&rs, &A, NULL, 0);
	rs.pred = P;
	rs.has_pred = 1;
	ring_finger_add(&rs, &F);

	const ring_node *all[] = { &self, &A, &P, &F };
	for (size_t i = 0; i < 4; i++) {
		const ring_node *n = ring_find_id(&rs, all[i]->id);
		assert_non_null(n);
		assert_memory_equal(n->id, all[i]->id, THEMIS_ID_LEN);
		n = ring_find_pos(&rs, RING_POS(all[i], 13));
		assert_non_null(n);
		assert_memory_equal(n->id, all[i]->id, THEMIS_ID_LEN);
	}
	assert_null(ring_find_id(&rs, Z.id));
	assert_null(ring_find_pos(&rs, RING_POS(&Z, 13)));
	ring_free(&rs);
}

/* ---- fingers against brute-force Chord ---- */

/* Chord's fingers of node `self` among vals[0..n) (distinct m-bit values, m <= 64): the
 * distinct successor(self + 2^i), i = 0..m-1, without self, nearest first. Plain integer
 * arithmetic, nothing from ring.c. Returns how many, indices into vals in want. */
static size_t chord_fingers(const uint64_t *vals, size_t n, size_t self, unsigned m, size_t *want)
{
	uint64_t mask = mask_of(m);
	size_t nw = 0;

	for (unsigned i = 0; i < m; i++) {
		uint64_t start = (vals[self] + (1ull << i)) & mask;
		size_t best = self;
		uint64_t bd = (vals[self] - start) & mask;
		for (size_t j = 0; j < n; j++) {
			uint64_t dj = (vals[j] - start) & mask;
			if (dj < bd) {
				bd = dj;
				best = j;
			}
		}
		if (best == self || (nw > 0 && want[nw - 1] == best))
			continue;
		want[nw++] = best;
	}
	return nw;
}

/* Every node of the network takes every other one as a finger offer (in a random order, some
 * twice, plus itself), then its fingers must be the top max_fingers of Chord's. */
static void check_network(const uint64_t *vals, size_t n, unsigned m, uint32_t max_fingers,
			  uint64_t *s)
{
	ring_node *nodes = calloc(n, sizeof(*nodes));
	uint32_t *order = calloc(2 * n, sizeof(*order));
	size_t *want = calloc(m, sizeof(*want));
	assert_non_null(nodes);
	assert_non_null(order);
	assert_non_null(want);

	for (size_t i = 0; i < n; i++)
		node_at(&nodes[i], vals[i], m, (uint32_t)i + 1);
	for (size_t self = 0; self < n; self++) {
		ring_state rs;
		assert_int_equal(ring_init(&rs, &nodes[self], m, 1, max_fingers), 0);
		size_t no = 0;
		for (size_t i = 0; i < n; i++) {
			order[no++] = (uint32_t)i;
			if (i % 3 == 0)
				order[no++] = (uint32_t)i;
		}
		shuffle(order, no, s);
		for (size_t i = 0; i < no; i++)
			ring_finger_add(&rs, &nodes[order[i]]);

		size_t nw = chord_fingers(vals, n, self, m, want);
		size_t from = nw > max_fingers ? nw - max_fingers : 0;
		if (rs.nfingers != nw - from)
			fail_msg("m %u node %zu of %zu: %u fingers, expected %zu", m, self, n,
				 rs.nfingers, nw - from);
		assert_true(rs.fingers_alloc <= max_fingers);
		for (size_t i = from; i < nw; i++) {
			const ring_node *f = &rs.fingers[i - from];
			if (memcmp(f->id, nodes[want[i]].id, THEMIS_ID_LEN) != 0)
				fail_msg("m %u node %zu (%llx): finger %zu is %llx, expected %llx", m,
					 self, (unsigned long long)vals[self], i - from,
					 (unsigned long long)val_of(RING_POS(f, m), m),
					 (unsigned long long)vals[want[i]]);
			assert_int_equal(f->addr.port, nodes[want[i]].addr.port);
		}
		ring_free(&rs);
	}
	free(want);
	free(order);
	free(nodes);
}

/* n distinct random m-bit values. */
static void distinct_vals(uint64_t *vals, size_t n, unsigned m, uint64_t *s)
{
	for (size_t i = 0; i < n; i++) {
		int dup;
		do {
			vals[i] = rnd64(s) & mask_of(m);
			dup = 0;
			for (size_t j = 0; j < i; j++)
				dup |= vals[j] == vals[i];
		} while (dup);
	}
}

static void test_fingers_m8(void **state)
{
	(void)state;
	static const uint64_t fixed[] = {
		0x00, 0x01, 0x05, 0x10, 0x11, 0x3F, 0x40, 0x80, 0x81, 0xC0, 0xFE, 0xFF,
	};
	uint64_t s[2] = { 0xf1, 0 };
	uint64_t vals[128];

	check_network(fixed, sizeof(fixed) / sizeof(fixed[0]), 8, 8, s);
	check_network(fixed, 2, 8, 8, s);
	check_network(fixed, 1, 8, 8, s);
	static const size_t sizes[] = { 2, 3, 7, 20, 64, 128 };
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		distinct_vals(vals, sizes[k], 8, s);
		check_network(vals, sizes[k], 8, 8, s);
	}
}

static void test_fingers_m32(void **state)
{
	(void)state;
	uint64_t s[2] = { 0x32, 0 };
	uint64_t vals[300];

	distinct_vals(vals, 300, 32, s);
	check_network(vals, 300, 32, 32, s);
	distinct_vals(vals, 40, 32, s);
	check_network(vals, 40, 32, 32, s);
}

static void test_fingers_eviction(void **state)
{
	(void)state;
	uint64_t s[2] = { 0xe7, 0 };
	uint64_t vals[100];
	static const uint32_t caps[] = { 1, 2, 3, 5, 8 };

	/* Whatever the order of the offers, the survivors are Chord's highest fingers. */
	distinct_vals(vals, 100, 32, s);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		check_network(vals, 100, 32, caps[i], s);
	distinct_vals(vals, 30, 8, s);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		check_network(vals, 30, 8, caps[i], s);
}

static void expect_fingers(const ring_state *rs, const uint64_t *want, size_t n)
{
	assert_int_equal(rs->nfingers, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(val_of(RING_POS(&rs->fingers[i], rs->m), rs->m), want[i]);
}

static void test_fingers_table(void **state)
{
	(void)state;
	ring_state rs;
	ring_node self, n[16];
	static const uint64_t at[] = { 0x80, 0x40, 0x20, 0xC0, 0x10, 0x08, 0xFF, 0x7F };

	node_at(&self, 0x00, 8, 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		node_at(&n[i], at[i], 8, (uint32_t)i + 1);

	/* max_fingers 2: a new higher bucket evicts the lowest; a lower one is dropped. */
	assert_int_equal(ring_init(&rs, &self, 8, 1, 2), 0);
	ring_finger_add(&rs, &n[4]);                         /* 0x10, bucket 4 */
	ring_finger_add(&rs, &n[2]);                         /* 0x20, bucket 5 */
	expect_fingers(&rs, (uint64_t[]){ 0x10, 0x20 }, 2);
	ring_finger_add(&rs, &n[1]);                         /* 0x40 evicts 0x10 */
	expect_fingers(&rs, (uint64_t[]){ 0x20, 0x40 }, 2);
	ring_finger_add(&rs, &n[5]);                         /* 0x08: below both, dropped */
	expect_fingers(&rs, (uint64_t[]){ 0x20, 0x40 }, 2);
	ring_finger_add(&rs, &n[7]);                         /* 0x7F: bucket 6, farther */
	expect_fingers(&rs, (uint64_t[]){ 0x20, 0x40 }, 2);
	ring_finger_add(&rs, &n[6]);                         /* 0xFF: bucket 7 evicts 0x20 */
	expect_fingers(&rs, (uint64_t[]){ 0x40, 0xFF }, 2);
	ring_finger_add(&rs, &n[0]);                         /* 0x80 replaces 0xFF in bucket 7 */
	expect_fingers(&rs, (uint64_t[]){ 0x40, 0x80 }, 2);
	ring_finger_add(&rs, &n[3]);                         /* 0xC0: bucket 7, farther */
	expect_fingers(&rs, (uint64_t[]){ 0x40, 0x80 }, 2);
	assert_int_equal(rs.fingers_alloc, 2);

	/* Self, another id at self's position, and a known id at a new address. */
	ring_node same_pos, moved = n[0];
	node_at(&same_pos, 0x00, 8, 77);
	ring_finger_add(&rs, &self);
	ring_finger_add(&rs, &same_pos);
	expect_fingers(&rs, (uint64_t[]){ 0x40, 0x80 }, 2);
	moved.addr.port = 9999;
	ring_finger_add(&rs, &moved);
	expect_fingers(&rs, (uint64_t[]){ 0x40, 0x80 }, 2);
	assert_int_equal(rs.fingers[1].addr.port, 9999);

	/* Another id at a finger's position: the one already there stays. */
	ring_node twin;
	node_at(&twin, 0x80, 8, 78);
	ring_finger_add(&rs, &twin);
	assert_memory_equal(rs.fingers[1].id, n[0].id, THEMIS_ID_LEN);
	ring_free(&rs);

	/* Plenty of room: one per bucket, sorted by distance, the array grown as needed. */
	assert_int_equal(ring_init(&rs, &self, 8, 1, 100), 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		ring_finger_add(&rs, &n[i]);
	expect_fingers(&rs, (uint64_t[]){ 0x08, 0x10, 0x20, 0x40, 0x80 }, 5);
	assert_true(rs.fingers_alloc >= 5 && rs.fingers_alloc <= 8);
	/* With room to spare, a stranger at self's position still has no bucket. */
	ring_finger_add(&rs, &same_pos);
	ring_finger_add(&rs, &self);
	expect_fingers(&rs, (uint64_t[]){ 0x08, 0x10, 0x20, 0x40, 0x80 }, 5);
	ring_free(&rs);
}

/* ---- closest preceding ---- */

struct cp_row {
	uint8_t target;
	uint8_t skip[3];         /* positions whose ids are skipped; 0 ends (0 is self) */
	size_t k;
	uint8_t want[6];         /* expected positions, closest to target first; 0 ends */
};

static const struct cp_row cp_rows[] = {
	{ 0x50, { 0 }, 8, { 0x40, 0x20, 0x10 } },
	{ 0x40, { 0 }, 8, { 0x20, 0x10 } },
	{ 0x41, { 0 }, 8, { 0x40, 0x20, 0x10 } },
	{ 0x00, { 0 }, 8, { 0xF0, 0x80, 0x40, 0x20, 0x10 } },
	{ 0xF0, { 0 }, 8, { 0x80, 0x40, 0x20, 0x10 } },
	{ 0xF1, { 0 }, 8, { 0xF0, 0x80, 0x40, 0x20, 0x10 } },
	{ 0x10, { 0 }, 8, { 0 } },
	{ 0x01, { 0 }, 8, { 0 } },
	{ 0x11, { 0 }, 8, { 0x10 } },
	{ 0xFF, { 0 }, 2, { 0xF0, 0x80 } },
	{ 0xFF, { 0 }, 1, { 0xF0 } },
	{ 0xFF, { 0 }, 0, { 0 } },
	{ 0x50, { 0x40 }, 8, { 0x20, 0x10 } },
	{ 0x50, { 0x10, 0x20 }, 8, { 0x40 } },
	{ 0x50, { 0x10, 0x20, 0x40 }, 8, { 0 } },
	{ 0x00, { 0xF0, 0x40 }, 3, { 0x80, 0x20, 0x10 } },
};

static void test_closest_preceding_table(void **state)
{
	(void)state;
	ring_state rs;
	ring_node self, n[5];
	static const uint8_t at[] = { 0x10, 0x20, 0x40, 0x80, 0xF0 };

	node_at(&self, 0x00, 8, 0);
	for (size_t i = 0; i < 5; i++)
		node_at(&n[i], at[i], 8, (uint32_t)i + 1);
	assert_int_equal(ring_init(&rs, &self, 8, 2, 8), 0);
	ring_set_successors(&rs, &n[0], &n[1], 1);
	rs.pred = n[4];
	rs.has_pred = 1;
	for (size_t i = 0; i < 4; i++)
		ring_finger_add(&rs, &n[i]);
	assert_int_equal(rs.nfingers, 4);

	for (size_t r = 0; r < sizeof(cp_rows) / sizeof(cp_rows[0]); r++) {
		const struct cp_row *row = &cp_rows[r];
		uint8_t skip[3][THEMIS_ID_LEN], target[RING_POS_LEN];
		size_t nskip = 0, nwant = 0;
		ring_node out[8];

		for (; nskip < 3 && row->skip[nskip] != 0; nskip++) {
			for (size_t i = 0; i < 5; i++) {
				if (at[i] == row->skip[nskip])
					memcpy(skip[nskip], n[i].id, THEMIS_ID_LEN);
			}
		}
		while (nwant < 6 && row->want[nwant] != 0)
			nwant++;
		pos_of(target, row->target, 8);
		size_t got = ring_closest_preceding(&rs, target, (const uint8_t (*)[THEMIS_ID_LEN])skip,
						    nskip, out, row->k);
		if (got != nwant)
			fail_msg("row %zu: %zu nodes, expected %zu", r, got, nwant);
		for (size_t i = 0; i < got; i++)
			assert_int_equal(RING_POS(&out[i], 8)[0], row->want[i]);
	}
	ring_free(&rs);
}

/* A network on m = 32 where each node's view is its true successors, predecessor and
 * fingers; closest_preceding must match a brute-force filter and sort over the same nodes. */
static void test_closest_preceding_random(void **state)
{
	(void)state;
	enum { N = 60, R = 4, TARGETS = 200 };
	const unsigned m = 32;
	uint64_t s[2] = { 0xc9, 0 };
	uint64_t vals[N];
	ring_node nodes[N];

	distinct_vals(vals, N, m, s);
	for (size_t i = 0; i < N; i++)
		node_at(&nodes[i], vals[i], m, (uint32_t)i + 1);

	for (size_t self = 0; self < N; self++) {
		ring_state rs;
		uint32_t order[N];
		ring_node succ[R];
		uint64_t mask = mask_of(m);

		assert_int_equal(ring_init(&rs, &nodes[self], m, R, 6), 0);
		/* True successors and predecessor by brute force. */
		for (size_t k = 0; k < N; k++)
			order[k] = (uint32_t)k;
		for (size_t a = 1; a < N; a++) {
			for (size_t b = a; b > 0; b--) {
				uint64_t d1 = (vals[order[b - 1]] - vals[self]) & mask;
				uint64_t d2 = (vals[order[b]] - vals[self]) & mask;
				if (d1 <= d2)
					break;
				uint32_t t = order[b - 1];
				order[b - 1] = order[b];
				order[b] = t;
			}
		}
		/* order[0] is self itself (distance 0). */
		for (size_t k = 0; k < R; k++)
			succ[k] = nodes[order[k + 1]];
		ring_set_successors(&rs, &succ[0], succ + 1, R - 1);
		rs.pred = nodes[order[N - 1]];
		rs.has_pred = 1;
		shuffle(order, N, s);
		for (size_t k = 0; k < N; k++)
			ring_finger_add(&rs, &nodes[order[k]]);

		/* Everything the view knows, possibly repeated. */
		ring_node known[RING_MAX_SUCC + 1 + 64];
		size_t nknown = 0;
		for (uint32_t k = 0; k < rs.nsucc; k++)
			known[nknown++] = rs.succ[k];
		known[nknown++] = rs.pred;
		for (uint32_t k = 0; k < rs.nfingers; k++)
			known[nknown++] = rs.fingers[k];

		for (int t = 0; t < TARGETS; t++) {
			uint64_t tv = t % 4 == 0 ? vals[rnd64(s) % N] : rnd64(s) & mask;
			if (t % 17 == 0)
				tv = vals[self];
			uint8_t target[RING_POS_LEN];
			pos_of(target, tv, m);

			/* Skip one known node now and then. */
			uint8_t skip[1][THEMIS_ID_LEN];
			size_t nskip = t % 3 == 0 ? 1 : 0;
			memcpy(skip[0], known[rnd64(s) % nknown].id, THEMIS_ID_LEN);

			/* Brute force: filter, dedup by id, sort by distance to target. */
			ring_node want[RING_MAX_SUCC + 1 + 64];
			size_t nw = 0;
			for (size_t k = 0; k < nknown; k++) {
				uint64_t v = val_of(RING_POS(&known[k], m), m);
				uint64_t dv = (v - vals[self]) & mask, dt = (tv - vals[self]) & mask;
				int inside = dv != 0 && (dt == 0 || dv < dt);
				int dup = 0;
				for (size_t j = 0; j < nw; j++)
					dup |= memcmp(want[j].id, known[k].id, THEMIS_ID_LEN) == 0;
				if (!inside || dup || (nskip && !memcmp(skip[0], known[k].id, THEMIS_ID_LEN)))
					continue;
				size_t at = nw++;
				uint64_t dk = (tv - v) & mask;
				while (at > 0 && ((tv - val_of(RING_POS(&want[at - 1], m), m)) & mask) > dk) {
					want[at] = want[at - 1];
					at--;
				}
				want[at] = known[k];
			}
			static const size_t ks[] = { 1, 3, 64 };
			for (size_t ki = 0; ki < 3; ki++) {
				ring_node out[64];
				size_t got = ring_closest_preceding(&rs, target,
					(const uint8_t (*)[THEMIS_ID_LEN])skip, nskip, out, ks[ki]);
				size_t exp = nw < ks[ki] ? nw : ks[ki];
				assert_int_equal(got, exp);
				for (size_t j = 0; j < got; j++) {
					assert_memory_equal(out[j].id, want[j].id, THEMIS_ID_LEN);
					assert_false(memcmp(out[j].id, rs.self.id, THEMIS_ID_LEN) == 0);
					assert_true(ring_in_oo(RING_POS(&out[j], m), rs.self_pos, target));
				}
			}
		}
		ring_free(&rs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intervals_m8),
		cmocka_unit_test(test_intervals_m13),
		cmocka_unit_test(test_dist),
		cmocka_unit_test(test_finger_start),
		cmocka_unit_test(test_random_cross_check),
		cmocka_unit_test(test_node_make),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_set_successors),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_fingers_m8),
		cmocka_unit_test(test_fingers_m32),
		cmocka_unit_test(test_fingers_eviction),
		cmocka_unit_test(test_fingers_table),
		cmocka_unit_test(test_closest_preceding_table),
		cmocka_unit_test(test_closest_preceding_random),
		cmocka_unit_test(test_keys_match_positions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
