/* daemonrun.c: one themisd process for a benchmark (daemonrun.h). */
#include "daemonrun.h"

#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "benchlib.h"
#include "ctlc.h"

int dr_start(daemonrun *d, const char *argv0, unsigned port, unsigned n, const char *network,
	     const char *boot)
{
	char bin[512], self[512], listen[64], nodes[16], state[320], run[320];
	const char *env = getenv("THEMISD_BIN");

	memset(d, 0, sizeof *d);
	d->nodes = n;
	snprintf(self, sizeof self, "%s", argv0);
	if (env && *env)
		snprintf(bin, sizeof bin, "%s", env);
	else
		snprintf(bin, sizeof bin, "%s/../themisd", dirname(self));
	snprintf(d->dir, sizeof d->dir, "/tmp/themis-bench-%s.XXXXXX", network);
	if (!mkdtemp(d->dir))
		return -1;
	snprintf(d->sock, sizeof d->sock, "%s/ctl.sock", d->dir);
	snprintf(d->log, sizeof d->log, "%s/daemon.log", d->dir);
	snprintf(state, sizeof state, "%s/state", d->dir);
	snprintf(run, sizeof run, "%s/run", d->dir);
	snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
	snprintf(nodes, sizeof nodes, "%u", n);
	d->pid = fork();
	if (d->pid < 0)
		return -1;
	if (d->pid == 0) {
		int fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		setenv("THEMIS_RUNTIME_DIR", run, 1);
		setenv("THEMIS_LOG", "info", 1);
		if (boot)
			execl(bin, "themisd", "--network", network, "--listen", listen, "--nodes", nodes,
			      "--state", state, "--control", d->sock, "--bootstrap", boot, (char *)NULL);
		else
			execl(bin, "themisd", "--network", network, "--listen", listen, "--nodes", nodes,
			      "--state", state, "--control", d->sock, (char *)NULL);
		_exit(127);
	}
	return 0;
}

int dr_wait_joined(daemonrun *d, double timeout_s)
{
	double end = bench_now_s() + timeout_s;
	char want[64];

	snprintf(want, sizeof want, "\njoined %u\n", d->nodes);
	while (bench_now_s() < end) {
		char *out = NULL;
		int ok = ctlc_call(d->sock, "text - status", &out, 2000) == 0 && strstr(out, want);
		free(out);
		if (ok)
			return 0;
		usleep(200000);
	}
	return -1;
}

int dr_node0(const daemonrun *d, char *buf, size_t cap)
{
	char *out = NULL, id[65];
	char addr[64];
	int rc = -1;

	if (ctlc_call(d->sock, "text 0 id", &out, 2000) == 0 &&
	    sscanf(out, "OK\n%64s %63s", id, addr) == 2) {
		snprintf(buf, cap, "%s@%s", id, addr);
		rc = 0;
	}
	free(out);
	return rc;
}

double dr_cpu_s(const daemonrun *d)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)d->pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	/* fields 14 and 15, counted after the command name's closing parenthesis */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

double dr_stop(daemonrun *d, int sig, double timeout_s)
{
	double t0 = bench_now_s();
	int status;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, sig);
	while (bench_now_s() - t0 < timeout_s) {
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			return bench_now_s() - t0;
		}
		usleep(10000);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	d->pid = 0;
	return -1;
}

int dr_log_has(const daemonrun *d, const char *text)
{
	char line[2048];
	int found = 0;
	FILE *f = fopen(d->log, "r");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, text) != NULL;
	fclose(f);
	return found;
}

void dr_clean(daemonrun *d)
{
	char cmd[400];

	if (d->pid > 0)
		dr_stop(d, SIGKILL, 5);
	if (d->dir[0] && strncmp(d->dir, "/tmp/themis-bench-", 18) == 0) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "daemonrun: cannot remove %s\n", d->dir);
	}
}
