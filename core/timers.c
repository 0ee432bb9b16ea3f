/* timers.c: the one place that knows every deadline of a node. Protocol code records its
 * deadlines in slots and pending requests; this file computes the earliest one and runs
 * whatever is due. Time is only ever the caller's `now`.
 */
#include "node.h"
#include "req.h"
#include "ops.h"
#include "dht.h"
#include "heal.h"
#include "publish.h"

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
	d = dht_next_deadline(n);
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
	dht_on_timeout(n, now);
	pub_on_timeout(n, now);
	ops_on_timeout(n, now);
	heal_on_timeout(n, now);
}
