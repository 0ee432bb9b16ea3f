/* dht.c: ring membership and maintenance (paper, 6.1 Join, Update, Leave) with P. Zave's
 * corrections ("Reasoning about identifier spaces: how to make Chord correct", TSE 2017): a
 * joiner copies its successor's list and has no predecessor; stabilize drops a dead first
 * successor and adopts its successor's predecessor only if that node answers; rectify checks
 * the current predecessor before replacing it; every adoption follows an authenticated
 * answer. This file holds the ring state's life (init, free), the responsibility test, what a
 * node learns from answers and failures, the dispatch of ring requests, the periodic work and
 * the introspection; the nodes around us and list answers are in near.c, JOIN in join.c,
 * UPDATE/check_pred/rectify in stabilize.c, LEAVE in leave.c, handoff answers in memo.c.
 */
#include <stdlib.h>
#include <string.h>

#include "dht.h"
#include "heal.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "replica.h"
#include "req.h"

int dht_init(themis_node *n)
{
	ring_node self;

	ring_node_make(&self, n->self.id, &n->cfg.self);
	return ring_init(&n->ring, &self, n->hot.m, n->cfg.succ_len, n->cfg.max_fingers);
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

void dht_peer_node(const peer *p, ring_node *rn)
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

	dht_near_remove(n, id);
	if ((was & RING_WAS_PRED) && n->has_rect_cand) {
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
	if (was & RING_WAS_FIRST)
		n->t_stabilize = now;   /* a new first successor: check it at once */
}

void dht_on_request(themis_node *n, peer *p, const wire_frame *f, uint64_t now)
{
	if (f->type != MSG_LEAVE && f->bodylen != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	switch (f->type) {
	case MSG_JOIN:
		dht_on_join(n, p, f->req_id, now);
		break;
	case MSG_UPDATE:
		dht_on_update(n, p, f->req_id, now);
		break;
	case MSG_LEAVE:
		dht_on_leave(n, p, f->req_id, f->body, f->bodylen, now);
		break;
	case MSG_GET_SUCC:
		dht_on_get_succ(n, p, f->req_id, now);
		break;
	default:
		dht_on_transfer(n, p, f->req_id, now);
		break;
	}
}

/* ---- periodic work (scheduled by timers.c) ------------------------------------------------ */

/* Refresh one finger: skip the indexes our first successor already answers, look up the
 * first one it does not (one lookup at a time). */
void dht_fix_fingers(themis_node *n, uint64_t now)
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
