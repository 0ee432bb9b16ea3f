/* par.h: one setup loop over the indexes [0, n) run on several threads, each taking one
 * contiguous range. Only for work whose every index touches its own data (a node's own
 * object): the result is then the sequential loop's, whatever the number of threads. Nothing
 * here runs once the event loop starts.
 */
#ifndef SIM_PAR_H
#define SIM_PAR_H

#include <stdint.h>

enum { SIM_PAR_MAX_THREADS = 8 };

/* Does indexes [lo, hi). Returns 0, or a negative error with *failed set to the index that
 * failed (the loop stops there). */
typedef int (*sim_par_fn)(void *ctx, uint32_t lo, uint32_t hi, uint32_t *failed);

/* Threads a loop may use: one per online core, at most cap (cap 0: no limit beyond
 * SIM_PAR_MAX_THREADS). */
uint32_t sim_par_threads(int cap);
/* Runs fn over [0, n) split into nt ranges (the first on the calling thread; a range whose
 * thread cannot start runs on the calling thread too). Returns 0, or the error of the
 * lowest index that failed, with that index in *failed, as the sequential loop would. */
int sim_par_for(uint32_t nt, uint32_t n, sim_par_fn fn, void *ctx, uint32_t *failed);

#endif
