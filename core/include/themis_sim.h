/* themis_sim.h: what only the simulator (sim/) needs of the core, apart from the public API
 * in themis.h: cache hints for a driver that knows its next inputs ahead of time, and an
 * observer's look into a DATA packet. Not installed: an application or daemon has no use for
 * them (the daemon's in-place counter read, themis_node_counters_ref, and themis_node_set_ring,
 * with which it leaves a node alone before its last leave, are in themis.h).
 */
#ifndef THEMIS_SIM_H
#define THEMIS_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "themis.h"

/* A hint, with no effect on behaviour: start loading into the CPU cache what the node's next
 * input will read. stage 0: the node object; stage 1: the tables it points to (call it for a
 * node whose stage 0 ran a little earlier); stage 2: the peers, requests and operations those
 * tables point to (for the node whose input comes now, its stage 1 done one input earlier).
 * For a driver that knows its next inputs ahead of time (the simulator's event queue), on a
 * ring whose nodes no cache holds at once. */
void themis_node_prefetch(const themis_node *node, int stage);
/* The same kind of hint for the datagram the node is about to receive (pkt, len, already in
 * the cache, its stage 1 done): the routing entries its answer will most likely name. */
void themis_node_prefetch_input(const themis_node *node, const uint8_t *pkt, size_t len);

/* An observer's look into a DATA packet addressed to node rx (the simulator's --trace): the
 * frame, opened on a copy with the keys of rx's session named by the packet's idx; its
 * length, or -1 when rx has no such session or the packet does not authenticate. rx's replay
 * window, counters and every other field are only read. */
int themis_node_peek_data(const themis_node *rx, const uint8_t *pkt, size_t len, uint8_t *frame,
			  size_t cap);

#endif
