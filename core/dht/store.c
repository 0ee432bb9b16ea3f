/* store.c: the object table OT of store.h (paper, section 6.1) and the storer's signature on
 * a record (docs/protocol.md, Upper layer). It owns only memory: it never reads a clock, sends or
 * verifies on its own, and it never holds more than its three caps allow.
 */
#include "store.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

static const char label_rec[] = "THEMIS-v1 rec";
static const char label_del[] = "THEMIS-v1 del";
static const char label_id[] = "THEMIS-v1 id";

/* One object: its records sorted by storer id, so paging through store_get sees a stable
 * order and a storer's record is found by binary search. */
typedef struct obj_entry {
	uint8_t obj[THEMIS_ID_LEN];
	store_record *recs;
	size_t n, alloc;
} obj_entry;

/* Records held per storer, across objects: the per-storer cap is checked in O(log n) instead
 * of a scan over every record on each put. Entries with count 0 are dropped. */
typedef struct storer_count {
	uint8_t id[THEMIS_ID_LEN];
	uint32_t n;
} storer_count;

struct store_table {
	unsigned m;
	uint32_t max_records, max_per_obj, max_per_storer;
	obj_entry *objs;            /* sorted by obj id */
	size_t nobjs, objs_alloc;
	storer_count *storers;      /* sorted by storer id */
	size_t nstorers, storers_alloc;
	size_t nrecords;
	/* Cached earliest expires_at. Adding a record can only lower it; removing the record that
	 * holds it invalidates it, and store_next_expiry recomputes it on demand, so a burst of
	 * replaces or removals costs one scan, not one each. */
	uint64_t min_exp;
	int min_valid;
};

/* ---- small helpers ---- */

/* Binary search over n elements of size sz whose 32-byte key sits at byte off of each. Returns
 * the index of the match (*found = 1) or of the insertion point (*found = 0). */
static size_t bsearch_at(const void *base, size_t n, size_t sz, size_t off,
			 const uint8_t key[THEMIS_ID_LEN], int *found)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp((const uint8_t *)base + mid * sz + off, key, THEMIS_ID_LEN);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static size_t find_obj(const store_table *st, const uint8_t obj[THEMIS_ID_LEN], int *found)
{
	return bsearch_at(st->objs, st->nobjs, sizeof *st->objs, offsetof(obj_entry, obj), obj, found);
}

static size_t find_storer(const store_table *st, const uint8_t id[THEMIS_ID_LEN], int *found)
{
	return bsearch_at(st->storers, st->nstorers, sizeof *st->storers, offsetof(storer_count, id),
			  id, found);
}

/* Records of one object are keyed by storer id, which is not their first field. */
static size_t find_rec(const obj_entry *o, const uint8_t id[THEMIS_ID_LEN], int *found)
{
	return bsearch_at(o->recs, o->n, sizeof *o->recs, offsetof(store_record, id), id, found);
}

/* Returns arr with room for at least want elements, grown by doubling but never past cap
 * (want <= cap is the caller's check), and updates *alloc; NULL on allocation failure, with arr
 * and *alloc untouched. */
static void *grow(void *arr, size_t *alloc, size_t want, size_t cap, size_t sz)
{
	size_t n;
	void *p;

	if (want <= *alloc)
		return arr;
	n = *alloc != 0 ? *alloc * 2 : 4;
	if (n < want)
		n = want;
	if (n > cap)
		n = cap;
	p = realloc(arr, n * sz);
	if (p == NULL)
		return NULL;
	*alloc = n;
	return p;
}

static void note_added(store_table *st, uint64_t expires_at)
{
	if (st->min_valid && expires_at < st->min_exp)
		st->min_exp = expires_at;
}

static void note_removed(store_table *st, uint64_t expires_at)
{
	if (st->min_valid && expires_at == st->min_exp)
		st->min_valid = 0;
}

/* One record of storer id went away. The entry exists: every record was counted on entry. */
static void storer_dec(store_table *st, const uint8_t id[THEMIS_ID_LEN])
{
	int found;
	size_t i = find_storer(st, id, &found);

	if (!found)
		return;
	if (--st->storers[i].n == 0) {
		memmove(&st->storers[i], &st->storers[i + 1],
			(st->nstorers - i - 1) * sizeof *st->storers);
		st->nstorers--;
	}
}

/* Drops object i (already empty of records) from the table. */
static void obj_drop(store_table *st, size_t i)
{
	free(st->objs[i].recs);
	memmove(&st->objs[i], &st->objs[i + 1], (st->nobjs - i - 1) * sizeof *st->objs);
	st->nobjs--;
}

/* Removes record j of object i and keeps the counts and the cache right; drops the object when
 * it was its last record. */
static void rec_drop(store_table *st, size_t i, size_t j)
{
	obj_entry *o = &st->objs[i];

	note_removed(st, o->recs[j].expires_at);
	storer_dec(st, o->recs[j].id);
	memmove(&o->recs[j], &o->recs[j + 1], (o->n - j - 1) * sizeof *o->recs);
	o->n--;
	st->nrecords--;
	if (o->n == 0)
		obj_drop(st, i);
}

/* x in (a, b] clockwise, the whole ring when a == b: ring_in_oc's meaning (ring.h), kept local
 * so the table does not depend on the routing view. Positions are plain 256-bit numbers. */
static int in_oc(const uint8_t x[RING_POS_LEN], const uint8_t a[RING_POS_LEN], const uint8_t b[RING_POS_LEN])
{
	int ab = memcmp(a, b, RING_POS_LEN);

	if (ab == 0)
		return 1;
	if (ab < 0)
		return memcmp(x, a, RING_POS_LEN) > 0 && memcmp(x, b, RING_POS_LEN) <= 0;
	/* The interval wraps past zero. */
	return memcmp(x, a, RING_POS_LEN) > 0 || memcmp(x, b, RING_POS_LEN) <= 0;
}

/* ---- signatures ---- */

/* The signed bytes of docs/protocol.md, Upper layer; the tag part only for a tagged record so an
 * untagged one signs exactly the spec's message. *np is the number of parts used. */
static void rec_parts(cr_buf parts[6], size_t *np, const store_record *rec, uint8_t be[8],
		      uint8_t *tag_len)
{
	for (int i = 0; i < 8; i++)
		be[i] = (uint8_t)(rec->expiry >> (56 - 8 * i));
	parts[0] = rec->tomb ? (cr_buf){ label_del, sizeof label_del - 1 }
			     : (cr_buf){ label_rec, sizeof label_rec - 1 };
	parts[1] = (cr_buf){ rec->obj, THEMIS_ID_LEN };
	parts[2] = (cr_buf){ rec->id, THEMIS_ID_LEN };
	parts[3] = (cr_buf){ be, 8 };
	*np = 4;
	if (rec->tag_len > 0 && !rec->tomb) {
		/* Never read past tag[]: a too-long tag_len is signed truncated, and verify rejects
		 * such a record anyway. */
		*tag_len = rec->tag_len <= REC_TAG_MAX ? rec->tag_len : REC_TAG_MAX;
		parts[4] = (cr_buf){ tag_len, 1 };
		parts[5] = (cr_buf){ rec->tag, *tag_len };
		*np = 6;
	}
}

void store_record_sign(store_record *rec, const uint8_t sk[64], themis_counters *cnt)
{
	cr_buf parts[6];
	size_t np;
	uint8_t be[8], tl = 0;

	rec_parts(parts, &np, rec, be, &tl);
	cr_signv(rec->sig, parts, np, sk);
	if (cnt != NULL)
		cnt->cpu_sign++;
}

int store_record_verify(const store_record *rec, const uint8_t net[THEMIS_ID_LEN], themis_counters *cnt)
{
	cr_buf parts[6];
	cr_buf id_parts[3] = {
		{ label_id, sizeof label_id - 1 },
		{ rec->pk, THEMIS_PK_LEN },
		{ net, THEMIS_ID_LEN },
	};
	size_t np;
	uint8_t be[8], tl = 0, id[THEMIS_ID_LEN];

	/* Cheapest checks first: a malformed tag costs no crypto at all. */
	if (rec->tag_len > REC_TAG_MAX || rec->tomb > 1 || (rec->tomb && rec->tag_len))
		return -1;
	/* The key must be the storer's own (docs/protocol.md, Names), or anyone could sign an
	 * association for someone else's id. */
	cr_hashv(id, NULL, id_parts, 3);
	if (cnt != NULL)
		cnt->cpu_hash++;
	if (memcmp(id, rec->id, THEMIS_ID_LEN) != 0)
		return -1;
	rec_parts(parts, &np, rec, be, &tl);
	if (cnt != NULL)
		cnt->cpu_verify++;
	return cr_verifyv(rec->sig, parts, np, rec->pk) == 0 ? 0 : -1;
}

/* The digest vcache keys on: every byte the verification depended on, as one buffer (SipHash
 * takes no parts). The id is included although the key determines it, so a hit needs no id
 * check either. Unambiguous: every field but the tag has a fixed length, and tag_len says
 * how long the tag is. */
static void rec_digest(const vcache *vc, uint8_t d[VCACHE_DIGEST_LEN], const store_record *rec)
{
	uint8_t buf[2 * THEMIS_ID_LEN + 8 + THEMIS_PK_LEN + sizeof rec->sig + 1 + REC_TAG_MAX];
	uint8_t *p = buf;

	memcpy(p, rec->obj, THEMIS_ID_LEN);
	p += THEMIS_ID_LEN;
	memcpy(p, rec->id, THEMIS_ID_LEN);
	p += THEMIS_ID_LEN;
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)(rec->expiry >> (56 - 8 * i));
	memcpy(p, rec->pk, THEMIS_PK_LEN);
	p += THEMIS_PK_LEN;
	memcpy(p, rec->sig, sizeof rec->sig);
	p += sizeof rec->sig;
	*p++ = rec->tomb ? REC_TOMBSTONE : rec->tag_len;   /* at most REC_TAG_MAX: checked by the caller */
	memcpy(p, rec->tag, rec->tag_len);
	p += rec->tag_len;
	vcache_digest(vc, d, buf, (size_t)(p - buf));
}

int store_record_check(const store_record *rec, const uint8_t net[THEMIS_ID_LEN], vcache *vc,
		       themis_counters *cnt)
{
	uint8_t d[VCACHE_DIGEST_LEN];

	if (vc == NULL || rec->tag_len > REC_TAG_MAX)
		return store_record_verify(rec, net, cnt);
	rec_digest(vc, d, rec);
	if (cnt != NULL)
		cnt->cpu_hash++;
	if (vcache_has(vc, d))
		return 0;
	if (store_record_verify(rec, net, cnt) != 0)
		return -1;
	vcache_add(vc, d);
	return 0;
}

/* ---- the table ---- */

store_table *store_new(unsigned m, uint32_t max_records, uint32_t max_per_obj, uint32_t max_per_storer)
{
	store_table *st;

	/* Same bounds as themis_node_new puts on m (docs/protocol.md, Names); a zero cap would make a
	 * table that can hold nothing. */
	if (m < 8 || m > 8 * THEMIS_ID_LEN || max_records == 0 || max_per_obj == 0 || max_per_storer == 0)
		return NULL;
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return NULL;
	st->m = m;
	st->max_records = max_records;
	st->max_per_obj = max_per_obj;
	st->max_per_storer = max_per_storer;
	st->min_exp = UINT64_MAX;
	st->min_valid = 1;
	return st;
}

void store_del(store_table *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nobjs; i++)
		free(st->objs[i].recs);
	free(st->objs);
	free(st->storers);
	free(st);
}

int store_refresh(store_table *st, const store_record *rec)
{
	int ofound, rfound;
	size_t oi = find_obj(st, rec->obj, &ofound);

	if (!ofound)
		return 0;
	obj_entry *o = &st->objs[oi];
	size_t ri = find_rec(o, rec->id, &rfound);
	if (!rfound)
		return 0;
	store_record *old = &o->recs[ri];
	/* Every signed byte and the signature itself: the bytes are the ones checked when the
	 * record was stored, so they need no second check. */
	if (old->expiry != rec->expiry || old->tag_len != rec->tag_len || old->tomb != rec->tomb ||
	    memcmp(old->pk, rec->pk, sizeof old->pk) != 0 ||
	    memcmp(old->tag, rec->tag, rec->tag_len <= REC_TAG_MAX ? rec->tag_len : REC_TAG_MAX) != 0 ||
	    !cr_equal(old->sig, rec->sig, sizeof old->sig))
		return 0;
	if (rec->expires_at > old->expires_at) {
		note_removed(st, old->expires_at);
		old->expires_at = rec->expires_at;
		note_added(st, old->expires_at);
	}
	old->addr = rec->addr;
	return 1;
}

/* A storer re-stores with a fresh expiry stamp (at t/2 in the DHT layer), so only a strictly
 * newer stamp replaces; an equal stamp is a replay or a duplicate and changes nothing, not even
 * expires_at, or a replayed STORE could keep a record alive past its storer's intent.
 * Allocation failure is reported as STORE_FULL with the table unchanged: either way the node
 * cannot keep the record. */
store_result store_put(store_table *st, const store_record *rec)
{
	int ofound, rfound, sfound;
	size_t oi = find_obj(st, rec->obj, &ofound);
	size_t si;
	size_t ri = 0;
	obj_entry *o;

	if (ofound) {
		o = &st->objs[oi];
		ri = find_rec(o, rec->id, &rfound);
		if (rfound) {
			store_record *old = &o->recs[ri];

			if (rec->expiry <= old->expiry)
				return STORE_STALE;
			note_removed(st, old->expires_at);
			*old = *rec;
			note_added(st, rec->expires_at);
			return STORE_REPLACED;
		}
	}

	/* A new (obj, storer) pair: every cap before any allocation. */
	si = find_storer(st, rec->id, &sfound);
	if (st->nrecords >= st->max_records)
		return STORE_FULL;
	if (ofound && st->objs[oi].n >= st->max_per_obj)
		return STORE_FULL;
	if (sfound && st->storers[si].n >= st->max_per_storer)
		return STORE_FULL;

	/* Reserve everything, then commit: a failed allocation leaves the table as it was
	 * (spare capacity aside). Distinct objects and storers are each at most max_records. */
	if (!sfound) {
		storer_count *p = grow(st->storers, &st->storers_alloc, st->nstorers + 1,
				       st->max_records, sizeof *p);

		if (p == NULL)
			return STORE_FULL;
		st->storers = p;
	}
	if (ofound) {
		o = &st->objs[oi];
		store_record *p = grow(o->recs, &o->alloc, o->n + 1, st->max_per_obj, sizeof *p);

		if (p == NULL)
			return STORE_FULL;
		o->recs = p;
	} else {
		obj_entry *po = grow(st->objs, &st->objs_alloc, st->nobjs + 1, st->max_records,
				     sizeof *po);
		obj_entry fresh;

		if (po == NULL)
			return STORE_FULL;
		st->objs = po;
		memset(&fresh, 0, sizeof fresh);
		memcpy(fresh.obj, rec->obj, THEMIS_ID_LEN);
		fresh.recs = grow(NULL, &fresh.alloc, 1, st->max_per_obj, sizeof *fresh.recs);
		if (fresh.recs == NULL)
			return STORE_FULL;
		memmove(&st->objs[oi + 1], &st->objs[oi], (st->nobjs - oi) * sizeof *st->objs);
		st->objs[oi] = fresh;
		st->nobjs++;
		ri = 0;
	}

	o = &st->objs[oi];
	memmove(&o->recs[ri + 1], &o->recs[ri], (o->n - ri) * sizeof *o->recs);
	o->recs[ri] = *rec;
	o->n++;
	st->nrecords++;
	if (sfound) {
		st->storers[si].n++;
	} else {
		memmove(&st->storers[si + 1], &st->storers[si], (st->nstorers - si) * sizeof *st->storers);
		memcpy(st->storers[si].id, rec->id, THEMIS_ID_LEN);
		st->storers[si].n = 1;
		st->nstorers++;
	}
	note_added(st, rec->expires_at);
	return STORE_OK;
}

size_t store_get(const store_table *st, const uint8_t obj[THEMIS_ID_LEN], uint64_t now,
		 size_t offset, store_record *out, size_t cap, int *more)
{
	int found;
	size_t i = find_obj(st, obj, &found);
	size_t skipped = 0, n = 0;

	if (more != NULL)
		*more = 0;
	if (!found)
		return 0;
	/* Offsets count live records only, in storer id order, so a requester paging with the
	 * number it already got sees each live record once while nothing changes. */
	for (size_t j = 0; j < st->objs[i].n; j++) {
		const store_record *r = &st->objs[i].recs[j];

		if (r->expires_at <= now || r->tomb)
			continue;
		if (skipped < offset) {
			skipped++;
			continue;
		}
		if (n == cap) {
			if (more != NULL)
				*more = 1;
			break;
		}
		out[n++] = *r;
	}
	return n;
}

int store_remove(store_table *st, const uint8_t obj[THEMIS_ID_LEN], const uint8_t id[THEMIS_ID_LEN])
{
	int found;
	size_t i = find_obj(st, obj, &found);
	size_t j;

	if (!found)
		return 0;
	j = find_rec(&st->objs[i], id, &found);
	if (!found)
		return 0;
	rec_drop(st, i, j);
	return 1;
}

/* One pass that compacts every object in place; the minimum of the survivors comes free. */
size_t store_expire(store_table *st, uint64_t now)
{
	size_t gone = 0, w = 0;
	uint64_t min = UINT64_MAX;

	/* Nothing can be due before the cached minimum: skip the scan. */
	if (st->min_valid && st->min_exp > now)
		return 0;
	for (size_t i = 0; i < st->nobjs; i++) {
		obj_entry *o = &st->objs[i];
		size_t k = 0;

		for (size_t j = 0; j < o->n; j++) {
			if (o->recs[j].expires_at <= now) {
				storer_dec(st, o->recs[j].id);
				gone++;
				continue;
			}
			if (o->recs[j].expires_at < min)
				min = o->recs[j].expires_at;
			if (k != j)
				o->recs[k] = o->recs[j];
			k++;
		}
		o->n = k;
		if (k == 0) {
			free(o->recs);
			continue;
		}
		if (w != i)
			st->objs[w] = *o;
		w++;
	}
	st->nobjs = w;
	st->nrecords -= gone;
	st->min_exp = min;
	st->min_valid = 1;
	return gone;
}

uint64_t store_next_expiry(const store_table *st)
{
	/* The cache is an implementation detail, not part of the table's value: refresh it in
	 * place. Well defined, because every table comes from store_new (malloc), never from a
	 * const-qualified object. */
	store_table *mut = (store_table *)st;
	uint64_t min = UINT64_MAX;

	if (st->min_valid)
		return st->min_exp;
	for (size_t i = 0; i < st->nobjs; i++)
		for (size_t j = 0; j < st->objs[i].n; j++)
			if (st->objs[i].recs[j].expires_at < min)
				min = st->objs[i].recs[j].expires_at;
	mut->min_exp = min;
	mut->min_valid = 1;
	return min;
}

/* Records go out in (object id, storer id) order, expired ones included: the table has no
 * clock, so a caller that must not hand over dead records expires first. */
size_t store_take_range(store_table *st, const uint8_t lo[RING_POS_LEN], const uint8_t hi[RING_POS_LEN],
			store_record *out, size_t cap, int *more)
{
	size_t n = 0, w = 0;
	int left = 0;

	for (size_t i = 0; i < st->nobjs; i++) {
		obj_entry *o = &st->objs[i];
		uint8_t pos[RING_POS_LEN];
		size_t take;

		themis_ring_pos(o->obj, st->m, pos);
		if (!in_oc(pos, lo, hi)) {
			if (w != i)
				st->objs[w] = *o;
			w++;
			continue;
		}
		take = cap - n < o->n ? cap - n : o->n;
		for (size_t j = 0; j < take; j++) {
			out[n++] = o->recs[j];
			note_removed(st, o->recs[j].expires_at);
			storer_dec(st, o->recs[j].id);
		}
		st->nrecords -= take;
		if (take == o->n) {
			free(o->recs);
			continue;
		}
		memmove(&o->recs[0], &o->recs[take], (o->n - take) * sizeof *o->recs);
		o->n -= take;
		left = 1;
		if (w != i)
			st->objs[w] = *o;
		w++;
	}
	st->nobjs = w;
	if (more != NULL)
		*more = left;
	return n;
}

/* Positions are the first m bits of the ids (themis_ring_pos), so the table, sorted by id, is
 * sorted by position too: the first record clockwise after lo is found by bisection. */
int store_first_in_range(const store_table *st, const uint8_t lo[RING_POS_LEN], const uint8_t hi[RING_POS_LEN],
			 uint8_t obj[THEMIS_ID_LEN])
{
	uint8_t pos[RING_POS_LEN];
	size_t a = 0, b = st->nobjs;

	if (st->nobjs == 0)
		return 0;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		themis_ring_pos(st->objs[mid].obj, st->m, pos);
		if (memcmp(pos, lo, RING_POS_LEN) <= 0)
			a = mid + 1;
		else
			b = mid;
	}
	const obj_entry *o = a < st->nobjs ? &st->objs[a] : &st->objs[0];   /* on past zero */
	themis_ring_pos(o->obj, st->m, pos);
	if (!in_oc(pos, lo, hi))
		return 0;
	memcpy(obj, o->obj, THEMIS_ID_LEN);
	return 1;
}

size_t store_count(const store_table *st)
{
	return st->nrecords;
}

size_t store_objects(const store_table *st)
{
	return st->nobjs;
}

void store_foreach(const store_table *st, int (*fn)(void *ctx, const store_record *rec), void *ctx)
{
	for (size_t i = 0; i < st->nobjs; i++)
		for (size_t j = 0; j < st->objs[i].n; j++)
			if (fn(ctx, &st->objs[i].recs[j]) != 0)
				return;
}
