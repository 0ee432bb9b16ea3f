/* replay.c: the anti-replay window (docs/protocol.md, DATA; RFC 6479 section 2 style bitmap ring).
 * Owns only the bitmap and the highest counter. It never sees packets or keys, and it must
 * never mark a counter the caller has not authenticated; that ordering is the caller's job.
 */
#include "replay.h"

#include <stdlib.h>
#include <string.h>

#include "themis.h"

enum {
	BLOCK_BITS = 64,
	BLOCK_SHIFT = 6,
	W_MAX = 1u << 20,
};

/* One spare block beyond w/64: the block holding `highest` may be only partly used, so the
 * oldest counter still inside the window can live w/64 blocks back. With the spare block the
 * window slides by clearing whole blocks and no live bit is ever cleared early (RFC 6479). */
static uint64_t nblocks(const replay_window *rw)
{
	return (uint64_t)rw->w / BLOCK_BITS + 1;
}

static uint64_t *slot(const replay_window *rw, uint64_t ctr)
{
	return &rw->bits[(ctr >> BLOCK_SHIFT) % nblocks(rw)];
}

static uint64_t bit(uint64_t ctr)
{
	return 1ull << (ctr & (BLOCK_BITS - 1));
}

int replay_init(replay_window *rw, uint32_t w, uint64_t limit)
{
	if (rw == NULL || w % BLOCK_BITS != 0 || w > W_MAX)
		return THEMIS_EINVAL;
	memset(rw, 0, sizeof(*rw));
	rw->w = w;
	rw->limit = limit;
	if (w == 0)
		return 0;
	rw->bits = calloc((size_t)nblocks(rw), sizeof(uint64_t));
	if (rw->bits == NULL)
		return THEMIS_ENOMEM;
	return 0;
}

void replay_free(replay_window *rw)
{
	if (rw == NULL)
		return;
	free(rw->bits);
	memset(rw, 0, sizeof(*rw));
}

int replay_check(const replay_window *rw, uint64_t ctr)
{
	if (ctr >= rw->limit)
		return 0;
	if (!rw->any || ctr > rw->highest)
		return 1;
	/* w = 0 is the paper's strict rule: nothing at or below the highest is fresh. */
	if (rw->w == 0)
		return 0;
	if (rw->highest - ctr >= rw->w)
		return 0;
	return (*slot(rw, ctr) & bit(ctr)) == 0;
}

void replay_mark(replay_window *rw, uint64_t ctr)
{
	/* Defensive: a counter the check would reject is never recorded. Marking one that fell
	 * out of the window would set a bit in a block now owned by newer counters. */
	if (!replay_check(rw, ctr))
		return;
	if (rw->any && ctr <= rw->highest) {
		*slot(rw, ctr) |= bit(ctr);
		return;
	}
	if (rw->w > 0 && rw->any) {
		/* Clear every block the window enters. A jump of more than the ring (say a counter
		 * near 2^64 that did authenticate) clears each block once instead of walking the
		 * whole distance. */
		uint64_t from = rw->highest >> BLOCK_SHIFT;
		uint64_t steps = (ctr >> BLOCK_SHIFT) - from;
		uint64_t n = nblocks(rw);
		if (steps > n)
			steps = n;
		for (uint64_t i = 1; i <= steps; i++)
			rw->bits[(from + i) % n] = 0;
	}
	rw->highest = ctr;
	rw->any = 1;
	if (rw->w > 0)
		*slot(rw, ctr) |= bit(ctr);
}
