/* replica.c: successor-list replication (beyond the paper; DHash does the same on Chord). With
 * cfg.replicate on, every record a node owns (its range is (predecessor, self]) is also held
 * by its first succ_len successors, so the node that takes over a range after a silent failure
 * already holds its records, and a failure of fewer than succ_len + 1 consecutive nodes loses
 * no copy. With it off, a failed node's records come back only at their storers' next refresh
 * (t/2), as in the paper.
 *
 * The copies live in a table of their own (rep->copies): the object table stays the node's own
 * range, which handoffs move, FIND answers and the checker reads. Three paths keep them in step:
 * - a STORE the owner accepts (new, replaced or refreshed) goes on to every successor
 *   (rep_forward), so copies expire and are refreshed with the owner's;
 * - every stabilize period the owner compares its successors and predecessor with those it
 *   last synced (rep_tick): a successor it has not synced gets every record it owns, one
 *   REPLICATE batch at a time; a range that grew (the predecessor died or left) first takes
 *   the copies that fall into it, then is synced to every successor again;
 * - a node that hands records to a new predecessor (join) keeps a copy of them: it is that
 *   node's first successor.
 * A REPLICATE that goes unanswered is no verdict on the peer (a node that does not know the
 * message is not dead): the next tick tries again.
 */
#include <stdlib.h>
#include <string.h>

#include "replica.h"
#include "dht.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "req.h"

/* One sync job per successor slot: the next record to send is the first after (obj, id), the
 * end of the last batch the successor acknowledged. */
typedef struct rep_sync {
	uint64_t tag;                 /* the successor's first 8 id bytes (0: slot unused) */
	uint32_t gen;                 /* bumped whenever the job starts over: a late answer to a
					 batch of an earlier job moves nothing */
	uint8_t synced;               /* holds everything we own */
	uint8_t busy;                 /* a batch is on its way */
	uint8_t started;              /* the cursor is valid */
	uint8_t obj[THEMIS_ID_LEN], id[THEMIS_ID_LEN];      /* acknowledged up to here */
	uint8_t pobj[THEMIS_ID_LEN], pid[THEMIS_ID_LEN];    /* the batch on its way ends here */
} rep_sync;

struct rep_state {
	store_table *copies;          /* records of the owners before us */
	uint8_t pred[THEMIS_ID_LEN];  /* the predecessor of the last tick */
	uint8_t had_pred;
	rep_sync sync[RING_MAX_SUCC];
};

/* Records per REPLICATE: five fit one frame whatever their tags (docs/protocol.md, 12.7). */
enum { REP_BATCH = REPLICATE_BATCH };

static uint64_t tag_of(const uint8_t id[THEMIS_ID_LEN])
{
	uint64_t t;
	memcpy(&t, id, sizeof t);
	return t | 1;   /* never 0, which marks an unused slot */
}

static struct rep_state *rep_get(themis_node *n)
{
	if (!n->rep)
		n->rep = calloc(1, sizeof *n->rep);
	return n->rep;
}

static store_table *copies(themis_node *n)
{
	struct rep_state *r = rep_get(n);

	if (r && !r->copies)
		r->copies = store_new(n->hot.m, n->cfg.max_records, n->cfg.max_records_per_obj,
				      n->cfg.max_records_per_storer);
	return r ? r->copies : NULL;
}

void rep_free(themis_node *n)
{
	if (!n->rep)
		return;
	if (n->rep->copies)
		store_del(n->rep->copies);
	free(n->rep);
	n->rep = NULL;
}

size_t rep_get_copies(const themis_node *n, const uint8_t obj[THEMIS_ID_LEN], uint64_t now, size_t offset,
		      store_record *out, size_t cap, int *more)
{
	*more = 0;
	if (!n->rep || !n->rep->copies)
		return 0;
	return store_get(n->rep->copies, obj, now, offset, out, cap, more);
}

size_t rep_count(const themis_node *n)
{
	return n->rep && n->rep->copies ? store_count(n->rep->copies) : 0;
}

void rep_keep(themis_node *n, const store_record *rec, size_t nrec)
{
	store_table *c;

	if (!n->cfg.replicate || nrec == 0 || !(c = copies(n)))
		return;
	for (size_t i = 0; i < nrec; i++)
		(void)store_put(c, &rec[i]);
}

/* ---- sending ---------------------------------------------------------------------------- */

static void replicate_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);

int rep_send(themis_node *n, const ring_node *to, uint8_t kind, const store_record *rec, size_t nrec,
	     req_cb cb, uint64_t cookie, uint64_t now)
{
	msg_lists m;
	uint8_t out[FRAME_BODY_MAX];
	size_t written;
	int len;

	if (nrec > REPLICATE_BATCH)
		return -1;
	m.kind = kind;
	m.nnodes = 0;
	m.more = 0;
	m.nrec = (uint8_t)nrec;
	memcpy(m.rec, rec, nrec * sizeof *rec);
	len = msg_lists_encode(out, sizeof out, &m, &written);
	if (len < 0 || written != nrec)
		return -1;
	return req_send_quiet(n, to->id, &to->addr, MSG_REPLICATE, out, (size_t)len, cb, cookie, now) != 0 ? -1 : 0;
}

/* Copies to one successor; 0 when sent. */
static int send_batch(themis_node *n, const ring_node *to, const store_record *rec, size_t nrec,
		      uint64_t cookie, uint64_t now)
{
	if (rep_send(n, to, REPLICATE_COPIES, rec, nrec, replicate_cb, cookie, now) != 0)
		return -1;
	n->cnt.replicas_sent += nrec;
	return 0;
}

void rep_forward(themis_node *n, const store_record *rec, uint64_t now)
{
	if (!n->cfg.replicate || !n->joined || n->leaving)
		return;
	for (uint32_t i = 0; i < n->ring.nsucc && i < n->cfg.succ_len; i++)
		(void)send_batch(n, &n->ring.succ[i], rec, 1, 0, now);
}

/* The records we own (in (pred, self]) after the cursor, up to REP_BATCH. */
typedef struct batch_ctx {
	const themis_node *n;
	const rep_sync *s;
	const uint8_t *lo;
	store_record rec[REP_BATCH];
	size_t nrec;
} batch_ctx;

static int after_cursor(const rep_sync *s, const store_record *r)
{
	int c;

	if (!s->started)
		return 1;
	c = memcmp(r->obj, s->obj, THEMIS_ID_LEN);
	return c > 0 || (c == 0 && memcmp(r->id, s->id, THEMIS_ID_LEN) > 0);
}

static int collect(void *ctx, const store_record *r)
{
	batch_ctx *b = ctx;
	uint8_t pos[RING_POS_LEN];

	if (!after_cursor(b->s, r))
		return 0;
	themis_ring_pos(r->obj, b->n->hot.m, pos);
	if (!ring_in_oc(pos, b->lo, b->n->ring.self_pos))
		return 0;
	b->rec[b->nrec++] = *r;
	return b->nrec == REP_BATCH;
}

/* Cookie of a sync batch (the request's op id): the slot and its job's generation. A forwarded
 * STORE has cookie 0. */
static uint64_t cookie_of(const rep_sync *s, uint32_t slot)
{
	return ((uint64_t)s->gen << 8) | (slot + 1);
}

/* A new job for slot s: everything we own goes to the node t. */
static void sync_restart(rep_sync *s, uint64_t t)
{
	uint32_t gen = s->gen + 1;

	*s = (rep_sync){ .tag = t, .gen = gen };
}

/* Send slot i's next batch, or mark it synced when nothing is left. */
static void sync_step(themis_node *n, uint32_t i, uint64_t now)
{
	struct rep_state *r = n->rep;
	rep_sync *s = &r->sync[i];
	batch_ctx b = { .n = n, .s = s };

	if (!n->ring.has_pred || !n->store || i >= n->ring.nsucc ||
	    tag_of(n->ring.succ[i].id) != s->tag) {
		return;
	}
	b.lo = RING_POS(&n->ring.pred, n->hot.m);
	store_foreach(n->store, collect, &b);
	if (b.nrec == 0) {
		s->synced = 1;
		return;
	}
	if (send_batch(n, &n->ring.succ[i], b.rec, b.nrec, cookie_of(s, i), now) != 0)
		return;   /* the request table is full: the next tick goes on */
	s->busy = 1;
	memcpy(s->pobj, b.rec[b.nrec - 1].obj, THEMIS_ID_LEN);
	memcpy(s->pid, b.rec[b.nrec - 1].id, THEMIS_ID_LEN);
}

static void replicate_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	struct rep_state *r = n->rep;
	uint32_t slot = (uint32_t)(op_id & 0xff) - 1;
	rep_sync *s;

	(void)p;
	if (op_id == 0 || !r || slot >= RING_MAX_SUCC)
		return;   /* a forwarded STORE: the storer's next refresh is the retry */
	s = &r->sync[slot];
	if ((uint32_t)(op_id >> 8) != s->gen || !s->busy)
		return;   /* a batch of a job that started over */
	s->busy = 0;
	if (!resp || req_status(n, resp) != ST_OK)
		return;   /* the next tick sends this batch again */
	s->started = 1;
	memcpy(s->obj, s->pobj, THEMIS_ID_LEN);
	memcpy(s->id, s->pid, THEMIS_ID_LEN);
	sync_step(n, slot, now);
}

/* Copies that fall into our range (pred, self] are ours now: into the object table. */
static void promote(themis_node *n)
{
	store_record batch[16];
	int more = 1;

	if (!n->rep || !n->rep->copies || !n->ring.has_pred)
		return;
	if (!pub_table(n))
		return;
	while (more) {
		size_t k = store_take_range(n->rep->copies, RING_POS(&n->ring.pred, n->hot.m), n->ring.self_pos,
					    batch, 16, &more);
		for (size_t i = 0; i < k; i++)
			if (store_put(n->store, &batch[i]) == STORE_FULL)
				n->cnt.stores_refused++;
		if (k == 0)
			break;
	}
}

void rep_tick(themis_node *n, uint64_t now)
{
	struct rep_state *r;
	int grew = 0;

	if (!n->cfg.replicate || !n->joined || n->leaving)
		return;
	if (!n->rep && (!n->store || store_count(n->store) == 0))
		return;   /* nothing owned and nothing held: nothing to keep in step */
	if (!(r = rep_get(n)) || !n->ring.has_pred)
		return;   /* our range is not known until a predecessor notifies us */
	if (!r->had_pred || memcmp(r->pred, n->ring.pred.id, THEMIS_ID_LEN) != 0) {
		/* A new predecessor. Our range grew when the old one lies after the new one
		 * (it died or left); it shrank when a node joined between them. */
		ring_node old;
		uint8_t opos[RING_POS_LEN];
		ring_node_make(&old, r->pred, &n->ring.pred.addr);
		grew = !r->had_pred ||
		       ring_in_oo(ring_node_pos(&old, n->hot.m, opos), RING_POS(&n->ring.pred, n->hot.m),
				  n->ring.self_pos);
		memcpy(r->pred, n->ring.pred.id, THEMIS_ID_LEN);
		r->had_pred = 1;
	}
	if (grew) {
		promote(n);
		for (uint32_t i = 0; i < RING_MAX_SUCC; i++)   /* every successor gets it all anew */
			sync_restart(&r->sync[i], r->sync[i].tag);
	}
	for (uint32_t i = 0; i < RING_MAX_SUCC; i++) {
		rep_sync *s = &r->sync[i];
		uint64_t t = i < n->ring.nsucc && i < n->cfg.succ_len ? tag_of(n->ring.succ[i].id) : 0;
		/* Another node in this slot: it may have held our records at another slot (the
		 * list shifted), but a sync costs little where copies are held already (a refresh
		 * of the same bytes, no signature check). */
		if (s->tag != t)
			sync_restart(s, t);
		if (t && !s->synced && !s->busy)
			sync_step(n, i, now);
	}
}

/* ---- receiving --------------------------------------------------------------------------- */

void rep_on_replicate(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen,
		      uint64_t now)
{
	msg_lists *m = malloc(sizeof *m);
	uint8_t out[1];
	uint8_t status = ST_OK;
	int len;

	if (!m || msg_lists_decode(m, body, blen, n->hot.m) != 0 ||
	    (m->kind != REPLICATE_COPIES && m->kind != REPLICATE_RELOCATE) || m->nnodes != 0 || m->more) {
		if (m)
			node_drop(n, THEMIS_DROP_MALFORMED);
		free(m);
		return;
	}
	if (m->kind == REPLICATE_RELOCATE) {
		status = relocate_accept(n, m->rec, m->nrec, now);
	} else if (!n->joined || n->leaving || !n->cfg.replicate) {
		status = ST_NOT_RESPONSIBLE;   /* no copies kept here */
	} else {
		store_table *c = copies(n);
		for (size_t i = 0; i < m->nrec; i++) {
			store_record r = m->rec[i];
			uint8_t pos[RING_POS_LEN];
			store_table *to;
			r.expires_at = now + n->cfg.ttl_ns;
			themis_ring_pos(r.obj, n->hot.m, pos);
			/* a record of our own range (the sender's view lags) belongs with ours */
			to = dht_responsible(n, pos) ? pub_table(n) : c;
			if (!to) {
				status = ST_FULL;
				continue;
			}
			if (store_refresh(to, &r))
				continue;   /* the same bytes, verified when they came: a refresh */
			if (!pub_record_genuine(n, &r)) {
				n->cnt.records_rejected++;
				continue;
			}
			if (store_put(to, &r) == STORE_FULL)
				status = ST_FULL;
		}
	}
	free(m);
	len = msg_status_encode(out, sizeof out, status);
	if (len >= 0)
		req_respond(n, p, MSG_REPLICATE | MSG_RESPONSE, req_id, out, (size_t)len, now);
}
