/* heal.c: partitions and ring unification (docs/dht.md, "Partitions and ring unification").
 * Chord's rules, and P. Zave's corrections of them, assume that a node declared dead stays
 * dead. A network partition breaks that: each side declares the other dead and goes on as a
 * ring of its own, and when the network comes back nothing in stabilization ever looks at the
 * other side again. Two remedies live here:
 *
 * - An orphan, a joined node that has lost every entry of its successor list (and every
 *   finger and its predecessor, which the failure path falls back on), knows it is out of any
 *   ring: it stops answering as if it owned the whole ring (it reports itself not joined, so
 *   FIND gets FIND_GONE and GET_SUCC an empty list) and rejoins through the first node it
 *   still knows that answers as a ring member. Should none answer for ORPHAN_ALONE_PERIODS
 *   (or one answer that it is in no ring either and has a larger id: two orphans must not
 *   wait for each other) it starts a ring of its own, like a first node, and keeps probing
 *   (the merge below).
 *
 * - Ring unification, after Shafaat, Ghodsi and Haridi ("Handling network partitions and
 *   mergers in structured overlay networks", P2P 2007): a node keeps the nodes it declared
 *   dead, for a while, in a bounded passive list and probes one of them now and then with
 *   GET_SUCC. A former member that answers as a ring member is fed to our successor
 *   pointer like any node named in an UPDATE answer: adopted when it lies between us and our
 *   successor, and only because it answered (Zave). One such pointer from one ring into the
 *   other makes the first ring an appendage of the second's cycle, and ordinary
 *   stabilization zips the two together; since every node probes its own dead successors, the zipping starts at
 *   many places at once. When neither it nor its successors lie between us and our
 *   successor, a lookup of our own position in its ring tells whether it shares our ring:
 *   when that ring's owner of our position lies beyond our successor, it has never heard of
 *   us, and we notify that owner (an UPDATE), which takes us for its predecessor: a pointer
 *   from its ring into ours.
 *
 * Nothing here adds a message: GET_SUCC, FIND, JOIN and UPDATE are used as they are.
 * Records written on either side during the partition reach their owner in the merged ring
 * through the handoff that every UPDATE answer carries to a closer predecessor, and those far
 * from their owner by lookup (relocate.c).
 */
#include <stdlib.h>
#include <string.h>

#include "heal.h"
#include "dht.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "req.h"

enum {
	PASSIVE_MAX = 32,             /* nodes remembered as dead (or handed to us as hints) */
	PASSIVE_TTL_PERIODS = 3600,   /* forgotten this many stabilization periods after */
	PROBE_PERIODS = 2,            /* a probe round every this many periods */
	PROBE_BACKOFF_MAX = 8,        /* a node that keeps failing is probed every 8 rounds */
	ORPHAN_ALONE_PERIODS = 30,    /* an orphan that reaches nobody starts a ring of its own */
};

typedef struct heal_entry {
	ring_node rn;
	uint64_t since;       /* declared dead, or handed to us as a hint: the time it expires from */
	uint64_t next_probe;  /* not probed again before */
	uint32_t backoff;     /* probe rounds to wait after a probe that found no ring member */
} heal_entry;

struct heal {
	heal_entry *e;
	uint32_t n, alloc;
	uint64_t t_probe;     /* next probe round; UINT64_MAX: nothing to probe */
	uint64_t orphan_since;
	uint64_t rejoin_op;   /* an orphan's rejoin in progress (op id), 0 when none */
	uint8_t probing;      /* a probe is out: one at a time */
	uint8_t orphan;       /* lost every successor and not yet back in a ring */
};

/* Heal runs with ring maintenance: a node whose stabilization is off (the simulator's static
 * rings) never probes. */
static uint64_t period(const themis_node *n)
{
	return n->hot.stabilize_ns;
}

static struct heal *heal_get(themis_node *n)
{
	if (!n->heal) {
		n->heal = calloc(1, sizeof *n->heal);
		if (n->heal)
			n->heal->t_probe = UINT64_MAX;
	}
	return n->heal;
}

void heal_free(themis_node *n)
{
	if (!n->heal)
		return;
	free(n->heal->e);
	free(n->heal);
	n->heal = NULL;
}

int heal_orphaned(const themis_node *n)
{
	return n->heal && n->heal->orphan && !n->joined;
}

void heal_joined(themis_node *n)
{
	if (n->heal)
		n->heal->orphan = 0;   /* at once: a leave right after must not find it set */
}

static heal_entry *entry_find(struct heal *h, const uint8_t id[THEMIS_ID_LEN])
{
	for (uint32_t i = 0; i < h->n; i++)
		if (memcmp(h->e[i].rn.id, id, THEMIS_ID_LEN) == 0)
			return &h->e[i];
	return NULL;
}

static void entry_remove(struct heal *h, const uint8_t id[THEMIS_ID_LEN])
{
	heal_entry *e = entry_find(h, id);

	if (e)
		*e = h->e[--h->n];
}

/* A probe round is due at most one round from now. */
static void schedule(themis_node *n, struct heal *h, uint64_t now)
{
	uint64_t t = now + PROBE_PERIODS * period(n);

	if (h->t_probe > t)
		h->t_probe = t;
}

/* Remember rn (declared dead, or a hint). When the list is full, an expired entry gives way,
 * else the one farthest clockwise from us: the nodes just after us are the ones a merge
 * needs first (our old successors). */
static void remember(themis_node *n, const ring_node *rn, uint64_t now)
{
	struct heal *h;
	heal_entry *e;

	if (!period(n) || memcmp(rn->id, node_id(n), THEMIS_ID_LEN) == 0 || !(h = heal_get(n)))
		return;
	if ((e = entry_find(h, rn->id)) != NULL) {
		e->rn.addr = rn->addr;   /* keeps its time: a node probed in vain never lives longer */
		return;
	}
	if (h->n < PASSIVE_MAX &&
	    node_grow((void **)&h->e, &h->alloc, h->n + 1, PASSIVE_MAX, sizeof *h->e) == 0) {
		e = &h->e[h->n++];
	} else if (h->n) {
		uint8_t d[RING_POS_LEN], dw[RING_POS_LEN];
		uint32_t worst = 0;
		for (uint32_t i = 0; i < h->n; i++) {
			if (h->e[i].since + PASSIVE_TTL_PERIODS * period(n) <= now) {
				worst = i;
				break;
			}
			ring_dist(d, n->ring.self_pos, RING_POS(&h->e[i].rn, n->hot.m));
			ring_dist(dw, n->ring.self_pos, RING_POS(&h->e[worst].rn, n->hot.m));
			if (ring_cmp(d, dw) > 0)
				worst = i;
		}
		e = &h->e[worst];
	} else {
		return;
	}
	e->rn = *rn;
	e->since = now;
	e->next_probe = now;
	e->backoff = 1;
	schedule(n, h, now);
}

void heal_note_dead(themis_node *n, const ring_node *rn, uint64_t now)
{
	remember(n, rn, now);
}

void heal_remember(themis_node *n, const ring_node *rn, uint64_t now)
{
	remember(n, rn, now);
}

int themis_node_remember(themis_node *n, const themis_peer *peers, size_t count, uint64_t now)
{
	ring_node rn;

	if (count && !peers)
		return THEMIS_EINVAL;
	for (size_t i = 0; i < count; i++) {
		ring_node_make(&rn, peers[i].id, &peers[i].addr);
		remember(n, &rn, now);
	}
	return 0;
}

void heal_lost_successors(themis_node *n, uint64_t now)
{
	struct heal *h;

	if (!period(n) || !(h = heal_get(n)))
		return;   /* without ring maintenance a node stays as it is, alone */
	h->orphan = 1;
	h->orphan_since = now;
	n->joined = 0;
	n->has_rect_cand = 0;
	n->nnear = 0;
	h->t_probe = now;   /* look for a way back at once */
}

/* rn would be a better first successor than ours: it lies between us and it (any node does
 * when we have none, alone in a ring of our own). */
static int better_successor(const themis_node *n, const ring_node *rn)
{
	if (memcmp(rn->id, node_id(n), THEMIS_ID_LEN) == 0)
		return 0;
	if (!n->ring.nsucc)
		return 1;
	return ring_in_oo(RING_POS(rn, n->hot.m), n->ring.self_pos, RING_POS(&n->ring.succ[0], n->hot.m));
}

/* list[0] answered GET_SUCC as a ring member with its successors after it: it becomes our
 * first successor when it still lies between us and the present one (the guard of adopt_cb
 * in stabilize.c). Its list is cut where it comes round to us. */
static void adopt(themis_node *n, const ring_node *list, size_t k, uint64_t now)
{
	if (!n->joined || !better_successor(n, &list[0]))
		return;
	for (size_t i = 1; i < k; i++)
		if (memcmp(list[i].id, node_id(n), THEMIS_ID_LEN) == 0)
			k = i;
	ring_set_successors(&n->ring, NULL, list, k);
	n->t_stabilize = now;   /* notify it at once: it takes us for its predecessor */
}

/* An answer to GET_SUCC that lists its sender first: the sender is a ring member. Returns
 * the decoded answer (the caller frees it), or NULL (malformed answers are counted). */
static msg_lists *member_answer(themis_node *n, const peer *p, const wire_frame *resp)
{
	msg_lists *m = malloc(sizeof *m);

	if (!m)
		return NULL;
	if (msg_lists_decode(m, resp->body, resp->bodylen, n->hot.m) != 0 ||
	    (m->nnodes > 0 && memcmp(m->nodes[0].id, p->id, THEMIS_ID_LEN) != 0)) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		free(m);
		return NULL;
	}
	if (m->nnodes == 0) {   /* alive, but in no ring: it left, or it is an orphan itself */
		free(m);
		return NULL;
	}
	return m;
}

static void adopt_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	msg_lists *m;

	(void)op_id;
	if (!resp || !(m = member_answer(n, p, resp)))
		return;
	adopt(n, m->nodes, m->nnodes, now);
	free(m);
}

/* A node named to us as a better successor: adopted only if it answers (Zave). */
static void try_successor(themis_node *n, const ring_node *c, uint64_t now)
{
	(void)req_send(n, c->id, &c->addr, MSG_GET_SUCC, NULL, 0, adopt_cb, 0, now);
}

static int rejoining(themis_node *n, const struct heal *h)
{
	return h->rejoin_op && op_get(n, h->rejoin_op);
}

/* An orphan found a ring member: join again through it (Zave's join: a lookup of our own
 * position, then JOIN to the owner, whose successor list we copy). */
static void rejoin(themis_node *n, struct heal *h, const ring_node *via, uint64_t now)
{
	op *o;

	if (rejoining(n, h) || !(o = op_new(n, OPK_REJOIN, 0, now)))
		return;
	o->boot = *via;
	h->rejoin_op = o->id;
	lookup_start(n, o, node_id(n), via, now);   /* may finish at once */
}

/* A probe that found no ring member: that node waits twice as long (up to a bound) before
 * the next one. */
static void backoff(themis_node *n, struct heal *h, const uint8_t id[THEMIS_ID_LEN], uint64_t now)
{
	heal_entry *e = entry_find(h, id);

	if (!e)
		return;
	e->next_probe = now + (uint64_t)e->backoff * PROBE_PERIODS * period(n);
	if (e->backoff < PROBE_BACKOFF_MAX)
		e->backoff *= 2;
}

/* A remembered node d = list[0] answered as a ring member, its successors after it. */
static void member_found(themis_node *n, struct heal *h, const ring_node *list, size_t k, uint64_t now)
{
	const ring_node *d = &list[0], *c = NULL;
	uint8_t dc[RING_POS_LEN], db[RING_POS_LEN];
	heal_entry *e = entry_find(h, d->id);
	op *o;

	if (e)   /* alive: the next look at it is a merge check, not a liveness probe */
		e->next_probe = now + PROBE_BACKOFF_MAX * PROBE_PERIODS * period(n);
	if (!n->joined) {
		if (h->orphan)
			rejoin(n, h, d, now);
		return;
	}
	/* The nearest of it and its successors that would be a better successor than ours. */
	for (size_t i = 0; i < k; i++) {
		if (!better_successor(n, &list[i]))
			continue;
		ring_dist(dc, n->ring.self_pos, RING_POS(&list[i], n->hot.m));
		if (!c || ring_cmp(dc, db) < 0) {
			c = &list[i];
			memcpy(db, dc, sizeof db);
		}
	}
	if (c == d) {
		adopt(n, list, k, now);   /* it has just answered: no second question */
		entry_remove(h, d->id);
		return;
	}
	if (c) {
		try_successor(n, c, now);
		return;
	}
	if (ring_find_id(&n->ring, d->id)) {
		entry_remove(h, d->id);   /* back in our tables: it is in our ring */
		return;
	}
	/* Does its ring know us? Look our own position up there, starting at it. */
	if (!(o = op_new(n, OPK_MERGE, 0, now)))
		return;
	o->boot = *d;
	lookup_start(n, o, node_id(n), d, now);   /* ends in heal_merge_found */
}

void heal_merge_found(themis_node *n, op *o, int ok, uint64_t now)
{
	struct heal *h = n->heal;
	ring_node s = o->owner, via = o->boot;

	op_finish(n, o, ok, now);
	if (!ok || !h || !n->joined)
		return;
	if (memcmp(s.id, node_id(n), THEMIS_ID_LEN) == 0 ||
	    (n->ring.nsucc && memcmp(s.id, n->ring.succ[0].id, THEMIS_ID_LEN) == 0)) {
		/* Its ring routes our position to us, or to our own successor (its predecessor
		 * has not heard of us yet, and our stabilize tells it): one ring. */
		entry_remove(h, via.id);
		return;
	}
	if (better_successor(n, &s)) {
		try_successor(n, &s, now);
		return;
	}
	/* The owner of our position there lies beyond our successor: that ring knows neither
	 * us nor our successor. Tell the owner we lie just before it; it takes us for its
	 * predecessor, and its old predecessor, told of us by its next stabilize, adopts us:
	 * a pointer from that ring into ours. */
	dht_notify(n, &s, now);
}

/* An orphan that reaches no ring member starts a ring of its own, as a first node does; the
 * probes merge it with any other ring that answers later. */
static void go_alone(themis_node *n, struct heal *h, uint64_t now)
{
	h->orphan = 0;
	n->joined = 1;
	n->ring.nsucc = 0;
	n->ring.has_pred = 0;
	pub_rejoined(n, now);   /* held here until the merge, then relocated to their owners */
}

static void probe_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	struct heal *h = n->heal;
	msg_lists *m;

	(void)op_id;
	if (!h)
		return;
	h->probing = 0;
	if (!resp || !(m = member_answer(n, p, resp))) {
		backoff(n, h, p->id, now);
		/* Alive but in no ring, like us: two orphans (a ring of two cut in half) would
		 * wait for each other until the give-up time. The one with the smaller id starts
		 * a ring at once and the other rejoins through it. */
		if (resp && h->orphan && !n->joined && !rejoining(n, h) &&
		    memcmp(node_id(n), p->id, THEMIS_ID_LEN) < 0)
			go_alone(n, h, now);
		return;
	}
	member_found(n, h, m->nodes, m->nnodes, now);
	free(m);
}

/* The next node to probe: among those due, the nearest one that would be a better
 * successor than ours (an old successor: the place where a merge starts), else the one
 * waiting longest. */
static heal_entry *pick(themis_node *n, struct heal *h, uint64_t now)
{
	heal_entry *best = NULL, *oldest = NULL;
	uint8_t d[RING_POS_LEN], db[RING_POS_LEN];

	for (uint32_t i = 0; i < h->n; i++) {
		heal_entry *e = &h->e[i];
		if (e->next_probe > now)
			continue;
		if (n->joined && better_successor(n, &e->rn)) {
			ring_dist(d, n->ring.self_pos, RING_POS(&e->rn, n->hot.m));
			if (!best || ring_cmp(d, db) < 0) {
				best = e;
				memcpy(db, d, sizeof db);
			}
		}
		if (!oldest || e->next_probe < oldest->next_probe)
			oldest = e;
	}
	return best ? best : oldest;
}

static void expire(themis_node *n, struct heal *h, uint64_t now)
{
	for (uint32_t i = 0; i < h->n;) {
		if (h->e[i].since + PASSIVE_TTL_PERIODS * period(n) <= now)
			h->e[i] = h->e[--h->n];
		else
			i++;
	}
}

uint64_t heal_next_deadline(const themis_node *n)
{
	return n->heal ? n->heal->t_probe : UINT64_MAX;
}

void heal_on_timeout(themis_node *n, uint64_t now)
{
	struct heal *h = n->heal;
	heal_entry *e;

	if (!h || now < h->t_probe)
		return;
	expire(n, h, now);
	if (h->orphan && !rejoining(n, h) &&
	    now >= h->orphan_since + ORPHAN_ALONE_PERIODS * period(n)) {
		/* Nobody we know answers as a ring member. */
		go_alone(n, h, now);
	}
	if ((!h->n && !h->orphan) || (!n->joined && !h->orphan)) {
		h->t_probe = UINT64_MAX;   /* nothing to probe, or out of any ring by choice */
		return;
	}
	h->t_probe = now + (h->orphan ? 1 : PROBE_PERIODS) * period(n);
	if (h->probing || rejoining(n, h) || !(e = pick(n, h, now)))
		return;
	if (req_send(n, e->rn.id, &e->rn.addr, MSG_GET_SUCC, NULL, 0, probe_cb, 0, now) == 0)
		h->probing = 1;
	else
		backoff(n, h, e->rn.id, now);
}
