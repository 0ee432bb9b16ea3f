/* stabilize.c: UPDATE (stabilize + notify), check_pred and rectify with P. Zave's
 * corrections: stabilize drops a dead first successor and adopts its successor's predecessor
 * only if that node answers; rectify checks the current predecessor before replacing it.
 * Also TRANSFER, GET_SUCC and the notify of ring unification (heal.c).
 */
#include <stdlib.h>
#include <string.h>

#include "dht.h"
#include "msg.h"
#include "publish.h"
#include "req.h"

/* ---- UPDATE (stabilize + notify) -------------------------------------------------------------- */

static void transfer_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);
static void adopt_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);

static void ask_transfer(themis_node *n, const peer *p, uint64_t now)
{
	if (req_send(n, p->id, &p->addr, MSG_TRANSFER, NULL, 0, transfer_cb, 0, now) == 0)
		n->transfers++;
}


/* A node we were told of as a better successor did not answer as a ring member: when a
 * successor names it again (its memory of the nodes behind it lags), we take its predecessor. */
static void note_bad_hint(themis_node *n, const uint8_t id[THEMIS_ID_LEN])
{
	memcpy(n->bad_hint, id, THEMIS_ID_LEN);
	n->has_bad_hint = 1;
}

/* An UPDATE_R decoded, or NULL (a malformed one is counted): an UPDATE_R_* kind, and at least
 * kind nodes (docs/protocol.md, 12.7). The caller frees it. */
static msg_lists *update_answer(themis_node *n, const wire_frame *resp)
{
	msg_lists *m = malloc(sizeof *m);

	if (m && msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) == 0 &&
	    m->kind <= UPDATE_R_NEAREST && m->nnodes >= m->kind)
		return m;
	if (m)
		node_drop(n, THEMIS_DROP_MALFORMED);
	free(m);
	return NULL;
}

static void update_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	msg_lists *m;
	ring_node s;
	const ring_node *succs;
	size_t nsuccs;

	(void)op_id;
	n->stabilizing = 0;
	if (!resp || !n->joined) {
		dht_leave_resume(n, now);   /* a leave may be waiting for this answer */
		return;   /* a dead successor was removed by the failure path; the next round goes on */
	}
	if (!(m = update_answer(n, resp))) {
		dht_leave_resume(n, now);
		return;
	}
	if (n->leaving) {
		/* The UPDATE went out before we began to leave. Records in its answer are ours
		 * to hand on with the rest; the ring news no longer matters to us. */
		if (m->nrec)
			pub_accept_records(n, m->rec, m->nrec, now);
		free(m);
		dht_leave_resume(n, now);
		return;
	}
	if (m->nnodes == 0) {
		/* Only a node outside any ring answers UPDATE with no nodes (a joined one has at
		 * least us as predecessor after rectify): our successor left without our hearing
		 * of it. It answers, so it would never time out: drop it as if it had failed. */
		free(m);
		dht_node_failed(n, p->id, now);
		return;
	}
	dht_peer_node(p, &s);
	succs = m->nodes + m->kind;
	nsuccs = m->nnodes - m->kind;
	if (m->nrec)
		pub_accept_records(n, m->rec, m->nrec, now);
	if (m->more)
		ask_transfer(n, p, now);
	if (!n->ring.nsucc || memcmp(n->ring.succ[0].id, s.id, THEMIS_ID_LEN) != 0) {
		/* We adopted a nearer successor while this answer was on its way: its list is
		 * no longer ours to copy (doing so put the old successor back, and the adoption
		 * and this answer could chase each other for ever). The next round asks the new
		 * one. */
		free(m);
		return;
	}
	/* UPDATE_R_NEAREST: nodes[0] is the node nearest after us that s knows, nodes[1] its predecessor;
	 * the nearer one is tried unless it already failed to answer us (a stale entry), then
	 * the predecessor. */
	for (uint8_t k = 0; k < m->kind; k++) {
		const ring_node *c = &m->nodes[k];
		if (m->kind == UPDATE_R_NEAREST && k == 0 && n->has_bad_hint &&
		    memcmp(c->id, n->bad_hint, THEMIS_ID_LEN) == 0)
			continue;
		if (memcmp(c->id, n->self.id, THEMIS_ID_LEN) == 0 ||
		    !ring_in_oo(RING_POS(c, n->hot.m), n->ring.self_pos, RING_POS(&s, n->hot.m)))
			continue;
		/* A node between us and our successor: a better successor, adopted only if it
		 * answers (Zave). Until then the current list stays. */
		ring_set_successors(&n->ring, &s, succs, nsuccs);
		(void)req_send(n, c->id, &c->addr, MSG_GET_SUCC, NULL, 0, adopt_cb, 0, now);
		free(m);
		return;
	}
	ring_set_successors(&n->ring, &s, succs, nsuccs);
	free(m);
}

static void adopt_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	msg_lists *m;

	(void)op_id;
	if (!resp || !n->joined) {
		if (!resp)
			note_bad_hint(n, p->id);   /* dead: not to be tried again when named to us */
		return;
	}
	m = malloc(sizeof *m);
	if (m && msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) == 0 && m->nnodes == 0) {
		/* It answers but is in no ring (it left): never adopt it, forget it. */
		free(m);
		note_bad_hint(n, p->id);
		dht_node_failed(n, p->id, now);
		return;
	}
	if (!m || m->nnodes == 0 || memcmp(m->nodes[0].id, p->id, THEMIS_ID_LEN) != 0) {
		if (m)
			node_drop(n, THEMIS_DROP_MALFORMED);
		free(m);
		return;
	}
	/* It answered: it is our first successor now, its list follows. */
	if (n->ring.nsucc == 0 || ring_in_oo(RING_POS(&m->nodes[0], n->hot.m), n->ring.self_pos,
					     RING_POS(&n->ring.succ[0], n->hot.m))) {
		ring_set_successors(&n->ring, NULL, m->nodes, m->nnodes);
		n->t_stabilize = now;   /* notify it at once */
	}
	free(m);
}

void dht_stabilize(themis_node *n, uint64_t now)
{
	if (!n->ring.nsucc || n->stabilizing)
		return;
	if (req_send(n, n->ring.succ[0].id, &n->ring.succ[0].addr, MSG_UPDATE, NULL, 0, update_cb, 0, now) == 0)
		n->stabilizing = 1;
}

static void check_pred_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	msg_lists *m;
	int member;

	(void)op_id;
	n->checking_pred = 0;
	if (!resp)
		return;   /* dead: dht_node_failed has already handed the place to a candidate */
	/* Being alive is not enough: a node that left still answers. Only a ring member (one
	 * that lists itself first) keeps the place. */
	m = malloc(sizeof *m);
	member = m && msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) == 0 && m->nnodes > 0 &&
		 memcmp(m->nodes[0].id, p->id, THEMIS_ID_LEN) == 0;
	free(m);
	if (!member) {
		dht_node_failed(n, p->id, now);
		return;
	}
	/* A member: a waiting candidate was not between it and us, so it does not replace it. */
	if (n->ring.has_pred && memcmp(p->id, n->ring.pred.id, THEMIS_ID_LEN) == 0)
		n->has_rect_cand = 0;
}

void dht_check_pred(themis_node *n, uint64_t now)
{
	if (!n->ring.has_pred || n->checking_pred)
		return;
	if (req_send(n, n->ring.pred.id, &n->ring.pred.addr, MSG_GET_SUCC, NULL, 0, check_pred_cb, 0,
		     now) == 0)
		n->checking_pred = 1;
}

/* Notify/rectify: caller c believes it is our predecessor (never a node that left through
 * us: on_update answers those before asking). */
static void rectify(themis_node *n, const ring_node *c, uint64_t now)
{
	if (n->ring.nsucc == 0)
		ring_set_successors(&n->ring, c, NULL, 0);   /* we were alone: c closes the ring */
	if (!n->ring.has_pred ||
	    ring_in_oo(RING_POS(c, n->hot.m), RING_POS(&n->ring.pred, n->hot.m), n->ring.self_pos)) {
		n->ring.pred = *c;
		n->ring.has_pred = 1;
		return;
	}
	if (memcmp(c->id, n->ring.pred.id, THEMIS_ID_LEN) == 0)
		return;
	/* c is not between our predecessor and us: it replaces it only if the predecessor is
	 * dead (Zave's rectify); ask the predecessor first. */
	n->rect_cand = *c;
	n->has_rect_cand = 1;
	dht_check_pred(n, now);
}

void dht_on_update(themis_node *n, peer *p, uint64_t req_id, uint64_t now)
{
	msg_lists *m = calloc(1, sizeof *m);
	ring_node c;

	if (!m)
		return;
	dht_peer_node(p, &c);
	/* A caller that left through us (its UPDATE was on its way, or retransmitted) gets the
	 * answer of a node outside any ring, and nothing changes here. A node that is leaving
	 * takes no predecessor and hands nothing back, but names its successors (kind 0): the
	 * caller keeps going past us until our LEAVE_TO_PRED comes. Answering it as a node in
	 * no ring made it drop us at once, left it with a list of nodes already gone, and then
	 * it ignored LEAVE_TO_PRED from a node no longer in its list (docs/verify.md). */
	if (n->joined && n->leaving && !dht_departed(n, c.id, now)) {
		dht_add_successors(n, m);
	} else if (n->joined && !dht_departed(n, c.id, now)) {
		const ring_node *after;
		ring_node old = n->ring.pred;
		int had = n->ring.has_pred;
		rectify(n, &c, now);
		/* Remember the nodes behind us other than the predecessor: the caller when it did
		 * not take the place, the old predecessor when it did. On a settled ring only the
		 * predecessor calls, and nothing is kept. */
		if (!n->ring.has_pred || memcmp(c.id, n->ring.pred.id, THEMIS_ID_LEN) != 0)
			dht_near_note(n, &c, now);
		else if (had && memcmp(old.id, c.id, THEMIS_ID_LEN) != 0)
			dht_near_note(n, &old, now);
		/* Our predecessor, and when the caller is not it, first the node nearest after the
		 * caller that we know (it may adopt it as its successor). */
		if (n->ring.has_pred) {
			after = memcmp(c.id, n->ring.pred.id, THEMIS_ID_LEN) == 0 ? NULL :
				dht_near_after(n, RING_POS(&c, n->hot.m), now);
			m->kind = UPDATE_R_PRED;
			if (after && memcmp(after->id, n->ring.pred.id, THEMIS_ID_LEN) != 0) {
				m->kind = UPDATE_R_NEAREST;
				m->nodes[m->nnodes++] = *after;
			}
			m->nodes[m->nnodes++] = n->ring.pred;
		}
		dht_add_successors(n, m);
	}
	dht_respond_with_handoff(n, p, MSG_UPDATE, req_id, m, &c, now);
	free(m);
}

void dht_on_transfer(themis_node *n, peer *p, uint64_t req_id, uint64_t now)
{
	msg_lists *m = calloc(1, sizeof *m);
	ring_node c;

	if (!m)
		return;
	dht_peer_node(p, &c);
	dht_respond_with_handoff(n, p, MSG_TRANSFER, req_id, m, &c, now);
	free(m);
}

static void transfer_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	msg_lists *m;

	(void)op_id;
	if (n->transfers)
		n->transfers--;
	if (!resp) {
		dht_leave_resume(n, now);
		return;
	}
	m = malloc(sizeof *m);
	if (!m || msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) != 0) {
		if (m)
			node_drop(n, THEMIS_DROP_MALFORMED);
		free(m);
		dht_leave_resume(n, now);
		return;
	}
	pub_accept_records(n, m->rec, m->nrec, now);
	if (m->more && m->nrec && n->leaving != LEAVE_HANDED)
		ask_transfer(n, p, now);
	free(m);
	dht_leave_resume(n, now);
}

/* ---- ring unification (heal.c) -------------------------------------------------------------- */

/* The answer to an UPDATE that heal.c sent to a node of another ring: the ring information
 * is not ours to copy (that node is not our successor), but the records it handed over
 * with its answer are ours now (they left its table). */
static void notify_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	msg_lists *m;

	(void)op_id;
	if (!resp || !(m = update_answer(n, resp)))
		return;
	if (m->nrec)
		pub_accept_records(n, m->rec, m->nrec, now);
	if (m->more)
		ask_transfer(n, p, now);
	free(m);
}

void dht_notify(themis_node *n, const ring_node *s, uint64_t now)
{
	(void)req_send(n, s->id, &s->addr, MSG_UPDATE, NULL, 0, notify_cb, 0, now);
}

void dht_on_get_succ(themis_node *n, peer *p, uint64_t req_id, uint64_t now)
{
	msg_lists *m = calloc(1, sizeof *m);
	uint8_t out[FRAME_BODY_MAX];
	size_t written;
	int len;

	if (!m)
		return;
	if (n->joined && !n->leaving) {   /* a leaving node is nobody's successor: never adopted */
		m->nodes[m->nnodes++] = n->ring.self;
		dht_add_successors(n, m);
	}
	len = msg_lists_encode(out, sizeof out, m, &written);
	free(m);
	if (len >= 0)
		req_respond(n, p, MSG_GET_SUCC | MSG_RESPONSE, req_id, out, (size_t)len, now);
}
