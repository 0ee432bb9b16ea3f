/* distinct.c: a ring position of its own for every node. Identities come from (run seed,
 * index), so on a small ring (m = 8 for teaching, or m = 32 with many nodes) two nodes can
 * land on one position, and the later one can never join: a scenario would then pass under
 * one seed and fail under the next. With [nodes] distinct_positions on (the default), nodes
 * are taken in index order and one whose position a lower-indexed node already holds draws
 * its identity again (attempt 1, 2, ...: sim_identity_seed). A node's identity therefore
 * depends only on the nodes before it, so --positions, which derives identities without
 * making nodes, prints the same ring for its first nodes as the run has.
 */
#include "distinct.h"

#include "rng.h"

#include <stdlib.h>
#include <string.h>

enum { DISTINCT_MAX_DRAWS = 4096 };

void sim_identity_seed(uint8_t out[32], uint64_t seed, uint32_t i, uint32_t attempt)
{
	sim_rng_derive(out, seed, SIM_RNG_IDENTITY, (uint64_t)i | (uint64_t)attempt << 32);
}

static uint64_t pos_hash(const uint8_t pos[THEMIS_ID_LEN])
{
	uint64_t k = 0;
	for (int b = 0; b < 8; b++)
		k = k << 8 | pos[b];
	for (int b = 8; b < THEMIS_ID_LEN; b++)
		k = (k ^ pos[b]) * 0x100000001b3ull;
	return k * 0x9e3779b97f4a7c15ull;
}

int sim_distinct_positions(uint32_t count, uint8_t (*pos)[THEMIS_ID_LEN], sim_redraw_fn redraw,
			   void *ctx, uint32_t *stuck)
{
	size_t cap = 16;
	while (cap < 2 * (size_t)count)
		cap *= 2;
	uint32_t *slot = malloc(cap * sizeof *slot);   /* node index + 1, 0 = empty */
	if (!slot)
		return -1;
	memset(slot, 0, cap * sizeof *slot);
	for (uint32_t i = 0; i < count; i++) {
		for (uint32_t attempt = 1;; attempt++) {
			size_t h = (size_t)(pos_hash(pos[i]) & (cap - 1));
			int taken = 0;
			while (slot[h]) {
				if (!memcmp(pos[slot[h] - 1], pos[i], THEMIS_ID_LEN)) {
					taken = 1;
					break;
				}
				h = (h + 1) & (cap - 1);
			}
			if (!taken) {
				slot[h] = i + 1;
				break;
			}
			int rc = attempt > DISTINCT_MAX_DRAWS ? -2 : redraw(ctx, i, attempt, pos[i]);
			if (rc != 0) {
				*stuck = i;
				free(slot);
				return rc;
			}
		}
	}
	free(slot);
	return 0;
}
