/* join.c: JOIN (paper, 6.1 Join; Zave: a joiner copies its successor's list and has no
 * predecessor), the joiner's side and the answer to it.
 */
#include <stdlib.h>
#include <string.h>

#include "dht.h"
#include "heal.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "req.h"

/* ---- JOIN ---------------------------------------------------------------------------------- */

static void join_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);

enum { JOIN_TRIES = 6 };

/* A lookup into a ring that is still converging can run out of candidates (a successor
 * pointer not yet updated sends it back to nodes already asked): try again a stabilization
 * period later, a few times, before giving up. */
static void join_later(themis_node *n, op *o, uint64_t now)
{
	if (++o->phase >= JOIN_TRIES) {
		op_finish(n, o, 0, now);
		return;
	}
	o->wake_at = now + (n->hot.stabilize_ns ? n->hot.stabilize_ns : n->hot.req_timeout_ns);
}

void dht_join_retry(themis_node *n, op *o, uint64_t now)
{
	lookup_start(n, o, n->self.id, &o->boot, now);
}

void dht_owner_found(themis_node *n, op *o, int ok, uint64_t now)
{
	if (o->kind == OPK_FINGER) {
		if (ok && memcmp(o->owner.id, n->self.id, THEMIS_ID_LEN) != 0)
			ring_finger_add(&n->ring, &o->owner);
		n->fixing = 0;
		op_finish(n, o, ok, now);
		return;
	}
	/* JOIN: the lookup of our own position ended at our successor-to-be. */
	if (ok && (ring_cmp(RING_POS(&o->owner, n->hot.m), n->ring.self_pos) == 0 ||
		   memcmp(o->owner.id, n->self.id, THEMIS_ID_LEN) == 0)) {
		op_finish(n, o, 0, now);   /* a node already has our position */
		return;
	}
	if (!ok) {
		join_later(n, o, now);
		return;
	}
	o->msgs++;
	if (req_send(n, o->owner.id, &o->owner.addr, MSG_JOIN, NULL, 0, join_cb, o->id, now) != 0)
		op_finish(n, o, 0, now);
}

static void join_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	op *o = op_get(n, op_id);
	msg_lists *m;

	(void)p;
	if (!o)
		return;
	if (!resp) {
		/* The node we asked never answered. It was named to us (FIND_SUCC, or a refusal
		 * naming the next node), not confirmed alive by an answer of its own, and the
		 * failure path has just dropped it from our tables: look again a little later,
		 * as when a lookup runs out of candidates, rather than fail the join. */
		join_later(n, o, now);
		return;
	}
	m = malloc(sizeof *m);
	if (!m || msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) != 0) {
		if (m)
			node_drop(n, THEMIS_DROP_MALFORMED);
		free(m);
		op_finish(n, o, 0, now);
		return;
	}
	if (m->kind == ST_OK && m->nnodes > 0 && memcmp(m->nodes[0].id, o->owner.id, THEMIS_ID_LEN) == 0) {
		/* Zave: copy the successor's list; no predecessor until someone notifies us. */
		ring_set_successors(&n->ring, NULL, m->nodes, m->nnodes);
		n->ring.has_pred = 0;
		n->joined = 1;
		n->t_stabilize = now;
		n->t_fix_fingers = now + n->hot.fix_fingers_ns;
		n->fix_postponed = 0;
		memset(n->fix_succ, 0, THEMIS_ID_LEN);   /* joining counts as a move: see neighbours_moved */
		memset(n->fix_pred, 0, THEMIS_ID_LEN);
		n->t_check_pred = now + n->hot.check_pred_ns;
		heal_joined(n);
		pub_rejoined(n, now);
		free(m);
		op_finish(n, o, 1, now);
		return;
	}
	if (m->kind == ST_NOT_RESPONSIBLE) {
		/* The ring moved under us: a node joined between us and the one we asked. Its
		 * answer names the nearest node after us it knows; ask that one next (each step
		 * strictly closer, at most lookup_max_hops in all; only the owner's own ST_OK
		 * counts). With none, look again a little later. */
		const ring_node *next = NULL;
		uint8_t d[RING_POS_LEN], db[RING_POS_LEN], owner[RING_POS_LEN], cpos[RING_POS_LEN];
		ring_node_pos(&o->owner, n->hot.m, owner);
		for (uint32_t i = 0; i < m->nnodes; i++) {
			if (!ring_in_oo(ring_node_pos(&m->nodes[i], n->hot.m, cpos), n->ring.self_pos, owner))
				continue;
			ring_dist(d, n->ring.self_pos, cpos);
			if (!next || ring_cmp(d, db) < 0) {
				next = &m->nodes[i];
				memcpy(db, d, sizeof db);
			}
		}
		if (next && o->lk.hops < n->hot.lookup_max_hops) {
			o->owner = *next;
			o->lk.hops++;
			o->msgs++;
			free(m);
			if (req_send(n, o->owner.id, &o->owner.addr, MSG_JOIN, NULL, 0, join_cb, o->id, now) != 0)
				join_later(n, o, now);
			return;
		}
		free(m);
		join_later(n, o, now);
		return;
	}
	free(m);
	op_finish(n, o, 0, now);
}

int64_t themis_join(themis_node *n, const themis_peer *bootstrap, uint64_t now)
{
	ring_node first;
	op *o;

	if (n->joined)
		return THEMIS_ESTATE;
	/* Refused before an op exists: a refusal emits no OP_DONE and spends no op id. */
	if (bootstrap && memcmp(bootstrap->id, n->self.id, THEMIS_ID_LEN) == 0)
		return THEMIS_EINVAL;
	o = op_new(n, THEMIS_OP_JOIN, 0, now);
	if (!o)
		return THEMIS_EFULL;
	if (!bootstrap) {
		/* The first node: a ring of one. */
		n->joined = 1;
		heal_joined(n);
		n->ring.nsucc = 0;
		n->ring.has_pred = 0;
		o->owner = n->ring.self;
		o->have_owner = 1;
		int64_t id = (int64_t)o->id;
		op_finish(n, o, 1, now);
		return id;
	}
	ring_node_make(&first, bootstrap->id, &bootstrap->addr);
	o->boot = first;
	int64_t id = (int64_t)o->id;
	lookup_start(n, o, n->self.id, &first, now);
	return id;
}

void dht_on_join(themis_node *n, peer *p, uint64_t req_id, uint64_t now)
{
	msg_lists *m = calloc(1, sizeof *m);
	uint8_t out[FRAME_BODY_MAX];
	ring_node c;
	uint8_t cpos[RING_POS_LEN];
	const ring_node *known;
	size_t written;
	int len;

	if (!m)
		return;
	dht_peer_node(p, &c);
	ring_node_pos(&c, n->hot.m, cpos);
	dht_gone_forget(n, c.id);   /* it left and comes back: a member like any other again */
	if (!n->joined) {
		m->kind = ST_NOT_RESPONSIBLE;
	} else if (n->leaving) {
		/* Leaving, we are nobody's successor: the joiner looks again a moment later,
		 * when the ring no longer names us. */
		m->kind = ST_NOT_RESPONSIBLE;
	} else if ((known = ring_find_pos(&n->ring, cpos)) && memcmp(known->id, c.id, THEMIS_ID_LEN) != 0) {
		m->kind = ST_COLLISION;   /* docs/protocol.md, Names: colliding positions cannot both join */
	} else if (n->ring.nsucc == 0 || (!n->ring.has_pred && dht_responsible(n, cpos)) ||
		   (n->ring.has_pred &&
		    (ring_in_oo(cpos, RING_POS(&n->ring.pred, n->hot.m), n->ring.self_pos) ||
		     memcmp(c.id, n->ring.pred.id, THEMIS_ID_LEN) == 0))) {
		m->kind = ST_OK;
		m->nodes[m->nnodes++] = n->ring.self;
		dht_add_successors(n, m);
		if (m->nnodes > n->ring.r)
			m->nnodes = (uint8_t)n->ring.r;
	} else {
		/* The caller lies before our predecessor (or, with none yet, before the nearest
		 * node we know behind us): name the nearest node after it we know, the next one
		 * it should ask. */
		const ring_node *after = dht_near_after(n, cpos, now);
		m->kind = ST_NOT_RESPONSIBLE;
		if (after)
			m->nodes[m->nnodes++] = *after;
	}
	len = msg_lists_encode(out, sizeof out, m, &written);
	free(m);
	if (len >= 0)
		req_respond(n, p, MSG_JOIN | MSG_RESPONSE, req_id, out, (size_t)len, now);
}
