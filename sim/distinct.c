/* distinct.c: a ring position of its own for every node. Identities come from (run seed,
 * index), so on a small ring (m = 8 for teaching, or m = 32 with many nodes) two nodes can
 * land on one position, and the later one can never join: a scenario would then pass under
 * one seed and fail under the next. With [nodes] distinct_positions on (the default), nodes
 * are taken in index order and one whose position a lower-indexed node already holds draws
 * its identity again (attempt 1, 2, ...: sim_identity_seed). A node's identity therefore
 * depends only on the nodes before it, so --positions, which derives identities without
 * making nodes, prints the same ring for its first nodes as the run has.
 *
 * [nodes] positions puts each node where the scenario says instead. A node's id is a hash of
 * its public key, so a position cannot be chosen, only found: node i draws identities from its
 * own stream (attempt 0, 1, ...) until one lands there, about 2^m draws, which is why explicit
 * positions are for small teaching rings (m <= SIM_POSITIONS_MAX_M).
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

int sim_identity_at(uint64_t seed, const uint8_t net[THEMIS_ID_LEN], uint32_t i, unsigned m,
		    uint32_t want, uint32_t *attempt)
{
	uint8_t sd[THEMIS_SEED_LEN], pk[THEMIS_PK_LEN], id[THEMIS_ID_LEN];
	uint64_t draws = (uint64_t)64 << m;
	if (m > 16)
		return -1;
	for (uint64_t a = 0; a < draws; a++) {
		sim_identity_seed(sd, seed, i, (uint32_t)a);
		themis_pk_from_seed(sd, pk);
		themis_id_from_pk(pk, net, id);
		/* the ring position is the id's first m bits (themis_ring_pos) */
		uint32_t pos = ((uint32_t)id[0] << 16 | (uint32_t)id[1] << 8 | id[2]) >> (24 - m);
		if (pos == want) {
			*attempt = (uint32_t)a;
			return 0;
		}
	}
	return -1;
}
