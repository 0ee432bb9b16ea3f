/* themis_sim.h: what only the simulator (sim/) needs of the core, apart from the public API
 * in themis.h: cache hints for a driver that knows its next inputs ahead of time, and the
 * oracle's "static ring" shortcut. Not installed: an application or daemon has no use for
 * them (the daemon's one in-place counter read, themis_node_counters_ref, is in themis.h).
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

/* The simulator's "static ring" shortcut: set successors, predecessor and fingers as an
 * oracle computed them, and mark the node joined. Returns 0 or THEMIS_EINVAL. */
int themis_node_set_ring(themis_node *node, const themis_peer *succ, size_t nsucc,
			 const themis_peer *pred, const themis_peer *fingers, size_t nfingers);

#endif
