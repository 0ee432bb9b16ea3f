/* leave.c: LEAVE (paper, 6.1 Leave): the leaver hands its records to its successor and tells
 * its predecessor; the successor's and predecessor's sides.
 */
#include <stdlib.h>
#include <string.h>

#include "dht.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "replica.h"
#include "req.h"

/* ---- LEAVE ------------------------------------------------------------------------------------ */

static void leave_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);

/* Bounds of one leave: successors that may refuse our records because they are leaving too
 * (each names the nodes after it, so a run of leaving neighbours is walked past), and extra
 * handoff rounds for records that reached us while we were handing ours over. */
enum { LEAVE_MAX_REFUSALS = 32, LEAVE_MAX_ROUNDS = 8 };

/* Phases of a leave (op.phase): records to the successor, news to the predecessor, then the
 * wait for answers that may still bring records (leave_finish). */
enum { LV_HANDOFF = 0, LV_TELL_PRED = 1, LV_PRED_TOLD = 2, LV_DRAIN = 3 };

static void leave_finish(themis_node *n, op *o, uint64_t now);

/* Liveness probes, for a handoff not answered within req_timeout / LEAVE_PROBE_DIV (an
 * answer comes within a round trip; a successor that died silently gives none): a quick
 * GET_SUCC to every successor after the first and, the first time, to the predecessor.
 * Should the first successor be dead, the probes of dead later ones fail by the time its
 * handoff does, a few round trips later, and take those nodes out of the tables (the failure
 * path); the handoff, which waits for them, goes next to the first live successor: about one
 * req_timeout in all, not one per dead neighbour (two daemons stopped together). A dead
 * predecessor is skipped the same way. Not sent at once: a probe to a node we have no
 * session with costs a handshake, and a leave that goes well needs none. */
static void leave_probe_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp,
			   uint64_t now)
{
	op *o = op_get(n, op_id);

	(void)p;
	(void)resp;
	if (!o || o->kind != THEMIS_OP_LEAVE || o->probes == 0)
		return;   /* the leave ended meanwhile */
	if (--o->probes == 0 && o->probe_wait) {
		o->probe_wait = 0;
		dht_leave_step(n, o, now);
	}
}

static void probe_one(themis_node *n, op *o, const ring_node *rn, uint64_t now)
{
	if (o->probes < UINT8_MAX &&
	    req_send_quick(n, rn->id, &rn->addr, MSG_GET_SUCC, NULL, 0, leave_probe_cb, o->id, now) == 0) {
		o->probes++;
		o->msgs++;
	}
}

static void leave_probe(themis_node *n, op *o, uint64_t now)
{
	if (o->probed)
		return;
	o->probed = 1;
	for (uint32_t i = 1; i < n->ring.nsucc; i++)
		probe_one(n, o, &n->ring.succ[i], now);
	if (o->refusals == 0 && n->ring.has_pred)
		probe_one(n, o, &n->ring.pred, now);
}

void dht_leave_wake(themis_node *n, op *o, uint64_t now)
{
	if (o->phase == LV_HANDOFF)
		leave_probe(n, o, now);
	else if (o->phase == LV_DRAIN)
		leave_finish(n, o, now);   /* the wait for late answers is over */
}

/* The leave ends without leaving (we stay in the ring and keep what we hold). */
static void leave_abort(themis_node *n, op *o, uint64_t now)
{
	n->leaving = 0;
	n->leave_op = 0;
	op_finish(n, o, 0, now);
}

static void leave_done(themis_node *n, op *o, int ok, uint64_t now)
{
	n->leaving = 0;
	n->leave_op = 0;
	n->joined = 0;
	n->ring.nsucc = 0;
	n->ring.has_pred = 0;
	n->ring.nfingers = 0;
	n->has_rect_cand = 0;
	n->nnear = 0;
	rep_free(n);   /* copies of others' records: their owners and the other successors hold them */
	op_finish(n, o, ok, now);
}

/* Put records we failed to hand over back into our own table (nothing is lost silently). */
static void keep_batch(themis_node *n, op *o)
{
	for (size_t i = 0; i < o->nbatch; i++)
		(void)store_put(n->store, &o->batch[i]);
	o->nbatch = 0;
}

static size_t held(themis_node *n, uint64_t now)
{
	if (!n->store)
		return 0;
	store_expire(n->store, now);
	return store_count(n->store);
}

/* A handoff that cannot be made: the batch goes back into our table and is counted. Before the
 * successor took our range we stay in the ring with it (leave_abort); after, there is no way
 * back and the leave ends as failed. */
static void leave_fail(themis_node *n, op *o, uint64_t now)
{
	keep_batch(n, o);
	n->cnt.records_unplaced += held(n, now);
	if (n->leaving == LEAVE_HANDED)
		leave_done(n, o, 0, now);
	else
		leave_abort(n, o, now);
}

/* The successor has our records and the predecessor knows. A leave ends with an empty table
 * and no record-carrying answer still on its way (the answer to an UPDATE sent before we began
 * to leave, a TRANSFER): what such an answer brings goes to the successor in one more handoff
 * round. Once handed over we take no new STOREs, so the rounds are few. The wait for those
 * answers is bounded by one req_timeout, like every other step of a leave: a node that has not
 * answered by then is dead or far behind, and the nodes that took our records never hand them
 * back (they know we left). */
static void leave_finish(themis_node *n, op *o, uint64_t now)
{
	size_t left = held(n, now);

	if (left) {
		if (o->rounds++ >= LEAVE_MAX_ROUNDS) {
			n->cnt.records_unplaced += left;
			leave_done(n, o, 0, now);   /* a successor that never takes them: say so */
			return;
		}
		o->phase = LV_HANDOFF;
		dht_leave_step(n, o, now);
		return;
	}
	if ((n->stabilizing || n->transfers) && o->phase != LV_DRAIN) {
		o->phase = LV_DRAIN;   /* leave_resume goes on when the answers are in */
		o->wake_at = now + n->hot.req_timeout_ns;
		return;
	}
	if ((n->stabilizing || n->transfers) && o->wake_at)
		return;   /* still within the wait */
	leave_done(n, o, 1, now);
}

void dht_leave_resume(themis_node *n, uint64_t now)
{
	op *o = n->leave_op ? op_get(n, n->leave_op) : NULL;

	if (o && o->phase == LV_DRAIN)
		leave_finish(n, o, now);
}

void dht_leave_step(themis_node *n, op *o, uint64_t now)
{
	msg_lists *m = calloc(1, sizeof *m);
	uint8_t out[FRAME_BODY_MAX];
	size_t written;
	int len, more = 0;

	if (!m) {
		keep_batch(n, o);
		if (n->leaving == LEAVE_HANDED)
			leave_done(n, o, 0, now);   /* no way back: we are no longer anyone's neighbour */
		else
			leave_abort(n, o, now);
		return;
	}
	if (o->phase == LV_HANDOFF) {
		/* To the successor: our predecessor and (a batch of) our object table. */
		if (!n->ring.nsucc) {
			free(m);
			keep_batch(n, o);
			n->cnt.records_unplaced += held(n, now);
			leave_done(n, o, held(n, now) == 0, now);
			return;
		}
		m->kind = LEAVE_TO_SUCC;
		if (n->ring.has_pred)
			m->nodes[m->nnodes++] = n->ring.pred;
		len = msg_lists_encode(out, sizeof out, m, &written);
		if (o->nbatch == 0 && n->store && len >= 0) {
			store_expire(n->store, now);
			size_t room = (FRAME_BODY_MAX - (size_t)len) / MSG_RECORD_MAX;
			if (!o->batch)
				o->batch = calloc(MSG_MAX_RECORDS, sizeof *o->batch);
			if (o->batch) {
				o->nbatch = store_take_range(n->store, n->ring.self_pos, n->ring.self_pos, o->batch,
							     room < MSG_MAX_RECORDS ? room : MSG_MAX_RECORDS, &more);
				o->batch_more = more;
			}
		}
		if (o->nbatch)   /* no batch is allocated when we hold nothing: memcpy(NULL) is UB */
			memcpy(m->rec, o->batch, o->nbatch * sizeof *o->batch);
		m->nrec = (uint8_t)o->nbatch;
		m->more = (uint8_t)o->batch_more;
		len = msg_lists_encode(out, sizeof out, m, &written);
		o->msgs++;
		/* quick: a successor that died silently costs one req_timeout, not the failure
		 * detector's several seconds; the batch then goes to the next successor */
		if (len < 0 || req_send_quick(n, n->ring.succ[0].id, &n->ring.succ[0].addr, MSG_LEAVE,
					      out, (size_t)len, leave_cb, o->id, now) != 0) {
			free(m);
			leave_fail(n, o, now);
		} else {
			free(m);
			if (!o->probed)
				o->wake_at = now + n->hot.req_timeout_ns / LEAVE_PROBE_DIV;
		}
		return;
	}
	/* To the predecessor: our successor list, so it skips us at once. */
	if (o->phase == LV_TELL_PRED && n->ring.has_pred) {
		m->kind = LEAVE_TO_PRED;
		dht_add_successors(n, m);
		len = msg_lists_encode(out, sizeof out, m, &written);
		free(m);
		o->phase = LV_PRED_TOLD;
		o->msgs++;
		if (len >= 0 && req_send_quick(n, n->ring.pred.id, &n->ring.pred.addr, MSG_LEAVE, out,
					       (size_t)len, leave_cb, o->id, now) == 0)
			return;
		leave_finish(n, o, now);
		return;
	}
	free(m);
	o->phase = LV_PRED_TOLD;
	leave_finish(n, o, now);
}

static void leave_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	op *o = op_get(n, op_id);
	msg_lists *r = NULL;
	int status = -1;   /* no answer, or none we could read */

	if (!o)
		return;
	if (o->phase != LV_HANDOFF) {
		/* the predecessor was told, or could not be: we are out once nothing is left */
		if (o->phase == LV_PRED_TOLD)
			leave_finish(n, o, now);
		return;
	}
	o->wake_at = 0;   /* answered or failed: no probe is due for this handoff */
	if (resp && (r = malloc(sizeof *r)) != NULL) {
		if (msg_lists_decode(r, resp->body, resp->bodylen, n->hot.m) == 0 && r->kind <= ST_STALE)
			status = r->kind;
		else
			node_drop(n, THEMIS_DROP_MALFORMED);
	}
	if (status == ST_OK) {
		o->nbatch = 0;
		if (!o->batch_more) {
			/* The successor has taken our range: from now on a storer is sent there, and
			 * records that still reach us follow in one more round (leave_finish). */
			n->leaving = LEAVE_HANDED;
			o->phase = o->told_pred ? LV_PRED_TOLD : LV_TELL_PRED;
			o->told_pred = 1;
			if (o->phase == LV_PRED_TOLD) {
				free(r);
				leave_finish(n, o, now);
				return;
			}
		}
	} else if (status == ST_FULL) {
		/* The successor has no room for this batch and took none of it. Before the
		 * handoff is complete we are still the owner of our range: we stay, keep every
		 * record and say why (records_unplaced). Batches it took earlier come back to us
		 * with the answer to our next UPDATE, as to any predecessor. */
		free(r);
		leave_fail(n, o, now);
		return;
	} else if (status == ST_NOT_RESPONSIBLE && o->refusals++ < LEAVE_MAX_REFUSALS) {
		/* Our successor is leaving too (or has left): it would carry our records out of
		 * the ring. The nodes it names come after it; they replace our list, which it
		 * heads (ring_set_successors ends it where it comes round to us). */
		(void)ring_remove(&n->ring, p->id);
		if (r->nnodes) {
			ring_set_successors(&n->ring, NULL, r->nodes, r->nnodes);
			o->probed = 0;   /* a new list: probed anew should its head not answer */
		}
	} else if (!resp) {
		/* The successor is dead. The probes (sent a moment after the handoff, or now if
		 * they were not) end soon after it; the last of them makes the next try
		 * (leave_probe_cb). */
		leave_probe(n, o, now);
		if (o->probes) {
			o->probe_wait = 1;
			return;
		}
	} else if (++o->retried > 3) {
		free(r);
		leave_fail(n, o, now);   /* a successor that keeps refusing: give up, lose nothing */
		return;
	}
	free(r);
	/* On failure the dead successor is gone from the list (failure path): the same batch
	 * goes to the next one, or back into our table when none is left. */
	dht_leave_step(n, o, now);
}

int64_t themis_leave(themis_node *n, uint64_t now)
{
	op *o;
	int64_t id;

	if (!n->joined || n->leaving)   /* one leave at a time */
		return THEMIS_ESTATE;
	relocate_abort(n, now);   /* its records go with the handoff */
	dht_memo_tick(n, 1, now);
	o = op_new(n, THEMIS_OP_LEAVE, 0, now);
	if (!o)
		return THEMIS_EFULL;
	id = (int64_t)o->id;
	/* From here on no ring maintenance goes out (timers.c): an UPDATE of ours reaching
	 * the successor after our handoff would make it take us back. */
	n->leaving = LEAVE_HANDING;
	n->leave_op = o->id;
	dht_leave_step(n, o, now);
	return id;
}

/* LEAVE_R: a lists body whose kind is the status; when we refuse (ST_NOT_RESPONSIBLE) it
 * names our successors, where the leaver tries next. Frees m, which it reuses. */
static void leave_answer(themis_node *n, peer *p, uint64_t req_id, msg_lists *m, uint8_t status,
			 uint64_t now)
{
	uint8_t out[FRAME_BODY_MAX];
	size_t written;
	int len;

	m->kind = status;
	m->nnodes = m->nrec = m->more = 0;
	if (status == ST_NOT_RESPONSIBLE && n->joined)
		dht_add_successors(n, m);
	len = msg_lists_encode(out, sizeof out, m, &written);
	free(m);
	if (len >= 0)
		req_respond(n, p, MSG_LEAVE | MSG_RESPONSE, req_id, out, (size_t)len, now);
}

void dht_on_leave(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen,
		  uint64_t now)
{
	msg_lists *m = malloc(sizeof *m);
	ring_node l;

	if (!m || msg_lists_decode(m, body, blen, n->hot.m) != 0 ||
	    (m->kind != LEAVE_TO_SUCC && m->kind != LEAVE_TO_PRED)) {
		if (m)
			node_drop(n, THEMIS_DROP_MALFORMED);
		free(m);
		return;
	}
	/* A node that is leaving, or has left, is nobody's successor: records handed to it
	 * would leave the ring with it. */
	if (!n->joined || (n->leaving && m->kind == LEAVE_TO_SUCC)) {
		leave_answer(n, p, req_id, m, ST_NOT_RESPONSIBLE, now);
		return;
	}
	dht_peer_node(p, &l);
	dht_near_remove(n, l.id);   /* never handed out again as a node behind us */
	if (m->kind == LEAVE_TO_SUCC) {
		/* The whole batch or none of it: a leaver whose records do not fit stays, and
		 * nothing it handed us is dropped. */
		if (pub_accept_handoff(n, m->rec, m->nrec, now) != 0) {
			n->cnt.handoffs_refused++;
			leave_answer(n, p, req_id, m, ST_FULL, now);
			return;
		}
		if (!m->more) {
			/* The last batch: our predecessor leaves, its predecessor becomes ours. */
			if (!n->ring.has_pred || memcmp(n->ring.pred.id, l.id, THEMIS_ID_LEN) == 0) {
				n->ring.has_pred = 0;
				if (m->nnodes > 0 && memcmp(m->nodes[0].id, n->self.id, THEMIS_ID_LEN) != 0) {
					n->ring.pred = m->nodes[0];
					n->ring.has_pred = 1;
				}
			}
			(void)ring_remove(&n->ring, l.id);
			dht_gone_note(n, l.id, now);
		}
	} else {
		int was = ring_remove(&n->ring, l.id);
		dht_gone_note(n, l.id, now);
		if ((was & RING_WAS_FIRST) || n->ring.nsucc == 0)
			ring_set_successors(&n->ring, NULL, m->nodes, m->nnodes);
	}
	leave_answer(n, p, req_id, m, ST_OK, now);
}
