/* bench_sim.c: the simulator engine's two scale figures: events per second through the event
 * queue with a trivial handler (sim_events_per_s, goal >= 10M/s), and the memory an idle node
 * costs, core node plus the simulator's own per-node records (sim_idle_node_bytes, goal <=
 * 4096 bytes). Usage: bench_sim DB_PATH [NODES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchlib.h"
#include "event.h"
#include "net.h"
#include "rng.h"
#include "simint.h"
#include "themis.h"

enum { PENDING = 4096, ROUNDS = 5 };

/* Steady state: PENDING events in the heap; each dispatch schedules one successor a random
 * delay later, as a busy simulation does. Returns events per second (median of ROUNDS). */
static double events_per_s(void)
{
	double r[ROUNDS];
	const uint64_t n = 20000000;
	for (int k = 0; k < ROUNDS; k++) {
		sim_evq q;
		sim_rng rng;
		sim_evq_init(&q);
		sim_rng_seed(&rng, 1, SIM_RNG_NET, (uint64_t)k);
		for (uint32_t i = 0; i < PENDING; i++)
			sim_evq_push(&q, sim_rng_u64(&rng) % 1000000, SIM_EV_SAMPLE, i, 0);
		uint64_t sink = 0;
		sim_event ev;
		double t0 = bench_now_s();
		for (uint64_t i = 0; i < n; i++) {
			sim_evq_pop(&q, &ev);
			sink += ev.a; /* the trivial handler */
			sim_evq_push(&q, ev.t + 1 + (sim_rng_u64(&rng) & 0xfffff), SIM_EV_SAMPLE, ev.a, 0);
		}
		r[k] = (double)n / (bench_now_s() - t0);
		if (sink == 42)
			printf(" ");
		sim_evq_free(&q);
	}
	return bench_median(r, ROUNDS);
}

static long rss_bytes(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

/* Creates n idle nodes the way the simulator does (default config, own random stream, its
 * sim_node and id-index records) and returns the resident memory added per node. */
static double idle_node_bytes(uint32_t n)
{
	long before = rss_bytes();
	sim_node *nodes = calloc(n, sizeof *nodes);
	sim_idx *idx = calloc(n, sizeof *idx);
	if (!nodes || !idx || before < 0)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		themis_config cfg;
		themis_config_default(&cfg);
		cfg.network = "bench";
		sim_rng_derive(cfg.seed, 1, SIM_RNG_IDENTITY, i);
		sim_rng_seed(&nodes[i].rng, 1, SIM_RNG_NODE, i);
		cfg.rand = sim_rng_fill;
		cfg.rand_ctx = &nodes[i].rng;
		sim_addr_of(i, 7000, &cfg.self);
		if (themis_node_new(&nodes[i].tn, &cfg) < 0) {
			fprintf(stderr, "bench_sim: themis_node_new failed at node %u\n", i);
			return -1;
		}
		memcpy(idx[i].id, themis_node_id(nodes[i].tn), THEMIS_ID_LEN);
		idx[i].node = i;
	}
	long after = rss_bytes();
	double per = (double)(after - before) / n;
	for (uint32_t i = 0; i < n; i++)
		themis_node_del(nodes[i].tn);
	free(nodes);
	free(idx);
	return per;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s DB_PATH [NODES]\n", argv[0]);
		return 2;
	}
	uint32_t nodes = argc == 3 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100000;
	if (nodes == 0 || sim_rng_install_backstop(1))
		return 2;
	int rc = 0;
	double eps = events_per_s();
	rc |= bench_record(argv[1], "sim_events_per_s", eps, "events/s", "none", 0,
			   "value >= 10000000", eps >= 10e6);
	double per = idle_node_bytes(nodes);
	if (per < 0)
		return 1;
	rc |= bench_record(argv[1], "sim_idle_node_bytes", per, "bytes/node", "none", 0,
			   "value <= 4096", per <= 4096);
	return rc ? 1 : 0;
}
