/* simint.h: the simulator's internal state, shared by the driver (sim.c, simnode.c,
 * simdht.c, transmit.c, spawn.c), its observers (ringcheck.c, assume.c, summary.c) and the
 * churn helpers (failshare.c), and the adversary (sim/adversary/). Outside sim/ only the
 * simulator benchmark includes it. It holds no protocol state: that lives in the
 * themis_node objects.
 */
#ifndef SIM_SIMINT_H
#define SIM_SIMINT_H

#include <stdint.h>

#include "adversary/adversary.h"
#include "adversary/advsim.h"
#include "distinct.h"
#include "event.h"
#include "metrics.h"
#include "net.h"
#include "pcap.h"
#include "rng.h"
#include "scenario.h"
#include "sim.h"
#include "themis.h"
#include "themis_sim.h"
#include "trace.h"

/* An input waiting for a busy node (CPU model): FIFO order. */
typedef enum sim_input_kind { SIM_IN_DELIVER = 1, SIM_IN_TIMER, SIM_IN_PING, SIM_IN_OP } sim_input_kind;

typedef struct sim_input {
	uint32_t kind;
	uint32_t arg;           /* DELIVER: packet slot; PING: peer node; OP: request slot */
} sim_input;

/* A DHT operation asked of a node: from the scenario's [events], the workload, churn or the
 * join pattern. The slot lives until the node reports the operation done, so the result can
 * be judged against what was asked. */
typedef struct sim_opreq {
	uint8_t verb;           /* sim_verb */
	uint8_t ghosts_checked;
	uint32_t via;           /* join: bootstrap node, SIM_NODE_NONE: a new ring */
	uint32_t next_free;
	uint64_t t_asked;
	uint8_t key[THEMIS_ID_LEN]; /* store/find: the object id */
	char name[SIM_NAME_MAX];    /* store/find/register/discover: what the ops row shows */
	char tag[SIM_TAG_MAX + 1];
} sim_opreq;

/* An operation a node has in progress: its op id and request slot. */
typedef struct sim_opwait {
	uint64_t op_id;
	uint32_t req;
} sim_opwait;

/* A handshake this node started, timed from its first HELLO to SESSION_UP or failure. */
typedef struct sim_hs_pending {
	uint32_t peer;
	uint32_t hellos;
	uint64_t t_start;
} sim_hs_pending;

/* Exactly two cache lines (the array is allocated on a line, sim.c): nearly every event
 * reads both, and at 136 bytes a node's record spanned three lines one time in three. */
typedef struct sim_node {
	themis_node *tn;
	sim_rng rng;            /* the node's themis_config.rand stream */
	uint64_t busy_until;    /* CPU model: the node is working until then */
	uint64_t timer_seq;     /* the armed timer's sequence number (0: none): reserved when the
				   node's deadline was computed, so it sorts as if pushed then */
	uint64_t timer_at;      /* its time, UINT64_MAX when none */
	uint64_t wake_seq;      /* the one SIM_EV_TIMER of this node in the queue that counts
				   (0: none); others are stale. At or before timer_at: when it
				   is earlier, it only pushes the armed timer (simnode.c) */
	uint64_t wake_at;       /* its time */
	sim_input *q;           /* inputs that arrived while busy (ring buffer) */
	uint32_t qhead, qlen, qcap;
	uint8_t up;             /* 0 while failed ([events] fail, churn) */
	uint8_t member;         /* in the ring, as the core says (themis_node_ring joined) */
	uint8_t joining;        /* a join is in progress */
	uint8_t leaving;        /* a leave is in progress */
	uint16_t nhs, hscap;
	uint16_t nops, opscap;
	sim_hs_pending *hs;     /* handshakes started and not yet finished */
	sim_opwait *ops;        /* DHT operations in progress */
} sim_node;

/* A datagram in flight (or waiting to leave a busy node). Each slot starts on a cache line
 * (the chunks are allocated on one, transmit.c), so a datagram and its header take the fewest
 * lines: a FIND three, its answer five, read cold when delivered. */
typedef struct sim_pkt {
	_Alignas(64) uint32_t from; /* sending node, SIM_NODE_NONE when injected */
	uint32_t to;            /* receiving node (set once routed) */
	themis_addr src, dst;
	union {
		uint64_t sent;  /* in flight: the trace record of its sending (trace.h) */
		uint32_t next_free; /* free: the next free slot */
	};
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
	uint64_t events;        /* the protocol run's events (observers not counted) */
	uint64_t observer_events; /* ring checks and samples the loop ran */
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

/* What the DHT did, judged against the global view (scenarios/README.md, Summary values). */
typedef struct sim_dht_stats {
	uint64_t finds, finds_done, finds_ok, finds_hops, finds_msgs, finds_with_records;
	uint64_t *lat;          /* latency of successful finds, ns */
	size_t nlat, latcap;
	uint64_t wrong_owner, ghosts;
	uint64_t stores, stores_ok, registers, registers_ok, discovers, discovers_ok;
	uint64_t joins, joins_ok, leaves, leaves_ok;
	uint64_t checks, checks_counted, violations;
	int last_valid, last_ideal; /* the latest check (-1: none yet) */
	uint64_t last_change;   /* time of the latest membership change */
	uint32_t live_members;  /* up and in the ring */
	uint32_t leaving;       /* nodes with a leave in progress (the leaving flag) */
	uint32_t members_checked; /* live members the latest check saw */
	uint64_t objects_lost;  /* computed at the end */
	uint64_t ideal_since;   /* ideal_run: the first check of the latest run of ideal ones */
	int ideal_run;          /* the latest check saw an ideal ring */
} sim_dht_stats;

/* Chord's assumptions and whether the run kept them (assume.c). */
enum { SIM_ASSUME_MEMBERS, SIM_ASSUME_SUCCESSORS, SIM_ASSUME_POSITIONS, SIM_ASSUME__COUNT };

typedef struct sim_assume {
	uint8_t formed;         /* the ring has had r + 1 live members */
	uint8_t broken[SIM_ASSUME__COUNT]; /* broken now (as last judged) */
	uint64_t times[SIM_ASSUME__COUNT]; /* how often each went from holding to broken */
	uint64_t first_t[SIM_ASSUME__COUNT];
	char first[SIM_ASSUME__COUNT][64]; /* where it broke first ("n3 and n7", ...) */
	uint32_t (*group)[2];   /* nodes sharing a ring position: [start in by_pos, length] */
	uint32_t ngroups, groupcap;
} sim_assume;

/* (object id, storer) pairs the scenario asked for: open addressing, never shrinks. */
typedef struct sim_issued {
	uint8_t obj[THEMIS_ID_LEN];
	uint32_t node;          /* storer; SIM_NODE_NONE marks an empty slot */
} sim_issued;

struct sim {
	const sim_scenario *sc;
	const sim_opts *opts;
	uint64_t now;
	sim_evq q;
	sim_node *nodes;
	uint32_t count;
	sim_idx *by_id;
	/* the datagram slots, in chunks that never move once allocated: a node's send callback
	 * fills a new slot while the datagram it is reacting to still sits in another */
	sim_pkt **pkt_chunk;
	uint32_t npkts, free_pkt;   /* slots handed out so far (chunks as needed), free list */
	/* the slots the node being fed has sent so far, in order (simnode.c) */
	uint32_t *sent;
	uint32_t nsent, sentcap, sender;
	sim_net net;
	sim_trace tr;
	sim_pcap pcap;
	int has_pcap;
	sim_metrics *db;
	sim_adversary adv;
	sim_rng workload, churn;
	sim_stats st;
	/* the DHT side: ring positions (m bits) of every node and the node indexes sorted by
	 * them, operation requests, the issued stores, and the ring checker's tallies */
	uint8_t (*pos)[THEMIS_ID_LEN];
	uint32_t *by_pos;
	uint64_t *pos_key;      /* pos_key[k]: the first 64 bits of by_pos[k]'s position */
	uint32_t *key_bucket;   /* key_bucket[b]: the first k whose key's top key_bits bits are
				   >= b (b = 0 .. 2^key_bits): a search for a key starts inside
				   its bucket instead of halving the whole array from cold memory */
	unsigned key_bits;
	sim_opreq *reqs;
	uint32_t nreqs, reqcap, free_req;
	sim_issued *issued;
	size_t nissued, issuedcap;
	sim_rng dht, dht_churn;
	sim_dht_stats dst;
	sim_assume as;
	int oom;                /* memory ran out somewhere: the run is reported as failed */
};

/* sim_inject and sim_attack_record, the simulator's functions for the adversary, are
 * declared in adversary/advsim.h with the rest of its interface. */

/* transmit.c: packet slots (SIM_NODE_NONE when memory ran out) and the datagram path */
enum { SIM_PKT_CHUNK_BITS = 10 };   /* 1,024 slots (1.3 MB) a chunk */
static inline sim_pkt *sim_pkt_at(const struct sim *s, uint32_t slot)
{
	return &s->pkt_chunk[slot >> SIM_PKT_CHUNK_BITS][slot & ((1u << SIM_PKT_CHUNK_BITS) - 1)];
}
uint32_t sim_pkt_alloc(struct sim *s);
void sim_pkt_free(struct sim *s, uint32_t slot);
void sim_pkts_free(struct sim *s);   /* every chunk, at teardown */
void sim_push(struct sim *s, uint64_t t, sim_ev_kind kind, uint32_t a, uint32_t b);
/* slot leaves node pkts[slot].from now: adversary hook, then sim_route */
void sim_transmit(struct sim *s, uint32_t slot, uint64_t now);
/* slot is on the wire now: pcap, trace, network model, delivery events */
void sim_route(struct sim *s, uint32_t slot, uint64_t now);

/* spawn.c: every node's core object (s->nodes allocated, zeroed); 0, or -1 with err set */
/* simnode.c: the nodes' send callback (themis_config.send), ctx the struct sim */
void sim_node_send(void *ctx, const themis_addr *to, const uint8_t *pkt, size_t len);
int sim_nodes_create(struct sim *s, char *err, size_t errlen);
/* Node i again, with the identity of the given draw (distinct.c); 0 or a core error. */
int sim_node_redraw(struct sim *s, uint32_t i, uint32_t attempt);


/* simnode.c: inputs into nodes and what comes out of them */
int sim_idx_cmp(const void *x, const void *y);
uint32_t sim_node_of_id(const struct sim *s, const uint8_t *id);
void sim_node_input(struct sim *s, uint32_t i, sim_input in, uint64_t now);
void sim_node_ready(struct sim *s, uint32_t i, uint64_t now);
void sim_node_fail(struct sim *s, uint32_t i);
void sim_node_recover(struct sim *s, uint32_t i);
void sim_ping_input(struct sim *s, uint32_t i, uint32_t peer);

/* simdht.c: DHT operations into nodes, their results, the join pattern, the DHT workload and
 * churn, the oracle ring, and the end-of-run accounting */
int sim_dht_setup(struct sim *s, char *err, size_t errlen);
void sim_dht_free(struct sim *s);
/* asks node i for the operation described by a (an [events] line) */
void sim_dht_action(struct sim *s, const sim_action *a);
void sim_dht_join_tick(struct sim *s, uint32_t node);
void sim_dht_workload_tick(struct sim *s, uint32_t verb);
/* The node the next DHT workload tick most likely asks (its first draw, without drawing):
 * for cache hints only; SIM_NODE_NONE when there are no nodes. */
uint32_t sim_dht_workload_peek(const struct sim *s);
void sim_dht_churn_tick(struct sim *s, uint32_t what);
/* SIM_IN_OP: the node takes request slot req now */
void sim_dht_start(struct sim *s, uint32_t i, uint32_t req, uint64_t now);
/* request req never reached node i (it failed with the request queued) */
void sim_dht_dropped(struct sim *s, uint32_t i, uint32_t req);
/* an OP_DONE that is not a ping */
void sim_dht_done(struct sim *s, uint32_t i, const themis_event *ev);
/* node i's up or member flag changed; was_live: sim_ring_live before the change */
void sim_dht_membership(struct sim *s, uint32_t i, int was_live);
/* simnode.c: node i's SIM_EV_TIMER with sequence number seq ran: 1 when its deadline is due
 * now (feed it SIM_IN_TIMER), 0 when the event was stale or only moved the wake-up later */
int sim_node_wake(struct sim *s, uint32_t i, uint64_t seq);
/* simnode.c: arm node i's timer from its next deadline (after themis_node_set_ring) */
void sim_node_arm(struct sim *s, uint32_t i);
/* at the end: objects whose live storer still keeps them but no live node holds */
uint64_t sim_dht_objects_lost(struct sim *s);

/* failshare.c: [churn] fail_share of the live members fail now, never succ_len neighbours */
void sim_fail_share(struct sim *s);

/* ringcheck.c: the ring checker over the global state */
typedef struct sim_ring_verdict {
	int valid, ideal;
	uint32_t members;       /* live joined nodes */
	uint32_t bad, got, want; /* not valid: node bad's first successor is got (SIM_NODE_NONE:
				    none or unknown), the ring needs want */
} sim_ring_verdict;
void sim_ring_check(struct sim *s, sim_ring_verdict *out);
/* runs the checker now and counts it (rows: 1 always, 0 only when the verdict changed) */
void sim_ring_check_record(struct sim *s, int rows);
/* the true owner of key: the first live joined node at or after its position, or
 * SIM_NODE_NONE when there is none */
uint32_t sim_ring_owner(const struct sim *s, const uint8_t key[THEMIS_ID_LEN]);
/* Build key_bucket over pos_key (once by_pos and pos_key are set). Returns 0 or -1. */
int sim_ring_index(struct sim *s);
/* live joined: up and a ring member */
int sim_ring_live(const struct sim *s, uint32_t i);
/* heal_ns for the summary: 1 and *out set when the scenario has a partition that ended
 * during the run and the checker ran every check_interval; 0 when the value does not apply */
int sim_ring_heal_ns(const struct sim *s, double *out);

/* assume.c: Chord's assumptions, judged as the run goes (an observer) */
int sim_assume_setup(struct sim *s);   /* once by_pos is sorted; 0, or -1 out of memory */
void sim_assume_free(struct sim *s);
void sim_assume_members(struct sim *s);   /* the live membership changed */
void sim_assume_lists(struct sim *s, int ring_valid);   /* at a ring check */
uint64_t sim_assume_violations(const struct sim *s);
/* One line naming each assumption the run broke, when first and how often ("" if none). */
void sim_assume_report(const struct sim *s, char *out, size_t n);

/* summary.c */
/* wall_s: the whole run; loop_s: the event loop alone (for events_per_second). */
int sim_summary_build(struct sim *s, sim_summary *out, double wall_s, double loop_s);

#endif
