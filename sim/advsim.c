/* advsim.c: the simulator's side of sim/adversary/advsim.h, the one interface the adversary
 * reaches the simulator through (besides the hooks in adversary.h that the simulator calls).
 */
#include "simint.h"

_Static_assert((uint32_t)SIM_ADV_INJECTED == (uint32_t)SIM_NODE_NONE, "an injected datagram comes from no node");

int sim_adv_find(const sim_scenario *sc, const themis_addr *a, uint32_t *node)
{
	return sim_node_of(a, sc->port, sc->count, node);
}

void sim_adv_addr(const sim_scenario *sc, uint32_t node, themis_addr *out)
{
	sim_addr_of(node, sc->port, out);
}

const themis_node *sim_adv_node(const struct sim *s, uint32_t node)
{
	return s->nodes[node].tn;
}

int sim_adv_packet_type(const uint8_t *pkt, size_t len)
{
	return sim_pkt_type(pkt, len);
}

void sim_adv_schedule(struct sim *s, uint64_t t)
{
	if (!sim_evq_push(&s->q, t, SIM_EV_ADVERSARY, 0, 0))
		s->oom = 1;
}

void sim_adv_oom(struct sim *s)
{
	s->oom = 1;
}

void sim_adv_accepted(struct sim *s, int replayed)
{
	if (replayed)
		s->st.replays_accepted++;
	else
		s->st.forgeries_accepted++;
}
