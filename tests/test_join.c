/* test_join.c: the join and stabilize mechanics that make many parallel joins converge fast
 * (docs/dht.md, Join and Update), each on a small ring of real nodes on the virtual clock
 * (tnet.h), driven step by step so that every assertion sees the effect of one exchange:
 *
 *  - UPDATE_R kind 2: a successor names the node nearest after the caller it knows (it
 *    remembers the nodes that lately sent it UPDATE), and the caller adopts it in one step;
 *  - a named node that did not answer is skipped next time in favour of the predecessor;
 *  - an UPDATE answer of the wrong shape (kind > 2, fewer nodes than kind) is dropped;
 *  - a late UPDATE answer from a node that is no longer the first successor is ignored;
 *  - a JOIN refused with ST_NOT_RESPONSIBLE names the next node to ask; a node with no
 *    predecessor admits only joiners in the stretch it answers for;
 *  - FIND for a target just behind a node, inside the stretch its remembered senders cover,
 *    is answered FIND_SUCC; a join sends JOIN at once to a node named owner, and when that
 *    node never answers, tries again later instead of failing;
 *  - a joiner keeps the nodes its join lookup met as fingers; the first finger round comes a
 *    period after joining, and rounds are skipped (at most twice in a row) while the
 *    successor or predecessor moves.
 *
 * "stab(i)" runs node i's timers at the current instant with its stabilize due, then carries
 * every datagram: one UPDATE exchange and whatever adoption it starts, and nothing else of
 * node i's (the next UPDATE waits for the next stab or tnet_advance).
 */
#include "tnet.h"

#include "msg.h"
#include "node.h"
/* the DHT layer's internals, which this white-box test reaches into */
#include "dht.h"
#include "heal.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "replica.h"
#include "req.h"

#define NET "join-test"
#define SEC 1000000000ull
#define MS 1000000ull

enum { M = 16, SUCC_LEN = 3 };

static void join_cfg(themis_config *c)
{
	c->m = M;
	c->succ_len = SUCC_LEN;
	c->ttl_ns = 30 * SEC;
	c->max_peers = 64;
	c->req_timeout_ns = 300 * MS;
	c->req_attempts = 3;
	c->hs_retry_ns = 300 * MS;
	c->hs_attempts = 3;
	c->trace_lookups = 1;
}

static const uint8_t *pos_of(tnet *t, int i)
{
	return t->node[i]->ring.self_pos;
}

static const uint8_t *id_of(tnet *t, int i)
{
	return themis_node_id(t->node[i]);
}

/* Every node created so far, sorted by ring position (joined or not). */
static void by_position(tnet *t, int *q)
{
	for (int i = 0; i < t->n; i++)
		q[i] = i;
	for (int a = 1; a < t->n; a++)
		for (int b = a; b > 0 && memcmp(pos_of(t, q[b]), pos_of(t, q[b - 1]), RING_POS_LEN) < 0; b--) {
			int x = q[b];
			q[b] = q[b - 1];
			q[b - 1] = x;
		}
}

/* Every live joined node has the next SUCC_LEN live joined nodes as successors and the
 * previous one as predecessor. */
static int ring_ideal(tnet *t)
{
	int q[TNET_MAX_NODES], idx[TNET_MAX_NODES], k = 0;

	by_position(t, q);
	for (int a = 0; a < t->n; a++)
		if (!t->down[q[a]] && t->node[q[a]]->joined)
			idx[k++] = q[a];
	for (int a = 0; a < k; a++) {
		themis_ring_info ri;
		uint32_t want = (uint32_t)(k - 1) < SUCC_LEN ? (uint32_t)(k - 1) : SUCC_LEN;
		themis_node_ring(t->node[idx[a]], &ri);
		if (ri.nsucc != want)
			return 0;
		for (uint32_t s = 0; s < want; s++)
			if (memcmp(ri.succ[s].id, id_of(t, idx[(a + 1 + (int)s) % k]), 32) != 0)
				return 0;
		if (k > 1 && (!ri.has_pred || memcmp(ri.pred.id, id_of(t, idx[(a + k - 1) % k]), 32) != 0))
			return 0;
	}
	return 1;
}

/* A ring of the given nodes, joined one after the other through the first and settled. */
static void ring_from(tnet *t, const int *members, int k)
{
	themis_peer boot;

	assert_true(themis_join(t->node[members[0]], NULL, t->now) > 0);
	tnet_peer(t, members[0], &boot);
	for (int i = 1; i < k; i++) {
		assert_true(themis_join(t->node[members[i]], &boot, t->now) > 0);
		tnet_pump(t);
		tnet_advance(t, SEC / 2);
	}
	tnet_advance(t, 20 * SEC);
	assert_true(ring_ideal(t));
}

static void join_via(tnet *t, int i, int boot)
{
	themis_peer b;

	tnet_peer(t, boot, &b);
	assert_true(themis_join(t->node[i], &b, t->now) > 0);
	tnet_pump(t);
}

static void stab(tnet *t, int i)
{
	t->node[i]->t_stabilize = t->now;
	themis_node_on_timeout(t->node[i], t->now);
	tnet_pump(t);
}

static const uint8_t *succ0(tnet *t, int i)
{
	assert_true(t->node[i]->ring.nsucc > 0);
	return t->node[i]->ring.succ[0].id;
}

static int joined_ok(tnet *t, int i)
{
	for (int k = t->nev[i] - 1; k >= 0; k--)
		if (t->ev[i][k].kind == THEMIS_EV_OP_DONE && t->ev[i][k].op == THEMIS_OP_JOIN)
			return t->ev[i][k].ok;
	return -1;   /* not finished */
}

static int last_join(tnet *t, int i, themis_event *out)
{
	for (int k = t->nev[i] - 1; k >= 0; k--)
		if (t->ev[i][k].kind == THEMIS_EV_OP_DONE && t->ev[i][k].op == THEMIS_OP_JOIN) {
			*out = t->ev[i][k];
			return 1;
		}
	return 0;
}

/* Nodes i asked FIND during its lookups so far (LOOKUP_HOP events of op kind). */
static int asked_find(tnet *t, int i, themis_op_kind kind, int who)
{
	for (int k = 0; k < t->nev[i]; k++)
		if (t->ev[i][k].kind == THEMIS_EV_LOOKUP_HOP && t->ev[i][k].op == kind &&
		    memcmp(t->ev[i][k].peer, id_of(t, who), 32) == 0)
			return 1;
	return 0;
}

static int has_finger(tnet *t, int i, int f)
{
	themis_peer fp[64];
	size_t n = themis_node_fingers(t->node[i], fp, 64);

	for (size_t k = 0; k < n; k++)
		if (memcmp(fp[k].id, id_of(t, f), 32) == 0)
			return 1;
	return 0;
}

/* ---- capturing one answer to a request a test sends itself ------------------------------ */

static struct {
	int got;
	msg_lists m;
} answer;

static void capture(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	(void)op_id, (void)p, (void)now;
	answer.got = resp ? 1 : -1;
	if (resp)
		assert_int_equal(msg_lists_decode(&answer.m, resp->body, resp->bodylen, n->hot.m), 0);
}

static void ask(tnet *t, int from, int to, uint8_t type, const uint8_t *body, size_t blen)
{
	memset(&answer, 0, sizeof answer);
	assert_int_equal(req_send(t->node[from], id_of(t, to), &t->addr[to], type, body, blen, capture, 0,
				  t->now), 0);
	tnet_pump(t);
	assert_int_equal(answer.got, 1);
}

static void ask_find(tnet *t, int from, int to, const uint8_t target[32])
{
	msg_find mf;
	uint8_t body[64];
	int len;

	memset(&mf, 0, sizeof mf);
	memcpy(mf.target, target, 32);
	len = msg_find_encode(body, sizeof body, &mf);
	assert_true(len > 0);
	ask(t, from, to, MSG_FIND, body, (size_t)len);
}

/* ---- holding datagrams back ---------------------------------------------------------------- */

enum { HOLD_MAX = 32 };

typedef struct hold {
	struct {
		int from, to, on, n;
		tpkt q[HOLD_MAX];
	} link[2];
} hold;

static int hold_tap(void *ctx, tpkt *p)
{
	hold *h = ctx;

	for (int l = 0; l < 2; l++)
		if (h->link[l].on && p->from == h->link[l].from && p->to == h->link[l].to) {
			assert_true(h->link[l].n < HOLD_MAX);
			h->link[l].q[h->link[l].n++] = *p;
			return 1;
		}
	return 0;
}

/* Deliver what link l held, in order, and carry whatever it sets off. */
static void hold_release(tnet *t, hold *h, int l)
{
	int n = h->link[l].n;

	h->link[l].n = 0;
	for (int i = 0; i < n; i++)
		tnet_deliver(t, &h->link[l].q[i]);
	tnet_pump(t);
}

/* ---- the gap layout ------------------------------------------------------------------------ */

/* Eight nodes sorted by position q[0..7]; a ring of q0, q2, q5, q6, q7 leaves the gap
 * (q2, q5) with q3 and q4 outside it and q1 in the gap (q0, q2). Names used below:
 * A = q2, S = q5 its successor, J = q4 and Y = q3 joiners in the gap, W = q1. */
typedef struct gap {
	tnet *t;
	int A, S, J, Y, W;
} gap;

static void gap_new(gap *g)
{
	int q[TNET_MAX_NODES], members[5];

	g->t = tnet_new();
	for (int i = 0; i < 8; i++)
		tnet_add(g->t, NET, join_cfg);
	by_position(g->t, q);
	members[0] = q[0], members[1] = q[2], members[2] = q[5], members[3] = q[6], members[4] = q[7];
	g->A = q[2], g->S = q[5], g->J = q[4], g->Y = q[3], g->W = q[1];
	ring_from(g->t, members, 5);
	assert_memory_equal(succ0(g->t, g->A), id_of(g->t, g->S), 32);
}

/* J joins the gap (A, S) through A and notifies S, which takes it as predecessor; A has not
 * stabilized since, so its successor pointer still names S. */
static void gap_join_j(gap *g)
{
	tnet *t = g->t;

	join_via(t, g->J, g->A);
	assert_int_equal(joined_ok(t, g->J), 1);
	assert_memory_equal(succ0(t, g->J), id_of(t, g->S), 32);
	assert_int_equal(t->node[g->J]->ring.has_pred, 0);
	stab(t, g->J);
	assert_memory_equal(t->node[g->S]->ring.pred.id, id_of(t, g->J), 32);
	assert_memory_equal(succ0(t, g->A), id_of(t, g->S), 32);
}

/* ---- 1. UPDATE_R kind 2 -------------------------------------------------------------------- */

/* A node alone, then four joiners J1..J4 (in ring order after it) admitted at once: all start
 * with the lone node S as successor. They notify S from the farthest (J4) to the nearest
 * (J1). S remembers each caller that does not become its predecessor, and answers the next
 * caller with the nearest of them after it: every joiner adopts its true successor after one
 * UPDATE and one GET_SUCC, where S's predecessor alone (J4) would make J2 and J1 walk back
 * one adoption at a time. */
static void test_update_names_nearest_after_caller(void **state)
{
	(void)state;
	tnet *t = tnet_new();
	int q[TNET_MAX_NODES], j[5];

	for (int i = 0; i < 5; i++)
		tnet_add(t, NET, join_cfg);
	assert_true(themis_join(t->node[0], NULL, t->now) > 0);
	by_position(t, q);
	for (int a = 0, k = 0; a < 5; a++)    /* ring order after node 0: j[1..4] */
		if (q[a] == 0)
			for (int b = 1; b < 5; b++)
				j[++k] = q[(a + b) % 5];
	for (int i = 1; i < 5; i++)
		join_via(t, i, 0);
	for (int i = 1; i < 5; i++) {
		assert_int_equal(joined_ok(t, j[i]), 1);
		assert_memory_equal(succ0(t, j[i]), id_of(t, 0), 32);
	}
	stab(t, j[4]);    /* S's predecessor */
	assert_memory_equal(t->node[0]->ring.pred.id, id_of(t, j[4]), 32);
	stab(t, j[3]);    /* told the predecessor J4 (kind 1); S now remembers J3 */
	assert_memory_equal(succ0(t, j[3]), id_of(t, j[4]), 32);
	stab(t, j[2]);    /* told J3 first (kind 2), not the predecessor J4 */
	assert_memory_equal(succ0(t, j[2]), id_of(t, j[3]), 32);
	stab(t, j[1]);    /* told J2 */
	assert_memory_equal(succ0(t, j[1]), id_of(t, j[2]), 32);
	/* S's own pointers are still the old ones; the usual rounds finish the ring. */
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	tnet_del(t);
}

/* As above with J1..J3, but J2, remembered by S, dies before J1 notifies S. S names J2 to J1
 * (its memory of J2 is fresh for 16 periods); J2 does not answer, and the next time S names
 * it J1 takes S's predecessor J3 instead, long before S would forget J2. */
static void test_update_hint_that_fails_falls_back_to_predecessor(void **state)
{
	(void)state;
	tnet *t = tnet_new();
	int q[TNET_MAX_NODES], j[4];

	for (int i = 0; i < 4; i++)
		tnet_add(t, NET, join_cfg);
	assert_true(themis_join(t->node[0], NULL, t->now) > 0);
	by_position(t, q);
	for (int a = 0, k = 0; a < 4; a++)
		if (q[a] == 0)
			for (int b = 1; b < 4; b++)
				j[++k] = q[(a + b) % 4];
	for (int i = 1; i < 4; i++)
		join_via(t, i, 0);
	stab(t, j[3]);
	stab(t, j[2]);
	assert_memory_equal(succ0(t, j[2]), id_of(t, j[3]), 32);
	t->down[j[2]] = 1;
	stab(t, j[1]);    /* S names J2, which does not answer */
	assert_memory_equal(succ0(t, j[1]), id_of(t, 0), 32);
	tnet_advance(t, 5 * SEC);   /* the try fails (~1 s) and the next rounds skip J2 */
	assert_memory_equal(succ0(t, j[1]), id_of(t, j[3]), 32);
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	tnet_del(t);
}

/* The shape of an UPDATE answer is checked before anything in it is used: kind is at most 2
 * and names that many nodes before the successor list. A's UPDATE to S is held back and S's
 * answer is forged in its place (sent by S on its authenticated channel, as a buggy or
 * hostile successor could): kind 3, and kind 2 with a single node, are dropped as malformed
 * and leave A's successor list as it was. */
static void forged_update_answer(tnet *t, int a, int s, uint8_t kind, uint8_t nnodes)
{
	themis_node *na = t->node[a];
	pending *pd = NULL;
	msg_lists m;
	uint8_t body[FRAME_BODY_MAX], before[THEMIS_ID_LEN * SUCC_LEN];
	size_t written;
	uint64_t drops = tnet_drops(t, a, THEMIS_DROP_MALFORMED);
	int len;

	for (uint32_t i = 0; i < na->ring.nsucc; i++)
		memcpy(before + i * THEMIS_ID_LEN, na->ring.succ[i].id, THEMIS_ID_LEN);
	stab(t, a);                                   /* the UPDATE is held */
	for (uint32_t i = 0; i < na->npend; i++)
		if (memcmp(na->pend[i]->peer->id, id_of(t, s), 32) == 0)
			pd = na->pend[i];
	assert_non_null(pd);
	memset(&m, 0, sizeof m);
	m.kind = kind;
	for (uint32_t i = 0; i < nnodes; i++)
		m.nodes[m.nnodes++] = t->node[s]->ring.succ[i % t->node[s]->ring.nsucc];
	len = msg_lists_encode(body, sizeof body, &m, &written);
	assert_true(len > 0);
	req_respond(t->node[s], peer_find(t->node[s], id_of(t, a)), MSG_UPDATE | MSG_RESPONSE, pd->req_id,
		    body, (size_t)len, t->now);
	tnet_pump(t);
	assert_int_equal(tnet_drops(t, a, THEMIS_DROP_MALFORMED), drops + 1);
	assert_int_equal(na->stabilizing, 0);
	assert_int_equal(na->ring.nsucc, SUCC_LEN);
	for (uint32_t i = 0; i < na->ring.nsucc; i++)
		assert_memory_equal(na->ring.succ[i].id, before + i * THEMIS_ID_LEN, THEMIS_ID_LEN);
}

static void test_update_answer_shape_checked(void **state)
{
	(void)state;
	gap g;
	hold h;

	gap_new(&g);
	tnet *t = g.t;
	memset(&h, 0, sizeof h);
	h.link[0].from = g.A, h.link[0].to = g.S, h.link[0].on = 1;
	t->tap = hold_tap;
	t->tap_ctx = &h;
	forged_update_answer(t, g.A, g.S, 3, 3);
	forged_update_answer(t, g.A, g.S, 2, 1);
	tnet_del(t);
}

/* ---- 3. a late UPDATE answer --------------------------------------------------------------- */

/* A's successor S has taken J (between A and S) as predecessor. A's UPDATE to S names J, and
 * A asks J GET_SUCC; J's answer is held. A's next UPDATE goes to S again, and S's answer is
 * held too. J's answer arrives first: A adopts J. Then S's answer arrives, from a node that
 * is no longer A's first successor: it must not put S back in front of J. */
static void test_late_update_answer_ignored(void **state)
{
	(void)state;
	gap g;
	hold h;

	gap_new(&g);
	tnet *t = g.t;
	gap_join_j(&g);
	memset(&h, 0, sizeof h);
	h.link[0].from = g.J, h.link[0].to = g.A;
	h.link[1].from = g.S, h.link[1].to = g.A;
	t->tap = hold_tap;
	t->tap_ctx = &h;

	h.link[0].on = 1;
	stab(t, g.A);                          /* UPDATE S, answer names J, GET_SUCC J held */
	assert_int_equal(h.link[0].n, 1);
	assert_memory_equal(succ0(t, g.A), id_of(t, g.S), 32);
	h.link[1].on = 1;
	stab(t, g.A);                          /* UPDATE S again, its answer held */
	assert_int_equal(h.link[1].n, 1);
	hold_release(t, &h, 0);                /* J answers: adopted */
	assert_memory_equal(succ0(t, g.A), id_of(t, g.J), 32);
	hold_release(t, &h, 1);                /* the late answer from S */
	assert_memory_equal(succ0(t, g.A), id_of(t, g.J), 32);
	assert_memory_equal(t->node[g.A]->ring.succ[1].id, id_of(t, g.S), 32);

	h.link[0].on = h.link[1].on = 0;
	hold_release(t, &h, 0);
	hold_release(t, &h, 1);
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	tnet_del(t);
}

/* ---- 2. JOIN refusals ---------------------------------------------------------------------- */

/* Y joins the gap (A, J) through A, whose successor pointer still names S. A names S owner;
 * S refuses (Y lies before its predecessor J) naming J, and Y asks J next, which admits it:
 * the join completes within one exchange of messages, no timer involved. The nodes its
 * lookup met are kept as fingers (A), and it never asked S or J FIND: a node named owner is
 * asked JOIN at once. */
static void test_join_refusal_names_next_node(void **state)
{
	(void)state;
	gap g;

	gap_new(&g);
	tnet *t = g.t;
	gap_join_j(&g);
	uint64_t now = t->now;

	join_via(t, g.Y, g.A);
	assert_int_equal(t->now, now);
	assert_int_equal(joined_ok(t, g.Y), 1);
	assert_memory_equal(succ0(t, g.Y), id_of(t, g.J), 32);
	/* a join asks JOIN at the node named owner: FIND went to A only */
	assert_true(asked_find(t, g.Y, THEMIS_OP_JOIN, g.A));
	assert_false(asked_find(t, g.Y, THEMIS_OP_JOIN, g.S));
	assert_false(asked_find(t, g.Y, THEMIS_OP_JOIN, g.J));
	/* a joiner keeps the nodes its join lookup met as fingers */
	assert_true(has_finger(t, g.Y, g.A));
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	tnet_del(t);
}

/* J has joined but nobody has notified it yet: it stands in for its missing predecessor with
 * the nearest node it knows before it, A (met by its join lookup). A JOIN from W, before A,
 * is refused and names the nearest node after W that J knows (A); a JOIN from Y, inside
 * (A, J], is admitted. */
static void test_join_without_pred_admits_only_own_stretch(void **state)
{
	(void)state;
	gap g;

	gap_new(&g);
	tnet *t = g.t;
	join_via(t, g.J, g.A);
	assert_int_equal(joined_ok(t, g.J), 1);
	assert_int_equal(t->node[g.J]->ring.has_pred, 0);
	assert_true(has_finger(t, g.J, g.A));

	ask(t, g.W, g.J, MSG_JOIN, NULL, 0);
	assert_int_equal(answer.m.kind, ST_NOT_RESPONSIBLE);
	assert_int_equal(answer.m.nnodes, 1);
	assert_memory_equal(answer.m.nodes[0].id, id_of(t, g.A), 32);

	ask(t, g.Y, g.J, MSG_JOIN, NULL, 0);
	assert_int_equal(answer.m.kind, ST_OK);
	assert_memory_equal(answer.m.nodes[0].id, id_of(t, g.J), 32);
	assert_false(t->node[g.Y]->joined);   /* only our capture saw the answer */
	tnet_del(t);
}

/* ---- 4. FIND for a target just behind ------------------------------------------------------ */

/* After J took A's place as S's predecessor, S remembers A behind it. A FIND for Y's position
 * (in (A, J)) sent to S is answered FIND_SUCC naming J; a FIND for a position behind A (W's)
 * is outside that stretch and answered FIND_NEXT as before. A find from elsewhere whose
 * route passes A's stale pointer to S reaches J. Once A has caught up and stopped calling S,
 * S forgets it after 16 periods and answers FIND_NEXT again. */
static void test_find_names_owner_just_behind(void **state)
{
	(void)state;
	gap g;
	themis_event ev;

	gap_new(&g);
	tnet *t = g.t;
	gap_join_j(&g);

	ask_find(t, g.A, g.S, id_of(t, g.Y));
	assert_int_equal(answer.m.kind, FIND_SUCC);
	assert_memory_equal(answer.m.nodes[0].id, id_of(t, g.J), 32);
	ask_find(t, g.A, g.S, id_of(t, g.W));
	assert_int_equal(answer.m.kind, FIND_NEXT);

	/* The ring member just before A asks: its route goes A -> S (stale) -> J. */
	int q[TNET_MAX_NODES];
	by_position(t, q);
	int from = q[0];
	assert_true(themis_find(t->node[from], id_of(t, g.Y), t->now) > 0);
	tnet_pump(t);
	int found = 0;
	for (int k = t->nev[from] - 1; k >= 0 && !found; k--)
		if (t->ev[from][k].kind == THEMIS_EV_OP_DONE && t->ev[from][k].op == THEMIS_OP_FIND) {
			ev = t->ev[from][k];
			found = 1;
		}
	assert_true(found);
	assert_int_equal(ev.ok, 1);
	assert_memory_equal(ev.owner.id, id_of(t, g.J), 32);

	tnet_advance(t, 20 * SEC);
	assert_true(ring_ideal(t));
	ask_find(t, g.A, g.S, id_of(t, g.Y));
	assert_int_equal(answer.m.kind, FIND_NEXT);
	tnet_del(t);
}

/* ---- a named owner that does not answer ---------------------------------------------------- */

/* S dies silently; A has not noticed yet and still names it as the owner of Y's position.
 * Y, joining through A, asks S JOIN at once (a node named owner is not asked FIND first), and
 * S never answers. That is no reason to give up: the join looks again a stabilization period
 * later, by which time A has dropped S, and Y joins in front of S's successor. */
static void test_join_named_owner_dead_tries_again(void **state)
{
	(void)state;
	gap g;
	themis_event ev;

	gap_new(&g);
	tnet *t = g.t;
	int q[TNET_MAX_NODES];
	by_position(t, q);
	int next = q[6];   /* S's successor */

	t->down[g.S] = 1;
	assert_memory_equal(succ0(t, g.A), id_of(t, g.S), 32);
	join_via(t, g.Y, g.A);
	tnet_advance(t, 15 * SEC);
	assert_true(last_join(t, g.Y, &ev));
	assert_int_equal(ev.ok, 1);
	assert_memory_equal(succ0(t, g.Y), id_of(t, next), 32);
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	tnet_del(t);
}

/* ---- 5. finger rounds ---------------------------------------------------------------------- */

/* One finger round of node i now: how many finger lookups it started. */
static int fix_round(tnet *t, int i)
{
	uint64_t before = t->node[i]->next_op_id;

	t->node[i]->t_fix_fingers = t->now;
	themis_node_on_timeout(t->node[i], t->now);
	tnet_pump(t);
	assert_int_equal(t->node[i]->fixing, 0);
	return (int)(t->node[i]->next_op_id - before);
}

/* On a settled ring every finger round looks up a finger. While S's predecessor changes (J
 * joins, leaves, joins again right behind it) rounds are skipped, but never more than two in
 * a row. A joiner's first round comes one period after its join and is skipped (joining
 * counts as a move), also when it joins again with the same neighbours as before. */
/* A join through the node itself is refused with THEMIS_EINVAL and leaves no trace: no
 * OP_DONE event (the caller got no op id to match it with), and the next operation's id is
 * one never handed out before. */
static void test_join_self_bootstrap_refused_silently(void **state)
{
	(void)state;
	tnet *t = tnet_new();
	int a = tnet_add(t, NET, join_cfg), b = tnet_add(t, NET, join_cfg);
	themis_peer self, other;
	themis_event ev;

	tnet_peer(t, a, &self);
	tnet_peer(t, b, &other);
	int64_t first = themis_ping(t->node[a], &other, t->now);
	assert_true(first > 0);
	while (themis_node_poll_event(t->node[a], &ev))
		;
	assert_int_equal(themis_join(t->node[a], &self, t->now), THEMIS_EINVAL);
	assert_false(themis_node_poll_event(t->node[a], &ev));
	int64_t next = themis_join(t->node[a], &other, t->now);
	assert_true(next > first);
	tnet_del(t);
}

static void test_finger_rounds_wait_for_neighbours(void **state)
{
	(void)state;
	gap g;

	gap_new(&g);
	tnet *t = g.t;
	uint64_t period = t->node[g.S]->hot.fix_fingers_ns;

	assert_int_equal(fix_round(t, g.S), 1);
	assert_int_equal(fix_round(t, g.S), 1);

	join_via(t, g.J, g.A);
	assert_int_equal(t->node[g.J]->t_fix_fingers, t->now + period);
	stab(t, g.J);                                /* S's predecessor: A -> J */
	assert_int_equal(fix_round(t, g.S), 0);
	assert_int_equal(fix_round(t, g.J), 0);      /* joining counts as a move */
	assert_int_equal(fix_round(t, g.J), 1);      /* J's neighbours: S, no predecessor */
	assert_true(themis_leave(t->node[g.J], t->now) > 0);
	tnet_pump(t);
	assert_false(t->node[g.J]->joined);
	assert_int_equal(t->node[g.S]->ring.has_pred, 0);   /* J had none to hand over */
	assert_int_equal(fix_round(t, g.S), 0);      /* J -> none: second skip */
	join_via(t, g.J, g.A);
	assert_int_equal(joined_ok(t, g.J), 1);
	stab(t, g.J);                                /* none -> J: moved, but two were skipped */
	assert_int_equal(fix_round(t, g.S), 1);
	assert_int_equal(fix_round(t, g.S), 1);      /* nothing moved */
	assert_int_equal(fix_round(t, g.J), 0);      /* a rejoin counts as a move too */
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	tnet_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_names_nearest_after_caller),
		cmocka_unit_test(test_update_hint_that_fails_falls_back_to_predecessor),
		cmocka_unit_test(test_update_answer_shape_checked),
		cmocka_unit_test(test_late_update_answer_ignored),
		cmocka_unit_test(test_join_refusal_names_next_node),
		cmocka_unit_test(test_join_without_pred_admits_only_own_stretch),
		cmocka_unit_test(test_find_names_owner_just_behind),
		cmocka_unit_test(test_join_named_owner_dead_tries_again),
		cmocka_unit_test(test_finger_rounds_wait_for_neighbours),
		cmocka_unit_test(test_join_self_bootstrap_refused_silently),
	};
	return cmocka_run_group_tests_name("join", tests, NULL, NULL);
}
