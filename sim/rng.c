/* rng.c: stream derivation (BLAKE2b over seed, purpose, index), xoshiro256** and the
 * deterministic randombytes implementation handed to libsodium. No OS entropy, ever.
 */
#include "rng.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

/* Big-endian, spelled out: GCC makes this one byte-swapped store (the loop it ran byte by
 * byte, and every find's random key goes through here). */
static void put64(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)(v >> 56); p[1] = (uint8_t)(v >> 48); p[2] = (uint8_t)(v >> 40);
	p[3] = (uint8_t)(v >> 32); p[4] = (uint8_t)(v >> 24); p[5] = (uint8_t)(v >> 16);
	p[6] = (uint8_t)(v >> 8); p[7] = (uint8_t)v;
}

void sim_rng_derive(uint8_t out[32], uint64_t seed, uint32_t purpose, uint64_t index)
{
	static const char label[] = "themis-sim stream";
	uint8_t in[sizeof label - 1 + 8 + 4 + 8];
	memcpy(in, label, sizeof label - 1);
	put64(in + sizeof label - 1, seed);
	in[sizeof label - 1 + 8] = (uint8_t)(purpose >> 24);
	in[sizeof label - 1 + 9] = (uint8_t)(purpose >> 16);
	in[sizeof label - 1 + 10] = (uint8_t)(purpose >> 8);
	in[sizeof label - 1 + 11] = (uint8_t)purpose;
	put64(in + sizeof label - 1 + 12, index);
	crypto_generichash(out, 32, in, sizeof in, NULL, 0);
}

void sim_rng_seed(sim_rng *r, uint64_t seed, uint32_t purpose, uint64_t index)
{
	uint8_t k[32];
	sim_rng_derive(k, seed, purpose, index);
	for (int i = 0; i < 4; i++) {
		uint64_t v = 0;
		for (int j = 0; j < 8; j++)
			v = (v << 8) | k[8 * i + j];
		r->s[i] = v;
	}
	/* the all-zero state is the one xoshiro cannot leave */
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 1;
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t sim_rng_u64(sim_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double sim_rng_unit(sim_rng *r)
{
	return (double)(sim_rng_u64(r) >> 11) * 0x1.0p-53;
}

uint64_t sim_rng_below(sim_rng *r, uint64_t n)
{
	/* reject the top partial block so every residue is equally likely */
	uint64_t lim = UINT64_MAX - UINT64_MAX % n;
	uint64_t v;
	do
		v = sim_rng_u64(r);
	while (v >= lim);
	return v % n;
}

double sim_rng_normal(sim_rng *r)
{
	double u1 = 1.0 - sim_rng_unit(r); /* (0, 1]: log is finite */
	double u2 = sim_rng_unit(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

void sim_rng_bytes(sim_rng *r, uint8_t *buf, size_t len)
{
	while (len >= 8) {
		put64(buf, sim_rng_u64(r));
		buf += 8;
		len -= 8;
	}
	if (len) {
		uint8_t tmp[8];
		put64(tmp, sim_rng_u64(r));
		memcpy(buf, tmp, len);
	}
}

void sim_rng_fill(void *ctx, uint8_t *buf, size_t len)
{
	sim_rng_bytes(ctx, buf, len);
}

/* libsodium's randombytes, made deterministic for the simulator process. */
static sim_rng backstop;

static const char *bs_name(void) { return "themis-sim-deterministic"; }
static uint32_t bs_random(void) { return (uint32_t)(sim_rng_u64(&backstop) >> 32); }
static void bs_stir(void) { }
static void bs_buf(void *const buf, const size_t size) { sim_rng_bytes(&backstop, buf, size); }
static uint32_t bs_uniform(const uint32_t upper)
{
	return upper < 2 ? 0 : (uint32_t)sim_rng_below(&backstop, upper);
}

static randombytes_implementation bs_impl = {
	.implementation_name = bs_name,
	.random = bs_random,
	.stir = bs_stir,
	.uniform = bs_uniform,
	.buf = bs_buf,
	.close = NULL,
};

int sim_rng_install_backstop(uint64_t seed)
{
	sim_rng_seed(&backstop, seed, SIM_RNG_BACKSTOP, 0);
	if (randombytes_set_implementation(&bs_impl) != 0)
		return -1;
	return sodium_init() < 0 ? -1 : 0;
}
