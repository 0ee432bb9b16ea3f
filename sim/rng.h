/* rng.h: the simulator's deterministic random streams. Every stream is derived from (run seed,
 * purpose, index) by BLAKE2b, so node i draws the same bytes whatever the other nodes do. It
 * never reads an OS random source.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256**: fast, 32 bytes of state, good enough for a simulation (not for keys that must
 * resist an attacker outside the simulation, which never exist here). */
typedef struct sim_rng {
	uint64_t s[4];
} sim_rng;

/* Purposes: distinct streams from one seed. */
enum {
	SIM_RNG_NODE = 1,   /* a node's themis_config.rand */
	SIM_RNG_IDENTITY,   /* a node's Ed25519 seed */
	SIM_RNG_NET,        /* latency, loss, duplication, reordering */
	SIM_RNG_WORKLOAD,   /* who pings whom */
	SIM_RNG_CHURN,      /* who fails when */
	SIM_RNG_ADVERSARY,  /* the adversary's choices */
	SIM_RNG_BACKSTOP,   /* libsodium's randombytes, if anything ever calls it */
	SIM_RNG_DHT,        /* the DHT workload: who asks for which key */
	SIM_RNG_DHT_CHURN,  /* who joins and leaves */
};

void sim_rng_seed(sim_rng *r, uint64_t seed, uint32_t purpose, uint64_t index);
uint64_t sim_rng_u64(sim_rng *r);
/* Uniform in [0, 1). */
double sim_rng_unit(sim_rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t sim_rng_below(sim_rng *r, uint64_t n);
/* Standard normal (Box-Muller; uses two draws per call, deterministic). */
double sim_rng_normal(sim_rng *r);
void sim_rng_bytes(sim_rng *r, uint8_t *buf, size_t len);
/* Adapter with the themis_rand_fn signature: ctx is a sim_rng. */
void sim_rng_fill(void *ctx, uint8_t *buf, size_t len);
/* 32 bytes derived from (seed, purpose, index): identity seeds. */
void sim_rng_derive(uint8_t out[32], uint64_t seed, uint32_t purpose, uint64_t index);

/* Replaces libsodium's randombytes with a stream derived from seed, so that nothing random can
 * leak into a run even if some code path forgets the rand callback. Call before sodium_init;
 * calling again reseeds. Returns 0, or -1 when libsodium refuses. */
int sim_rng_install_backstop(uint64_t seed);

#endif
