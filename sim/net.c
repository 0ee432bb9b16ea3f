/* net.c: the network model's random choices, drawn in a fixed order from the network's own
 * stream so a run is reproducible. Partitions are checked when a datagram is sent.
 */
#include "net.h"

#include <math.h>
#include <string.h>

void sim_net_init(sim_net *n, const sim_scenario *sc, uint64_t seed)
{
	memset(n, 0, sizeof *n);
	n->sc = sc;
	sim_rng_seed(&n->rng, seed, SIM_RNG_NET, 0);
}

static inline int in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return x >= lo && x <= hi;
}

int sim_net_partitioned(const sim_net *n, uint32_t a, uint32_t b, uint64_t t)
{
	for (size_t i = 0; i < n->sc->npartitions; i++) {
		const sim_partition *p = &n->sc->partitions[i];
		if (t < p->start || t >= p->end)
			continue;
		if ((in(a, p->a_lo, p->a_hi) && in(b, p->b_lo, p->b_hi)) ||
		    (in(b, p->a_lo, p->a_hi) && in(a, p->b_lo, p->b_hi)))
			return 1;
	}
	return 0;
}

static uint32_t group_of(const sim_scenario *sc, uint32_t node)
{
	/* contiguous blocks of nearly equal size, in node order */
	return (uint32_t)((uint64_t)node * sc->groups / sc->count);
}

static uint64_t latency(sim_net *n, uint32_t from, uint32_t to)
{
	const sim_scenario *sc = n->sc;
	uint64_t d = 0;
	switch (sc->latency) {
	case SIM_LAT_CONSTANT:
		d = sc->latency_ns;
		break;
	case SIM_LAT_UNIFORM:
		d = sc->latency_min_ns + sim_rng_below(&n->rng, sc->latency_max_ns - sc->latency_min_ns + 1);
		break;
	case SIM_LAT_NORMAL: {
		/* truncated normal by rejection; a bounded number of tries, then the mean */
		double v = (double)sc->latency_ns;
		for (int i = 0; i < 64; i++) {
			double x = (double)sc->latency_ns + (double)sc->latency_sd_ns * sim_rng_normal(&n->rng);
			if (x >= (double)sc->latency_min_ns && x <= (double)sc->latency_max_ns) {
				v = x;
				break;
			}
		}
		d = (uint64_t)llround(v);
		break;
	}
	case SIM_LAT_MATRIX: {
		uint32_t g = sc->groups;
		double ms = sc->matrix_ms[(size_t)group_of(sc, from) * g + group_of(sc, to)];
		d = (uint64_t)llround(ms * 1e6);
		break;
	}
	}
	if (sc->jitter_ns)
		d += sim_rng_below(&n->rng, sc->jitter_ns + 1);
	if (sc->reorder > 0 && sim_rng_unit(&n->rng) < sc->reorder) {
		d += sc->reorder_delay_ns;
		n->st.reordered++;
	}
	return d;
}

sim_net_fate sim_net_route(sim_net *n, uint32_t from, uint32_t to, uint64_t now,
			   uint64_t delay[2], int *copies)
{
	const sim_scenario *sc = n->sc;
	n->st.sent++;
	*copies = 0;
	if (sim_net_partitioned(n, from, to, now)) {
		n->st.partitioned++;
		return SIM_NET_PARTITIONED;
	}
	if (sc->loss > 0 && sim_rng_unit(&n->rng) < sc->loss) {
		n->st.lost++;
		return SIM_NET_LOST;
	}
	delay[0] = latency(n, from, to);
	*copies = 1;
	if (sc->duplicate > 0 && sim_rng_unit(&n->rng) < sc->duplicate) {
		delay[1] = latency(n, from, to);
		*copies = 2;
		n->st.duplicated++;
	}
	return SIM_NET_DELIVERED;
}

void sim_addr_of(uint32_t node, uint16_t port, themis_addr *a)
{
	uint32_t v = node + 1;
	memset(a, 0, sizeof *a);
	a->family = 4;
	a->addr[0] = 10;
	a->addr[1] = (uint8_t)(v >> 16);
	a->addr[2] = (uint8_t)(v >> 8);
	a->addr[3] = (uint8_t)v;
	a->port = port;
}

int sim_node_of(const themis_addr *a, uint16_t port, uint32_t count, uint32_t *node)
{
	if (a->family != 4 || a->addr[0] != 10 || a->port != port)
		return -1;
	uint32_t v = ((uint32_t)a->addr[1] << 16) | ((uint32_t)a->addr[2] << 8) | a->addr[3];
	if (v == 0 || v > count)
		return -1;
	*node = v - 1;
	return 0;
}
