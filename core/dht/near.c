/* near.c: what a node knows of the nodes around it beyond its tables: those that lately took
 * it for their successor (nodes behind us), those that left through it (nodes that left), and
 * the list answers built from them and the ring (JOIN, UPDATE, LEAVE answers).
 */
#include <stdlib.h>
#include <string.h>

#include "dht.h"
#include "msg.h"
#include "replica.h"
#include "req.h"

/* ---- nodes behind us ------------------------------------------------------------------------
 * The nodes that lately sent us UPDATE took us for their successor: they lie before us. When many nodes join the same gap at once they all start with the same successor
 * and, told only its predecessor, would walk back through the gap one adoption (and one
 * handshake) at a time. Remembering a few of them lets an UPDATE answer name the node nearest
 * after the caller that we know, so the caller jumps close to its true successor at once. The
 * caller still adopts it only after it answers (Zave). The list keeps the nodes nearest before
 * us; an entry not heard from for NEAR_TTL stabilization periods is not handed out. */

enum { NEAR_MAX = 16, NEAR_TTL = 16 };

static uint64_t near_ttl(const themis_node *n)
{
	return NEAR_TTL * (n->hot.stabilize_ns ? n->hot.stabilize_ns : n->hot.req_timeout_ns);
}

void dht_near_remove(themis_node *n, const uint8_t id[THEMIS_ID_LEN])
{
	for (uint32_t i = 0; i < n->nnear; i++)
		if (memcmp(n->near[i].rn.id, id, THEMIS_ID_LEN) == 0) {
			n->near[i] = n->near[--n->nnear];
			return;
		}
}

/* c took us for its successor: remember it, dropping the stale or the farthest entry when full. */
void dht_near_note(themis_node *n, const ring_node *c, uint64_t now)
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
const ring_node *dht_near_after(const themis_node *n, const uint8_t pos[RING_POS_LEN], uint64_t now)
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

void dht_gone_note(themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now)
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

void dht_gone_forget(themis_node *n, const uint8_t id[THEMIS_ID_LEN])
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
	return span ? dht_near_after(n, pos, now) : NULL;
}

/* ---- list answers ------------------------------------------------------------------------ */

/* Encode m, filling its records with handed-off ones taken from (lo, hi] while they fit. */
int dht_encode_with_handoff(themis_node *n, msg_lists *m, const uint8_t lo[RING_POS_LEN],
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

void dht_add_successors(const themis_node *n, msg_lists *m)
{
	for (uint32_t i = 0; i < n->ring.nsucc && m->nnodes < MSG_MAX_NODES; i++)
		m->nodes[m->nnodes++] = n->ring.succ[i];
}
