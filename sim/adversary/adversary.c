/* adversary.c: the adversary's dispatch: which datagrams match the [adversary] filter (packet,
 * target, time window, rate, action budget) and which strategy acts on them; the simple
 * strategies (drop, delay, duplicate, reflect) live here. It must never call into a node
 * except through datagrams it hands to the network.
 */
#include "adversary.h"
#include "advsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	"none", "drop", "delay", "duplicate", "replay", "tamper", "reflect", "mitm", "cross_network",
	"hello_flood",
};
static const char *const packet_names[] = { "any", "hello", "reply", "confirm", "data" };

void sim_adversary_init(sim_adversary *a, const sim_scenario *sc, uint64_t seed)
{
	memset(a, 0, sizeof *a);
	a->sc = sc;
	sim_rng_seed(&a->rng, seed, SIM_RNG_ADVERSARY, 0);
	for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++)
		if (!strcmp(sc->adversary, kind_names[k]))
			a->kind = (sim_adv_kind)k;
	/* packet names are listed in wire type order, so the index is the type */
	for (size_t k = 0; k < sizeof packet_names / sizeof packet_names[0]; k++)
		if (!strcmp(sc->adv_packet, packet_names[k]))
			a->packet = (int)k;
	if (a->kind == SIM_ADVK_MITM || a->kind == SIM_ADVK_FLOOD)
		adv_identity(a, seed);
	if (a->kind == SIM_ADVK_CROSS)
		themis_net_hash(sc->adv_network, a->other_net);
}

void sim_adversary_free(sim_adversary *a)
{
	free(a->log);
	/* the adversary's signing key is as secret in a simulation as anywhere else */
	memset(a, 0, sizeof *a);
}

uint32_t adv_log_new(sim_adversary *a, const char *action, sim_adv_class cls,
		     const themis_addr *to)
{
	if (a->nlog == a->logcap) {
		uint32_t ncap = a->logcap ? a->logcap * 2 : 64;
		sim_adv_log *nl = realloc(a->log, (size_t)ncap * sizeof *nl);
		if (!nl)
			return 0;
		a->log = nl;
		a->logcap = ncap;
	}
	sim_adv_log *e = &a->log[a->nlog];
	e->action = action;
	e->cls = (uint8_t)cls;
	e->original = 0;
	e->accepted = 0;
	uint32_t j;
	if (!sim_adv_find(a->sc, to, &j))
		snprintf(e->target, sizeof e->target, "n%u", j);
	else
		snprintf(e->target, sizeof e->target, "spoofed");
	return ++a->nlog;
}

void adv_record_now(struct sim *s, const sim_adversary *a, const char *action, const themis_addr *to,
		    const char *outcome)
{
	char tn[16] = "spoofed";
	uint32_t j;
	if (!sim_adv_find(a->sc, to, &j))
		snprintf(tn, sizeof tn, "n%u", j);
	sim_attack_record(s, a->sc->adversary, action, tn, outcome);
}

int adv_send(struct sim *s, sim_adversary *a, const char *action, sim_adv_class cls,
	     const themis_addr *src, const themis_addr *dst, const uint8_t *data, size_t len,
	     uint64_t delay, uint32_t original)
{
	uint32_t tag = adv_log_new(a, action, cls, dst);
	if (!tag) {
		sim_adv_oom(s);
		return -1;
	}
	a->log[tag - 1].original = original;
	return sim_inject(s, src, dst, data, len, delay, tag);
}

uint32_t adv_original(struct sim *s, sim_adversary *a, sim_dgram *d)
{
	d->tag = adv_log_new(a, "original", SIM_ADV_ORIGINAL, &d->dst);
	if (!d->tag)
		sim_adv_oom(s);
	return d->tag;
}

/* Does this datagram fall under the [adversary] filter, and does the dice say act? */
static int matches(sim_adversary *a, uint64_t now, const sim_dgram *d)
{
	const sim_scenario *sc = a->sc;
	if (now < sc->adv_start_ns || now >= sc->adv_stop_ns || a->actions >= sc->adv_max)
		return 0;
	if (d->from == SIM_ADV_INJECTED)
		return 0; /* never act on what the adversary itself or the flood sent */
	if (a->packet && sim_adv_packet_type(d->data, d->len) != a->packet)
		return 0;
	if (sc->adv_target_node != SIM_ADV_ANY) {
		uint32_t to;
		if (sim_adv_find(sc, &d->dst, &to) || to != sc->adv_target_node)
			return 0;
	}
	/* draw only for matching datagrams, so the filter does not shift the stream */
	if (sc->adv_rate < 1 && sim_rng_unit(&a->rng) >= sc->adv_rate)
		return 0;
	return 1;
}

sim_adv_verdict sim_adversary_hook(struct sim *s, sim_adversary *a, uint64_t now, sim_dgram *d)
{
	a->seen++;
	if (a->kind == SIM_ADVK_FLOOD && d->from == a->sc->adv_target_node &&
	    adv_is_spoofed(&d->dst))
		a->spoofed_bytes_out += d->len; /* the victim answering someone who never asked */
	if (a->kind == SIM_ADVK_NONE || a->kind == SIM_ADVK_FLOOD || !matches(a, now, d))
		return SIM_ADV_PASS;
	a->actions++;
	switch (a->kind) {
	case SIM_ADVK_DROP:
		adv_record_now(s, a, "drop", &d->dst, "removed");
		return SIM_ADV_DROP;
	case SIM_ADVK_DELAY:
		/* the original disappears and an identical copy goes out later */
		adv_send(s, a, "delay", SIM_ADV_OTHER, &d->src, &d->dst, d->data, d->len,
			 a->sc->adv_delay_ns, 0);
		return SIM_ADV_DROP;
	case SIM_ADVK_DUPLICATE: {
		/* the copies leave 1us after the original; with jittered latency or reordering
		 * one may overtake it. Whichever arrives first and is accepted is the message's
		 * one acceptance; only a second acceptance of the same message is a replay
		 * accepted (outcome.c), so the original is tagged too */
		uint32_t orig = adv_original(s, a, d);
		for (uint32_t k = 0; orig && k < a->sc->adv_count; k++)
			adv_send(s, a, "duplicate", SIM_ADV_REPLAYED, &d->src, &d->dst, d->data, d->len,
				 1000 * (uint64_t)(k + 1), orig);
		return SIM_ADV_PASS;
	}
	case SIM_ADVK_REPLAY:
		adv_replay(s, a, d);
		return SIM_ADV_PASS;
	case SIM_ADVK_TAMPER: {
		const char *what = adv_tamper(a, d);
		if (what) {
			d->tag = adv_log_new(a, what, SIM_ADV_FORGED, &d->dst);
			if (!d->tag)
				sim_adv_oom(s);
		} else {
			a->actions--; /* the field does not exist in this packet: nothing done */
		}
		return SIM_ADV_PASS;
	}
	case SIM_ADVK_REFLECT:
		/* back to the sender, claiming to come from the node it was meant for */
		adv_send(s, a, "reflect", SIM_ADV_FORGED, &d->dst, &d->src, d->data, d->len, 0, 0);
		return SIM_ADV_PASS;
	case SIM_ADVK_MITM:
		if (!adv_mitm(s, a, d))
			a->actions--; /* not a HELLO: nothing to answer */
		return SIM_ADV_PASS;
	case SIM_ADVK_CROSS:
		adv_cross_network(s, a, d);
		return SIM_ADV_PASS;
	case SIM_ADVK_NONE:
	case SIM_ADVK_FLOOD:
		break;
	}
	return SIM_ADV_PASS;
}
