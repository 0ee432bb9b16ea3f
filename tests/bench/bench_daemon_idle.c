/* bench_daemon_idle.c: what one themisd costs at idle per hosted node, at 50, 200 and 500
 * nodes (a real daemon on loopback, default ring maintenance periods), and whether SIGTERM
 * has all of them leave the ring within the daemon's own bound.
 *
 *   idle_cpu_us_per_node_N   CPU time (user + system) the daemon uses per second and per
 *                            hosted node, once every node has joined and the ring has
 *                            settled: the median of WINDOWS windows of WINDOW_S seconds.
 *                            The ratio is against the 50-node figure of the same run; a cost
 *                            linear in the nodes keeps it near 1 (goal: at most 2).
 *   sigterm_leave_s_N        seconds from SIGTERM to the daemon's exit; ok when the log
 *                            says all N nodes left the ring. The ring also holds one node of
 *                            another daemon (the anchor, which the N nodes join through), so
 *                            the N nodes form one run of hosted nodes that must hand their
 *                            records over to it: the hardest case for a shutdown.
 *
 * Usage: bench_daemon_idle DB_PATH
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "daemonrun.h"

enum { WINDOWS = 3, SETTLE_S = 4 };
#define WINDOW_S 4.0

static const unsigned sizes[] = { 50, 200, 500 };

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "results/bench.db";
	double base = 0;
	int rc = 0;

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		unsigned n = sizes[k];
		daemonrun d;
		double v[WINDOWS], t0;
		char name[64], goal[32];

		daemonrun anchor;
		char boot[128];

		/* a fresh anchor each time: one that met the last daemon's nodes would route the
		 * next one's join through their stale fingers first */
		if (dr_start(&anchor, argv[0], 40990, 1, "bench-idle", NULL) != 0 ||
		    dr_wait_joined(&anchor, 30) != 0 || dr_node0(&anchor, boot, sizeof boot) != 0) {
			fprintf(stderr, "bench_daemon_idle: the anchor daemon did not start\n");
			dr_clean(&anchor);
			return 1;
		}
		if (dr_start(&d, argv[0], 41000, n, "bench-idle", boot) != 0) {
			fprintf(stderr, "bench_daemon_idle: cannot start themisd\n");
			return 1;
		}
		t0 = bench_now_s();
		if (dr_wait_joined(&d, 60 + n * 0.5) != 0) {
			fprintf(stderr, "bench_daemon_idle: %u nodes did not all join (log %s)\n", n, d.log);
			dr_clean(&d);
			dr_clean(&anchor);
			return 1;
		}
		printf("bench_daemon_idle: %u nodes joined in %.1f s\n", n, bench_now_s() - t0);
		sleep(SETTLE_S);
		for (int w = 0; w < WINDOWS; w++) {
			double c0 = dr_cpu_s(&d), w0 = bench_now_s();
			usleep((useconds_t)(WINDOW_S * 1e6));
			double c1 = dr_cpu_s(&d), w1 = bench_now_s();
			v[w] = (c1 - c0) / (w1 - w0) / n * 1e6;
		}
		double med = bench_median(v, WINDOWS);
		snprintf(name, sizeof name, "idle_cpu_us_per_node_%u", n);
		if (k == 0) {
			base = med;
			rc |= bench_record(db, name, med, "us/s", "none", 0, "info", 1);
		} else {
			snprintf(goal, sizeof goal, "ratio <= 2");
			rc |= bench_record(db, name, med, "us/s", "idle_cpu_us_per_node_50", base, goal,
					   base > 0 && med / base <= 2);
		}
		double left = dr_stop(&d, SIGTERM, 30);
		char want[64];
		snprintf(want, sizeof want, "all %u node(s) left the ring", n);
		int all = left >= 0 && dr_log_has(&d, want);
		snprintf(name, sizeof name, "sigterm_leave_s_%u", n);
		rc |= bench_record(db, name, left, "s", "none", 0, "every node left", all);
		dr_clean(&d);
		dr_clean(&anchor);
	}
	return rc ? 1 : 0;
}
