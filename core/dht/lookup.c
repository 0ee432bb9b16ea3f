/* lookup.c: the iterative find of the paper (section 6.1: the requester contacts every hop
 * itself) with its eclipse defence (section 6.2): an answer must bring us strictly closer to
 * the target than the node that gave it; a node that does not, or that times out, is not
 * asked again during this lookup, which goes on from the best remaining candidate, then from
 * the nodes our own tables know, and waits for a live owner that has not yet noticed the death
 * of its predecessor (docs/dht.md, Find). Also the responder's side: answering a FIND from our
 * routing table and object table.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "lookup.h"
#include "dht.h"
#include "heal.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "replica.h"
#include "req.h"

/* The first 8 bytes of an id, as a tag: ids that differ there differ (the whole id is
 * compared only when the tags agree). */
static inline uint64_t id_tag(const uint8_t id[THEMIS_ID_LEN])
{
	uint64_t t;
	memcpy(&t, id, sizeof t);
	return t;
}

/* Where id is among the nodes this lookup asked already, or -1. */
static int bad_index(const lookup *lk, const uint8_t id[THEMIS_ID_LEN])
{
	uint64_t t = id_tag(id);
	for (uint32_t i = 0; i < lk->nbad; i++)
		if (lk->btag[i] == t && memcmp(lk->bad[i], id, THEMIS_ID_LEN) == 0)
			return (int)i;
	return -1;
}

static int is_bad(const lookup *lk, const uint8_t id[THEMIS_ID_LEN])
{
	return bad_index(lk, id) >= 0;
}

/* Asked already, and found gone: it timed out or said it is in no ring. */
static int is_gone(const lookup *lk, const uint8_t id[THEMIS_ID_LEN])
{
	int i = bad_index(lk, id);
	return i >= 0 && (lk->gone >> i & 1);
}

static void mark_bad(lookup *lk, const uint8_t id[THEMIS_ID_LEN])
{
	if (is_bad(lk, id))
		return;
	if (lk->nbad < LK_BAD) {
		lk->btag[lk->nbad] = id_tag(id);
		memcpy(lk->bad[lk->nbad++], id, THEMIS_ID_LEN);
	}
}

/* id may be asked again (it answered before a wait, and the ring has moved since). */
static void unmark_bad(lookup *lk, const uint8_t id[THEMIS_ID_LEN])
{
	int i = bad_index(lk, id);
	uint32_t last = lk->nbad - 1;

	if (i < 0)
		return;
	memcpy(lk->bad[i], lk->bad[last], THEMIS_ID_LEN);
	lk->btag[i] = lk->btag[last];
	lk->gone = (lk->gone & ~(1u << i)) | ((lk->gone >> last & 1u) << i);
	lk->gone &= ~(1u << last);
	lk->nbad--;
}

/* The node just asked is gone. */
static void mark_gone(lookup *lk)
{
	mark_bad(lk, lk->asked.id);
	int i = bad_index(lk, lk->asked.id);
	if (i >= 0)
		lk->gone |= 1u << i;
}

static int known_cand(const lookup *lk, const uint8_t id[THEMIS_ID_LEN])
{
	uint64_t t = id_tag(id);
	for (uint32_t i = 0; i < lk->ncand; i++) {
		uint8_t s = lk->order[i];
		if (lk->ctag[s] == t && memcmp(lk->cand[s].id, id, THEMIS_ID_LEN) == 0)
			return 1;
	}
	for (uint32_t i = 0; i < lk->nowner_cand; i++)
		if (memcmp(lk->owner_cand[i].id, id, THEMIS_ID_LEN) == 0)
			return 1;
	return 0;
}

/* rn (position key rk) lies strictly nearer before the target than the candidate in slot s. */
static int nearer(const themis_node *n, const lookup *lk, const ring_node *rn, uint64_t rk, uint8_t s)
{
	if (lk->exact)
		return lk->key - rk < lk->key - lk->ckey[s];
	return ring_dist_cmp(RING_POS(rn, n->hot.m), RING_POS(&lk->cand[s], n->hot.m), lk->pos) < 0;
}

/* Insert rn among the candidates, kept sorted by clockwise distance to the target (closest
 * preceding first; among equals, the earlier first); when full, a candidate farther than all
 * others is not kept, else the farthest one gives up its slot. */
static void add_cand(themis_node *n, lookup *lk, const ring_node *rn)
{
	uint32_t i;
	uint8_t s;

	if (memcmp(rn->id, node_id(n), THEMIS_ID_LEN) == 0 || is_bad(lk, rn->id) || known_cand(lk, rn->id))
		return;
	uint64_t rk = ring_id_key(rn->id, n->hot.m);
	/* on a ring of m <= 64 bits every position fits its key */
	if (lk->exact && n->hot.m > 64 && !ring_pos_fits_key(RING_POS(rn, n->hot.m)))
		lk->exact = 0;
	for (i = 0; i < lk->ncand; i++) {
		if (nearer(n, lk, rn, rk, lk->order[i]))
			break;
	}
	if (i == LK_CANDS)
		return;
	if (lk->ncand == LK_CANDS) {
		s = lk->order[--lk->ncand];          /* the farthest: its slot is reused */
	} else {
		s = (uint8_t)__builtin_ctz(lk->free_slots);   /* the lowest free slot */
		lk->free_slots &= (uint8_t)~(1u << s);
	}
	for (uint32_t j = lk->ncand; j > i; j--)
		lk->order[j] = lk->order[j - 1];
	lk->order[i] = s;
	lk->cand[s] = *rn;
	lk->ckey[s] = rk;
	lk->ctag[s] = id_tag(rn->id);
	lk->ncand++;
}

static void add_owner_cand(themis_node *n, lookup *lk, const ring_node *rn)
{
	if (memcmp(rn->id, node_id(n), THEMIS_ID_LEN) == 0 || is_bad(lk, rn->id) ||
	    known_cand(lk, rn->id) || lk->nowner_cand == 2)
		return;
	lk->owner_cand[lk->nowner_cand++] = *rn;
}

static void lookup_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);

/* A designated owner named by an answer (or the backup after it): asked next, or, when it is
 * this node, waited for: another node takes us for the owner while our own tables say
 * otherwise, because our predecessor died and our failure detector has not noticed yet. */
static void name_owner(themis_node *n, lookup *lk, const ring_node *rn)
{
	if (memcmp(rn->id, node_id(n), THEMIS_ID_LEN) == 0) {
		lk->waiting = *rn;
		lk->has_waiting = 1;
		lk->wait_owner = 0;
		return;
	}
	add_owner_cand(n, lk, rn);
}

/* rn is the owner a FIND_SUCC named (or the backup that took its place). A node whose
 * claim on a stand-in predecessor was not taken for lack of such a naming is asked again at
 * once: its claim stands now (claim_stands). */
static void set_named(themis_node *n, lookup *lk, const ring_node *rn)
{
	name_owner(n, lk, rn);
	memcpy(lk->named, rn->id, THEMIS_ID_LEN);
	lk->has_named = 1;
	if (lk->has_claimant && memcmp(lk->claimant, rn->id, THEMIS_ID_LEN) == 0 && lk->nowner_cand < 2) {
		lk->has_claimant = 0;
		lk->owner_cand[lk->nowner_cand++] = *rn;
	}
}

/* The node just asked was the owner a FIND_SUCC named along with a backup: if it is gone,
 * the backup (the successor after it, the new owner after a leave or a failure) is the next
 * to ask; if it answered, the backup is forgotten. Returns 1 when the backup took its place. */
static int use_backup(themis_node *n, lookup *lk, int gone)
{
	if (!lk->has_backup || memcmp(lk->asked.id, lk->backup_for, THEMIS_ID_LEN) != 0)
		return 0;
	lk->has_backup = 0;
	if (gone)
		set_named(n, lk, &lk->backup);
	return gone;
}

/* The owner of pos when our successor list covers it (ring.h). Naming it directly saves the
 * hops through the successors before it. */
static const ring_node *owner_in_successors(const themis_node *n, const uint8_t pos[RING_POS_LEN])
{
	return ring_owner_in_successors(&n->ring, pos);
}

/* One hop seen, for `themis lookup --trace` (each hop: who, progress, round-trip time). */
static void trace_hop(themis_node *n, const op *o, int progress, uint64_t now)
{
	themis_event ev;

	if (!n->hot.trace_lookups)
		return;
	memset(&ev, 0, sizeof ev);
	ev.kind = THEMIS_EV_LOOKUP_HOP;
	ev.op_id = o->id;
	ev.op = (themis_op_kind)(o->kind <= THEMIS_OP_DISCOVER ? o->kind : THEMIS_OP_FIND);
	ev.ok = progress;
	ev.t_start_ns = o->lk.asked_at;
	ev.t_end_ns = now;
	ev.hops = o->lk.hops;
	ev.chosen = -1;
	peer_of(&o->lk.asked, &ev.owner);
	memcpy(ev.peer, o->lk.asked.id, THEMIS_ID_LEN);
	node_emit(n, &ev);
}

/* More candidates from our own tables, never a node this lookup asked already (is_bad): the
 * owner our successor list names, and the nodes we know closest before the target
 * (successors, fingers). Called when a candidate failed, so the next-closest known node takes
 * its place, and when the candidates ran out. In the latter case, with nothing left before
 * the target, every other node we know is tried too (the predecessor, successors and fingers
 * past the target), farthest from the target last: each answer must still make progress from
 * the position of the node that gives it, so none can lead the lookup backwards. Chord's
 * correctness rests on the successor lists, fingers only make lookups fast: while our
 * successor list holds a live node, this keeps the lookup going. */
static void refill(themis_node *n, lookup *lk, int ran_out)
{
	ring_node near[LK_CANDS];
	const ring_node *owner = owner_in_successors(n, lk->pos);
	size_t k;

	if (owner)
		add_owner_cand(n, lk, owner);
	k = ring_closest_preceding(&n->ring, lk->pos, (const uint8_t (*)[THEMIS_ID_LEN])lk->bad, lk->nbad,
				   near, LK_CANDS);
	for (size_t i = 0; i < k; i++)
		add_cand(n, lk, &near[i]);
	if (!ran_out || lk->ncand || lk->nowner_cand)
		return;
	for (uint32_t i = 0; i < n->ring.nsucc; i++)
		add_cand(n, lk, &n->ring.succ[i]);
	for (uint32_t i = 0; i < n->ring.nfingers; i++)
		add_cand(n, lk, &n->ring.fingers[i]);
	if (n->ring.has_pred)
		add_cand(n, lk, &n->ring.pred);
}

/* The node just asked is gone: it timed out (and has left our tables already, req.c) or says
 * it is in no ring. A designated owner's backup takes its place. A designated owner gone
 * without one leaves the target to a node the one that named it did not name (the last of its
 * list, or us): the candidates left lie farther from the target than that namer and would
 * only lead round the ring, so the lookup waits for the namer instead (step). Any other node
 * is replaced by the next-closest one we know. */
static void asked_gone(themis_node *n, lookup *lk)
{
	mark_gone(lk);
	if (use_backup(n, lk, 1))
		return;
	if (lk->asked_owner && lk->has_waiting) {
		lk->ncand = 0;
		lk->free_slots = (uint8_t)((1u << LK_CANDS) - 1);
		return;
	}
	refill(n, lk, 0);
}

/* We own the target by our own tables. Only a real predecessor settles it when nobody named
 * us: the stand-in a node uses before anyone notified it is good for answering others, not for
 * ending our own lookups without asking (stand_in: another node named us the owner). */
static int own_target(const themis_node *n, const lookup *lk, int stand_in)
{
	return n->joined && (n->ring.nsucc == 0 || n->ring.has_pred || stand_in) &&
	       dht_responsible(n, lk->pos);
}

/* Ask the next candidate, or end the lookup when none is left. */
static void step(themis_node *n, op *o, uint64_t now)
{
	lookup *lk = &o->lk;
	uint8_t body[RING_POS_LEN + 2];
	msg_find mf;
	int len;

	for (;;) {
		if (!lk->nowner_cand && !lk->ncand) {
			/* Nobody left to ask. Our own tables may have caught up meanwhile: the
			 * target may be ours now, our predecessor having died. */
			if (own_target(n, lk, 0)) {
				o->owner = n->ring.self;
				o->have_owner = 1;
				lookup_done(n, o, 1, now);
				return;
			}
			if (lk->has_waiting && lk->waits < LK_WAITS && o->kind != THEMIS_OP_JOIN &&
			    lk->hops < n->hot.lookup_max_hops) {
				/* A live node (or we) will own the target once its failure detector
				 * has noticed the death of the node before it, or names a dead owner
				 * until it notices: ask it again when a failure detection has had time
				 * to run (a join retries on its own terms, join.c). */
				o->wake_at = now + (uint64_t)n->cfg.req_attempts * n->hot.req_timeout_ns;
				return;
			}
			refill(n, lk, 1);
		}
		/* a node asked again is a designated owner only if it was one when it was
		 * waited for (the node that named an owner, or a claimant, is not) */
		lk->asked_owner = lk->nowner_cand != 0 && !lk->again;
		lk->again = 0;
		if (lk->nowner_cand) {
			lk->asked = lk->owner_cand[0];
			memmove(&lk->owner_cand[0], &lk->owner_cand[1], --lk->nowner_cand * sizeof lk->owner_cand[0]);
		} else if (lk->ncand) {
			lk->asked = lk->cand[lk->order[0]];
			lk->free_slots |= (uint8_t)(1u << lk->order[0]);
			memmove(&lk->order[0], &lk->order[1], --lk->ncand);
		} else {
			lookup_done(n, o, 0, now);
			return;
		}
		/* Each node is asked once (a waited-for node aside, which passed the check):
		 * a lookup that cannot remember one more gives up. */
		if (lk->hops >= n->hot.lookup_max_hops || (lk->nbad == LK_BAD && !is_bad(lk, lk->asked.id))) {
			lookup_done(n, o, 0, now);
			return;
		}
		memcpy(mf.target, lk->target, sizeof mf.target);
		mf.offset = 0;
		len = msg_find_encode(body, sizeof body, &mf);
		lk->hops++;
		o->msgs++;
		lk->asked_at = now;
		if (len >= 0 && req_send(n, lk->asked.id, &lk->asked.addr, MSG_FIND, body, (size_t)len,
					 lookup_cb, o->id, now) == 0)
			return;
		mark_bad(lk, lk->asked.id);   /* could not even send: try the next one */
		refill(n, lk, 0);
	}
}

/* Keep the owner's records that are genuine: for this object and, in signed mode, signed by
 * their storer (a ghost record is rejected by whoever receives it, docs/protocol.md). */
static void take_records(themis_node *n, op *o, const msg_lists *m)
{
	o->nrec = 0;
	o->more = m->more;
	for (uint32_t i = 0; i < m->nrec && o->nrec < THEMIS_EV_RECORDS; i++) {
		const store_record *r = &m->rec[i];
		if (memcmp(r->obj, o->lk.target, THEMIS_ID_LEN) != 0 ||
		    !pub_record_genuine(n, r)) {
			n->cnt.records_rejected++;
			continue;
		}
		themis_record *t = &o->rec[o->nrec++];
		memset(t, 0, sizeof *t);
		memcpy(t->node.id, r->id, THEMIS_ID_LEN);
		t->node.addr = r->addr;
		memcpy(t->tag, r->tag, r->tag_len);
	}
}

/* The progress check: x lies strictly between the node that named it and the target. With
 * m <= 64 every position is its key, and keys alone decide (deriving each named node's
 * 256-bit position and comparing was most of what reading an answer cost). */
static int closer(const themis_node *n, const lookup *lk, const ring_node *x, uint64_t akey,
		  const uint8_t asked[RING_POS_LEN])
{
	if (n->hot.m <= 64)
		return ring_key_in_oo(ring_id_key(x->id, n->hot.m), akey, lk->key);
	return ring_in_oo(RING_POS(x, n->hot.m), asked, lk->pos);
}

/* x sits exactly at the target. */
static int at_target(const themis_node *n, const lookup *lk, const ring_node *x)
{
	if (n->hot.m <= 64)
		return ring_id_key(x->id, n->hot.m) == lk->key;
	return memcmp(RING_POS(x, n->hot.m), lk->pos, RING_POS_LEN) == 0;
}

/* The target lies in (asked, x]: x is at or past it, seen from the node that named x. */
static int past_target(const themis_node *n, const lookup *lk, const ring_node *x, uint64_t akey,
		       const uint8_t asked[RING_POS_LEN])
{
	if (n->hot.m <= 64)
		return ring_key_in_oc(lk->key, akey, ring_id_key(x->id, n->hot.m));
	return ring_in_oc(lk->pos, asked, RING_POS(x, n->hot.m));
}

/* A FIND_OWNER that names no predecessor rests on the claimant's stand-in: the nearest node
 * it knows behind itself, standing in for a predecessor it has not got (just joined, or its
 * predecessor died, dht_responsible), which may lie far behind the real one. A node we know at
 * or after the target and before the claimant would own the target in its place: the nearest
 * such node (ourselves included; not one this lookup asked already, which had its say), or
 * NULL when we know none and the claim stands. */
static const ring_node *known_before_claim(const themis_node *n, const lookup *lk)
{
	const ring_state *rs = &n->ring;
	const ring_node *best = NULL;
	uint8_t claim[RING_POS_LEN], d[RING_POS_LEN], db[RING_POS_LEN];
	const ring_node *known[1 + RING_MAX_SUCC + 1];
	size_t nk = 0;

	if (!n->joined)
		return NULL;
	ring_node_pos(&lk->asked, n->hot.m, claim);
	known[nk++] = &rs->self;
	if (rs->has_pred)
		known[nk++] = &rs->pred;
	for (uint32_t i = 0; i < rs->nsucc; i++)
		known[nk++] = &rs->succ[i];
	for (uint32_t i = 0; i < nk + rs->nfingers; i++) {
		const ring_node *x = i < nk ? known[i] : &rs->fingers[i - nk];
		const uint8_t *xp = RING_POS(x, n->hot.m);
		if (memcmp(x->id, lk->asked.id, THEMIS_ID_LEN) == 0 || is_bad(lk, x->id) ||
		    (memcmp(xp, lk->pos, RING_POS_LEN) != 0 && !ring_in_oo(xp, lk->pos, claim)))
			continue;
		ring_dist(d, lk->pos, xp);
		if (!best || ring_cmp(d, db) < 0) {
			best = x;
			memcpy(db, d, RING_POS_LEN);
		}
	}
	return best;
}

/* A FIND_OWNER that names no predecessor (the node just asked claims the target on its
 * stand-in). It stands when we know no node between the target and the claimant, and the
 * claimant is the first node past the target in a successor list (the one whose FIND_SUCC
 * sent us there, or ours): whoever keeps that list would know a live node in between, where
 * the claimant does not. Otherwise the node in between, if we know one, is asked first, and
 * the claimant again after a wait, by when its live predecessor has notified it, or at once
 * should a FIND_SUCC name it meanwhile (set_named). Only a joined asker checks: a joiner
 * knows nobody to compare with, and the node alone in a ring rightly claims it all. */
static int claim_stands(themis_node *n, lookup *lk)
{
	const ring_node *y = known_before_claim(n, lk);
	const ring_node *own = owner_in_successors(n, lk->pos);

	if (!y && ((lk->has_named && memcmp(lk->named, lk->asked.id, THEMIS_ID_LEN) == 0) ||
		   (own && memcmp(own->id, lk->asked.id, THEMIS_ID_LEN) == 0)))
		return 1;
	if (y) {
		/* (ourselves: alive in between, so the claim is wrong; our own tables are
		 * checked whenever the lookup runs out of nodes to ask) */
		if (y != &n->ring.self)
			name_owner(n, lk, y);
	} else {
		memcpy(lk->claimant, lk->asked.id, THEMIS_ID_LEN);
		lk->has_claimant = 1;
	}
	lk->waiting = lk->asked;
	lk->has_waiting = 1;
	lk->wait_owner = 0;
	return 0;
}

static void lookup_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	op *o = op_get(n, op_id);
	lookup *lk;
	msg_lists ml, *m = &ml;   /* on the stack: this is the hot path of every lookup */
	uint8_t asked[RING_POS_LEN];   /* the asked node's position (m > 64 only) ... */
	uint64_t akey;                 /* ... and its key */
	int progress = 0;

	(void)p;
	if (!o)
		return;
	lk = &o->lk;
	if (!resp) {
		/* dead: it has left our tables already (req.c) */
		trace_hop(n, o, 0, now);
		asked_gone(n, lk);
		step(n, o, now);
		return;
	}
	if (msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) != 0 ||
	    (m->nnodes == 0 && m->kind != FIND_NEXT && m->kind != FIND_GONE)) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		mark_bad(lk, lk->asked.id);
		use_backup(n, lk, 1);
		refill(n, lk, 0);
		step(n, o, now);
		return;
	}
	if (m->kind == FIND_GONE) {
		/* "I am not in a ring" (it left, or never joined): it leaves our tables now, so
		 * nobody waits on it later; the lookup goes on at once. */
		trace_hop(n, o, 0, now);
		dht_node_failed(n, lk->asked.id, now);
		asked_gone(n, lk);
		step(n, o, now);
		return;
	}
	use_backup(n, lk, 0);   /* the named owner answered: its own answer decides */
	dht_node_seen(n, &lk->asked, op_is_join(o->kind));
	akey = ring_id_key(lk->asked.id, n->hot.m);
	if (n->hot.m > 64)
		ring_node_pos(&lk->asked, n->hot.m, asked);
	switch (m->kind) {
	case FIND_OWNER:
		/* Only the node we asked can claim to own the target. */
		if (memcmp(m->nodes[0].id, lk->asked.id, THEMIS_ID_LEN) == 0) {
			if (m->nnodes == 1 && n->joined && !claim_stands(n, lk))
				break;
			trace_hop(n, o, 1, now);
			o->owner = lk->asked;
			o->have_owner = 1;
			/* Only a find or a discover hands the records on; checking a signature
			 * nobody reads (a store's, a join's, a finger's lookup) is pure cost. */
			if (o->kind == THEMIS_OP_FIND || o->kind == THEMIS_OP_DISCOVER)
				take_records(n, o, m);
			lookup_done(n, o, 1, now);
			return;
		}
		break;
	case FIND_NODE:
		/* A node the responder knows sits exactly at the target: the owner if it is alive,
		 * which only it can confirm (its FIND_OWNER answer). Routing tables keep dead nodes
		 * until they are repaired, so the claim alone never ends a lookup. */
		if (at_target(n, lk, &m->nodes[0])) {
			add_owner_cand(n, lk, &m->nodes[0]);
			progress = 1;
		}
		break;
	case FIND_SUCC:
		/* The owner lies at or past the target, seen from the node that answered. */
		if (past_target(n, lk, &m->nodes[0], akey, asked)) {
			if ((op_is_join(o->kind) && memcmp(m->nodes[0].id, n->self.id, THEMIS_ID_LEN) != 0) ||
			    o->kind == OPK_MERGE) {
				/* A join asks the named node JOIN at once instead of FIND: the answer is
				 * the same check (it owns our position, or it names the nearest node
				 * after us it knows, strictly closer), and a join into a ring that is
				 * still converging walks back to its successor in a few such steps
				 * rather than wandering through stale successor pointers. A merge
				 * check (heal.c) wants just that name, even when it is ours: the
				 * ring it asks knows us then. */
				trace_hop(n, o, 1, now);
				o->owner = m->nodes[0];
				o->have_owner = 1;
				lookup_done(n, o, 1, now);
				return;
			}
			/* Should the owner it names be gone with nobody left to ask, this node is
			 * asked again after a wait: once its failure detector has run, it names
			 * the live node after the dead one. */
			/* Asked again after a wait, it names the owner it named before, which this
			 * lookup asked then (and which sent us on, or round): while a ring forms,
			 * both may have learnt better meanwhile, so the owner is asked again too. */
			if (lk->waits && memcmp(lk->asked.id, lk->waiting.id, THEMIS_ID_LEN) == 0 &&
			    !is_gone(lk, m->nodes[0].id))
				unmark_bad(lk, m->nodes[0].id);
			lk->waiting = lk->asked;
			lk->has_waiting = 1;
			lk->wait_owner = 0;
			set_named(n, lk, &m->nodes[0]);
			/* the backup, for when that owner turns out to be gone; it too must lie
			 * past the target, seen from the node that answered */
			int backup = m->nnodes > 1 && past_target(n, lk, &m->nodes[1], akey, asked);
			if (is_gone(lk, m->nodes[0].id)) {
				if (backup)   /* the owner now, the one named having died */
					set_named(n, lk, &m->nodes[1]);
			} else if (backup) {
				lk->backup = m->nodes[1];
				memcpy(lk->backup_for, m->nodes[0].id, THEMIS_ID_LEN);
				lk->has_backup = 1;
			}
			progress = 1;
		}
		break;
	case FIND_NEXT:
		/* Nobody between the responder and the target but us, whom it never names: as
		 * far as it knows, we own the target (our predecessor died and we have not
		 * noticed yet, or it did not notify us yet). */
		if (m->nnodes == 0 && n->joined) {
			name_owner(n, lk, &n->ring.self);
			lk->ncand = 0;   /* the others only lead round the ring back to us */
			lk->free_slots = (uint8_t)((1u << LK_CANDS) - 1);
		}
		for (uint32_t i = 0; i < m->nnodes; i++) {
			if (closer(n, lk, &m->nodes[i], akey, asked)) {
				add_cand(n, lk, &m->nodes[i]);
				progress = 1;
			}
		}
		break;
	default:
		node_drop(n, THEMIS_DROP_MALFORMED);
		break;
	}
	trace_hop(n, o, progress, now);
	if (!progress)
		n->cnt.lookups_no_progress++;
	mark_bad(lk, lk->asked.id);   /* asked once: never again in this lookup */
	if (lk->asked_owner && m->kind == FIND_NEXT && progress && lk->gone) {
		/* A designated owner (the first node at or past the target in the successor list
		 * of a node that answered us, or in ours) that does not claim the target and
		 * sends us round the ring instead, in a lookup that has met dead nodes: its
		 * predecessor died and it does not know yet. Nobody else lies between the target
		 * and it, so going round the ring would only come back here: it is asked again
		 * once its failure detector has had time to run. (Without a death in sight, a
		 * stale successor list is the likelier cause, and the nodes it names lead to the
		 * node it missed.) */
		lk->waiting = lk->asked;
		lk->has_waiting = 1;
		lk->wait_owner = 1;
		lk->ncand = 0;
		lk->free_slots = (uint8_t)((1u << LK_CANDS) - 1);
	}
	step(n, o, now);
}

void lookup_start(themis_node *n, op *o, const uint8_t target[THEMIS_ID_LEN], const ring_node *first,
		  uint64_t now)
{
	lookup *lk = &o->lk;
	ring_node near[4];
	size_t k;

	lk->hops = 0;
	lk->ncand = lk->nowner_cand = lk->nbad = lk->has_backup = lk->has_waiting = lk->waits = 0;
	lk->asked_owner = lk->has_named = lk->has_claimant = lk->wait_owner = lk->again = 0;
	lk->gone = 0;
	lk->free_slots = (uint8_t)((1u << LK_CANDS) - 1);
	memcpy(lk->target, target, THEMIS_ID_LEN);
	themis_ring_pos(target, n->hot.m, lk->pos);
	lk->key = ring_pos_key(lk->pos);
	lk->exact = (uint8_t)ring_pos_fits_key(lk->pos);
	o->have_owner = 0;
	if (first) {
		add_cand(n, lk, first);
		step(n, o, now);
		return;
	}
	/* Our own tables first: we may be the owner, or know it is our successor. Only a real
	 * predecessor settles it here: the stand-in a node uses before anyone notified it is
	 * good for answering others, not for ending our own lookups without asking. */
	if (own_target(n, lk, 0)) {
		o->owner = n->ring.self;
		o->have_owner = 1;
		lookup_done(n, o, 1, now);
		return;
	}
	const ring_node *owner = owner_in_successors(n, lk->pos);
	if (owner && (o->kind == THEMIS_OP_STORE || o->kind == OPK_REFRESH) && !o->retried) {
		/* A store needs only the owner's name, and the STORE itself is the question "are
		 * you responsible?": asking a FIND first would only repeat it. A wrong guess is
		 * answered ST_NOT_RESPONSIBLE and the store looks up once more, asking this time. */
		o->owner = *owner;
		o->have_owner = 1;
		lookup_done(n, o, 1, now);
		return;
	}
	if (owner)
		add_owner_cand(n, lk, owner);
	k = ring_closest_preceding(&n->ring, lk->pos, NULL, 0, near, 4);
	for (size_t i = 0; i < k; i++)
		add_cand(n, lk, &near[i]);
	step(n, o, now);
}

void lookup_wake(themis_node *n, op *o, uint64_t now)
{
	lookup *lk = &o->lk;

	if (!lk->has_waiting)
		return;
	lk->waits++;
	if (memcmp(lk->waiting.id, node_id(n), THEMIS_ID_LEN) == 0) {
		/* ourselves: our own tables decide, a stand-in predecessor included, since
		 * another node named us */
		if (own_target(n, lk, 1)) {
			o->owner = n->ring.self;
			o->have_owner = 1;
			lookup_done(n, o, 1, now);
			return;
		}
		step(n, o, now);   /* waits again, or gives up */
		return;
	}
	/* asked once already, and it passed the progress check: only such a node is asked
	 * again, at most LK_WAITS times */
	lk->has_waiting = 0;
	if (lk->nowner_cand < 2) {
		lk->owner_cand[lk->nowner_cand++] = lk->waiting;
		lk->again = !lk->wait_owner && lk->nowner_cand == 1;
	}
	step(n, o, now);
}

void lookup_done(themis_node *n, op *o, int ok, uint64_t now)
{
	/* The lookup is over: a wait it had armed must not wake the op later (a store's own
	 * back-off uses the same timer, and so does a join's retry). */
	o->lk.has_waiting = 0;
	o->wake_at = 0;
	switch (o->kind) {
	case THEMIS_OP_FIND:
		if (ok && memcmp(o->owner.id, node_id(n), THEMIS_ID_LEN) == 0 && n->store) {
			/* We own it: our own records are the answer. */
			store_record recs[THEMIS_EV_RECORDS];
			int more = 0;
			size_t k = store_get(n->store, o->lk.target, now, 0, recs, THEMIS_EV_RECORDS, &more);
			o->nrec = 0;
			for (size_t i = 0; i < k; i++) {
				themis_record *t = &o->rec[o->nrec++];
				memset(t, 0, sizeof *t);
				memcpy(t->node.id, recs[i].id, THEMIS_ID_LEN);
				t->node.addr = recs[i].addr;
				memcpy(t->tag, recs[i].tag, recs[i].tag_len);
			}
			o->more = (uint8_t)more;
		}
		op_finish(n, o, ok, now);
		return;
	case THEMIS_OP_JOIN:
	case OPK_REJOIN:
	case OPK_FINGER:
		dht_owner_found(n, o, ok, now);
		return;
	case OPK_MERGE:
		heal_merge_found(n, o, ok, now);
		return;
	case OPK_RELOCATE:
		relocate_found(n, o, ok, now);
		return;
	default:
		pub_owner_found(n, o, ok, now);
		return;
	}
}

/* ---- answering FIND ---------------------------------------------------------------------- */

void lookup_on_find(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen,
		    uint64_t now)
{
	msg_find mf;
	msg_lists ml, *m = &ml;   /* on the stack, only the counts zeroed: the hot path */
	const ring_node *owner;
	uint8_t pos[RING_POS_LEN];
	uint8_t out[FRAME_BODY_MAX];
	size_t written;
	int len;

	if (msg_find_decode(&mf, body, blen, n->hot.m) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	m->kind = 0;
	m->nnodes = 0;
	m->nrec = 0;
	m->more = 0;
	themis_ring_pos(mf.target, n->hot.m, pos);
	if (!n->joined) {
		m->kind = FIND_GONE;            /* not in a ring: no help to give */
	} else if (dht_responsible(n, pos)) {
		/* A node id is found the same way as an object: its owner is that node itself
		 * while it lives. Answering "I know a node at that position" from a routing
		 * table (the paper's shortcut, FIND_NODE) sent lookups after nodes that had left
		 * or died, so this implementation never sends it (and requesters still accept it
		 * only as a candidate to confirm). */
		int more = 0;
		m->kind = FIND_OWNER;
		m->nodes[m->nnodes++] = n->ring.self;
		if (n->ring.has_pred)
			m->nodes[m->nnodes++] = n->ring.pred;
		if (n->store)
			m->nrec = (uint8_t)store_get(n->store, mf.target, now, mf.offset, m->rec,
						     MSG_MAX_RECORDS, &more);
		/* Just after our range grew (a predecessor died) the copies we held for it are
		 * not yet in the object table (rep_tick moves them): answer from them. */
		if (m->nrec == 0 && n->rep)
			m->nrec = (uint8_t)rep_get_copies(n, mf.target, now, mf.offset, m->rec,
							  MSG_MAX_RECORDS, &more);
		m->more = (uint8_t)more;
	} else if ((owner = owner_in_successors(n, pos)) && memcmp(owner->id, p->id, THEMIS_ID_LEN) != 0) {
		m->kind = FIND_SUCC;
		m->nodes[m->nnodes++] = *owner;
		/* and the successor after it: the owner if the first has just left or died,
		 * which our list may not show yet (a lookup that meets FIND_GONE there goes on
		 * to it instead of running out of candidates) */
		size_t j = (size_t)(owner - n->ring.succ);
		if (j + 1 < n->ring.nsucc && memcmp(n->ring.succ[j + 1].id, p->id, THEMIS_ID_LEN) != 0)
			m->nodes[m->nnodes++] = n->ring.succ[j + 1];
	} else if ((owner = dht_behind_owner(n, pos, now)) && memcmp(owner->id, p->id, THEMIS_ID_LEN) != 0) {
		/* The target lies just behind us, among nodes that lately took us for their
		 * successor (the requester was sent here by a successor pointer not yet updated):
		 * the nearest node we know after the target is the owner candidate. */
		m->kind = FIND_SUCC;
		m->nodes[m->nnodes++] = *owner;
	} else {
		/* most answers on a large ring: encoded straight from the winning entries */
		const ring_node *next[4];
		size_t k = ring_closest_preceding_ref(&n->ring, pos, (const uint8_t (*)[THEMIS_ID_LEN])p->id,
						      1, next, 4);
		len = msg_nodes_encode(out, sizeof out, FIND_NEXT, next, k);
		if (len >= 0)
			req_respond(n, p, MSG_FIND | MSG_RESPONSE, req_id, out, (size_t)len, now);
		return;
	}
	len = msg_lists_encode(out, sizeof out, m, &written);
	if (len >= 0)
		req_respond(n, p, MSG_FIND | MSG_RESPONSE, req_id, out, (size_t)len, now);
}

int64_t themis_find(themis_node *n, const uint8_t target[THEMIS_ID_LEN], uint64_t now)
{
	op *o;
	int64_t id;

	if (!n->joined)
		return THEMIS_ESTATE;
	o = op_new(n, THEMIS_OP_FIND, 0, now);
	if (!o)
		return THEMIS_EFULL;
	memcpy(o->obj, target, THEMIS_ID_LEN);
	id = (int64_t)o->id;
	lookup_start(n, o, target, NULL, now);   /* may finish at once: o is not used after */
	return id;
}
