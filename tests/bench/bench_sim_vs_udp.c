/* bench_sim_vs_udp.c: the secure two-node ping-pong, simulated against real. Real: two nodes
 * of the same core in one process, each on its own UDP socket on 127.0.0.1, one PING
 * outstanding at a time through the kernel's loopback. Simulated: the simulator running the
 * same secure exchange between two nodes. The figure is simulated exchanges per wall second
 * over real ones (sim_vs_udp_pingpong, goal >= 1: simulating is faster than doing).
 * Usage: bench_sim_vs_udp DB_PATH
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "benchlib.h"
#include "sim.h"
#include "themis.h"

enum { ROUNDS = 5, PINGS = 5000 };

static void os_rand(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	randombytes_buf(buf, len);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef struct real_node {
	themis_node *n;
	int fd;
	themis_addr addr;
} real_node;

static int real_node_open(real_node *r, uint8_t seed_byte)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	themis_config c;

	r->fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (r->fd < 0 || bind(r->fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(r->fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	memset(&r->addr, 0, sizeof r->addr);
	r->addr.family = 4;
	memcpy(r->addr.addr, &sa.sin_addr, 4);
	r->addr.port = ntohs(sa.sin_port);
	themis_config_default(&c);
	c.network = "bench";
	memset(c.seed, seed_byte, sizeof c.seed);
	c.rand = os_rand;
	c.self = r->addr;
	return themis_node_new(&r->n, &c);
}

/* Send everything node r wants sent; collect OP_DONE events into *done. */
static void flush(real_node *r, int *done)
{
	uint8_t buf[THEMIS_MAX_PACKET];
	themis_addr to;
	themis_event ev;
	int len;

	while ((len = themis_node_poll_send(r->n, &to, buf, sizeof buf)) > 0) {
		struct sockaddr_in sa;
		memset(&sa, 0, sizeof sa);
		sa.sin_family = AF_INET;
		memcpy(&sa.sin_addr, to.addr, 4);
		sa.sin_port = htons(to.port);
		(void)sendto(r->fd, buf, (size_t)len, 0, (struct sockaddr *)&sa, sizeof sa);
	}
	while (themis_node_poll_event(r->n, &ev))
		if (ev.kind == THEMIS_EV_OP_DONE)
			*done += ev.ok ? 1 : 1000000;
}

/* Datagrams waiting on r's socket go into its node. */
static void drain(real_node *r)
{
	uint8_t buf[THEMIS_MAX_PACKET + 16];
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	ssize_t got;

	while ((got = recvfrom(r->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&sa, &sl)) >= 0) {
		themis_addr from;
		memset(&from, 0, sizeof from);
		from.family = 4;
		memcpy(from.addr, &sa.sin_addr, 4);
		from.port = ntohs(sa.sin_port);
		themis_node_recv(r->n, &from, buf, (size_t)got, mono_ns());
		sl = sizeof sa;
	}
}

/* One ping, one outstanding, driven to completion. Returns 0 when it succeeded. */
static int real_ping(real_node *a, real_node *b)
{
	themis_peer p;
	int done = 0;
	struct pollfd pf[2] = { { a->fd, POLLIN, 0 }, { b->fd, POLLIN, 0 } };

	memcpy(p.id, themis_node_id(b->n), THEMIS_ID_LEN);
	p.addr = b->addr;
	if (themis_ping(a->n, &p, mono_ns()) <= 0)
		return -1;
	while (!done) {
		flush(a, &done);
		flush(b, &done);
		if (done)
			break;
		if (poll(pf, 2, 1000) <= 0)
			return -1;
		drain(a);
		drain(b);
		themis_node_on_timeout(a->n, mono_ns());
		themis_node_on_timeout(b->n, mono_ns());
	}
	return done == 1 ? 0 : -1;
}

static double real_exchanges_per_s(void)
{
	real_node a, b;
	double r[ROUNDS];

	if (real_node_open(&a, 1) != 0 || real_node_open(&b, 2) != 0 || real_ping(&a, &b) != 0) {
		fprintf(stderr, "bench_sim_vs_udp: cannot set up two nodes on loopback UDP\n");
		exit(1);
	}
	for (int k = 0; k < ROUNDS; k++) {
		double t0 = bench_now_s();
		for (int i = 0; i < PINGS; i++)
			if (real_ping(&a, &b) != 0) {
				fprintf(stderr, "bench_sim_vs_udp: a loopback ping failed\n");
				exit(1);
			}
		r[k] = PINGS / (bench_now_s() - t0);
	}
	themis_node_del(a.n);
	themis_node_del(b.n);
	close(a.fd);
	close(b.fd);
	return bench_median(r, ROUNDS);
}

/* The same exchange in the simulator: two nodes, secure, loopback-like latency, pings at a
 * constant rate; exchanges completed per second of wall time. */
static double sim_exchanges_per_s(void)
{
	static const char text[] =
		"[run]\nname = bench-pingpong\nseed = 1\nduration = 20s\n"
		"[network]\nlatency = constant\nlatency_mean = 20us\n"
		"[nodes]\ncount = 2\n"
		"[workload]\nping_rate = 2000\n";
	double r[ROUNDS];
	char err[256];

	for (int k = 0; k < ROUNDS; k++) {
		sim_scenario sc;
		sim_summary sum;
		sim_opts o;
		memset(&o, 0, sizeof o);
		if (sim_scenario_init(&sc) != 0 ||
		    sim_scenario_parse(&sc, "bench-pingpong", text, err, sizeof err) != 0 ||
		    sim_scenario_finish(&sc, err, sizeof err) != 0) {
			fprintf(stderr, "bench_sim_vs_udp: scenario: %s\n", err);
			exit(1);
		}
		double t0 = bench_now_s();
		if (sim_run(&sc, &o, &sum, err, sizeof err) != 0) {
			fprintf(stderr, "bench_sim_vs_udp: %s\n", err);
			exit(1);
		}
		double wall = bench_now_s() - t0;
		const double *pings = sim_summary_get(&sum, "pings");
		const double *okr = sim_summary_get(&sum, "ping_success_rate");
		if (!pings || !okr || *okr < 1.0) {
			fprintf(stderr, "bench_sim_vs_udp: simulated pings did not all succeed\n");
			exit(1);
		}
		r[k] = *pings / wall;
		sim_summary_free(&sum);
		sim_scenario_free(&sc);
	}
	return bench_median(r, ROUNDS);
}

int main(int argc, char **argv)
{
	const char *db = argc > 1 ? argv[1] : "results/bench.db";
	double real, sim;

	if (sodium_init() < 0)
		return 1;
	real = real_exchanges_per_s();
	sim = sim_exchanges_per_s();
	return bench_record(db, "sim_vs_udp_pingpong", sim, "exchanges/s", "udp_loopback_pingpong", real,
			    "ratio >= 1", sim / real >= 1.0) == 0 ? 0 : 1;
}
