/* node.h: the node's state (struct themis_node) and the services node.c gives every layer
 * (randomness, the outbox, events, drops, table growth). The secure channel's types come from
 * peer.h; the DHT's tables are reached through pointers whose types its own headers define
 * (ops.h, req.h, publish.h), only the ring state sits here by value.
 */
#ifndef THEMIS_NODE_H
#define THEMIS_NODE_H

#include <stdint.h>
#include "hs.h"
#include "peer.h"
#include "ring.h"
#include "themis.h"

struct op;
struct pending;
struct registration;
struct store_table;
struct vcache;

typedef struct outpkt {
	themis_addr to;
	uint16_t len;
	uint8_t *data;
} outpkt;

/* The configuration values nearly every datagram reads, copied out of cfg once at creation
 * (cfg never changes after it): in cfg they were spread over all five of its cache lines,
 * here they sit together in the hot head (80 bytes, with the send callback). The core reads
 * these fields only from here. */
typedef struct node_hot_cfg {
	themis_send_fn send;     /* every datagram a node sends goes through one of these */
	void *send_ctx;
	uint64_t req_timeout_ns;
	uint64_t stabilize_ns, fix_fingers_ns, check_pred_ns;
	unsigned m;
	int security;
	uint32_t max_peers, max_pending, outbox_cap, event_cap, lookup_max_hops;
	int trace_lookups;
} node_hot_cfg;

/* The rest of the configuration, each value kept once: the fields in node_hot_cfg are not
 * repeated here, and neither are the network name (hashed into self.net) nor the seed (it
 * lives on only inside self.sk). A copy of the whole themis_config cost 104 bytes a node,
 * 104 MB on a million-node simulated ring. A new themis_config field that the node reads
 * after creation goes here (or in node_hot_cfg when nearly every datagram reads it) and is
 * copied in themis_node_new. */
typedef struct node_cfg {
	themis_rand_fn rand;
	void *rand_ctx;
	themis_addr self;
	uint32_t replay_window;
	/* the 64-bit values together, then the 32-bit ones: no padding between them */
	uint64_t rekey_after_msgs, rekey_after_ns;
	uint64_t session_grace_ns, session_idle_ns;
	uint64_t hs_retry_ns, halfopen_ttl_ns;
	uint64_t ttl_ns;
	uint32_t hs_attempts;
	uint32_t hello_rate, hello_burst;
	uint32_t req_attempts;
	uint32_t max_sessions, max_halfopen, hello_cache, ratelimit_slots, queue_per_peer;
	uint32_t k;
	uint32_t succ_len, max_fingers, max_ops;
	uint32_t max_records, max_records_per_obj, max_records_per_storer, max_registrations;
	uint32_t verified_cache;
	int signed_records;
	int replicate;
} node_cfg;

/* Every table grows on demand (node_grow) up to its cap in cfg, so an idle node is small.
 * Field order is a cache layout: on a simulated ring of 100,000 nodes every datagram lands on
 * a node no cache holds, so the fields nearly every input reads or writes (the tables'
 * pointers and counts, the deadlines, the ring) come first, all of which
 * themis_node_prefetch loads; the rest (counters, config, identity, handshake tables)
 * follows, and the prefetch takes only the lines of it a datagram touches. The object is not
 * aligned to a line (at a million nodes the padding cost 115 MB): "a line" here means at most
 * two. */
struct themis_node {
	/* ---- hot ---- */
	peer **peers;
	uint32_t npeers, peers_alloc;
	peer *spare_peer;        /* the last peer entry released, wiped, for the next new one:
				    PLAIN makes and drops an entry for every request */

	struct pending **pend;
	uint32_t npend, pend_alloc;

	struct op **ops;                /* operations in progress (cfg.max_ops) */
	uint32_t nops, ops_alloc;

	outpkt *out;             /* ring */
	uint32_t out_head, out_len, out_alloc;

	themis_event *ev;        /* ring */
	uint32_t ev_head, ev_len, ev_alloc;

	slot **slots;            /* indexed by slot number; grows to max_sessions + max_halfopen */
	uint32_t nslots_alloc;
	uint32_t nsessions;      /* INITIATING + LIVE */
	uint32_t nhalfopen;

	int joined;
	uint64_t next_op_id;
	uint64_t plain_ctr;
	uint64_t t_stabilize, t_fix_fingers, t_check_pred;
	uint8_t stabilizing, fixing, checking_pred;  /* one maintenance request of each kind */
	struct store_table *store;      /* created on first use */
	struct registration *regs;
	uint32_t nregs, regs_alloc;
	struct near_node *near;  /* nodes that lately took us for their successor (near.c) */
	uint32_t nnear, near_alloc;

	/* the DHT */
	ring_state ring;

	node_hot_cfg hot;                /* the config values every datagram reads, together */

	/* ---- mostly cold (see themis_node_prefetch for the lines a datagram needs) ---- */
	themis_counters cnt;
	node_cfg cfg;            /* the configuration values not in hot */
	hs_self self;

	uint8_t (*hello_cache)[16];  /* ring of truncated HELLO hashes */
	uint32_t hc_len, hc_next;

	rl_entry *rl;
	uint32_t rl_len;

	struct vcache *verified;        /* records that verified here (cfg.verified_cache), on first use */
	uint32_t next_finger;
	uint8_t fix_succ[THEMIS_ID_LEN], fix_pred[THEMIS_ID_LEN]; /* neighbours at the last finger round */
	uint8_t fix_postponed;   /* finger rounds skipped in a row because they moved */
	uint8_t bad_hint[THEMIS_ID_LEN]; /* last node named to us as a successor that failed */
	int has_bad_hint;
	ring_node rect_cand;     /* a would-be predecessor waiting for the old one's ping */
	int has_rect_cand;
	uint8_t leaving;         /* LEAVE_* (dht.h): a LEAVE op runs, we are nobody's successor (leave.c) */
	uint8_t transfers;       /* TRANSFER requests awaiting records from our successor */
	uint64_t leave_op;       /* the LEAVE op while one runs */
	struct gone_node *gone;  /* nodes that lately left through us (near.c), on first use */
	struct rep_state *rep;   /* successor-list replication (replica.c), on first use */
	struct handoff_memo *memo; /* answers that carried records, for a retransmission (memo.c) */
	struct heal *heal;       /* orphan state and nodes declared dead (heal.c), on first use */
	uint64_t relocate_op;    /* the relocation of records outside our range (relocate.c), 0: none */
	uint64_t relocate_after; /* no relocation before (after one failed) */
	uint64_t rec_stamp;      /* last expiry stamp signed into one of our records */
};

/* Our id, read from the ring's copy of it (the same bytes as self.id, set once by dht_init):
 * that one sits in the hot head of the node, so the per-datagram checks against our own id
 * need no cache line of their own. */
static inline const uint8_t *node_id(const themis_node *n)
{
	return n->ring.self.id;
}

/* node.c */
void node_rand(themis_node *n, void *buf, size_t len);
uint64_t node_rand64(themis_node *n);
/* Queue a datagram for poll_send (copied). Counts it; drops it when the outbox is full. */
void node_output(themis_node *n, const themis_addr *to, const uint8_t *pkt, size_t len);
void node_emit(themis_node *n, const themis_event *ev);
void node_drop(themis_node *n, themis_drop reason);
/* Grow a pointer/value array *arr of elem bytes from *alloc to hold need entries, doubling,
 * never beyond cap. Returns 0 or -1. */
int node_grow(void **arr, uint32_t *alloc, uint32_t need, uint32_t cap, size_t elem);

#endif
