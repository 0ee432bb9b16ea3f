/* forge.c: packets the adversary builds itself with its OWN identity (keys derived from the
 * run seed) through the core's public codec and handshake building blocks: mitm REPLYs and
 * hello_flood HELLOs. It never uses, guesses or reads an honest node's keys.
 */
#include "adversary.h"
#include "advsim.h"

#include <string.h>

#include "themis_codec.h"

void adv_identity(sim_adversary *a, uint64_t seed)
{
	uint8_t sd[32];
	/* index 1 of the adversary stream: distinct from every honest identity seed */
	sim_rng_derive(sd, seed, SIM_RNG_ADVERSARY, 1);
	themis_codec_keypair(sd, a->pk, a->sk);
	themis_codec_wipe(sd, sizeof sd);
	themis_net_hash(a->sc->network, a->net);
	themis_id_from_pk(a->pk, a->net, a->id);
}

static void fresh(sim_adversary *a, themis_hs_random *rnd)
{
	uint8_t b[4];
	sim_rng_bytes(&a->rng, b, sizeof b);
	rnd->idx = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];   /* big-endian */
	sim_rng_bytes(&a->rng, rnd->e_sec, sizeof rnd->e_sec);
	sim_rng_bytes(&a->rng, rnd->nonce, sizeof rnd->nonce);
}

int adv_is_spoofed(const themis_addr *addr)
{
	/* 172.16.0.0/16: outside the simulator's 10.0.0.0/8 node addresses, so never routable */
	return addr->family == 4 && addr->addr[0] == 172 && addr->addr[1] == 16;
}

static void spoofed_addr(uint32_t k, uint16_t port, themis_addr *out)
{
	memset(out, 0, sizeof *out);
	out->family = 4;
	out->addr[0] = 172;
	out->addr[1] = 16;
	out->addr[2] = (uint8_t)(k >> 8);
	out->addr[3] = (uint8_t)k;
	out->port = port;
}

int adv_mitm(struct sim *s, sim_adversary *a, const sim_dgram *d)
{
	themis_hello_info h;
	if (sim_adv_packet_type(d->data, d->len) != 1 || themis_codec_hello_decode(d->data, d->len, &h))
		return 0;
	/* answer in the victim's name (its address) with the adversary's own keys, in the
	 * network the HELLO names; the REPLY leaves now, so it reaches the initiator before the
	 * victim's real one */
	uint8_t out[THEMIS_REPLY_LEN];
	themis_hs_random rnd;
	fresh(a, &rnd);
	int rc = themis_codec_reply(out, a->pk, a->sk, d->data, d->len, &rnd);
	if (rc)
		return 0;
	adv_send(s, a, "own_reply", SIM_ADV_FORGED, &d->dst, &d->src, out, sizeof out, 0, 0);
	return 1;
}

void adv_flood_one(struct sim *s, sim_adversary *a)
{
	const sim_scenario *sc = a->sc;
	uint32_t v = sc->adv_target_node;
	uint8_t out[THEMIS_HELLO_LEN];
	if (sc->adv_valid) {
		themis_hs_random rnd;
		fresh(a, &rnd);
		themis_codec_hello(out, a->pk, a->sk, a->net, themis_node_id(sim_adv_node(s, v)), &rnd);
	} else {
		/* garbage behind a valid header: the victim must reject it before any crypto */
		sim_rng_bytes(&a->rng, out, sizeof out);
		out[0] = 1;
		out[1] = 1;
		out[2] = out[3] = 0;
	}
	themis_addr src, dst;
	spoofed_addr((uint32_t)(a->flood_sent % sc->adv_sources), sc->port, &src);
	sim_adv_addr(sc, v, &dst);
	a->flood_sent++;
	adv_send(s, a, sc->adv_valid ? "hello_signed" : "hello_garbage", SIM_ADV_FLOOD, &src, &dst,
		 out, sizeof out, 0, 0);
}

void sim_adversary_start(struct sim *s, sim_adversary *a)
{
	const sim_scenario *sc = a->sc;
	if (a->kind != SIM_ADVK_FLOOD || sc->adv_flood_rate <= 0)
		return;
	uint64_t t = sc->adv_start_ns ? sc->adv_start_ns : 1;
	sim_adv_schedule(s, t);
}

void sim_adversary_tick(struct sim *s, sim_adversary *a, uint64_t now)
{
	const sim_scenario *sc = a->sc;
	if (now >= sc->adv_stop_ns || a->flood_sent >= sc->adv_max)
		return;
	adv_flood_one(s, a);
	/* evenly spaced: the flood's rate is the scenario's, not a random process */
	double gap = 1e9 / sc->adv_flood_rate;
	uint64_t next = now + (gap < 1 ? 1 : (uint64_t)gap);
	sim_adv_schedule(s, next);
}
