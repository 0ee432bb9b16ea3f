/* adversary.c: the adversary's strategies, chosen by [adversary] kind. Only "none" exists so
 * far: it watches and passes every datagram unchanged. It must never call into a node except
 * through datagrams it hands to the network.
 */
#include "adversary.h"

#include <string.h>

void sim_adversary_init(sim_adversary *a, const sim_scenario *sc, uint64_t seed)
{
	memset(a, 0, sizeof *a);
	a->sc = sc;
	sim_rng_seed(&a->rng, seed, SIM_RNG_ADVERSARY, 0);
}

void sim_adversary_free(sim_adversary *a)
{
	memset(a, 0, sizeof *a);
}

sim_adv_verdict sim_adversary_hook(struct sim *s, sim_adversary *a, uint64_t now, sim_dgram *d)
{
	(void)s;
	(void)now;
	(void)d;
	a->seen++;
	return SIM_ADV_PASS;
}
