/* benchlib.h: what every benchmark program shares: a monotonic clock, a median, and one call
 * that appends a result row to results/bench.db (docs/interface.md, "Benchmark results") and prints
 * it. It measures nothing itself.
 */
#ifndef THEMIS_BENCHLIB_H
#define THEMIS_BENCHLIB_H

#include <stddef.h>

/* Seconds on CLOCK_MONOTONIC; only differences are meaningful. */
double bench_now_s(void);

/* Median of v[0..n) (the mean of the middle two when n is even). Sorts v in place; NAN when
 * n is 0. */
double bench_median(double *v, size_t n);

/* Appends one row to the bench table of db_path, creating the table when missing, and prints
 * one line for it. ratio is value / baseline_value, NULL when baseline_value is 0 (no
 * baseline). baseline is the baseline's name ("none" when there is none), goal what the ratio
 * or value must reach ("ratio <= 1.25", or "info"), ok whether it did. Returns 0, or -1 when
 * the database cannot be opened or written (the reason is printed on stderr). */
int bench_record(const char *db_path, const char *name, double value, const char *unit,
                 const char *baseline, double baseline_value, const char *goal, int ok);

#endif
