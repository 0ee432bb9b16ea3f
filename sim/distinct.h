/* distinct.h: a ring position of its own for every simulated node (distinct.c). */
#ifndef SIM_DISTINCT_H
#define SIM_DISTINCT_H

#include <stdint.h>

#include "themis.h"

/* Node i's Ed25519 seed for draw `attempt` (0: the first, what every run used before). */
void sim_identity_seed(uint8_t out[32], uint64_t seed, uint32_t i, uint32_t attempt);
/* Draw again for node i and set pos to its new position; 0 or an error. */
typedef int (*sim_redraw_fn)(void *ctx, uint32_t i, uint32_t attempt, uint8_t pos[THEMIS_ID_LEN]);
/* In index order, a node whose position a lower-indexed node holds draws again until it has one
 * of its own. Returns 0; -1 out of memory; -2 when node *stuck found no free position in
 * DISTINCT_MAX_DRAWS draws (a ring with almost no room left); or redraw's error. */
int sim_distinct_positions(uint32_t count, uint8_t (*pos)[THEMIS_ID_LEN], sim_redraw_fn redraw,
			   void *ctx, uint32_t *stuck);

/* [nodes] positions: the first draw (0, 1, ...) of node i whose identity lands on ring position
 * want (a number of m <= 16 bits) in network net, in *attempt. 0, or -1 when none did in
 * 64 * 2^m draws (which a fair draw misses with probability below e^-64). */
int sim_identity_at(uint64_t seed, const uint8_t net[THEMIS_ID_LEN], uint32_t i, unsigned m,
		    uint32_t want, uint32_t *attempt);

#endif
