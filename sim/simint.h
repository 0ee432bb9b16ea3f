/* simint.h: the simulator's internal state, shared by the driver (sim.c), the summary and the
 * adversary. Nothing outside sim/ includes it, and it holds no protocol state: that lives in
 * the themis_node objects, reached only through themis.h.
 */
#ifndef SIM_SIMINT_H
#define SIM_SIMINT_H

#include <stdint.h>

#include "adversary/adversary.h"
#include "event.h"
#include "metrics.h"
#include "net.h"
#include "pcap.h"
#include "rng.h"
#include "scenario.h"
#include "sim.h"
#include "themis.h"
#include "trace.h"

/* An input waiting for a busy node (CPU model): FIFO order. */
typedef enum sim_input_kind { SIM_IN_DELIVER = 1, SIM_IN_TIMER, SIM_IN_PING } sim_input_kind;

typedef struct sim_input {
	uint32_t kind;
	uint32_t arg;           /* DELIVER: packet slot; PING: peer node */
} sim_input;

/* A handshake this node started, timed from its first HELLO to SESSION_UP or failure. */
typedef struct sim_hs_pending {
	uint32_t peer;
	uint32_t hellos;
	uint64_t t_start;
} sim_hs_pending;

typedef struct sim_node {
	themis_node *tn;
	sim_rng rng;            /* the node's themis_config.rand stream */
	uint64_t busy_until;    /* CPU model: the node is working until then */
	uint64_t timer_seq;     /* the armed SIM_EV_TIMER; others for this node are stale */
	uint64_t timer_at;      /* its time, UINT64_MAX when none */
	sim_input *q;           /* inputs that arrived while busy (ring buffer) */
	uint32_t qhead, qlen, qcap;
	sim_hs_pending *hs;     /* handshakes started and not yet finished */
	uint16_t nhs, hscap;
	uint8_t up;             /* 0 while failed ([events] fail, churn) */
} sim_node;

/* A datagram in flight (or waiting to leave a busy node). */
typedef struct sim_pkt {
	uint32_t from;          /* sending node, SIM_NODE_NONE when injected */
	uint32_t to;            /* receiving node (set once routed) */
	themis_addr src, dst;
	uint32_t next_free;
	uint32_t tag;           /* 0, or the adversary's log entry for a datagram it touched */
	uint16_t len;
	uint8_t data[THEMIS_MAX_PACKET];
} sim_pkt;

/* An [id -> node index] entry; the table is sorted by id for binary search. */
typedef struct sim_idx {
	uint8_t id[THEMIS_ID_LEN];
	uint32_t node;
} sim_idx;

typedef struct sim_stats {
	uint64_t events;
	uint64_t pings, pings_done, pings_ok; /* asked for, finished, succeeded */
	uint64_t *rtt;          /* successful ping round trips, ns */
	size_t nrtt, rttcap;
	uint64_t handshakes, handshake_rows_failed;
	uint64_t datagrams, bytes;
	uint64_t down_drops, unroutable, adv_dropped, adv_injected;
	uint64_t forgeries_accepted, replays_accepted;
	uint64_t failures, recoveries;
	int64_t op_rows;
} sim_stats;

struct sim {
	const sim_scenario *sc;
	const sim_opts *opts;
	uint64_t now;
	sim_evq q;
	sim_node *nodes;
	uint32_t count;
	sim_idx *by_id;
	sim_pkt *pkts;
	uint32_t npkts, pktcap, free_pkt;
	sim_net net;
	sim_trace tr;
	sim_pcap pcap;
	int has_pcap;
	sim_metrics *db;
	sim_adversary adv;
	sim_rng workload, churn;
	sim_stats st;
	int oom;                /* memory ran out somewhere: the run is reported as failed */
};

/* For the adversary: put a datagram it built on the network from src to dst after delay;
 * tag (0 or its log entry) comes back to it at delivery with the receiver's outcome. */
int sim_inject(struct sim *s, const themis_addr *src, const themis_addr *dst,
	       const uint8_t *data, size_t len, uint64_t delay, uint32_t tag);
/* For the adversary: one attacks row and the honest side's outcome. */
void sim_attack_record(struct sim *s, const char *kind, const char *action, const char *target,
		       const char *outcome);

/* transmit.c: packet slots (SIM_NODE_NONE when memory ran out) and the datagram path */
uint32_t sim_pkt_alloc(struct sim *s);
void sim_pkt_free(struct sim *s, uint32_t slot);
void sim_push(struct sim *s, uint64_t t, sim_ev_kind kind, uint32_t a, uint32_t b);
/* slot leaves node pkts[slot].from now: adversary hook, then sim_route */
void sim_transmit(struct sim *s, uint32_t slot, uint64_t now);
/* slot is on the wire now: pcap, trace, network model, delivery events */
void sim_route(struct sim *s, uint32_t slot, uint64_t now);

/* simnode.c: inputs into nodes and what comes out of them */
int sim_idx_cmp(const void *x, const void *y);
uint32_t sim_node_of_id(const struct sim *s, const uint8_t *id);
void sim_node_input(struct sim *s, uint32_t i, sim_input in, uint64_t now);
void sim_node_ready(struct sim *s, uint32_t i, uint64_t now);
void sim_node_fail(struct sim *s, uint32_t i);
void sim_node_recover(struct sim *s, uint32_t i);
void sim_ping_input(struct sim *s, uint32_t i, uint32_t peer);

/* summary.c */
/* wall_s: the whole run; loop_s: the event loop alone (for events_per_second). */
int sim_summary_build(struct sim *s, sim_summary *out, double wall_s, double loop_s);

#endif
