/* replay.c: replay and cross_network: copies of datagrams honest nodes sent, re-sent later to
 * the same or another node, or rewritten to claim another network. The original always goes
 * on untouched; this file never builds a packet from scratch (forge.c does).
 */
#include "adversary.h"
#include "advsim.h"

#include <string.h>

#include "themis_codec.h"

/* Where a copy goes: the original receiver, or the node [adversary] to names. */
static void copy_dst(const sim_adversary *a, const sim_dgram *d, themis_addr *dst)
{
	if (a->sc->adv_to_node == SIM_ADV_ANY)
		*dst = d->dst;
	else
		sim_adv_addr(a->sc, a->sc->adv_to_node, dst);
}

void adv_replay(struct sim *s, sim_adversary *a, sim_dgram *d)
{
	themis_addr dst;
	copy_dst(a, d, &dst);
	/* the original is tagged as well: a copy is a replay accepted only when the message
	 * (original or any copy, at any node) was accepted once already (outcome.c) */
	uint32_t orig = adv_original(s, a, d);
	if (!orig)
		return;
	/* copies k = 1..count go out delay, 2*delay, ... after the original: the first ones may
	 * land inside the receiver's window, the later ones long after it moved on */
	for (uint32_t k = 1; k <= a->sc->adv_count; k++)
		if (adv_send(s, a, "replay", SIM_ADV_REPLAYED, &d->src, &dst, d->data, d->len,
			     a->sc->adv_delay_ns * k, orig))
			return;
}

void adv_cross_network(struct sim *s, sim_adversary *a, const sim_dgram *d)
{
	if (sim_adv_packet_type(d->data, d->len) != 1 || d->len != THEMIS_HELLO_LEN)
		return; /* only HELLOs name a network */
	uint8_t buf[THEMIS_HELLO_LEN];
	memcpy(buf, d->data, THEMIS_HELLO_LEN);
	/* the net field of a HELLO (docs/protocol.md): what another network's node would carry */
	memcpy(buf + 8, a->other_net, 32);
	themis_addr dst;
	copy_dst(a, d, &dst);
	adv_send(s, a, "other_net", SIM_ADV_FORGED, &d->src, &dst, buf, sizeof buf,
		 a->sc->adv_delay_ns, 0);
}
