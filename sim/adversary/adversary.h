/* adversary.h: the Dolev-Yao adversary's single point of contact with the simulated network:
 * every datagram that leaves a node passes through sim_adversary_hook before the network
 * model sees it. It owns attack strategy only; it never reaches into a node's state.
 */
#ifndef SIM_ADVERSARY_H
#define SIM_ADVERSARY_H

#include <stddef.h>
#include <stdint.h>

#include "../rng.h"
#include "../scenario.h"
#include "themis.h"

struct sim;

/* A datagram on its way into the network. The hook may rewrite data (up to cap bytes), len
 * and dst; src is where it claims to come from. */
typedef struct sim_dgram {
	uint32_t from;          /* sending node index */
	themis_addr src, dst;
	uint8_t *data;
	size_t len, cap;
} sim_dgram;

typedef enum sim_adv_verdict {
	SIM_ADV_PASS,           /* the (possibly modified) datagram goes on */
	SIM_ADV_DROP,           /* the adversary removed it */
} sim_adv_verdict;

typedef struct sim_adversary {
	const sim_scenario *sc;
	sim_rng rng;            /* the adversary's own stream (run seed, "adversary") */
	uint64_t seen;          /* datagrams observed */
} sim_adversary;

void sim_adversary_init(sim_adversary *a, const sim_scenario *sc, uint64_t seed);
void sim_adversary_free(sim_adversary *a);

/* Sees every datagram at the moment it leaves its node (now). To inject, call sim_inject;
 * to report what the honest side did, sim_attack_record (both in simint.h). */
sim_adv_verdict sim_adversary_hook(struct sim *s, sim_adversary *a, uint64_t now, sim_dgram *d);

#endif
