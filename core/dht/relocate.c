/* relocate.c: records held far from their owner go straight to it (docs/dht.md, "Records
 * after a merge"). Beyond the paper and Chord.
 *
 * A node's object table should hold its own range, (predecessor, self]. Records outside it
 * are normally in it for one stabilize period only: the predecessor's next UPDATE takes them
 * (the handoff of every UPDATE answer). After a partition they can sit a long way from their
 * owner: a node whose successors were all on the other side fell back on the nodes it still
 * knew, and took stores for a range that, in the merged ring, spans many nodes. The handoff
 * then moves such a record one node back per stabilize period, so a record stored N/2 nodes
 * past its owner takes N/4 seconds at the default period to arrive (a record 137 nodes away
 * was still 29 nodes short at the end of a 23 s run).
 *
 * So every stabilize period a node that holds records outside its range takes those of the
 * first such object (in ring order after itself), looks the object's owner up, and sends them
 * there in a REPLICATE of kind RELOCATE, which the receiver takes into its object table only
 * when they all fall into its own range. A lookup costs O(log N) messages, whatever the
 * distance. One relocation runs at a time; each ends in the next at once while records are
 * left to move, and one that fails puts its records back and waits a few periods (the
 * handoff keeps moving them meanwhile). On a settled ring nothing lies outside any node's
 * range and this costs one bisection of the table per period.
 */
#include <stdlib.h>
#include <string.h>

#include "relocate.h"
#include "dht.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "replica.h"
#include "req.h"

enum {
	RELOCATE_BACKOFF_PERIODS = 4,   /* after a failed relocation */
};

/* The records of o back into our table: the relocation did not place them. */
static void put_back(themis_node *n, op *o)
{
	store_table *st = pub_table(n);

	for (size_t i = 0; i < o->nbatch; i++)
		if (!st || store_put(st, &o->batch[i]) == STORE_FULL)
			n->cnt.stores_refused++;
	o->nbatch = 0;
}

/* o->phase: a relocation found by lookup (0) or a handoff's confirmation (CONFIRM). */
enum { CONFIRM = 1 };

static void end(themis_node *n, op *o, int ok, uint64_t now)
{
	if (!ok)
		put_back(n, o);
	if (!ok && o->phase != CONFIRM)
		n->relocate_after = now + RELOCATE_BACKOFF_PERIODS * n->hot.stabilize_ns;
	if (n->relocate_op == o->id)
		n->relocate_op = 0;
	op_finish(n, o, ok, now);
}

/* Start relocating the records of the first object outside our range; 1 when one started. */
static int start(themis_node *n, uint64_t now)
{
	uint8_t obj[THEMIS_ID_LEN], pos[RING_POS_LEN];
	const uint8_t *pred = RING_POS(&n->ring.pred, n->hot.m);
	op *o;
	int more = 0;

	if (!store_first_in_range(n->store, n->ring.self_pos, pred, obj))
		return 0;
	if (!(o = op_new(n, OPK_RELOCATE, 0, now)))
		return 0;
	o->batch = malloc(REPLICATE_BATCH * sizeof *o->batch);
	if (!o->batch) {
		op_finish(n, o, 0, now);
		return 0;
	}
	store_expire(n->store, now);   /* never move what is already dead */
	themis_ring_pos(obj, n->hot.m, pos);
	/* (self, pos] holds this object's position alone: it is the first after us */
	o->nbatch = store_take_range(n->store, n->ring.self_pos, pos, o->batch, REPLICATE_BATCH, &more);
	if (o->nbatch == 0) {
		op_finish(n, o, 0, now);
		return 0;
	}
	memcpy(o->obj, obj, THEMIS_ID_LEN);
	n->relocate_op = o->id;
	lookup_start(n, o, obj, NULL, now);   /* ends in relocate_found */
	return 1;
}

static int can_relocate(const themis_node *n, uint64_t now)
{
	return n->joined && !n->leaving && n->ring.has_pred && n->ring.nsucc > 0 && n->store &&
	       store_count(n->store) > 0 && !n->relocate_op && now >= n->relocate_after &&
	       memcmp(n->ring.pred.id, node_id(n), THEMIS_ID_LEN) != 0;
}

void relocate_tick(themis_node *n, uint64_t now)
{
	if (can_relocate(n, now))
		(void)start(n, now);
}

static void relocate_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	op *o = op_get(n, op_id);

	(void)p;
	if (!o || o->kind != OPK_RELOCATE)
		return;   /* given up when a leave began: the records went back then */
	if (!resp || req_status(n, resp) != ST_OK) {
		end(n, o, 0, now);
		return;
	}
	if (o->phase != CONFIRM)
		n->cnt.records_relocated += o->nbatch;
	o->nbatch = 0;
	end(n, o, 1, now);
	if (can_relocate(n, now))
		(void)start(n, now);   /* the next object outside our range, at once */
}

static void send_to_owner(themis_node *n, op *o, uint64_t now)
{
	if (rep_send(n, &o->owner, REPLICATE_RELOCATE, o->batch, o->nbatch, relocate_cb, o->id, now) != 0) {
		end(n, o, 0, now);
		return;
	}
	o->msgs++;
}

void relocate_found(themis_node *n, op *o, int ok, uint64_t now)
{
	/* The owner is us (our view of the range lagged) or nobody answered: keep them. */
	if (!ok || n->leaving || memcmp(o->owner.id, node_id(n), THEMIS_ID_LEN) == 0) {
		end(n, o, 0, now);
		return;
	}
	send_to_owner(n, o, now);
}

void relocate_confirm(themis_node *n, const ring_node *to, const store_record *rec, size_t nrec,
		      uint64_t now)
{
	op *o;

	if (nrec > REPLICATE_BATCH) {   /* one frame each */
		relocate_confirm(n, to, rec + REPLICATE_BATCH, nrec - REPLICATE_BATCH, now);
		nrec = REPLICATE_BATCH;
	}
	if (nrec == 0 || !(o = op_new(n, OPK_RELOCATE, 0, now)))
		return;
	o->phase = CONFIRM;
	o->batch = malloc(nrec * sizeof *o->batch);
	if (!o->batch) {
		op_finish(n, o, 0, now);
		return;
	}
	memcpy(o->batch, rec, nrec * sizeof *rec);
	for (size_t i = 0; i < nrec; i++)   /* decoded from an answer: no local lifetime yet */
		o->batch[i].expires_at = now + n->cfg.ttl_ns;
	o->nbatch = nrec;
	o->owner = *to;
	send_to_owner(n, o, now);
}

void relocate_abort(themis_node *n, uint64_t now)
{
	n->relocate_op = 0;
	/* every relocation and confirmation under way, from the last (op_finish moves the last
	 * op into the slot it frees): their records go back before a leave hands our table
	 * over, so that none comes back after the leave has ended */
	for (uint32_t i = n->nops; i-- > 0;) {
		op *o = n->ops[i];
		if (o->kind != OPK_RELOCATE)
			continue;
		put_back(n, o);
		op_finish(n, o, 0, now);
	}
}

/* A RELOCATE: records the sender found outside its own range and looked up to us. All or
 * none: each must fall into our range (else ST_NOT_RESPONSIBLE) and fit (else ST_FULL). */
uint8_t relocate_accept(themis_node *n, const store_record *rec, size_t nrec, uint64_t now)
{
	if (!n->joined || n->leaving)
		return ST_NOT_RESPONSIBLE;
	for (size_t i = 0; i < nrec; i++) {
		uint8_t pos[RING_POS_LEN];
		themis_ring_pos(rec[i].obj, n->hot.m, pos);
		if (!dht_responsible(n, pos))
			return ST_NOT_RESPONSIBLE;
	}
	if (pub_accept_handoff(n, rec, nrec, now) != 0)
		return ST_FULL;
	for (size_t i = 0; i < nrec; i++)
		rep_forward(n, &rec[i], now);   /* our successors hold copies of what we own */
	return ST_OK;
}
