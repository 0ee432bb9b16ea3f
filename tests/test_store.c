/* test_store.c: the object table (core/dht/store.c) against store.h and docs/protocol.md, Upper layer.
 * Hand-made cases for each call and cap, the record signature with every tampered field, then
 * a long fixed-seed random run checked step by step against a flat-array reference model.
 */
#include "testutil.h"

#include <stdlib.h>

#include "crypto.h"
#include "msg.h"
#include "store.h"

/* A record whose obj starts with byte o (the rest a fixed pattern, so m = 8 places it at o)
 * and whose storer id starts with byte s. */
static store_record mkrec(uint8_t o, uint8_t s, uint64_t expiry, uint64_t expires_at)
{
	store_record r;

	memset(&r, 0, sizeof r);
	memset(r.obj, 0x5a, sizeof r.obj);
	r.obj[0] = o;
	memset(r.id, 0xa5, sizeof r.id);
	r.id[0] = s;
	memset(r.pk, s, sizeof r.pk);
	r.expiry = expiry;
	r.expires_at = expires_at;
	r.addr.family = 4;
	r.addr.addr[0] = 10;
	r.addr.addr[3] = s;
	r.addr.port = (uint16_t)(1000 + s);
	return r;
}

static int rec_eq(const store_record *a, const store_record *b)
{
	return memcmp(a->obj, b->obj, sizeof a->obj) == 0 && memcmp(a->id, b->id, sizeof a->id) == 0 &&
	       memcmp(a->pk, b->pk, sizeof a->pk) == 0 && a->expiry == b->expiry &&
	       memcmp(a->sig, b->sig, sizeof a->sig) == 0 && a->addr.family == b->addr.family &&
	       memcmp(a->addr.addr, b->addr.addr, sizeof a->addr.addr) == 0 &&
	       a->addr.port == b->addr.port && a->tag_len == b->tag_len &&
	       memcmp(a->tag, b->tag, sizeof a->tag) == 0 && a->expires_at == b->expires_at;
}

static void pos_of(uint8_t b, uint8_t pos[RING_POS_LEN])
{
	memset(pos, 0, RING_POS_LEN);
	pos[0] = b;
}

static void test_new_rejects(void **state)
{
	(void)state;
	assert_null(store_new(8, 0, 1, 1));
	assert_null(store_new(8, 1, 0, 1));
	assert_null(store_new(8, 1, 1, 0));
	assert_null(store_new(7, 1, 1, 1));
	assert_null(store_new(257, 1, 1, 1));
	store_table *st = store_new(256, 1, 1, 1);
	assert_non_null(st);
	assert_int_equal(store_count(st), 0);
	assert_int_equal(store_objects(st), 0);
	assert_int_equal(store_next_expiry(st), UINT64_MAX);
	store_del(st);
	store_del(NULL);
}

static void test_put_get_replace_stale(void **state)
{
	store_table *st = store_new(256, 100, 10, 10);
	store_record a = mkrec(1, 1, 5, 100), got[4];
	int more = -1;

	(void)state;
	assert_int_equal(store_put(st, &a), STORE_OK);
	assert_int_equal(store_get(st, a.obj, 0, 0, got, 4, &more), 1);
	assert_int_equal(more, 0);
	assert_true(rec_eq(&got[0], &a));

	/* Equal stamp: a replay, nothing changes even if other fields differ. */
	store_record same = a;
	same.expires_at = 500;
	same.addr.port = 9;
	assert_int_equal(store_put(st, &same), STORE_STALE);
	/* Older stamp. */
	store_record old = mkrec(1, 1, 4, 900);
	assert_int_equal(store_put(st, &old), STORE_STALE);
	assert_int_equal(store_get(st, a.obj, 0, 0, got, 4, &more), 1);
	assert_true(rec_eq(&got[0], &a));
	assert_int_equal(store_next_expiry(st), 100);

	/* Newer stamp replaces every field, expires_at included (here earlier and later). */
	store_record b = mkrec(1, 1, 6, 50);
	b.addr.port = 4242;
	b.tag_len = 6;
	memcpy(b.tag, "canary", 6);
	memset(b.sig, 0x77, sizeof b.sig);
	assert_int_equal(store_put(st, &b), STORE_REPLACED);
	assert_int_equal(store_count(st), 1);
	assert_int_equal(store_get(st, a.obj, 0, 0, got, 4, &more), 1);
	assert_true(rec_eq(&got[0], &b));
	assert_int_equal(store_next_expiry(st), 50);
	store_record c = mkrec(1, 1, 7, 300);
	assert_int_equal(store_put(st, &c), STORE_REPLACED);
	assert_int_equal(store_next_expiry(st), 300);

	/* Live means expires_at > now. */
	assert_int_equal(store_get(st, a.obj, 299, 0, got, 4, &more), 1);
	assert_int_equal(store_get(st, a.obj, 300, 0, got, 4, &more), 0);
	assert_int_equal(more, 0);

	/* Unknown object, then a second storer on the same object, then a second object. */
	store_record other = mkrec(2, 1, 1, 100);
	assert_int_equal(store_get(st, other.obj, 0, 0, got, 4, &more), 0);
	store_record d = mkrec(1, 2, 1, 400);
	assert_int_equal(store_put(st, &d), STORE_OK);
	assert_int_equal(store_put(st, &other), STORE_OK);
	assert_int_equal(store_count(st), 3);
	assert_int_equal(store_objects(st), 2);

	assert_int_equal(store_remove(st, d.obj, d.id), 1);
	assert_int_equal(store_remove(st, d.obj, d.id), 0);
	assert_int_equal(store_remove(st, other.obj, d.id), 0);
	assert_int_equal(store_count(st), 2);
	assert_int_equal(store_remove(st, other.obj, other.id), 1);
	assert_int_equal(store_objects(st), 1);
	store_del(st);
}

static void test_paging(void **state)
{
	store_table *st = store_new(256, 100, 10, 10);
	store_record got[8];
	int more;

	(void)state;
	/* Storers 1..6 on one object; storer 3 is dead at now = 10. Order is by storer id. */
	for (uint8_t s = 6; s >= 1; s--) {
		store_record r = mkrec(9, s, 1, s == 3 ? 10 : 100);
		assert_int_equal(store_put(st, &r), STORE_OK);
	}
	const uint8_t want[] = { 1, 2, 4, 5, 6 };
	size_t seen = 0;
	for (int page = 0; page < 3; page++) {
		store_record key = mkrec(9, 0, 0, 0);
		size_t n = store_get(st, key.obj, 10, seen, got, 2, &more);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(got[i].id[0], want[seen + i]);
		seen += n;
		assert_int_equal(more, seen < 5);
		if (!more)
			break;
	}
	assert_int_equal(seen, 5);

	store_record key = mkrec(9, 0, 0, 0);
	/* Exactly cap left: no more. */
	assert_int_equal(store_get(st, key.obj, 10, 3, got, 2, &more), 2);
	assert_int_equal(more, 0);
	/* cap 0 only reports whether there is something. */
	assert_int_equal(store_get(st, key.obj, 10, 4, NULL, 0, &more), 0);
	assert_int_equal(more, 1);
	assert_int_equal(store_get(st, key.obj, 10, 5, NULL, 0, &more), 0);
	assert_int_equal(more, 0);
	/* Offset past the end. */
	assert_int_equal(store_get(st, key.obj, 10, 50, got, 8, &more), 0);
	assert_int_equal(more, 0);
	/* At an earlier time storer 3 is live again. */
	assert_int_equal(store_get(st, key.obj, 9, 0, got, 8, &more), 6);
	assert_int_equal(got[2].id[0], 3);
	/* more may be NULL. */
	assert_int_equal(store_get(st, key.obj, 9, 0, got, 2, NULL), 2);
	store_del(st);
}

static void test_caps(void **state)
{
	store_record r;

	(void)state;
	/* Per object. */
	store_table *st = store_new(256, 100, 3, 100);
	for (uint8_t s = 0; s < 3; s++) {
		r = mkrec(1, s, 1, 10);
		assert_int_equal(store_put(st, &r), STORE_OK);
	}
	r = mkrec(1, 3, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_FULL);
	r = mkrec(2, 3, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_OK);
	/* A refresh of a record already held is not a new record: no cap applies. */
	r = mkrec(1, 0, 2, 10);
	assert_int_equal(store_put(st, &r), STORE_REPLACED);
	assert_int_equal(store_remove(st, r.obj, r.id), 1);
	r = mkrec(1, 3, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_OK);
	assert_int_equal(store_count(st), 4);
	store_del(st);

	/* Per storer, across objects. */
	st = store_new(256, 100, 100, 2);
	r = mkrec(1, 7, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_OK);
	r = mkrec(2, 7, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_OK);
	r = mkrec(3, 7, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_FULL);
	r = mkrec(3, 8, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_OK);
	r = mkrec(2, 7, 5, 10);
	assert_int_equal(store_put(st, &r), STORE_REPLACED);
	/* Expiry frees the storer's quota. */
	r = mkrec(1, 7, 2, 5);
	assert_int_equal(store_put(st, &r), STORE_REPLACED);
	assert_int_equal(store_expire(st, 5), 1);
	r = mkrec(3, 7, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_OK);
	r = mkrec(4, 7, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_FULL);
	store_del(st);

	/* Total. */
	st = store_new(256, 5, 100, 100);
	for (uint8_t i = 0; i < 5; i++) {
		r = mkrec(i, i, 1, 10);
		assert_int_equal(store_put(st, &r), STORE_OK);
	}
	r = mkrec(0, 9, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_FULL);
	r = mkrec(9, 9, 1, 10);
	assert_int_equal(store_put(st, &r), STORE_FULL);
	assert_int_equal(store_count(st), 5);
	assert_int_equal(store_objects(st), 5);
	r = mkrec(4, 4, 3, 10);
	assert_int_equal(store_put(st, &r), STORE_REPLACED);
	store_del(st);
}

static void test_expiry(void **state)
{
	store_table *st = store_new(256, 100, 10, 10);
	store_record r;

	(void)state;
	assert_int_equal(store_expire(st, 1000), 0);
	r = mkrec(1, 1, 1, 30);
	store_put(st, &r);
	r = mkrec(1, 2, 1, 10);
	store_put(st, &r);
	r = mkrec(2, 1, 1, 20);
	store_put(st, &r);
	r = mkrec(3, 3, 1, 10);
	store_put(st, &r);
	assert_int_equal(store_next_expiry(st), 10);
	assert_int_equal(store_expire(st, 9), 0);
	assert_int_equal(store_count(st), 4);
	/* Removing one of two minima leaves the other. */
	assert_int_equal(store_remove(st, r.obj, r.id), 1);
	assert_int_equal(store_next_expiry(st), 10);
	assert_int_equal(store_objects(st), 2);
	assert_int_equal(store_expire(st, 10), 1);
	assert_int_equal(store_next_expiry(st), 20);
	assert_int_equal(store_count(st), 2);
	assert_int_equal(store_objects(st), 2);
	/* Removing the minimum: the next one shows. */
	r = mkrec(2, 1, 1, 0);
	assert_int_equal(store_remove(st, r.obj, r.id), 1);
	assert_int_equal(store_next_expiry(st), 30);
	r = mkrec(5, 5, 1, 25);
	store_put(st, &r);
	assert_int_equal(store_next_expiry(st), 25);
	assert_int_equal(store_expire(st, 1000), 2);
	assert_int_equal(store_count(st), 0);
	assert_int_equal(store_objects(st), 0);
	assert_int_equal(store_next_expiry(st), UINT64_MAX);
	/* The table is usable after being emptied. */
	assert_int_equal(store_put(st, &r), STORE_OK);
	assert_int_equal(store_next_expiry(st), 25);
	store_del(st);
}

/* Records at positions 0x00, 0x10, 0x20 (two objects: same first byte, other bytes differ),
 * 0x80, 0xf0; m = 8 so only the first byte places an object. */
static store_table *ring_table(void)
{
	static const uint8_t at[] = { 0x00, 0x10, 0x20, 0x80, 0xf0 };
	store_table *st = store_new(8, 100, 10, 10);
	store_record r;

	for (size_t i = 0; i < sizeof at; i++) {
		r = mkrec(at[i], 1, 1, 100);
		assert_int_equal(store_put(st, &r), STORE_OK);
	}
	r = mkrec(0x20, 1, 1, 100);
	r.obj[31] = 0x01;
	assert_int_equal(store_put(st, &r), STORE_OK);
	r = mkrec(0x80, 2, 1, 100);
	assert_int_equal(store_put(st, &r), STORE_OK);
	return st;
}

static void check_take(uint8_t lo_b, uint8_t hi_b, size_t cap, const uint8_t *want, size_t nwant, int want_more)
{
	store_table *st = ring_table();
	uint8_t lo[RING_POS_LEN], hi[RING_POS_LEN];
	store_record out[16];
	size_t before = store_count(st);
	int more = -1;

	pos_of(lo_b, lo);
	pos_of(hi_b, hi);
	size_t n = store_take_range(st, lo, hi, out, cap, &more);
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(out[i].obj[0], want[i]);
	assert_int_equal(more, want_more);
	assert_int_equal(store_count(st), before - n);
	/* What was taken is gone, the rest still there. */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(store_remove(st, out[i].obj, out[i].id), 0);
	store_del(st);
}

static void test_take_range(void **state)
{
	(void)state;
	/* (0x10, 0x80]: 0x10 excluded, 0x80 included (both storers). */
	check_take(0x10, 0x80, 16, (const uint8_t[]){ 0x20, 0x20, 0x80, 0x80 }, 4, 0);
	/* Just below a position: (0x0f, 0x10]. */
	check_take(0x0f, 0x10, 16, (const uint8_t[]){ 0x10 }, 1, 0);
	/* Wrap-around: (0x80, 0x10] = 0xf0, 0x00, 0x10, handed out in object id order. */
	check_take(0x80, 0x10, 16, (const uint8_t[]){ 0x00, 0x10, 0xf0 }, 3, 0);
	/* (0xf0, 0x00]: only 0x00. */
	check_take(0xf0, 0x00, 16, (const uint8_t[]){ 0x00 }, 1, 0);
	/* lo == hi: the whole ring. */
	check_take(0x42, 0x42, 16, (const uint8_t[]){ 0x00, 0x10, 0x20, 0x20, 0x80, 0x80, 0xf0 }, 7, 0);
	check_take(0x00, 0x00, 16, (const uint8_t[]){ 0x00, 0x10, 0x20, 0x20, 0x80, 0x80, 0xf0 }, 7, 0);
	/* Empty interval part of the ring. */
	check_take(0x21, 0x7f, 16, NULL, 0, 0);
	/* Cap in the middle of an object's records, and cap 0. */
	check_take(0x10, 0x80, 3, (const uint8_t[]){ 0x20, 0x20, 0x80 }, 3, 1);
	check_take(0x10, 0x80, 0, NULL, 0, 1);
	check_take(0x21, 0x7f, 0, NULL, 0, 0);

	/* Taking in pages empties the range and leaves the rest. */
	store_table *st = ring_table();
	uint8_t lo[RING_POS_LEN], hi[RING_POS_LEN];
	store_record out[2];
	int more = 1;
	size_t total = 0;
	pos_of(0x10, lo);
	pos_of(0x80, hi);
	while (more) {
		total += store_take_range(st, lo, hi, out, 2, &more);
		assert_int_equal(out[0].expires_at, 100);
	}
	assert_int_equal(total, 4);
	assert_int_equal(store_count(st), 3);
	assert_int_equal(store_objects(st), 3);
	assert_int_equal(store_next_expiry(st), 100);
	store_del(st);

	/* Bits past m do not count: with m = 12, 0x2080.. sits at 0x208, outside (0x200, 0x207]. */
	st = store_new(12, 10, 10, 10);
	store_record r = mkrec(0x20, 1, 1, 1);
	r.obj[1] = 0x8f;
	store_put(st, &r);
	pos_of(0x20, lo);
	pos_of(0x20, hi);
	lo[1] = 0x00;
	hi[1] = 0x70;
	assert_int_equal(store_take_range(st, lo, hi, out, 2, &more), 0);
	hi[1] = 0x80;
	assert_int_equal(store_take_range(st, lo, hi, out, 2, &more), 1);
	store_del(st);
}

struct visit {
	store_record seen[16];
	size_t n, stop_at;
};

static int visit_fn(void *ctx, const store_record *rec)
{
	struct visit *v = ctx;

	v->seen[v->n++] = *rec;
	return v->n == v->stop_at;
}

static void test_foreach(void **state)
{
	store_table *st = ring_table();
	struct visit v = { .n = 0, .stop_at = 0 };
	static const uint8_t want_obj[] = { 0x00, 0x10, 0x20, 0x20, 0x80, 0x80, 0xf0 };

	(void)state;
	store_foreach(st, visit_fn, &v);
	assert_int_equal(v.n, 7);
	for (size_t i = 0; i < v.n; i++) {
		assert_int_equal(v.seen[i].obj[0], want_obj[i]);
		if (i > 0)
			assert_true(memcmp(v.seen[i - 1].obj, v.seen[i].obj, 32) < 0 ||
				    (memcmp(v.seen[i - 1].obj, v.seen[i].obj, 32) == 0 &&
				     memcmp(v.seen[i - 1].id, v.seen[i].id, 32) < 0));
	}
	v.n = 0;
	v.stop_at = 3;
	store_foreach(st, visit_fn, &v);
	assert_int_equal(v.n, 3);
	store_del(st);
}

/* ---- signatures ---- */

static void signed_rec(store_record *r, uint8_t sk[64], uint8_t net[32], const char *tag)
{
	uint8_t seed[32];

	memset(seed, 0x11, sizeof seed);
	themis_net_hash("store-test", net);
	*r = mkrec(0x42, 0, 77, 1000);
	cr_sign_keypair(r->pk, sk, seed);
	themis_id_from_pk(r->pk, net, r->id);
	if (tag != NULL) {
		r->tag_len = (uint8_t)strlen(tag);
		memcpy(r->tag, tag, r->tag_len);
	}
	store_record_sign(r, sk, NULL);
}

/* Every tampered copy of good fails; through vc (may be NULL) too, even with good cached. */
static void tamper_all(const store_record *good, const uint8_t net[32], vcache *vc)
{
	store_record r;
	uint8_t net2[32];

	assert_int_equal(store_record_check(good, net, vc, NULL), 0);
	r = *good; r.obj[5] ^= 1;
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	r = *good; r.id[31] ^= 0x80;
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	r = *good; r.pk[0] ^= 1;
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	r = *good; r.expiry ^= 1ull << 63;
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	r = *good; r.expiry++;
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	r = *good; r.sig[0] ^= 1;
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	r = *good; r.sig[63] ^= 0x40;
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	r = *good; r.tag[0] ^= 1;
	assert_int_equal(store_record_check(&r, net, vc, NULL), good->tag_len > 0 ? -1 : 0);
	r = *good; r.tag_len = (uint8_t)(good->tag_len + 1);
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	r = *good; r.tag_len = REC_TAG_MAX + 1;
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	if (good->tag_len > 0) {
		r = *good; r.tag_len = 0;
		assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	}
	/* Unsigned-mode record (all-zero sig). */
	r = *good; memset(r.sig, 0, sizeof r.sig);
	assert_int_equal(store_record_check(&r, net, vc, NULL), -1);
	memcpy(net2, net, 32);
	net2[0] ^= 1;
	assert_int_equal(store_record_verify(good, net2, NULL), -1);
	/* Unsigned fields: addr and expires_at are local or proven by the handshake. */
	r = *good; r.addr.port ^= 1; r.expires_at++;
	assert_int_equal(store_record_check(&r, net, vc, NULL), 0);
}

static void test_sign_verify(void **state)
{
	store_record r, other;
	uint8_t sk[64], sk2[64], net[32], seed[32];
	themis_counters cnt;

	(void)state;
	signed_rec(&r, sk, net, NULL);
	tamper_all(&r, net, NULL);
	signed_rec(&r, sk, net, "canary");
	tamper_all(&r, net, NULL);
	signed_rec(&r, sk, net, "0123456789abcdef");
	assert_int_equal(r.tag_len, REC_TAG_MAX);
	tamper_all(&r, net, NULL);

	/* Counters: one sign; verify = one hash + one verify; a bad id stops before the
	 * signature, a bad tag_len before any crypto. */
	memset(&cnt, 0, sizeof cnt);
	store_record_sign(&r, sk, &cnt);
	assert_int_equal(cnt.cpu_sign, 1);
	assert_int_equal(store_record_verify(&r, net, &cnt), 0);
	assert_int_equal(cnt.cpu_hash, 1);
	assert_int_equal(cnt.cpu_verify, 1);
	other = r;
	other.id[0] ^= 1;
	assert_int_equal(store_record_verify(&other, net, &cnt), -1);
	assert_int_equal(cnt.cpu_hash, 2);
	assert_int_equal(cnt.cpu_verify, 1);
	other = r;
	other.tag_len = 200;
	assert_int_equal(store_record_verify(&other, net, &cnt), -1);
	assert_int_equal(cnt.cpu_hash, 2);

	/* A valid signature by another key on the claimed id's record: id does not match pk. */
	memset(seed, 0x22, sizeof seed);
	other = r;
	cr_sign_keypair(other.pk, sk2, seed);
	store_record_sign(&other, sk2, NULL);
	assert_int_equal(store_record_verify(&other, net, NULL), -1);
	/* ... and the same key with its own id verifies. */
	themis_id_from_pk(other.pk, net, other.id);
	store_record_sign(&other, sk2, NULL);
	assert_int_equal(store_record_verify(&other, net, NULL), 0);
}

/* The verified-record cache: a record checked once costs one hash the next time, and no
 * tampered copy of a cached record ever passes. */
static void test_verified_cache(void **state)
{
	store_record r, bad;
	uint8_t sk[64], net[32];
	themis_counters cnt;
	const char *tags[] = { NULL, "canary", "0123456789abcdef" };
	uint8_t vkey[VCACHE_KEY_LEN];

	(void)state;
	memset(vkey, 0x5a, sizeof vkey);
	for (size_t t = 0; t < 3; t++) {
		vcache *vc = vcache_new(64, vkey);
		assert_non_null(vc);
		signed_rec(&r, sk, net, tags[t]);
		memset(&cnt, 0, sizeof cnt);
		assert_int_equal(store_record_check(&r, net, vc, &cnt), 0);
		assert_int_equal(cnt.cpu_verify, 1);
		assert_int_equal(store_record_check(&r, net, vc, &cnt), 0);
		assert_int_equal(cnt.cpu_verify, 1);   /* the second time: a hit, no verification */
		tamper_all(&r, net, vc);
		/* A record that fails is not remembered: it is verified (and fails) every time. */
		bad = r;
		bad.sig[7] ^= 4;
		memset(&cnt, 0, sizeof cnt);
		assert_int_equal(store_record_check(&bad, net, vc, &cnt), -1);
		assert_int_equal(store_record_check(&bad, net, vc, &cnt), -1);
		assert_int_equal(cnt.cpu_verify, 2);
		vcache_free(vc);
	}
	/* Without a cache, check is verify. */
	memset(&cnt, 0, sizeof cnt);
	assert_int_equal(store_record_check(&r, net, NULL, &cnt), 0);
	assert_int_equal(store_record_check(&r, net, NULL, &cnt), 0);
	assert_int_equal(cnt.cpu_verify, 2);
}

/* The cache itself: bounded sets of VCACHE_WAYS ways, the oldest way replaced; a digest is a
 * hit only when all of its bytes match. */
static void test_vcache_bounds(void **state)
{
	uint8_t d[VCACHE_WAYS + 1][VCACHE_DIGEST_LEN], x[VCACHE_DIGEST_LEN], key[VCACHE_KEY_LEN];
	vcache *vc;

	(void)state;
	memset(key, 7, sizeof key);
	assert_null(vcache_new(0, key));
	memset(d, 0, sizeof d);
	assert_int_equal(vcache_has(NULL, d[0]), 0);
	vcache_add(NULL, d[0]);   /* no cache: nothing to do, no crash */
	vc = vcache_new(1, key);  /* one set of VCACHE_WAYS ways */
	assert_non_null(vc);
	for (int i = 0; i <= VCACHE_WAYS; i++)
		d[i][VCACHE_DIGEST_LEN - 1] = (uint8_t)(i + 1);   /* same set, distinct digests */
	for (int i = 0; i < VCACHE_WAYS; i++)
		vcache_add(vc, d[i]);
	for (int i = 0; i < VCACHE_WAYS; i++)
		assert_int_equal(vcache_has(vc, d[i]), 1);
	assert_int_equal(vcache_has(vc, d[VCACHE_WAYS]), 0);
	/* one bit off anywhere, in either half of the comparison, is a miss */
	for (int b = 0; b < VCACHE_DIGEST_LEN; b++) {
		memcpy(x, d[1], sizeof x);
		x[b] ^= 0x10;
		assert_int_equal(vcache_has(vc, x), 0);
	}
	vcache_add(vc, d[0]);                  /* already there: nothing moves */
	vcache_add(vc, d[VCACHE_WAYS]);        /* the set is full: the oldest (d[0]) goes */
	assert_int_equal(vcache_has(vc, d[0]), 0);
	for (int i = 1; i <= VCACHE_WAYS; i++)
		assert_int_equal(vcache_has(vc, d[i]), 1);
	vcache_free(vc);
}

/* The digest is keyed: the same bytes under another key give another digest, so a cache's
 * digests cannot be computed (or aimed at) without its key. */
static void test_vcache_keyed(void **state)
{
	uint8_t k1[VCACHE_KEY_LEN], k2[VCACHE_KEY_LEN], a[VCACHE_DIGEST_LEN], b[VCACHE_DIGEST_LEN];
	uint8_t c[VCACHE_DIGEST_LEN];
	static const char msg[] = "the same record bytes";
	vcache *v1, *v2;

	(void)state;
	memset(k1, 1, sizeof k1);
	memset(k2, 1, sizeof k2);
	k2[15] ^= 1;
	v1 = vcache_new(8, k1);
	v2 = vcache_new(8, k2);
	assert_non_null(v1);
	assert_non_null(v2);
	vcache_digest(v1, a, msg, sizeof msg);
	vcache_digest(v1, c, msg, sizeof msg);
	vcache_digest(v2, b, msg, sizeof msg);
	assert_memory_equal(a, c, sizeof a);        /* deterministic */
	assert_memory_not_equal(a, b, sizeof a);    /* keyed */
	vcache_digest(v1, c, msg, sizeof msg - 1);
	assert_memory_not_equal(a, c, sizeof a);    /* length matters */
	vcache_free(v1);
	vcache_free(v2);
}

/* store_refresh: only an identical record extends a life, never shortens it, takes the new
 * locator, and changes nothing otherwise. */
static void test_refresh(void **state)
{
	store_table *st = store_new(8, 16, 4, 4);
	store_record r = mkrec(0x10, 1, 50, 1000), x, out;
	int more;

	(void)state;
	assert_non_null(st);
	assert_int_equal(store_refresh(st, &r), 0);   /* nothing held */
	r.sig[3] = 9;
	assert_int_equal(store_put(st, &r), STORE_OK);
	assert_int_equal(store_next_expiry(st), 1000);

	x = r;
	x.expires_at = 3000;
	x.addr.port = 4444;
	assert_int_equal(store_refresh(st, &x), 1);
	assert_int_equal(store_get(st, r.obj, 0, 0, &out, 1, &more), 1);
	assert_int_equal(out.expires_at, 3000);
	assert_int_equal(out.addr.port, 4444);
	assert_int_equal(store_next_expiry(st), 3000);

	x.expires_at = 2000;                           /* never shortens */
	assert_int_equal(store_refresh(st, &x), 1);
	assert_int_equal(store_get(st, r.obj, 0, 0, &out, 1, &more), 1);
	assert_int_equal(out.expires_at, 3000);

	/* Anything signed that differs: not a refresh, and the held record is unchanged. */
	store_record diff[5];
	for (int i = 0; i < 5; i++) {
		diff[i] = r;
		diff[i].expires_at = 9000;
	}
	diff[0].expiry++;
	diff[1].sig[3] ^= 1;
	diff[2].tag_len = 1;
	diff[2].tag[0] = 'x';
	diff[3].pk[5] ^= 1;
	diff[4].id[1] ^= 1;                            /* another storer: not held */
	for (int i = 0; i < 5; i++)
		assert_int_equal(store_refresh(st, &diff[i]), 0);
	assert_int_equal(store_get(st, r.obj, 0, 0, &out, 1, &more), 1);
	assert_int_equal(out.expires_at, 3000);
	assert_int_equal(out.expiry, 50);
	assert_int_equal(store_expire(st, 2999), 0);
	assert_int_equal(store_expire(st, 3000), 1);
	assert_int_equal(store_refresh(st, &x), 0);    /* gone: a refresh cannot revive it */
	store_del(st);
}

/* The untagged signature is exactly docs/protocol.md's: built here from the spec's bytes. */
static void test_sign_bytes(void **state)
{
	store_record r;
	uint8_t sk[64], net[32], msg[13 + 32 + 32 + 8 + 1 + 16], sig[64];
	cr_buf part;

	(void)state;
	signed_rec(&r, sk, net, NULL);
	memcpy(msg, "THEMIS-v1 rec", 13);
	memcpy(msg + 13, r.obj, 32);
	memcpy(msg + 45, r.id, 32);
	memset(msg + 77, 0, 8);
	msg[84] = 77;
	part = (cr_buf){ msg, 85 };
	cr_signv(sig, &part, 1, sk);
	assert_memory_equal(sig, r.sig, 64);
	assert_int_equal(cr_verifyv(r.sig, &part, 1, r.pk), 0);

	signed_rec(&r, sk, net, "ab");
	msg[85] = 2;
	msg[86] = 'a';
	msg[87] = 'b';
	part = (cr_buf){ msg, 88 };
	assert_int_equal(cr_verifyv(r.sig, &part, 1, r.pk), 0);
}

/* ---- randomized run against a reference ---- */

enum {
	R_MAX = 120, R_PER_OBJ = 5, R_PER_STORER = 14,
	N_OBJ = 32, N_STORER = 12, STEPS = 20000,
};

struct model {
	store_record r[R_MAX];
	size_t n;
};

static int cmp_rec(const void *a, const void *b)
{
	const store_record *x = a, *y = b;
	int c = memcmp(x->obj, y->obj, 32);

	return c != 0 ? c : memcmp(x->id, y->id, 32);
}

static void model_sort(struct model *md)
{
	qsort(md->r, md->n, sizeof md->r[0], cmp_rec);
}

static store_result model_put(struct model *md, const store_record *rec)
{
	size_t per_obj = 0, per_storer = 0;

	for (size_t i = 0; i < md->n; i++) {
		int so = memcmp(md->r[i].obj, rec->obj, 32) == 0;
		int ss = memcmp(md->r[i].id, rec->id, 32) == 0;

		if (so && ss) {
			if (rec->expiry <= md->r[i].expiry)
				return STORE_STALE;
			md->r[i] = *rec;
			return STORE_REPLACED;
		}
		per_obj += (size_t)so;
		per_storer += (size_t)ss;
	}
	if (md->n >= R_MAX || per_obj >= R_PER_OBJ || per_storer >= R_PER_STORER)
		return STORE_FULL;
	md->r[md->n++] = *rec;
	return STORE_OK;
}

static void model_drop(struct model *md, size_t i)
{
	md->r[i] = md->r[--md->n];
}

static size_t model_objects(struct model *md)
{
	size_t k = 0;

	model_sort(md);
	for (size_t i = 0; i < md->n; i++)
		k += i == 0 || memcmp(md->r[i - 1].obj, md->r[i].obj, 32) != 0;
	return k;
}

static uint64_t model_min(const struct model *md)
{
	uint64_t m = UINT64_MAX;

	for (size_t i = 0; i < md->n; i++)
		if (md->r[i].expires_at < m)
			m = md->r[i].expires_at;
	return m;
}

struct cmp_ctx {
	const struct model *md;
	size_t i;
	int ok;
};

static int cmp_visit(void *ctx, const store_record *rec)
{
	struct cmp_ctx *c = ctx;

	if (c->i >= c->md->n || !rec_eq(rec, &c->md->r[c->i]))
		c->ok = 0;
	c->i++;
	return 0;
}

static uint64_t rnd(uint64_t s[2])
{
	uint8_t b[8];
	uint64_t v = 0;

	test_rand(s, b, 8);
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

static void test_random_model(void **state)
{
	uint64_t s[2] = { 20240607, 0 };
	uint8_t objs[N_OBJ][32], storers[N_STORER][32];
	struct model *md = calloc(1, sizeof *md);
	store_table *st = store_new(8, R_MAX, R_PER_OBJ, R_PER_STORER);
	uint64_t now = 0;
	size_t counts[4] = { 0 };

	(void)state;
	assert_non_null(md);
	/* Few distinct first bytes so several objects share a position at m = 8. */
	for (size_t i = 0; i < N_OBJ; i++) {
		test_rand(s, objs[i], 32);
		objs[i][0] &= 0xf0;
	}
	for (size_t i = 0; i < N_STORER; i++)
		test_rand(s, storers[i], 32);

	for (int step = 0; step < STEPS; step++) {
		uint64_t op = rnd(s) % 100;

		if (op < 55) {
			store_record rec;
			memset(&rec, 0, sizeof rec);
			memcpy(rec.obj, objs[rnd(s) % N_OBJ], 32);
			memcpy(rec.id, storers[rnd(s) % N_STORER], 32);
			test_rand(s, rec.pk, 32);
			test_rand(s, rec.sig, 64);
			rec.expiry = rnd(s) % 8;
			rec.expires_at = now + 1 + rnd(s) % 2000;
			rec.addr.port = (uint16_t)rnd(s);
			rec.tag_len = (uint8_t)(rnd(s) % (REC_TAG_MAX + 1));
			test_rand(s, (uint8_t *)rec.tag, rec.tag_len);
			store_result want = model_put(md, &rec);
			assert_int_equal(store_put(st, &rec), want);
			counts[want]++;
		} else if (op < 65) {
			const uint8_t *o = objs[rnd(s) % N_OBJ], *id = storers[rnd(s) % N_STORER];
			int want = 0;
			for (size_t i = 0; i < md->n; i++) {
				if (memcmp(md->r[i].obj, o, 32) == 0 && memcmp(md->r[i].id, id, 32) == 0) {
					model_drop(md, i);
					want = 1;
					break;
				}
			}
			assert_int_equal(store_remove(st, o, id), want);
		} else if (op < 85) {
			const uint8_t *o = objs[rnd(s) % N_OBJ];
			size_t offset = rnd(s) % 5, cap = rnd(s) % 5, live = 0, n;
			uint64_t at = now + rnd(s) % 100;
			store_record out[5];
			int more;
			model_sort(md);
			n = store_get(st, o, at, offset, out, cap, &more);
			size_t k = 0;
			for (size_t i = 0; i < md->n; i++) {
				if (memcmp(md->r[i].obj, o, 32) != 0 || md->r[i].expires_at <= at)
					continue;
				if (live >= offset && k < cap) {
					assert_true(k < n);
					assert_true(rec_eq(&out[k], &md->r[i]));
					k++;
				}
				live++;
			}
			assert_int_equal(n, k);
			assert_int_equal(more, live > offset + k);
		} else if (op < 93) {
			size_t want = 0;
			now += rnd(s) % 60;
			for (size_t i = 0; i < md->n;) {
				if (md->r[i].expires_at <= now) {
					model_drop(md, i);
					want++;
				} else {
					i++;
				}
			}
			assert_int_equal(store_expire(st, now), want);
		} else if (op < 96) {
			uint8_t lo[32], hi[32], pos[32];
			size_t cap = rnd(s) % 12, k = 0, remain = 0;
			store_record out[12];
			int more;
			memset(lo, 0, 32);
			memset(hi, 0, 32);
			lo[0] = (uint8_t)rnd(s);
			hi[0] = rnd(s) % 4 == 0 ? lo[0] : (uint8_t)rnd(s);
			model_sort(md);
			size_t n = store_take_range(st, lo, hi, out, cap, &more);
			struct model *keep = calloc(1, sizeof *keep);
			assert_non_null(keep);
			for (size_t i = 0; i < md->n; i++) {
				themis_ring_pos(md->r[i].obj, 8, pos);
				int in = lo[0] == hi[0] ? 1 : lo[0] < hi[0] ? (pos[0] > lo[0] && pos[0] <= hi[0])
						     : (pos[0] > lo[0] || pos[0] <= hi[0]);
				if (in && k < cap) {
					assert_true(k < n);
					assert_true(rec_eq(&out[k], &md->r[i]));
					k++;
					continue;
				}
				remain += (size_t)in;
				keep->r[keep->n++] = md->r[i];
			}
			assert_int_equal(n, k);
			assert_int_equal(more, remain > 0);
			*md = *keep;
			free(keep);
		} else {
			struct cmp_ctx c = { md, 0, 1 };
			model_sort(md);
			store_foreach(st, cmp_visit, &c);
			assert_true(c.ok);
			assert_int_equal(c.i, md->n);
		}
		assert_int_equal(store_count(st), md->n);
		assert_int_equal(store_objects(st), model_objects(md));
		assert_int_equal(store_next_expiry(st), model_min(md));
	}
	/* The run must have hit every outcome, or it tested less than it claims. */
	for (int i = 0; i < 4; i++)
		assert_true(counts[i] > 100);
	store_del(st);
	free(md);
}

/* Tombstones (docs/protocol.md 12.3, deregister): signed under their own label by the
 * storer; they replace the storer's older record for the object and lose to a newer one;
 * never handed out by store_get; one byte on the wire tells them from records. */
static void test_tombstone(void **state)
{
	store_record reg, tomb, forged, got[2];
	uint8_t sk[64], sk2[64], net[32], seed[32], wire[MSG_RECORD_MAX];
	int more;

	(void)state;
	signed_rec(&reg, sk, net, "canary");
	tomb = reg;
	tomb.tomb = 1;
	tomb.tag_len = 0;
	memset(tomb.tag, 0, sizeof tomb.tag);
	tomb.expiry = reg.expiry + 1;
	store_record_sign(&tomb, sk, NULL);
	assert_int_equal(store_record_verify(&tomb, net, NULL), 0);
	tamper_all(&tomb, net, NULL);

	/* A registration's signature never passes for a tombstone, nor the reverse. */
	forged = reg;
	forged.tomb = 1;
	forged.tag_len = 0;
	assert_int_equal(store_record_verify(&forged, net, NULL), -1);
	forged = tomb;
	forged.tomb = 0;
	assert_int_equal(store_record_verify(&forged, net, NULL), -1);
	/* Unsigned (the all-zero signature of the paper's mode), or signed by another key for
	 * this storer's id: refused. A tombstone with a tag is malformed. */
	forged = tomb;
	memset(forged.sig, 0, sizeof forged.sig);
	assert_int_equal(store_record_verify(&forged, net, NULL), -1);
	memset(seed, 0x33, sizeof seed);
	forged = tomb;
	uint8_t pk2[32];
	cr_sign_keypair(pk2, sk2, seed);
	store_record_sign(&forged, sk2, NULL);
	assert_int_equal(store_record_verify(&forged, net, NULL), -1);
	forged = tomb;
	forged.tag_len = 1;
	forged.tag[0] = 'x';
	store_record_sign(&forged, sk, NULL);
	assert_int_equal(store_record_verify(&forged, net, NULL), -1);

	/* In the table: the tombstone replaces the older registration and is not handed out;
	 * the old registration coming back is stale; a newer registration replaces it. */
	store_table *st = store_new(256, 10, 10, 10);
	assert_int_equal(store_put(st, &reg), STORE_OK);
	assert_int_equal(store_get(st, reg.obj, 0, 0, got, 2, &more), 1);
	assert_int_equal(store_put(st, &tomb), STORE_REPLACED);
	assert_int_equal(store_get(st, reg.obj, 0, 0, got, 2, &more), 0);
	assert_int_equal(store_count(st), 1);   /* held, to refuse the old record */
	assert_int_equal(store_put(st, &reg), STORE_STALE);
	assert_int_equal(store_get(st, reg.obj, 0, 0, got, 2, &more), 0);
	assert_int_equal(store_refresh(st, &reg), 0);   /* nor is it refreshed back */
	store_record newer = reg;
	newer.expiry = tomb.expiry + 1;
	store_record_sign(&newer, sk, NULL);
	assert_int_equal(store_put(st, &newer), STORE_REPLACED);
	assert_int_equal(store_get(st, reg.obj, 0, 0, got, 2, &more), 1);
	assert_false(got[0].tomb);
	/* ... and a tombstone older than that registration loses to it. */
	assert_int_equal(store_put(st, &tomb), STORE_STALE);
	assert_int_equal(store_get(st, reg.obj, 0, 0, got, 2, &more), 1);
	store_del(st);

	/* The wire: tag_len byte 0xff, no tag bytes, 188 bytes; decoded back to the same. */
	assert_int_equal(msg_record_put(wire, &tomb), MSG_RECORD_MIN);
	assert_int_equal(wire[187], 0xff);
	store_record back;
	assert_int_equal(msg_record_get(&back, wire, MSG_RECORD_MIN), MSG_RECORD_MIN);
	assert_true(back.tomb);
	assert_int_equal(back.tag_len, 0);
	assert_int_equal(store_record_verify(&back, net, NULL), 0);
	wire[187] = 0xfe;   /* any other tag_len above 16 stays malformed */
	assert_int_equal(msg_record_get(&back, wire, MSG_RECORD_MIN), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_rejects),
		cmocka_unit_test(test_put_get_replace_stale),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_take_range),
		cmocka_unit_test(test_foreach),
		cmocka_unit_test(test_sign_verify),
		cmocka_unit_test(test_sign_bytes),
		cmocka_unit_test(test_verified_cache),
		cmocka_unit_test(test_vcache_bounds),
		cmocka_unit_test(test_vcache_keyed),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_tombstone),
		cmocka_unit_test(test_random_model),
	};

	if (cr_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
