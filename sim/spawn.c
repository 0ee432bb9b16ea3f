/* spawn.c: creating the simulated nodes' core objects. Each node's identity comes from its own
 * seed (scenario seed and index), so the nodes can be made in any order: on a large ring the
 * Ed25519 key derivation dominates setup (about 25 us a node, half a minute for a million),
 * and it runs on a few POSIX threads. The result is bit-identical to the sequential loop:
 * a thread only writes the sim_node slots of its own index range, and nothing it calls
 * draws randomness (the keys come from the seeds). Nothing here runs once the loop starts.
 *
 * Threads only for rings where key derivation takes long enough to pay for starting them
 * (SPAWN_MIN_NODES). Having started threads does not slow the single-threaded loop after
 * them (glibc's malloc locking once threads exist costs less than the run-to-run noise of a
 * 100k-node run).
 */
#include "simint.h"

#include "par.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

enum {
	SPAWN_MIN_NODES = 16384,   /* fewer nodes: one thread (under 0.2 s of keys) */
	SPAWN_NO_POSITION = -1000, /* no identity found for a node's [nodes] positions entry */
};

static int make_one(struct sim *s, uint32_t i, uint32_t attempt)
{
	const sim_scenario *sc = s->sc;
	sim_node *n = &s->nodes[i];
	themis_config cfg;
	themis_config_default(&cfg);
	cfg.network = sc->network;
	sim_identity_seed(cfg.seed, sc->seed, i, attempt);
	sim_rng_seed(&n->rng, sc->seed, SIM_RNG_NODE, i);
	cfg.rand = sim_rng_fill;
	cfg.rand_ctx = &n->rng;
	cfg.send = sim_node_send;
	cfg.send_ctx = s;
	sim_addr_of(i, sc->port, &cfg.self);
	cfg.m = sc->m;
	cfg.security = sc->security;
	cfg.replay_window = sc->replay_window;
	cfg.hs_retry_ns = sc->hs_retry_ns;
	cfg.hs_attempts = sc->hs_attempts;
	cfg.req_timeout_ns = sc->req_timeout_ns;
	cfg.req_attempts = sc->req_attempts;
	cfg.k = sc->k;
	cfg.ttl_ns = sc->ttl_ns;
	cfg.succ_len = sc->succ_len;
	cfg.stabilize_ns = sc->stabilize_ns;
	cfg.fix_fingers_ns = sc->fix_fingers_ns;
	cfg.check_pred_ns = sc->check_pred_ns;
	cfg.signed_records = sc->signed_records;
	cfg.replicate = sc->replicate;
	cfg.verified_cache = sc->verified_cache;
	int rc = themis_node_new(&n->tn, &cfg);
	if (rc < 0)
		return rc;
	n->up = 1;
	n->timer_at = UINT64_MAX;
	n->wake_at = UINT64_MAX;
	return 0;
}

static int make_range(void *ctx, uint32_t lo, uint32_t hi, uint32_t *failed)
{
	struct sim *s = ctx;
	uint8_t net[THEMIS_ID_LEN];
	themis_net_hash(s->sc->network, net);
	for (uint32_t i = lo; i < hi; i++) {
		/* [nodes] positions: the node's first draw that lands on its position */
		uint32_t attempt = 0;
		if (s->sc->npositions &&
		    sim_identity_at(s->sc->seed, net, i, s->sc->m, s->sc->positions[i], &attempt)) {
			*failed = i;
			return SPAWN_NO_POSITION;
		}
		int rc = make_one(ctx, i, attempt);
		if (rc < 0) {
			*failed = i;
			return rc;
		}
	}
	return 0;
}

/* The process's peak resident memory in MB (what the nodes made so far touched). */
static double peak_mb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) ? 0 : (double)ru.ru_maxrss / 1024;
}

int sim_node_redraw(struct sim *s, uint32_t i, uint32_t attempt)
{
	themis_node_del(s->nodes[i].tn);
	s->nodes[i].tn = NULL;
	return make_one(s, i, attempt);
}

static int redraw_node(void *ctx, uint32_t i, uint32_t attempt, uint8_t pos[THEMIS_ID_LEN])
{
	struct sim *s = ctx;
	int rc = sim_node_redraw(s, i, attempt);
	if (rc == 0)
		themis_ring_pos(themis_node_id(s->nodes[i].tn), s->sc->m, pos);
	return rc;
}

/* [nodes] distinct_positions: no two nodes share a ring position, whatever the seed
 * (distinct.c). Sequential, after the parallel creation: a redraw is rare. */
static int distinct(struct sim *s, char *err, size_t errlen)
{
	uint8_t (*pos)[THEMIS_ID_LEN] = malloc((size_t)(s->count ? s->count : 1) * sizeof *pos);
	uint32_t stuck = 0;
	int rc = -1;

	if (pos) {
		for (uint32_t i = 0; i < s->count; i++)
			themis_ring_pos(themis_node_id(s->nodes[i].tn), s->sc->m, pos[i]);
		rc = sim_distinct_positions(s->count, pos, redraw_node, s, &stuck);
		free(pos);
	}
	if (rc == -1)
		snprintf(err, errlen, "%s: out of memory for %u ring positions", s->sc->file, s->count);
	else if (rc == -2)
		snprintf(err, errlen, "%s: no free ring position for node n%u (m = %u leaves too little "
			 "room for %u nodes)", s->sc->file, stuck, s->sc->m, s->count);
	else if (rc < 0)
		snprintf(err, errlen, "%s: the core refused node n%u's configuration (error %d)",
			 s->sc->file, stuck, rc);
	return rc;
}

int sim_nodes_create(struct sim *s, char *err, size_t errlen)
{
	uint32_t nt = s->count < SPAWN_MIN_NODES ? 1 : sim_par_threads(s->opts->threads), failed = 0;
	double before = peak_mb();
	int rc = sim_par_for(nt, s->count, make_range, s, &failed);
	if (rc == THEMIS_ENOMEM) {
		/* how far it got, and what all of them would take at the same cost per node, so
		 * the user can pick a count that fits or the memory that the count needs */
		uint32_t made = 0;
		for (uint32_t i = 0; i < s->count; i++)
			made += s->nodes[i].tn != NULL;
		double now = peak_mb(), per = made ? (now - before) / made : 0;
		snprintf(err, errlen, "%s: out of memory after %u of %u nodes (%.0f MB in use; all %u "
			 "would ask about %.0f MB)", s->sc->file, made, s->count, now, s->count,
			 before + per * s->count);
		return -1;
	}
	if (rc == SPAWN_NO_POSITION) {
		snprintf(err, errlen, "%s: no identity found for node n%u at position %u", s->sc->file,
			 failed, s->sc->positions[failed]);
		return -1;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s: the core refused node n%u's configuration (error %d)",
			 s->sc->file, failed, rc);
		return -1;
	}
	/* explicit positions are distinct already (sim_scenario_finish) */
	return !s->sc->npositions && s->sc->distinct_positions && distinct(s, err, errlen) ? -1 : 0;
}
