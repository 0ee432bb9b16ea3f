/* advsim.h: the simulator as the adversary sees it (implemented in sim/advsim.c). The
 * adversary's files include this, their own adversary.h and nothing else of the simulator:
 * put a datagram on the network, record an attacks row, find a node and its address, read a
 * node's public id, schedule the adversary's next timed action, and tell the run what it
 * must know (memory ran out, a forgery or replay was accepted).
 */
#ifndef SIM_ADVSIM_H
#define SIM_ADVSIM_H

#include <stddef.h>
#include <stdint.h>

#include "../scenario.h"
#include "themis.h"

struct sim;

/* sim_dgram.from of a datagram no node sent (the adversary injected it). */
enum { SIM_ADV_INJECTED = 0xffffffffu };

/* Put a datagram the adversary built on the network from src to dst after delay; tag (0 or
 * its log entry) comes back to it at delivery with the receiver's outcome. */
int sim_inject(struct sim *s, const themis_addr *src, const themis_addr *dst,
	       const uint8_t *data, size_t len, uint64_t delay, uint32_t tag);
/* One attacks row and the honest side's outcome. */
void sim_attack_record(struct sim *s, const char *kind, const char *action, const char *target,
		       const char *outcome);

/* The node at address a in the run of scenario sc: 0 with *node set, or nonzero (a spoofed
 * or foreign address). */
int sim_adv_find(const sim_scenario *sc, const themis_addr *a, uint32_t *node);
/* The address of node `node` in the run of scenario sc. */
void sim_adv_addr(const sim_scenario *sc, uint32_t node, themis_addr *out);
/* Node `node`'s core object, for its public id only (themis_node_id). */
const themis_node *sim_adv_node(const struct sim *s, uint32_t node);
/* The packet type byte of a datagram whose header is well formed, else 0. */
int sim_adv_packet_type(const uint8_t *pkt, size_t len);

/* A SIM_EV_ADVERSARY event at t: sim_adversary_tick runs then. */
void sim_adv_schedule(struct sim *s, uint64_t t);
/* Memory ran out: the run is reported as failed. */
void sim_adv_oom(struct sim *s);
/* A forgery (replayed 0) or a replay (replayed 1) was accepted: the run's summary counts it. */
void sim_adv_accepted(struct sim *s, int replayed);

#endif
