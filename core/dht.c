/* dht.c: ring membership and maintenance (paper, 6.1 Join, Update, Leave) with P. Zave's
 * corrections ("Reasoning about identifier spaces: how to make Chord correct", TSE 2017): a
 * joiner copies its successor's list and has no predecessor; stabilize drops a dead first
 * successor and adopts its successor's predecessor only if that node answers; rectify checks
 * the current predecessor before replacing it; every adoption follows an authenticated
 * answer. Also the responder side of JOIN, UPDATE, LEAVE, GET_SUCC and TRANSFER.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "node.h"

int dht_init(themis_node *n)
{
	ring_node self;

	ring_node_make(&self, n->self.id, &n->cfg.self);
	return ring_init(&n->ring, &self, n->hot.m, n->cfg.succ_len, n->cfg.max_fingers);
}

/* ---- nodes behind us ------------------------------------------------------------------------
 * The nodes that lately sent us UPDATE took us for their successor: they lie before us. When many nodes join the same gap at once they all start with the same successor
 * and, told only its predecessor, would walk back through the gap one adoption (and one
 * handshake) at a time. Remembering a few of them lets an UPDATE answer name the node nearest
 * after the caller that we know, so the caller jumps close to its true successor at once. The
 * caller still adopts it only after it answers (Zave). The list keeps the nodes nearest before
 * us; an entry not heard from for NEAR_TTL stabilization periods is not handed out. */

enum { NEAR_MAX = 16, NEAR_TTL = 16 };

struct near_node {
	ring_node rn;
	uint64_t seen;
};

static uint64_t near_ttl(const themis_node *n)
{
	return NEAR_TTL * (n->hot.stabilize_ns ? n->hot.stabilize_ns : n->hot.req_timeout_ns);
}

static void near_remove(themis_node *n, const uint8_t id[THEMIS_ID_LEN])
{
	for (uint32_t i = 0; i < n->nnear; i++)
		if (memcmp(n->near[i].rn.id, id, THEMIS_ID_LEN) == 0) {
			n->near[i] = n->near[--n->nnear];
			return;
		}
}

/* c took us for its successor: remember it, dropping the stale or the farthest entry when full. */
static void near_note(themis_node *n, const ring_node *c, uint64_t now)
{
	uint8_t cpos[RING_POS_LEN], d[RING_POS_LEN], dw[RING_POS_LEN], dc[RING_POS_LEN];
	uint32_t i, worst = 0;

	if (ring_cmp(ring_node_pos(c, n->hot.m, cpos), n->ring.self_pos) == 0)
		return;
	for (i = 0; i < n->nnear; i++)
		if (memcmp(n->near[i].rn.id, c->id, THEMIS_ID_LEN) == 0) {
			n->near[i].rn = *c;
			n->near[i].seen = now;
			return;
		}
	if (n->nnear < NEAR_MAX) {
		if (node_grow((void **)&n->near, &n->near_alloc, n->nnear + 1, NEAR_MAX, sizeof *n->near) != 0)
			return;
		n->near[n->nnear].rn = *c;
		n->near[n->nnear++].seen = now;
		return;
	}
	/* Full: the entry to give up is a stale one, else the one farthest before us. */
	ring_dist(dc, cpos, n->ring.self_pos);
	for (i = 0; i < n->nnear; i++) {
		if (n->near[i].seen + near_ttl(n) < now) {
			worst = i;
			break;
		}
		ring_dist(d, RING_POS(&n->near[i].rn, n->hot.m), n->ring.self_pos);
		ring_dist(dw, RING_POS(&n->near[worst].rn, n->hot.m), n->ring.self_pos);
		if (ring_cmp(d, dw) > 0)
			worst = i;
	}
	if (i == n->nnear) {
		ring_dist(dw, RING_POS(&n->near[worst].rn, n->hot.m), n->ring.self_pos);
		if (ring_cmp(dc, dw) >= 0)
			return;   /* farther than every entry kept */
	}
	n->near[worst].rn = *c;
	n->near[worst].seen = now;
}

/* Keep c in *best when it lies in (pos, self) nearer after pos than *best (distance in db). */
static void nearer_after(const themis_node *n, const uint8_t pos[RING_POS_LEN], const ring_node *c,
			 const ring_node **best, uint8_t db[RING_POS_LEN])
{
	uint8_t cpos[RING_POS_LEN], d[RING_POS_LEN];

	if (!ring_in_oo(ring_node_pos(c, n->hot.m, cpos), pos, n->ring.self_pos))
		return;
	ring_dist(d, pos, cpos);
	if (!*best || ring_cmp(d, db) < 0) {
		*best = c;
		memcpy(db, d, RING_POS_LEN);
	}
}

/* The node nearest after pos in (pos, self) among every node we know (predecessor, the fresh
 * entries behind us, successors, fingers), or NULL. */
static const ring_node *near_after(const themis_node *n, const uint8_t pos[RING_POS_LEN], uint64_t now)
{
	const ring_node *best = NULL;
	uint8_t db[RING_POS_LEN];

	if (n->ring.has_pred)
		nearer_after(n, pos, &n->ring.pred, &best, db);
	for (uint32_t i = 0; i < n->nnear; i++)
		if (n->near[i].seen + near_ttl(n) >= now)
			nearer_after(n, pos, &n->near[i].rn, &best, db);
	for (uint32_t i = 0; i < n->ring.nsucc; i++)
		nearer_after(n, pos, &n->ring.succ[i], &best, db);
	for (uint32_t i = 0; i < n->ring.nfingers; i++)
		nearer_after(n, pos, &n->ring.fingers[i], &best, db);
	return best;
}

/* ---- nodes that left ----------------------------------------------------------------------
 * A node that handed us its records with LEAVE, or told us with LEAVE that it is going, is
 * remembered for a while as departed. Messages it sent before it began to leave may still be
 * on their way (an UPDATE of its last stabilize round, retransmitted too): taking it back as
 * predecessor on such an UPDATE would hand it back the records it just gave us, and it would
 * carry them out of the ring. So a departed node is never adopted again and never handed
 * records; an UPDATE from it is answered as by a node outside any ring. The mark goes when
 * the node asks to JOIN again (a node may leave and come back with the same identity), or
 * after GONE_TTL stabilization periods, long after any retransmission of the old UPDATE. */

enum { GONE_MAX = 8, GONE_TTL = 16 };

struct gone_node {
	uint8_t id[THEMIS_ID_LEN];
	uint64_t until;
};

static uint64_t gone_ttl(const themis_node *n)
{
	uint64_t stab = GONE_TTL * (n->hot.stabilize_ns ? n->hot.stabilize_ns : n->hot.req_timeout_ns);
	uint64_t retx = 2 * (uint64_t)n->cfg.req_attempts * n->hot.req_timeout_ns;
	return stab > retx ? stab : retx;
}

static void gone_note(themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now)
{
	uint32_t i, oldest = 0;

	if (!n->gone && !(n->gone = calloc(GONE_MAX, sizeof *n->gone)))
		return;
	for (i = 0; i < GONE_MAX; i++) {
		if (memcmp(n->gone[i].id, id, THEMIS_ID_LEN) == 0 || n->gone[i].until <= now)
			break;
		if (n->gone[i].until < n->gone[oldest].until)
			oldest = i;
	}
	if (i == GONE_MAX)
		i = oldest;   /* full of fresh marks: the one nearest its end gives way */
	memcpy(n->gone[i].id, id, THEMIS_ID_LEN);
	n->gone[i].until = now + gone_ttl(n);
}

static void gone_forget(themis_node *n, const uint8_t id[THEMIS_ID_LEN])
{
	for (uint32_t i = 0; n->gone && i < GONE_MAX; i++)
		if (memcmp(n->gone[i].id, id, THEMIS_ID_LEN) == 0)
			n->gone[i].until = 0;
}

int dht_departed(const themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now)
{
	for (uint32_t i = 0; n->gone && i < GONE_MAX; i++)
		if (n->gone[i].until > now && memcmp(n->gone[i].id, id, THEMIS_ID_LEN) == 0)
			return 1;
	return 0;
}

const ring_node *dht_behind_owner(const themis_node *n, const uint8_t pos[RING_POS_LEN], uint64_t now)
{
	uint8_t d[RING_POS_LEN], df[RING_POS_LEN];
	int span = 0;

	/* Only inside the stretch behind us that the fresh entries cover: farther back, the
	 * usual routing forward is the way. */
	if (!n->joined || n->nnear == 0)
		return NULL;   /* nobody took us for their successor lately: no such stretch */
	ring_dist(d, pos, n->ring.self_pos);
	for (uint32_t i = 0; i < n->nnear && !span; i++) {
		if (n->near[i].seen + near_ttl(n) < now)
			continue;
		ring_dist(df, RING_POS(&n->near[i].rn, n->hot.m), n->ring.self_pos);
		span = ring_cmp(d, df) < 0;
	}
	return span ? near_after(n, pos, now) : NULL;
}

void dht_free(themis_node *n)
{
	free(n->memo);
	n->memo = NULL;
	free(n->gone);
	n->gone = NULL;
	free(n->near);
	n->near = NULL;
	n->nnear = n->near_alloc = 0;
	ring_free(&n->ring);
	store_del(n->store);
	n->store = NULL;
	vcache_free(n->verified);
	n->verified = NULL;
	free(n->regs);
	n->regs = NULL;
}

int dht_responsible(const themis_node *n, const uint8_t pos[RING_POS_LEN])
{
	if (!n->joined)
		return 0;
	if (n->ring.nsucc == 0)
		return 1;    /* alone: the whole ring is ours */
	/* every FIND a node answers asks this: with m <= 64 positions are their keys, and the
	 * keys decide without deriving the predecessor's whole position */
	if (n->ring.has_pred && n->hot.m <= 64)
		return ring_key_in_oc(ring_pos_key(pos), ring_id_key(n->ring.pred.id, n->hot.m),
				      ring_pos_key(n->ring.self_pos));
	if (n->ring.has_pred)
		return ring_in_oc(pos, RING_POS(&n->ring.pred, n->hot.m), n->ring.self_pos);
	/* No predecessor yet (just joined, or it died): the nearest node we know before us stands
	 * in for it until someone notifies us. A lookup that reaches us was sent here by our
	 * predecessor's successor pointer; refusing would strand it until the next update. */
	ring_node before;
	if (ring_closest_preceding(&n->ring, n->ring.self_pos, NULL, 0, &before, 1) == 1)
		return ring_in_oc(pos, RING_POS(&before, n->hot.m), n->ring.self_pos);
	return ring_cmp(pos, n->ring.self_pos) == 0;
}

static void peer_node(const peer *p, ring_node *rn)
{
	ring_node_make(rn, p->id, &p->addr);
}

void dht_node_seen(themis_node *n, const ring_node *rn, int joining)
{
	/* A joiner keeps the nodes its join lookup met: until its first finger round (a period
	 * after joining) they are all the routing it has beyond its successors. */
	if (n->joined || joining)
		ring_finger_add(&n->ring, rn);
}

/* The successor list ran dry: fall back on any node we still know, stabilize corrects it. */
static void reseed_successor(themis_node *n)
{
	if (n->ring.nsucc)
		return;
	if (n->ring.nfingers)
		ring_set_successors(&n->ring, &n->ring.fingers[0], NULL, 0);
	else if (n->ring.has_pred)
		ring_set_successors(&n->ring, &n->ring.pred, NULL, 0);
}

void dht_node_failed(themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now)
{
	const ring_node *known = ring_find_id(&n->ring, id);
	ring_node gone;
	int had = n->ring.nsucc > 0, knew = known && known != &n->ring.self;

	if (knew)
		gone = *known;   /* its locator, for the probes that may find it again (heal.c) */
	int was = ring_remove(&n->ring, id);

	near_remove(n, id);
	if ((was & 4) && n->has_rect_cand) {
		/* The old predecessor is dead: the node that asked to replace it gets the place. */
		n->ring.pred = n->rect_cand;
		n->ring.has_pred = 1;
		n->has_rect_cand = 0;
	}
	if (n->has_rect_cand && memcmp(n->rect_cand.id, id, THEMIS_ID_LEN) == 0)
		n->has_rect_cand = 0;
	reseed_successor(n);
	if (knew)
		heal_note_dead(n, &gone, now);
	if (had && !n->ring.nsucc && n->joined && !n->leaving) {
		/* Not one successor left, nor a finger or predecessor to fall back on: we are
		 * out of the ring, not a ring of one. The nodes that lately took us for their
		 * successor are alive; heal.c rejoins through them or the nodes it remembers. */
		for (uint32_t i = 0; i < n->nnear; i++)
			heal_remember(n, &n->near[i].rn, now);
		heal_lost_successors(n, now);
	}
	if (was & 2)
		n->t_stabilize = now;   /* a new first successor: check it at once */
}

/* ---- list answers ------------------------------------------------------------------------ */

/* Encode m, filling its records with handed-off ones taken from (lo, hi] while they fit. */
static int encode_with_handoff(themis_node *n, msg_lists *m, const uint8_t lo[RING_POS_LEN],
			       const uint8_t hi[RING_POS_LEN], uint8_t *out, size_t cap, uint64_t now)
{
	size_t written = 0, room;
	int len, more = 0;

	m->nrec = 0;
	m->more = 0;
	len = msg_lists_encode(out, cap, m, &written);
	if (len < 0 || !n->store)
		return len;
	store_expire(n->store, now);   /* never hand over what is already dead */
	room = (FRAME_BODY_MAX - (size_t)len) / MSG_RECORD_MAX;
	if (room > MSG_MAX_RECORDS)
		room = MSG_MAX_RECORDS;
	m->nrec = (uint8_t)store_take_range(n->store, lo, hi, m->rec, room, &more);
	m->more = (uint8_t)more;
	rep_keep(n, m->rec, m->nrec);   /* we are the new owner's successor: we keep copies */
	return msg_lists_encode(out, cap, m, &written);
}

static void add_successors(const themis_node *n, msg_lists *m)
{
	for (uint32_t i = 0; i < n->ring.nsucc && m->nnodes < MSG_MAX_NODES; i++)
		m->nodes[m->nnodes++] = n->ring.succ[i];
}

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

static void on_join(themis_node *n, peer *p, uint64_t req_id, uint64_t now)
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
	peer_node(p, &c);
	ring_node_pos(&c, n->hot.m, cpos);
	gone_forget(n, c.id);   /* it left and comes back: a member like any other again */
	if (!n->joined) {
		m->kind = ST_NOT_RESPONSIBLE;
	} else if (n->leaving) {
		/* Leaving, we are nobody's successor: the joiner looks again a moment later,
		 * when the ring no longer names us. */
		m->kind = ST_NOT_RESPONSIBLE;
	} else if ((known = ring_find_pos(&n->ring, cpos)) && memcmp(known->id, c.id, THEMIS_ID_LEN) != 0) {
		m->kind = ST_COLLISION;   /* PROTOCOL.md, Names: colliding positions cannot both join */
	} else if (n->ring.nsucc == 0 || (!n->ring.has_pred && dht_responsible(n, cpos)) ||
		   (n->ring.has_pred &&
		    (ring_in_oo(cpos, RING_POS(&n->ring.pred, n->hot.m), n->ring.self_pos) ||
		     memcmp(c.id, n->ring.pred.id, THEMIS_ID_LEN) == 0))) {
		m->kind = ST_OK;
		m->nodes[m->nnodes++] = n->ring.self;
		add_successors(n, m);
		if (m->nnodes > n->ring.r)
			m->nnodes = (uint8_t)n->ring.r;
	} else {
		/* The caller lies before our predecessor (or, with none yet, before the nearest
		 * node we know behind us): name the nearest node after it we know, the next one
		 * it should ask. */
		const ring_node *after = near_after(n, cpos, now);
		m->kind = ST_NOT_RESPONSIBLE;
		if (after)
			m->nodes[m->nnodes++] = *after;
	}
	len = msg_lists_encode(out, sizeof out, m, &written);
	free(m);
	if (len >= 0)
		req_respond(n, p, MSG_JOIN | MSG_RESPONSE, req_id, out, (size_t)len, now);
}

/* ---- UPDATE (stabilize + notify) -------------------------------------------------------------- */

static void transfer_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);
static void adopt_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);

static void ask_transfer(themis_node *n, const peer *p, uint64_t now)
{
	if (req_send(n, p->id, &p->addr, MSG_TRANSFER, NULL, 0, transfer_cb, 0, now) == 0)
		n->transfers++;
}

static void leave_resume(themis_node *n, uint64_t now);

/* A node we were told of as a better successor did not answer as a ring member: when a
 * successor names it again (its memory of the nodes behind it lags), we take its predecessor. */
static void note_bad_hint(themis_node *n, const uint8_t id[THEMIS_ID_LEN])
{
	memcpy(n->bad_hint, id, THEMIS_ID_LEN);
	n->has_bad_hint = 1;
}

/* An UPDATE_R decoded, or NULL (a malformed one is counted): kind 0 to 2, and at least kind nodes
 * (docs/protocol.md, 12.7). The caller frees it. */
static msg_lists *update_answer(themis_node *n, const wire_frame *resp)
{
	msg_lists *m = malloc(sizeof *m);

	if (m && msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) == 0 && m->kind <= 2 &&
	    m->nnodes >= m->kind)
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
		leave_resume(n, now);   /* a leave may be waiting for this answer */
		return;   /* a dead successor was removed by the failure path; the next round goes on */
	}
	if (!(m = update_answer(n, resp))) {
		leave_resume(n, now);
		return;
	}
	if (n->leaving) {
		/* The UPDATE went out before we began to leave. Records in its answer are ours
		 * to hand on with the rest; the ring news no longer matters to us. */
		if (m->nrec)
			pub_accept_records(n, m->rec, m->nrec, now);
		free(m);
		leave_resume(n, now);
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
	peer_node(p, &s);
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
	/* kind 2: nodes[0] is the node nearest after us that s knows, nodes[1] its predecessor;
	 * the nearer one is tried unless it already failed to answer us (a stale entry), then
	 * the predecessor. */
	for (uint8_t k = 0; k < m->kind; k++) {
		const ring_node *c = &m->nodes[k];
		if (m->kind == 2 && k == 0 && n->has_bad_hint && memcmp(c->id, n->bad_hint, THEMIS_ID_LEN) == 0)
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

static void stabilize(themis_node *n, uint64_t now)
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

static void check_pred(themis_node *n, uint64_t now)
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
	check_pred(n, now);
}

/* ---- handoff answers, kept for a retransmission ------------------------------------------
 * Records handed to a new predecessor travel in an answer (UPDATE_R, TRANSFER_R), and they
 * leave our table when it is sent. An answer can be lost; the requester then sends the same
 * request again, with the same req_id, and a fresh answer would carry nothing: the records
 * would be gone from the ring. So the last few answers that carried records are kept for as
 * long as the requester may retransmit, and a request seen again gets the same bytes (taking
 * records twice is harmless: a store keeps one record per object and storer).
 *
 * An answer can also be lost for good: the requester gave up (a partition began, or it
 * died). So when an entry ends, its records are confirmed: sent once more to the requester,
 * in a RELOCATE that it answers (relocate_confirm). A requester that has them takes the same
 * bytes again as a refresh; one that cannot be reached, or no longer owns them, leaves them
 * with us, outside our range, and relocation finds their owner. */

enum { MEMO_MAX = 4 };

struct handoff_memo {
	ring_node to;          /* the requester */
	uint64_t req_id;
	uint64_t until;        /* 0: free */
	uint8_t type;
	uint16_t len;
	uint8_t body[FRAME_BODY_MAX];
};

static const struct handoff_memo *memo_find(const themis_node *n, const peer *p, uint8_t type,
					    uint64_t req_id, uint64_t now)
{
	for (uint32_t i = 0; n->memo && i < MEMO_MAX; i++) {
		const struct handoff_memo *h = &n->memo[i];
		if (h->until > now && h->req_id == req_id && h->type == type &&
		    memcmp(h->to.id, p->id, THEMIS_ID_LEN) == 0)
			return h;
	}
	return NULL;
}

/* The records of entry h go to its requester once more (see above); the entry is free after. */
static void memo_confirm(themis_node *n, struct handoff_memo *h, uint64_t now)
{
	msg_lists *m = malloc(sizeof *m);

	if (m && msg_lists_decode(m, h->body, h->len, n->hot.m) == 0 && m->nrec)
		relocate_confirm(n, &h->to, m->rec, m->nrec, now);
	free(m);
	h->until = 0;
}

/* Confirm the entries whose requester can no longer retransmit (all of them when we leave:
 * records that come back then go with our own handoff). */
void dht_memo_tick(themis_node *n, int all, uint64_t now)
{
	for (uint32_t i = 0; n->memo && i < MEMO_MAX; i++)
		if (n->memo[i].until && (all || n->memo[i].until <= now))
			memo_confirm(n, &n->memo[i], now);
}

static void memo_keep(themis_node *n, const peer *p, uint8_t type, uint64_t req_id, const uint8_t *body,
		      size_t len, uint64_t now)
{
	uint32_t slot = 0;

	if (!n->memo && !(n->memo = calloc(MEMO_MAX, sizeof *n->memo)))
		return;   /* without memory the answer goes out unkept, as before */
	for (uint32_t i = 1; i < MEMO_MAX; i++)
		if (n->memo[i].until < n->memo[slot].until)
			slot = i;   /* a free entry, or the one that ends first */
	struct handoff_memo *h = &n->memo[slot];
	if (h->until)
		memo_confirm(n, h, now);   /* pushed out before its time: confirmed now */
	peer_node(p, &h->to);
	h->req_id = req_id;
	h->type = type;
	h->len = (uint16_t)len;
	memcpy(h->body, body, len);
	/* every copy of the request arrives within its attempts; twice that, for delays */
	h->until = now + 2 * (uint64_t)n->cfg.req_attempts * n->hot.req_timeout_ns;
}

/* Answer caller c (request type) with m, adding the records c is now responsible for:
 * everything not in (c, self] (paper, 6.1 Update), handed over only to our predecessor. */
static void respond_with_handoff(themis_node *n, peer *p, uint8_t type, uint64_t req_id, msg_lists *m,
				 const ring_node *c, uint64_t now)
{
	uint8_t out[FRAME_BODY_MAX];
	size_t written;
	int len;
	const struct handoff_memo *h = memo_find(n, p, type, req_id, now);

	if (h) {   /* our answer with records was lost: the same answer again */
		req_respond(n, p, type | MSG_RESPONSE, req_id, h->body, h->len, now);
		return;
	}
	if (n->joined && !n->leaving && n->ring.has_pred && memcmp(n->ring.pred.id, c->id, THEMIS_ID_LEN) == 0 &&
	    !dht_departed(n, c->id, now))
		len = encode_with_handoff(n, m, n->ring.self_pos, RING_POS(c, n->hot.m), out, sizeof out, now);
	else
		len = msg_lists_encode(out, sizeof out, m, &written);
	if (len < 0)
		return;
	if (m->nrec)
		memo_keep(n, p, type, req_id, out, (size_t)len, now);
	req_respond(n, p, type | MSG_RESPONSE, req_id, out, (size_t)len, now);
}

static void on_update(themis_node *n, peer *p, uint64_t req_id, uint64_t now)
{
	msg_lists *m = calloc(1, sizeof *m);
	ring_node c;

	if (!m)
		return;
	peer_node(p, &c);
	/* A caller that left through us (its UPDATE was on its way, or retransmitted) gets the
	 * answer of a node outside any ring, and nothing changes here. A node that is leaving
	 * takes no predecessor and hands nothing back, but names its successors (kind 0): the
	 * caller keeps going past us until our LEAVE_TO_PRED comes. Answering it as a node in
	 * no ring made it drop us at once, left it with a list of nodes already gone, and then
	 * it ignored LEAVE_TO_PRED from a node no longer in its list (docs/verify.md). */
	if (n->joined && n->leaving && !dht_departed(n, c.id, now)) {
		add_successors(n, m);
	} else if (n->joined && !dht_departed(n, c.id, now)) {
		const ring_node *after;
		ring_node old = n->ring.pred;
		int had = n->ring.has_pred;
		rectify(n, &c, now);
		/* Remember the nodes behind us other than the predecessor: the caller when it did
		 * not take the place, the old predecessor when it did. On a settled ring only the
		 * predecessor calls, and nothing is kept. */
		if (!n->ring.has_pred || memcmp(c.id, n->ring.pred.id, THEMIS_ID_LEN) != 0)
			near_note(n, &c, now);
		else if (had && memcmp(old.id, c.id, THEMIS_ID_LEN) != 0)
			near_note(n, &old, now);
		/* Our predecessor, and when the caller is not it, first the node nearest after the
		 * caller that we know (it may adopt it as its successor). */
		if (n->ring.has_pred) {
			after = memcmp(c.id, n->ring.pred.id, THEMIS_ID_LEN) == 0 ? NULL :
				near_after(n, RING_POS(&c, n->hot.m), now);
			m->kind = 1;
			if (after && memcmp(after->id, n->ring.pred.id, THEMIS_ID_LEN) != 0) {
				m->kind = 2;
				m->nodes[m->nnodes++] = *after;
			}
			m->nodes[m->nnodes++] = n->ring.pred;
		}
		add_successors(n, m);
	}
	respond_with_handoff(n, p, MSG_UPDATE, req_id, m, &c, now);
	free(m);
}

static void on_transfer(themis_node *n, peer *p, uint64_t req_id, uint64_t now)
{
	msg_lists *m = calloc(1, sizeof *m);
	ring_node c;

	if (!m)
		return;
	peer_node(p, &c);
	respond_with_handoff(n, p, MSG_TRANSFER, req_id, m, &c, now);
	free(m);
}

static void transfer_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	msg_lists *m;

	(void)op_id;
	if (n->transfers)
		n->transfers--;
	if (!resp) {
		leave_resume(n, now);
		return;
	}
	m = malloc(sizeof *m);
	if (!m || msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) != 0) {
		if (m)
			node_drop(n, THEMIS_DROP_MALFORMED);
		free(m);
		leave_resume(n, now);
		return;
	}
	pub_accept_records(n, m->rec, m->nrec, now);
	if (m->more && m->nrec && n->leaving != LEAVE_HANDED)
		ask_transfer(n, p, now);
	free(m);
	leave_resume(n, now);
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

static void on_get_succ(themis_node *n, peer *p, uint64_t req_id, uint64_t now)
{
	msg_lists *m = calloc(1, sizeof *m);
	uint8_t out[FRAME_BODY_MAX];
	size_t written;
	int len;

	if (!m)
		return;
	if (n->joined && !n->leaving) {   /* a leaving node is nobody's successor: never adopted */
		m->nodes[m->nnodes++] = n->ring.self;
		add_successors(n, m);
	}
	len = msg_lists_encode(out, sizeof out, m, &written);
	free(m);
	if (len >= 0)
		req_respond(n, p, MSG_GET_SUCC | MSG_RESPONSE, req_id, out, (size_t)len, now);
}

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

static void leave_resume(themis_node *n, uint64_t now)
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
		add_successors(n, m);
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
	/* From here on no ring maintenance goes out (dht_on_timeout): an UPDATE of ours reaching
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
		add_successors(n, m);
	len = msg_lists_encode(out, sizeof out, m, &written);
	free(m);
	if (len >= 0)
		req_respond(n, p, MSG_LEAVE | MSG_RESPONSE, req_id, out, (size_t)len, now);
}

static void on_leave(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen,
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
	peer_node(p, &l);
	near_remove(n, l.id);   /* never handed out again as a node behind us */
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
			gone_note(n, l.id, now);
		}
	} else {
		int was = ring_remove(&n->ring, l.id);
		gone_note(n, l.id, now);
		if ((was & 2) || n->ring.nsucc == 0)
			ring_set_successors(&n->ring, NULL, m->nodes, m->nnodes);
	}
	leave_answer(n, p, req_id, m, ST_OK, now);
}

void dht_on_request(themis_node *n, peer *p, const wire_frame *f, uint64_t now)
{
	if (f->type != MSG_LEAVE && f->bodylen != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	switch (f->type) {
	case MSG_JOIN:
		on_join(n, p, f->req_id, now);
		break;
	case MSG_UPDATE:
		on_update(n, p, f->req_id, now);
		break;
	case MSG_LEAVE:
		on_leave(n, p, f->req_id, f->body, f->bodylen, now);
		break;
	case MSG_GET_SUCC:
		on_get_succ(n, p, f->req_id, now);
		break;
	default:
		on_transfer(n, p, f->req_id, now);
		break;
	}
}

/* ---- periodic work ------------------------------------------------------------------------ */

/* Refresh one finger: skip the indexes our first successor already answers, look up the
 * first one it does not (one lookup at a time). */
static void fix_fingers(themis_node *n, uint64_t now)
{
	uint8_t start[RING_POS_LEN];
	op *o;

	if (n->fixing || !n->ring.nsucc)
		return;
	for (unsigned tries = 0; tries < n->hot.m; tries++) {
		unsigned i = n->next_finger % n->hot.m;
		n->next_finger = i == 0 ? n->hot.m - 1 : i - 1;
		ring_finger_start(start, n->ring.self_pos, i, n->hot.m);
		if (ring_in_oc(start, n->ring.self_pos, RING_POS(&n->ring.succ[0], n->hot.m))) {
			ring_finger_add(&n->ring, &n->ring.succ[0]);
			continue;
		}
		o = op_new(n, OPK_FINGER, 0, now);
		if (!o)
			return;
		o->finger = i;
		n->fixing = 1;
		lookup_start(n, o, start, NULL, now);
		return;
	}
}

/* Finger lookups cost a handshake with every new node they meet, and while our own successor
 * or predecessor is still changing (many nodes joining around us) the ring they route through
 * is still converging: such a lookup wanders, and its fingers would soon be stale. A finger
 * round is skipped when either neighbour changed since the previous round, at most
 * FIX_POSTPONE_MAX rounds in a row (a node whose neighbours never settle still refreshes). */
enum { FIX_POSTPONE_MAX = 2 };

static int neighbours_moved(themis_node *n)
{
	uint8_t succ[THEMIS_ID_LEN] = { 0 }, pred[THEMIS_ID_LEN] = { 0 };
	int moved;

	if (n->ring.nsucc)
		memcpy(succ, n->ring.succ[0].id, sizeof succ);
	if (n->ring.has_pred)
		memcpy(pred, n->ring.pred.id, sizeof pred);
	moved = memcmp(succ, n->fix_succ, sizeof succ) != 0 || memcmp(pred, n->fix_pred, sizeof pred) != 0;
	memcpy(n->fix_succ, succ, sizeof succ);
	memcpy(n->fix_pred, pred, sizeof pred);
	return moved;
}

static uint64_t due(uint64_t t, uint64_t period)
{
	return period ? t : UINT64_MAX;
}

uint64_t dht_next_deadline(const themis_node *n)
{
	uint64_t t = UINT64_MAX, d;

	if (!n->joined || n->leaving)
		return t;
	d = due(n->t_stabilize, n->hot.stabilize_ns);
	t = d < t ? d : t;
	d = due(n->t_fix_fingers, n->hot.fix_fingers_ns);
	t = d < t ? d : t;
	d = due(n->t_check_pred, n->hot.check_pred_ns);
	return d < t ? d : t;
}

void dht_on_timeout(themis_node *n, uint64_t now)
{
	if (!n->joined || n->leaving)
		return;   /* a leaving node sends no maintenance (see themis_leave) */
	if (n->hot.stabilize_ns && now >= n->t_stabilize) {
		n->t_stabilize = now + n->hot.stabilize_ns;
		stabilize(n, now);
		rep_tick(n, now);
		dht_memo_tick(n, 0, now);
		relocate_tick(n, now);
	}
	if (n->hot.fix_fingers_ns && now >= n->t_fix_fingers) {
		n->t_fix_fingers = now + n->hot.fix_fingers_ns;
		if (neighbours_moved(n) && n->fix_postponed < FIX_POSTPONE_MAX) {
			n->fix_postponed++;
		} else {
			n->fix_postponed = 0;
			fix_fingers(n, now);
		}
	}
	if (n->hot.check_pred_ns && now >= n->t_check_pred) {
		n->t_check_pred = now + n->hot.check_pred_ns;
		check_pred(n, now);
	}
}

/* ---- introspection and the simulator's oracle ----------------------------------------------- */

void themis_node_ring(const themis_node *n, themis_ring_info *out)
{
	memset(out, 0, sizeof *out);
	out->joined = n->joined;
	out->has_pred = n->ring.has_pred;
	if (n->ring.has_pred)
		peer_of(&n->ring.pred, &out->pred);
	out->nsucc = n->ring.nsucc;
	for (uint32_t i = 0; i < n->ring.nsucc; i++)
		peer_of(&n->ring.succ[i], &out->succ[i]);
	out->nfingers = n->ring.nfingers;
	out->records = n->store ? store_count(n->store) : 0;
	out->objects = n->store ? store_objects(n->store) : 0;
	out->copies = rep_count(n);
	out->registrations = n->nregs;
	out->orphaned = heal_orphaned(n);
}

size_t themis_node_fingers(const themis_node *n, themis_peer *out, size_t cap)
{
	size_t k = n->ring.nfingers < cap ? n->ring.nfingers : cap;
	for (size_t i = 0; i < k; i++)
		peer_of(&n->ring.fingers[i], &out[i]);
	return k;
}

size_t themis_node_records(const themis_node *n, const uint8_t obj[THEMIS_ID_LEN], themis_record *out,
			   size_t cap, uint64_t now)
{
	store_record recs[8];
	size_t got = 0, k;
	int more = 1;

	while (n->store && more && got < cap) {
		k = store_get(n->store, obj, now, got, recs, cap - got < 8 ? cap - got : 8, &more);
		if (k == 0)
			break;
		for (size_t i = 0; i < k; i++, got++) {
			memset(&out[got], 0, sizeof out[got]);
			memcpy(out[got].node.id, recs[i].id, THEMIS_ID_LEN);
			out[got].node.addr = recs[i].addr;
			memcpy(out[got].tag, recs[i].tag, recs[i].tag_len);
		}
	}
	return got;
}

int themis_node_set_ring(themis_node *n, const themis_peer *succ, size_t nsucc, const themis_peer *pred,
			 const themis_peer *fingers, size_t nfingers)
{
	ring_node list[RING_MAX_SUCC], rn;

	if (nsucc > RING_MAX_SUCC || (nsucc && !succ) || (nfingers && !fingers))
		return THEMIS_EINVAL;
	for (size_t i = 0; i < nsucc; i++)
		ring_node_make(&list[i], succ[i].id, &succ[i].addr);
	ring_set_successors(&n->ring, NULL, list, nsucc);
	n->ring.has_pred = pred != NULL;
	if (pred)
		ring_node_make(&n->ring.pred, pred->id, &pred->addr);
	/* the whole table at once: allocate it exactly (a million nodes feel the slack) */
	ring_fingers_reserve(&n->ring, nfingers < UINT32_MAX ? (uint32_t)nfingers : UINT32_MAX);
	for (size_t i = 0; i < nfingers; i++) {
		ring_node_make(&rn, fingers[i].id, &fingers[i].addr);
		ring_finger_add(&n->ring, &rn);
	}
	n->joined = 1;
	return 0;
}
