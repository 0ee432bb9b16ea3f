/* timers.c: the one place that knows every deadline of a node and decides what runs when.
 * The channel keeps each slot's deadline (peer.c: handshake resends, half-open expiry,
 * session lifetimes, slot_deadline), requests theirs (req.c: retransmissions); the ring's
 * periodic maintenance (stabilize, fix_fingers, check_pred, with the finger-round
 * postponement) and the wake-ups of operations waiting to try again are scheduled here.
 * This file computes the earliest deadline and runs whatever is due. Time is only ever the
 * caller's `now`.
 */
#include <string.h>

#include "node.h"
#include "req.h"
#include "ops.h"
#include "dht.h"
#include "lookup.h"
#include "relocate.h"
#include "replica.h"
#include "heal.h"
#include "publish.h"

/* ---- the ring's periodic maintenance --------------------------------------------------- */

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

static uint64_t maintenance_deadline(const themis_node *n)
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

static void maintenance_on_timeout(themis_node *n, uint64_t now)
{
	if (!n->joined || n->leaving)
		return;   /* a leaving node sends no maintenance (see themis_leave) */
	if (n->hot.stabilize_ns && now >= n->t_stabilize) {
		n->t_stabilize = now + n->hot.stabilize_ns;
		dht_stabilize(n, now);
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
			dht_fix_fingers(n, now);
		}
	}
	if (n->hot.check_pred_ns && now >= n->t_check_pred) {
		n->t_check_pred = now + n->hot.check_pred_ns;
		dht_check_pred(n, now);
	}
}

/* ---- operations waiting to try again ----------------------------------------------------- */

/* Operations waiting for a retry time (a join into a ring still converging). */
static uint64_t ops_next_deadline(const themis_node *n)
{
	uint64_t t = UINT64_MAX;

	for (uint32_t i = 0; i < n->nops; i++)
		if (n->ops[i]->wake_at && n->ops[i]->wake_at < t)
			t = n->ops[i]->wake_at;
	return t;
}

static void ops_on_timeout(themis_node *n, uint64_t now)
{
	/* A retry may finish its op (and reorder the array): restart the walk after each. */
	for (uint32_t i = 0; i < n->nops; i++) {
		op *o = n->ops[i];
		if (o->wake_at && o->wake_at <= now) {
			o->wake_at = 0;
			if (op_is_join(o->kind))
				dht_join_retry(n, o, now);
			else if (o->kind == THEMIS_OP_LEAVE)
				dht_leave_wake(n, o, now);
			else if (o->lk.has_waiting)   /* a lookup waits for a node to notice a death */
				lookup_wake(n, o, now);
			else if (o->kind == THEMIS_OP_STORE || o->kind == OPK_REFRESH)
				pub_store_wake(n, o, now);   /* a store's back-off is over */
			i = (uint32_t)-1;
		}
	}
}

/* ---- the node ---------------------------------------------------------------------------- */

uint64_t themis_node_next_deadline(const themis_node *n)
{
	uint64_t t = UINT64_MAX, d;

	for (uint32_t i = 0; i < n->nslots_alloc; i++) {
		if (n->slots[i] && n->slots[i]->state != SLOT_FREE) {
			d = slot_deadline(n, n->slots[i]);
			if (d < t)
				t = d;
		}
	}
	for (uint32_t i = 0; i < n->npend; i++)
		if (n->pend[i]->deadline < t)
			t = n->pend[i]->deadline;
	d = maintenance_deadline(n);
	t = d < t ? d : t;
	d = pub_next_deadline(n);
	t = d < t ? d : t;
	d = ops_next_deadline(n);
	t = d < t ? d : t;
	d = heal_next_deadline(n);
	return d < t ? d : t;
}

void themis_node_on_timeout(themis_node *n, uint64_t now)
{
	/* Slots first: a handshake that fails here fails its pending requests too. */
	for (uint32_t i = 0; i < n->nslots_alloc; i++)
		if (n->slots[i] && n->slots[i]->state != SLOT_FREE)
			slot_on_timeout(n, n->slots[i], now);
	/* Requests may complete (and be swapped out of the array, or start new ones) while we
	 * walk it: only those due when we started are looked at. */
	for (uint32_t i = 0; i < n->npend;) {
		pending *pd = n->pend[i];
		if (pd->deadline > now) {
			i++;
			continue;
		}
		pending_on_timeout(n, pd, now);
		if (i < n->npend && n->pend[i] == pd)
			i++;
	}
	maintenance_on_timeout(n, now);
	pub_on_timeout(n, now);
	ops_on_timeout(n, now);
	heal_on_timeout(n, now);
}
