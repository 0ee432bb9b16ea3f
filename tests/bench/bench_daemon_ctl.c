/* bench_daemon_ctl.c: how long clients of the control socket that do not read their replies
 * stall a daemon's loop (and with it every hosted node): a real themisd with 400 nodes, whose
 * JSON status (about 300 KB) is more than a unix socket buffers unread. A probe asks `id` of
 * node 0 every 20 ms; its slowest answer is the longest stall.
 *
 *   ctl_stall_reading_s      the probe's slowest answer while NONREAD clients ask for the JSON
 *                            status and read it (the baseline: building those replies is work
 *                            the loop does either way)
 *   ctl_stall_nonreading_s   its slowest answer while NONREAD clients ask for it and never read
 *                            it (goal: ratio <= 2; a blocking reply stalled the loop for 2 s per
 *                            client)
 *
 * Usage: bench_daemon_ctl DB_PATH
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchlib.h"
#include "ctlc.h"
#include "daemonrun.h"

enum { NODES = 400, NONREAD = 5 };

/* The slowest of the probe's answers over secs seconds (a failed call counts as its time). */
static double probe(const daemonrun *d, double secs)
{
	double end = bench_now_s() + secs, worst = 0;

	while (bench_now_s() < end) {
		char *out = NULL;
		double t0 = bench_now_s();
		(void)ctlc_call(d->sock, "text 0 id", &out, 20000);
		double dt = bench_now_s() - t0;
		free(out);
		if (dt > worst)
			worst = dt;
		usleep(20000);
	}
	return worst;
}

static int nonreader(const char *sock)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	static const char req[] = "json - status\n";
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strlen(sock) >= sizeof sun.sun_path) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	memcpy(sun.sun_path, sock, strlen(sock) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    write(fd, req, sizeof req - 1) != (ssize_t)(sizeof req - 1)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "results/bench.db";
	daemonrun d;
	int fds[NONREAD], rc = 0;

	if (dr_start(&d, argv[0], 42000, NODES, "bench-ctl", NULL) != 0 || dr_wait_joined(&d, 300) != 0) {
		fprintf(stderr, "bench_daemon_ctl: the daemon did not start (log %s)\n", d.log);
		dr_clean(&d);
		return 1;
	}
	sleep(2);
	pid_t readers[NONREAD];
	for (int i = 0; i < NONREAD; i++) {
		if ((readers[i] = fork()) == 0) {
			char *out = NULL;
			_exit(ctlc_call(d.sock, "json - status", &out, 20000) == 0 ? 0 : 1);
		}
	}
	double reading = probe(&d, 4);
	for (int i = 0; i < NONREAD; i++)
		if (readers[i] > 0)
			waitpid(readers[i], NULL, 0);
	for (int i = 0; i < NONREAD; i++)
		fds[i] = nonreader(d.sock);
	double stall = probe(&d, 12);
	for (int i = 0; i < NONREAD; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	rc |= bench_record(db, "ctl_stall_reading_s", reading, "s", "none", 0, "info", 1);
	rc |= bench_record(db, "ctl_stall_nonreading_s", stall, "s", "ctl_stall_reading_s", reading,
			   "ratio <= 2", reading > 0 && stall / reading <= 2);
	dr_stop(&d, SIGTERM, 30);
	dr_clean(&d);
	return rc ? 1 : 0;
}
