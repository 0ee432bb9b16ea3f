/* test_replay.c: the anti-replay window (core/channel/replay.c) against docs/protocol.md, DATA.
 * A table of counter sequences with the expected verdict for each, then a long randomized run
 * checked step by step against a naive reference that keeps every counter it ever saw.
 */
#include "testutil.h"

#include <stdlib.h>

#include "replay.h"

enum { ACCEPT = 1, REJECT = 0 };

/* `count` counters first, first + stride, ... each expecting `accept`. An accepted counter is
 * marked right away, as a receiver does once the tag verified. */
struct step {
	uint64_t first;
	uint64_t count;
	int64_t stride;
	int accept;
};

#define ONE(c, a) { (c), 1, 0, (a) }
#define RUN(c, n, s, a) { (c), (n), (s), (a) }
#define MAX_STEPS 16

struct row {
	const char *name;
	uint32_t w;
	uint64_t limit;
	struct step steps[MAX_STEPS];   /* ends at the first step with count 0 */
};

static const struct row rows[] = {
	{ "first ctr 0", 64, UINT64_MAX, {
		ONE(0, ACCEPT), ONE(0, REJECT), ONE(1, ACCEPT), ONE(1, REJECT) } },
	{ "first ctr 1000, older ones inside the window still fresh", 2048, UINT64_MAX, {
		ONE(1000, ACCEPT), ONE(1000, REJECT), ONE(999, ACCEPT), ONE(0, ACCEPT),
		ONE(0, REJECT), ONE(1001, ACCEPT) } },
	{ "first ctr 1000 with w 64", 64, UINT64_MAX, {
		ONE(1000, ACCEPT), ONE(936, REJECT), ONE(937, ACCEPT), ONE(937, REJECT) } },
	{ "window edge: highest-(w-1) in, highest-w out", 64, UINT64_MAX, {
		ONE(200, ACCEPT), ONE(136, REJECT), ONE(137, ACCEPT), ONE(137, REJECT),
		ONE(136, REJECT) } },
	{ "window edge w 2048", 2048, UINT64_MAX, {
		ONE(5000, ACCEPT), ONE(2952, REJECT), ONE(2953, ACCEPT) } },
	{ "w+1 behind rejected", 128, UINT64_MAX, {
		ONE(1000, ACCEPT), ONE(1000 - 129, REJECT), ONE(1000 - 128, REJECT),
		ONE(1000 - 127, ACCEPT) } },
	{ "fill ascending, then every replay rejected", 2048, UINT64_MAX, {
		RUN(0, 2048, 1, ACCEPT), RUN(0, 2048, 1, REJECT), RUN(2047, 2048, -1, REJECT),
		ONE(2048, ACCEPT), ONE(0, REJECT), RUN(1, 2048, 1, REJECT) } },
	{ "fill ascending w 64", 64, UINT64_MAX, {
		RUN(10, 64, 1, ACCEPT), RUN(10, 64, 1, REJECT), ONE(9, REJECT) } },
	{ "fill descending from highest, all once", 2048, UINT64_MAX, {
		ONE(10000, ACCEPT), RUN(9999, 2047, -1, ACCEPT), ONE(10000 - 2048, REJECT),
		RUN(10000, 2048, -1, REJECT) } },
	{ "fill descending w 64 across a block boundary", 64, UINT64_MAX, {
		ONE(100, ACCEPT), RUN(99, 63, -1, ACCEPT), ONE(36, REJECT), RUN(37, 64, 1, REJECT),
		ONE(101, ACCEPT), ONE(37, REJECT), RUN(38, 64, 1, REJECT) } },
	{ "duplicates interleaved", 128, UINT64_MAX, {
		ONE(5, ACCEPT), ONE(7, ACCEPT), ONE(5, REJECT), ONE(6, ACCEPT), ONE(7, REJECT),
		ONE(6, REJECT), ONE(8, ACCEPT), ONE(8, REJECT), ONE(4, ACCEPT), ONE(4, REJECT) } },
	{ "every other then the gaps", 64, UINT64_MAX, {
		RUN(0, 32, 2, ACCEPT), RUN(1, 32, 2, ACCEPT), RUN(0, 64, 1, REJECT) } },
	{ "jump far larger than w, old ones all rejected", 2048, UINT64_MAX, {
		RUN(0, 100, 1, ACCEPT), ONE(1000000, ACCEPT), RUN(0, 200, 1, REJECT),
		ONE(1000000 - 2048, REJECT), ONE(1000000 - 2047, ACCEPT), ONE(999999, ACCEPT) } },
	{ "jump of exactly w", 64, UINT64_MAX, {
		ONE(100, ACCEPT), ONE(164, ACCEPT), ONE(100, REJECT), ONE(101, ACCEPT),
		ONE(163, ACCEPT) } },
	{ "jump of w-1 keeps the old mark", 64, UINT64_MAX, {
		ONE(100, ACCEPT), ONE(163, ACCEPT), ONE(100, REJECT), ONE(99, REJECT),
		ONE(101, ACCEPT), ONE(162, ACCEPT) } },
	{ "jump of w+1", 64, UINT64_MAX, {
		ONE(100, ACCEPT), ONE(165, ACCEPT), ONE(100, REJECT), ONE(101, REJECT),
		ONE(102, ACCEPT) } },
	{ "jumps of w-1, w, w+1 in turn with w 2048", 2048, UINT64_MAX, {
		ONE(10, ACCEPT), ONE(2057, ACCEPT), ONE(10, REJECT), ONE(9, REJECT), ONE(11, ACCEPT),
		ONE(4105, ACCEPT), ONE(2057, REJECT), ONE(2058, ACCEPT),
		ONE(6154, ACCEPT), ONE(4105, REJECT), ONE(4106, REJECT), ONE(4107, ACCEPT) } },
	{ "block boundaries 63/64/127/128", 64, UINT64_MAX, {
		ONE(63, ACCEPT), ONE(64, ACCEPT), ONE(63, REJECT), ONE(1, ACCEPT), ONE(0, REJECT),
		ONE(127, ACCEPT), ONE(63, REJECT), ONE(64, REJECT), ONE(65, ACCEPT),
		ONE(128, ACCEPT), ONE(64, REJECT), ONE(65, REJECT), ONE(66, ACCEPT),
		ONE(127, REJECT), ONE(126, ACCEPT), ONE(128, REJECT) } },
	{ "reused ring slot starts clean after the slide", 64, UINT64_MAX, {
		RUN(0, 64, 1, ACCEPT), RUN(64, 64, 1, ACCEPT), RUN(128, 64, 1, ACCEPT),
		RUN(64, 65, 1, REJECT), RUN(129, 63, 1, REJECT), ONE(192, ACCEPT),
		ONE(128, REJECT), RUN(129, 63, 1, REJECT) } },
	{ "counter limit", 64, 1000, {
		ONE(998, ACCEPT), ONE(999, ACCEPT), ONE(1000, REJECT), ONE(1001, REJECT),
		ONE(UINT64_MAX, REJECT), ONE(997, ACCEPT) } },
	{ "limit is never reached even as the first packet", 64, 1000, {
		ONE(1000, REJECT), ONE(999, ACCEPT) } },
	{ "limit UINT64_MAX: UINT64_MAX rejected", 2048, UINT64_MAX, {
		ONE(UINT64_MAX, REJECT), ONE(UINT64_MAX - 1, ACCEPT), ONE(UINT64_MAX, REJECT),
		ONE(UINT64_MAX - 1, REJECT), ONE(UINT64_MAX - 2048, ACCEPT),
		ONE(UINT64_MAX - 2049, REJECT) } },
	{ "huge authenticated jump clears the window", 2048, UINT64_MAX, {
		RUN(0, 3000, 1, ACCEPT), ONE(UINT64_MAX - 1, ACCEPT), RUN(0, 3000, 1, REJECT),
		RUN(UINT64_MAX - 2048, 2047, 1, ACCEPT), RUN(UINT64_MAX - 2048, 2048, 1, REJECT) } },
	{ "limit 0 accepts nothing", 64, 0, {
		ONE(0, REJECT), ONE(1, REJECT) } },
	{ "w 0: strictly increasing only", 0, UINT64_MAX, {
		ONE(5, ACCEPT), ONE(5, REJECT), ONE(4, REJECT), ONE(6, ACCEPT), ONE(8, ACCEPT),
		ONE(7, REJECT), ONE(8, REJECT), ONE(0, REJECT), ONE(1000, ACCEPT),
		ONE(999, REJECT) } },
	{ "w 0: first packet and limit", 0, 100, {
		ONE(0, ACCEPT), ONE(0, REJECT), ONE(99, ACCEPT), ONE(99, REJECT),
		ONE(100, REJECT) } },
	{ "w 0: ascending run, any reordering rejected", 0, UINT64_MAX, {
		RUN(0, 100, 1, ACCEPT), RUN(99, 100, -1, REJECT), ONE(101, ACCEPT),
		ONE(100, REJECT) } },
};

static void run_row(const struct row *r)
{
	replay_window rw;
	assert_int_equal(replay_init(&rw, r->w, r->limit), 0);
	for (size_t s = 0; s < MAX_STEPS && r->steps[s].count != 0; s++) {
		const struct step *st = &r->steps[s];
		uint64_t ctr = st->first;
		for (uint64_t i = 0; i < st->count; i++, ctr += (uint64_t)st->stride) {
			int got = replay_check(&rw, ctr);
			if (got != st->accept)
				fail_msg("row \"%s\" step %zu item %llu: ctr %llu: got %d, want %d",
				         r->name, s, (unsigned long long)i, (unsigned long long)ctr,
				         got, st->accept);
			if (got) {
				replay_mark(&rw, ctr);
				/* Marking is what makes the very next copy a replay. */
				assert_int_equal(replay_check(&rw, ctr), 0);
			}
		}
	}
	replay_free(&rw);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
}

static void test_init(void **state)
{
	(void)state;
	replay_window rw;
	static const uint32_t bad[] = { 1, 32, 63, 65, 100, 2047, (1u << 20) + 64, UINT32_MAX - 63 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(replay_init(&rw, bad[i], UINT64_MAX), -1);
	assert_int_equal(replay_init(NULL, 64, UINT64_MAX), -1);

	assert_int_equal(replay_init(&rw, 0, 10), 0);
	assert_null(rw.bits);
	assert_int_equal(rw.any, 0);
	replay_free(&rw);

	static const uint32_t good[] = { 64, 128, 2048, 1u << 20 };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(replay_init(&rw, good[i], UINT64_MAX), 0);
		assert_non_null(rw.bits);
		assert_int_equal(rw.w, good[i]);
		replay_free(&rw);
		assert_null(rw.bits);
	}
	replay_free(&rw);   /* twice is harmless */
}

/* The caller must only mark what check accepted; if it does not, the window must not be
 * corrupted (an old counter marked into a block now owned by newer ones). */
static void test_mark_rejected_is_ignored(void **state)
{
	(void)state;
	replay_window rw;
	assert_int_equal(replay_init(&rw, 64, 1000), 0);
	replay_mark(&rw, 200);
	replay_mark(&rw, 72);    /* 128 behind: its ring slot is 200's block */
	replay_mark(&rw, 5000);  /* over the limit */
	assert_int_equal(rw.highest, 200);
	assert_int_equal(replay_check(&rw, 136), 0);
	assert_int_equal(replay_check(&rw, 137), 1);
	replay_free(&rw);
}

/* The naive reference: every counter ever marked, in an open-addressing hash set, and the rule
 * of docs/protocol.md written out directly. */
struct ref {
	uint64_t *keys;
	uint8_t *used;
	size_t cap;
	uint64_t highest;
	int any;
	uint32_t w;
	uint64_t limit;
};

static size_t ref_slot(const struct ref *r, uint64_t k)
{
	size_t i = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 20) & (r->cap - 1);
	while (r->used[i] && r->keys[i] != k)
		i = (i + 1) & (r->cap - 1);
	return i;
}

static int ref_check(const struct ref *r, uint64_t c)
{
	if (c >= r->limit)
		return 0;
	if (!r->any || c > r->highest)
		return 1;
	if (r->w == 0)
		return 0;
	return r->highest - c < r->w && !r->used[ref_slot(r, c)];
}

static void ref_mark(struct ref *r, uint64_t c)
{
	size_t i = ref_slot(r, c);
	r->used[i] = 1;
	r->keys[i] = c;
	if (!r->any || c > r->highest)
		r->highest = c;
	r->any = 1;
}

static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t next64(uint64_t *s)
{
	uint8_t b[8];
	test_rand(s, b, sizeof(b));
	uint64_t v;
	memcpy(&v, b, sizeof(v));
	return v;
}

/* One randomized run: counters mostly just ahead of or behind the highest, with duplicates,
 * rare long jumps, and in the last eighth counters near the limit (which end a run's
 * progress); one accepted counter in sixteen "fails authentication" and is checked but not
 * marked. */
static unsigned long cross_check(uint32_t w, uint64_t limit, uint64_t start, uint64_t seed,
                                 unsigned ops)
{
	struct ref ref = { .cap = 1u << 19, .w = w, .limit = limit };
	ref.keys = calloc(ref.cap, sizeof(*ref.keys));
	ref.used = calloc(ref.cap, 1);
	assert_non_null(ref.keys);
	assert_non_null(ref.used);
	replay_window rw;
	assert_int_equal(replay_init(&rw, w, limit), 0);

	uint64_t s[2] = { seed, 0 };
	uint64_t recent[16] = { 0 };
	unsigned long accepted = 0;
	uint64_t span = w ? 2ull * w : 64;
	for (unsigned n = 0; n < ops; n++) {
		uint64_t r = next64(s);
		uint64_t base = ref.any ? ref.highest : start;
		uint64_t c;
		unsigned kind = (unsigned)(r % 64);
		uint64_t x = r >> 8;
		if (kind < 24) {
			c = base + 1 + x % 4;                  /* in-order traffic */
		} else if (kind < 44) {
			c = sub_sat(base, x % (span + 2));     /* reordered, around the edge */
		} else if (kind < 52) {
			c = recent[x % 16];                    /* duplicates */
		} else if (kind == 52) {
			c = base + x % (3 * span);             /* jumps past the window */
		} else if (kind == 53) {
			c = base + w - 1 + x % 3;              /* jumps of w-1, w, w+1 */
		} else if (kind == 54 && n > ops - ops / 8 && (x >> 32) % 16 == 0) {
			c = sub_sat(limit, 1 + x % 3) + (x >> 8) % 3; /* around the limit, late */
		} else if (kind < 59) {
			c = sub_sat(base, w) + x % 3;          /* the exact window edge */
		} else {
			c = base + (x & 1);                     /* the highest and just past it */
		}
		int want = ref_check(&ref, c);
		int got = replay_check(&rw, c);
		if (got != want)
			fail_msg("w %u limit %llu op %u: ctr %llu (highest %llu): got %d, want %d",
			         w, (unsigned long long)limit, n, (unsigned long long)c,
			         (unsigned long long)ref.highest, got, want);
		recent[n % 16] = c;
		if (got && (r >> 60) != 0) {
			replay_mark(&rw, c);
			ref_mark(&ref, c);
			accepted++;
		}
		assert_int_equal(rw.highest, ref.highest);
	}
	replay_free(&rw);
	free(ref.keys);
	free(ref.used);
	return accepted;
}

static void test_random_cross_check(void **state)
{
	(void)state;
	static const struct {
		uint32_t w;
		uint64_t limit;
		uint64_t start;
	} cfg[] = {
		{ 2048, UINT64_MAX, 0 },
		{ 64, UINT64_MAX, 1000 },
		{ 128, UINT64_MAX, 0 },
		{ 0, UINT64_MAX, 0 },
		{ 2048, 2000000, 0 },
		{ 64, UINT64_MAX, UINT64_MAX - 100000 },
		{ 1u << 20, UINT64_MAX, 5 },
	};
	unsigned long accepted = 0;
	for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++)
		accepted += cross_check(cfg[i].w, cfg[i].limit, cfg[i].start, 0x7e5151 + i, 30000);
	print_message("cross-check: %lu counters accepted\n", accepted);
	/* The run must exercise acceptance, not just rejection. */
	assert_true(accepted > 50000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_mark_rejected_is_ignored),
		cmocka_unit_test(test_random_cross_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
