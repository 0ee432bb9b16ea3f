/* eva_replay.c: a driver for Frama-C's value analysis (EVA) of core/channel/replay.c. Windows of
 * several sizes (the strict 0, one to three blocks, the default 2048, the largest 2^20, and
 * sizes the API must refuse), any limit, then a bounded run of checks and marks with
 * arbitrary 64-bit counters. EVA proves (or raises an alarm for) the absence of run-time
 * errors (the bitmap index above all) for every counter sequence. Each size is analysed on
 * its own: with a size left unknown the bitmap's length is unknown too, and EVA, which does
 * not relate the index to that length, could prove nothing. Only frama-c reads it
 * (tests/verify/eva.sh). */
#include "__fc_builtin.h"
#include "replay.h"

enum { STEPS = 8 };

static uint64_t any64(void)
{
	return Frama_C_unsigned_long_long_interval(0, UINT64_MAX);
}

static void run(uint32_t w)
{
	replay_window rw;

	if (replay_init(&rw, w, any64()) != 0)
		return;
	for (int i = 0; i < STEPS; i++) {
		uint64_t ctr = any64();
		if (Frama_C_interval(0, 1))
			(void)replay_check(&rw, ctr);
		else
			replay_mark(&rw, ctr);
	}
	replay_free(&rw);
}

int main(void)
{
	run(0);
	run(64);
	run(128);
	run(192);
	run(2048);
	run(1u << 20);
	run(100);              /* not a multiple of 64: refused */
	run((1u << 20) + 64);  /* too large: refused */
	return 0;
}
