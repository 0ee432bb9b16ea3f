/* sim.h: the simulator's public face for main.c and the tests: run one scenario with a seed
 * and get its summary. The simulator drives nodes only through core/include/themis.h; the
 * core never knows it is simulated.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scenario.h"

typedef struct sim_opts {
	FILE *trace;            /* --trace: one line per message and node event; NULL for none */
	const char *pcap_path;  /* --pcap, or NULL */
	const char *db_path;    /* --db, or NULL for no database */
	int progress;           /* --progress: 1 a status line on stderr (a terminal) redrawn
				   about twice a second; 2 plain lines for a log or a pipe, one per
				   tenth of the simulated time or per 10 s of wall clock */
	int threads;            /* --threads: at most this many threads (0: one per core, up to
				   8; 1: no helper thread at all). Results never depend on it */
} sim_opts;

typedef struct sim_summary_row {
	char name[48];
	double value;
} sim_summary_row;

/* The headline figures of a run, in a fixed order (the order rows are written). */
typedef struct sim_summary {
	sim_summary_row *rows;
	size_t n, cap;
	char trace_hash[65];
	int64_t run_id;         /* row in runs, or 0 without a database */
	int64_t prior_runs;     /* runs the database held before this one */
	int64_t prior_same;     /* of them, the same scenario, seed and parameters */
	char assumptions[512];  /* the Chord assumptions the run broke, when first ("": none) */
	uint64_t pcap_records;
} sim_summary;

/* Runs sc (seed already chosen: sc->seed) to its duration. Returns 0 and fills *out, or -1
 * with a one-line message in err (database, pcap or memory trouble, a node the core refused).
 * The caller frees *out with sim_summary_free. */
int sim_run(const sim_scenario *sc, const sim_opts *o, sim_summary *out, char *err, size_t errlen);

void sim_summary_free(sim_summary *s);
/* The value named name, or NULL. */
const double *sim_summary_get(const sim_summary *s, const char *name);
/* 1 when every run produces a value called name (for checking [expect] before running). */
int sim_summary_known(const char *name);
/* 1 for the values that measure the machine (wall clock, memory), not the run. */
int sim_summary_is_wall(const char *name);
/* 1 for the values that also depend on the observers asked for (ring checks, samples);
 * the trace hash and every other value are the same whatever observers ran. */
int sim_summary_is_observer(const char *name);
/* Checks every [expect] line; prints each failure with its actual value to out. Returns the
 * number of failures (a trace_hash mismatch counts as one). */
int sim_expect_check(const sim_scenario *sc, const sim_summary *s, FILE *out);

#endif
