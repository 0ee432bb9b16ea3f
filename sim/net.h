/* net.h: the simulated network between nodes: virtual addresses, one-way latency models,
 * loss, duplication, reordering and timed partitions. It decides when (and whether) copies of
 * a datagram arrive; it never looks inside a datagram and never calls the protocol core.
 */
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stdint.h>

#include "rng.h"
#include "scenario.h"
#include "themis.h"

typedef enum sim_net_fate {
	SIM_NET_DELIVERED,
	SIM_NET_LOST,        /* random loss */
	SIM_NET_PARTITIONED, /* a partition separates sender and receiver */
} sim_net_fate;

typedef struct sim_net_stats {
	uint64_t sent, lost, partitioned, duplicated, reordered;
} sim_net_stats;

typedef struct sim_net {
	const sim_scenario *sc;
	sim_rng rng;
	sim_net_stats st;
} sim_net;

void sim_net_init(sim_net *n, const sim_scenario *sc, uint64_t seed);

/* Decides the fate of one datagram from -> to sent at now. On delivery writes one or two
 * one-way delays (a duplicate is an independent copy) into delay[] and sets *copies. */
sim_net_fate sim_net_route(sim_net *n, uint32_t from, uint32_t to, uint64_t now,
			   uint64_t delay[2], int *copies);

/* True when a partition separates a and b at time t. */
int sim_net_partitioned(const sim_net *n, uint32_t a, uint32_t b, uint64_t t);

/* Node i listens on 10.x.y.z:port with x.y.z = i + 1 (so no node sits on 10.0.0.0). */
void sim_addr_of(uint32_t node, uint16_t port, themis_addr *a);
/* The node behind a virtual address; returns 0 and sets *node, or -1 when no node has it. */
int sim_node_of(const themis_addr *a, uint16_t port, uint32_t count, uint32_t *node);

#endif
