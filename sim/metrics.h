/* metrics.h: the SQLite writer for one run's rows (runs, ops, metrics, attacks, summary) with
 * the schema embedded from analysis/schema.sql. It stores what it is given; it never
 * computes a metric and never decides whether a run passed.
 */
#ifndef SIM_METRICS_H
#define SIM_METRICS_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_metrics sim_metrics;

/* Opens (creating tables if needed) and starts a run row; threaded: rows are written by a
 * thread of their own (else at once, on the caller's). Returns NULL with a message in err
 * when the database cannot be used. */
sim_metrics *sim_metrics_open(const char *path, const char *scenario, uint64_t seed,
			      const char *security, const char *params, int threaded, char *err,
			      size_t errlen);
int64_t sim_metrics_run_id(const sim_metrics *m);
/* The runs the database held when this one was added, and how many of them had the same
 * scenario name, seed and parameters (the same run again). */
void sim_metrics_prior(const sim_metrics *m, int64_t *runs, int64_t *same);

/* Row writers: rows are handed to a writer thread and written in the order given (metrics.c),
 * so a database error shows at close (the first one is kept); -1 here only for an error
 * already known. hops or bytes < 0 store NULL; detail may be NULL. The strings are copied. */
int sim_metrics_op(sim_metrics *m, int64_t op_id, const char *node, const char *kind,
		   const char *target, uint64_t t_start, uint64_t t_end, int ok, int64_t hops,
		   int64_t msgs, int64_t bytes, const char *detail);
int sim_metrics_sample(sim_metrics *m, uint64_t t, const char *node, const char *name, double value);
int sim_metrics_attack(sim_metrics *m, uint64_t t, const char *kind, const char *action,
		       const char *target, const char *outcome);
int sim_metrics_summary(sim_metrics *m, const char *name, double value);

/* Completes the run row, commits and closes. Returns 0, or -1 with a message in err. NULL m is
 * fine. */
int sim_metrics_close(sim_metrics *m, double wall_s, uint64_t sim_end_ns, uint64_t events,
		      const char *trace_hash, char *err, size_t errlen);
/* Rolls back the open transaction and closes (a run that did not complete). */
void sim_metrics_abort(sim_metrics *m);

/* The embedded schema text (analysis/schema.sql). */
extern const char sim_schema_sql[];

#endif
