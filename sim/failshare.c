/* failshare.c: [churn] fail_share, a share of the ring's live members failing silently at the
 * same moment, drawn at random but never succ_len neighbours in a row, so every live node keeps
 * a live successor in its list (Chord's assumption for lookups to stay correct). It only
 * chooses whom to fail: sim_node_fail does the rest.
 */
#include <math.h>
#include <stdlib.h>

#include "simint.h"

/* Failed members right after position k of ring[] (dir 1) or right before it (dir -1), at
 * most r: the length of the run of down members k would join. */
static uint32_t down_run(const struct sim *s, const uint32_t *ring, uint32_t n, uint32_t k, int dir,
			 uint32_t r)
{
	uint32_t run = 0;
	for (uint32_t step = 1; step < n && run < r; step++) {
		uint32_t j = dir > 0 ? (k + step) % n : (k + n - step) % n;
		if (s->nodes[ring[j]].up)
			break;
		run++;
	}
	return run;
}

void sim_fail_share(struct sim *s)
{
	const sim_scenario *sc = s->sc;
	uint32_t n = 0, want, failed = 0, r = sc->succ_len;
	uint32_t *ring = malloc((size_t)(s->count ? s->count : 1) * sizeof *ring);
	uint32_t *order = malloc((size_t)(s->count ? s->count : 1) * sizeof *order);
	sim_rng rng;

	if (!ring || !order) {
		s->oom = 1;
		goto out;
	}
	/* The ring as the nodes see it: every member, failed earlier or not, in position order
	 * (a member that failed before still fills a place in its neighbours' lists). */
	for (uint32_t k = 0; k < s->count; k++)
		if (s->nodes[s->by_pos[k]].member)
			ring[n++] = s->by_pos[k];
	want = (uint32_t)llround(sc->fail_share * (double)s->dst.live_members);
	/* Candidates in a random order from a stream of its own, so the choice depends on the
	 * seed alone, not on what else the run drew before. */
	sim_rng_seed(&rng, sc->seed, SIM_RNG_CHURN, 1);
	for (uint32_t k = 0; k < n; k++)
		order[k] = k;
	for (uint32_t k = n; k > 1; k--) {
		uint32_t j = (uint32_t)sim_rng_below(&rng, k), t = order[k - 1];
		order[k - 1] = order[j];
		order[j] = t;
	}
	for (uint32_t k = 0; k < n && failed < want; k++) {
		uint32_t at = order[k], i = ring[at];
		if (!s->nodes[i].up || i < sc->churn_protect)
			continue;
		/* failing i must leave the down run through it shorter than r */
		if (down_run(s, ring, n, at, -1, r) + 1 + down_run(s, ring, n, at, 1, r) >= r)
			continue;
		sim_node_fail(s, i);
		failed++;
	}
out:
	free(ring);
	free(order);
}
