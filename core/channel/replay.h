/* replay.h: the anti-replay window of a receiving session (docs/protocol.md, DATA; RFC 6479 style).
 * It only answers "would this counter be fresh?" and records counters the caller has already
 * authenticated; it never sees keys or packets.
 */
#ifndef THEMIS_REPLAY_H
#define THEMIS_REPLAY_H

#include <stdint.h>

typedef struct replay_window {
	uint64_t highest;   /* largest counter marked so far (valid when any != 0) */
	uint64_t limit;     /* counters >= limit are never accepted */
	uint32_t w;         /* window size in bits; 0 = strict (the paper's rule) */
	uint8_t any;        /* 1 once a counter has been marked */
	uint64_t *bits;     /* ring of w bits (+1 block) allocated by replay_init; NULL when w = 0 */
} replay_window;

/* w must be 0 or a multiple of 64 (<= 1 << 20). Returns 0, THEMIS_EINVAL on a bad w,
 * THEMIS_ENOMEM on no memory. */
int replay_init(replay_window *rw, uint32_t w, uint64_t limit);
void replay_free(replay_window *rw);

/* 1 when ctr would be accepted: ctr < limit and either nothing was marked yet, or
 * (w = 0) ctr > highest, or (w > 0) highest - ctr < w and ctr was not marked. 0 otherwise.
 * Never changes the window. */
int replay_check(const replay_window *rw, uint64_t ctr);
/* Record ctr as seen. Call only after replay_check said 1 and the tag verified; moves the
 * window forward when ctr > highest. */
void replay_mark(replay_window *rw, uint64_t ctr);

#endif
