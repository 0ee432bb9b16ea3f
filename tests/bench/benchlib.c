/* benchlib.c: the clock, the median and the result recorder behind benchlib.h.
 * The table layout is docs/interface.md's and must not drift: other tools and the figures read it.
 */
#include "benchlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char create_sql[] =
	"CREATE TABLE IF NOT EXISTS bench(at TEXT, name TEXT, value REAL, unit TEXT, "
	"baseline TEXT, baseline_value REAL, ratio REAL, goal TEXT, ok INTEGER)";
static const char insert_sql[] =
	"INSERT INTO bench(at, name, value, unit, baseline, baseline_value, ratio, goal, ok) "
	"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

int bench_record(const char *db_path, const char *name, double value, const char *unit,
                 const char *baseline, double baseline_value, const char *goal, int ok)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	char at[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (sqlite3_open(db_path, &db) != SQLITE_OK)
		goto out;
	/* Benchmarks may be run side by side against one file; wait for the lock, do not fail. */
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, create_sql, NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(db, insert_sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 3, value);
	sqlite3_bind_text(st, 4, unit, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, baseline, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 6, baseline_value);
	if (baseline_value != 0)
		sqlite3_bind_double(st, 7, value / baseline_value);
	else
		sqlite3_bind_null(st, 7);
	sqlite3_bind_text(st, 8, goal, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 9, ok ? 1 : 0);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	rc = 0;

	if (baseline_value != 0)
		printf("%s: %.2f x (value %.4g %s vs baseline %.4g %s) goal %s %s\n", name,
		       value / baseline_value, value, unit, baseline_value, unit, goal,
		       ok ? "OK" : "FAIL");
	else
		printf("%s: %.4g %s (baseline %s) goal %s %s\n", name, value, unit, baseline, goal,
		       ok ? "OK" : "FAIL");
	fflush(stdout);
out:
	if (rc != 0)
		fprintf(stderr, "bench_record %s: %s: %s\n", name, db_path,
		        db ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
