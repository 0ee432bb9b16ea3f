/* daemonrun.h: a real themisd for the daemon benchmarks: started with N hosted nodes on
 * loopback in a private runtime and state directory, asked over its control socket, its CPU
 * time read from /proc, and stopped with a signal. The binary is BUILD/themisd next to the
 * benchmark's own directory, or $THEMISD_BIN (to measure another build of it in the same way).
 */
#ifndef THEMIS_DAEMONRUN_H
#define THEMIS_DAEMONRUN_H

#include <stddef.h>
#include <sys/types.h>

typedef struct daemonrun {
	pid_t pid;
	char dir[256];       /* private directory: run/, state/, daemon.log */
	char sock[320];      /* its control socket */
	char log[320];
	unsigned nodes;
} daemonrun;

/* Starts themisd with n nodes on 127.0.0.1:port.. (joining through boot, "ID@ADDR:PORT",
 * unless NULL). argv0 locates the build. Returns 0. */
int dr_start(daemonrun *d, const char *argv0, unsigned port, unsigned n, const char *network,
	     const char *boot);
/* "ID@127.0.0.1:PORT" of the daemon's node 0, into buf (at least 96 bytes). Returns 0. */
int dr_node0(const daemonrun *d, char *buf, size_t cap);
/* Waits until every hosted node has joined, at most timeout_s. Returns 0, -1 on timeout. */
int dr_wait_joined(daemonrun *d, double timeout_s);
/* CPU seconds (user + system) the daemon has used so far. */
double dr_cpu_s(const daemonrun *d);
/* Sends sig and waits for the exit, at most timeout_s (then SIGKILL). Returns the seconds
 * it took, or -1 when it had to be killed. */
double dr_stop(daemonrun *d, int sig, double timeout_s);
/* 1 when the daemon's log has a line containing text. */
int dr_log_has(const daemonrun *d, const char *text);
/* Removes the private directory. */
void dr_clean(daemonrun *d);

#endif
