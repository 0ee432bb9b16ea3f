/* par.c: the range-split setup loop (par.h) on POSIX threads. */
#include "par.h"

#include <pthread.h>
#include <unistd.h>

typedef struct par_job {
	sim_par_fn fn;
	void *ctx;
	uint32_t lo, hi;
	uint32_t failed;
	int rc;
} par_job;

static void *run_job(void *arg)
{
	par_job *j = arg;
	j->rc = j->fn(j->ctx, j->lo, j->hi, &j->failed);
	return NULL;
}

uint32_t sim_par_threads(int cap)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t nt = cpus > 1 ? (uint32_t)(cpus < SIM_PAR_MAX_THREADS ? cpus : SIM_PAR_MAX_THREADS) : 1;
	if (cap > 0 && nt > (uint32_t)cap)
		nt = (uint32_t)cap;
	return nt;
}

int sim_par_for(uint32_t nt, uint32_t n, sim_par_fn fn, void *ctx, uint32_t *failed)
{
	par_job job[SIM_PAR_MAX_THREADS];
	pthread_t tid[SIM_PAR_MAX_THREADS];
	int started[SIM_PAR_MAX_THREADS] = { 0 };

	if (nt < 1)
		nt = 1;
	if (nt > SIM_PAR_MAX_THREADS)
		nt = SIM_PAR_MAX_THREADS;
	for (uint32_t t = 0; t < nt; t++) {
		job[t] = (par_job){ .fn = fn, .ctx = ctx, .lo = (uint32_t)((uint64_t)n * t / nt),
				    .hi = (uint32_t)((uint64_t)n * (t + 1) / nt) };
		if (t > 0)
			started[t] = pthread_create(&tid[t], NULL, run_job, &job[t]) == 0;
	}
	run_job(&job[0]);
	for (uint32_t t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			run_job(&job[t]);
	}
	/* ranges are in index order: the first that failed holds the lowest failed index */
	for (uint32_t t = 0; t < nt; t++) {
		if (job[t].rc < 0) {
			*failed = job[t].failed;
			return job[t].rc;
		}
	}
	return 0;
}
