/* node.h: the node's internal state, shared by the files that make up the node layer
 * (node.c: public face, dispatch, outbox, events; peer.c: peers, session slots and handshake
 * orchestration; ops.c: requests and operations; timers.c: deadlines). Lower layers (crypto,
 * wire, replay, hs, chan) never include this file.
 */
#ifndef THEMIS_NODE_H
#define THEMIS_NODE_H

#include <stdint.h>

#include "chan.h"
#include "hs.h"
#include "msg.h"
#include "ring.h"
#include "store.h"
#include "themis.h"
#include "wire.h"

/* A session slot's local index is (random high bits << SLOT_BITS) | slot number, so a DATA,
 * REPLY or CONFIRM finds its slot in O(1); the random part makes stale indexes miss. */
enum { SLOT_BITS = 20, SLOT_MASK = (1u << SLOT_BITS) - 1 };

typedef enum slot_state {
	SLOT_FREE = 0,
	SLOT_INITIATING,   /* we sent HELLO, wait for REPLY (hs.init) */
	SLOT_HALFOPEN,     /* we sent REPLY, wait for CONFIRM or DATA (hs.resp + sess) */
	SLOT_LIVE,         /* established (sess) */
} slot_state;

struct peer;

typedef struct slot {
	slot_state state;
	uint8_t initiator;       /* LIVE: we sent the HELLO of this session */
	uint32_t idx;            /* our local index for this slot */
	struct peer *peer;       /* INITIATING, LIVE */
	themis_addr from;        /* HALFOPEN: where the HELLO came from */
	uint8_t confirmed;       /* LIVE responder: its CONFIRM arrived (a second one is a replay) */
	uint64_t deadline;       /* INITIATING: resend HELLO; HALFOPEN: forget; LIVE: end of grace
				    once replaced (0 while it is the peer's current session) */
	uint64_t last_used;      /* LIVE: last packet sent or received */
	uint8_t conf_a[32];      /* responder: the CONFIRM tag, to tell a replay from a forgery */
	union {
		hs_initiator init;
		hs_responder resp;
	} hs;
	chan_session sess;       /* HALFOPEN (pending keys) and LIVE */
} slot;

typedef struct qframe {
	uint16_t len;
	uint8_t *data;
} qframe;

typedef struct peer {
	uint8_t id[THEMIS_ID_LEN];
	themis_addr addr;
	slot *cur;               /* the most recently confirmed session: we send on it */
	slot *init;              /* our handshake in progress, or NULL */
	uint32_t hs_tries;       /* HELLOs sent for the handshake in progress */
	uint32_t nslots;         /* slots pointing here (INITIATING or LIVE) */
	uint32_t npending;       /* requests awaiting a response from this peer */
	uint32_t holds;          /* callers on the stack that still use this peer */
	uint64_t last_rx;        /* last authenticated packet from this peer */
	uint8_t forgiven;        /* a request to it failed although it was heard meanwhile: no
				    verdict that time (req.c); cleared by any answer */
	qframe *q;               /* frames waiting for a session (cfg.queue_per_peer) */
	uint32_t nq;
	/* what themis_node_peers reports (observed, never read by the protocol) */
	uint64_t first_up;       /* its first session of this entry came up (0: none yet) */
	uint64_t last_hs;        /* its latest session came up */
	uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;   /* DATA and PLAIN datagrams */
	uint64_t srtt_ns;        /* smoothed round trip of requests answered at the first copy */
} peer;

/* What a requester does with the answer to one request: resp is the decoded response frame,
 * or NULL when the request failed (no answer after every retry, or the peer is unreachable).
 * op_id names the operation the request belongs to (0: ring maintenance). */
typedef void (*req_cb)(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now);

typedef struct pending {
	uint64_t req_id;
	uint64_t op_id;
	peer *peer;
	req_cb cb;
	uint64_t deadline;
	uint64_t first_at;       /* when the first copy was sent */
	uint64_t sent_at;        /* when the last copy was sent */
	uint32_t attempts;       /* copies sent */
	uint16_t flen;
	uint8_t quick;           /* req_send_quick: fails within one req_timeout */
	uint8_t quiet;           /* req_send_quiet: no answer is no verdict on the peer */
	uint8_t *frame;          /* kept for retransmission; right after the struct, one allocation */
} pending;

typedef struct outpkt {
	themis_addr to;
	uint16_t len;
	uint8_t *data;
} outpkt;

/* ---- operations (ops.c) and lookups (lookup.c) ---- */

/* Internal operation kinds next to the public ones: they never produce an OP_DONE event. */
enum { OPK_FINGER = 100, OPK_REFRESH, OPK_UPDATE, OPK_REJOIN, OPK_MERGE, OPK_RELOCATE };

/* An orphan's rejoin (heal.c) is a join like the application's, without its OP_DONE event. */
static inline int op_is_join(int kind)
{
	return kind == THEMIS_OP_JOIN || kind == OPK_REJOIN;
}

enum { LK_CANDS = 8, LK_BAD = 32, LK_WAITS = 3 };
_Static_assert(LK_CANDS <= 8, "lookup.free_slots has a bit per candidate slot");
_Static_assert(LK_BAD <= 32, "lookup.gone has a bit per bad entry");

/* One iterative lookup (paper, 6.1 Find; eclipse defence of 6.2): the requester contacts each
 * hop itself; an answer must make progress toward target or its giver is not asked again.
 * Layout: every answer scans the candidates and the nodes asked already, and on a large
 * simulated ring the lookup is long out of the cache when the answer comes; so the scans read
 * packed 8-byte keys and id tags (a line or two) and touch a 52-byte entry only to copy it
 * in or out, or when the tags agree. Everything from ckey on is valid only up to its count:
 * op_new zeroes the head alone. */
typedef struct lookup {
	uint32_t hops;
	uint32_t gone;                      /* bit i: bad[i] was found gone (timed out, or left) */
	uint8_t ncand;                      /* candidates to ask: cand[order[0..ncand)] */
	uint8_t nowner_cand;                /* designated owners (from FIND_SUCC answers) */
	uint8_t nbad;
	uint8_t exact;                      /* the target's and every candidate's position is its
					       key (m <= 64): distances compare on keys alone */
	uint8_t has_backup;                 /* backup names the owner should backup_for be gone */
	uint8_t free_slots;                 /* bit s: cand[s] is named by no order entry */
	uint8_t has_waiting;                /* waiting names the node to ask again after a wait */
	uint8_t waits;                      /* times this lookup waited (at most LK_WAITS) */
	uint8_t asked_owner;                /* asked is a designated owner (owner_cand) */
	uint8_t has_named;                  /* named is set */
	uint8_t has_claimant;               /* claimant is set */
	uint8_t wait_owner;                 /* waiting is a designated owner (not yet aware that
					       its predecessor died) */
	uint8_t again;                      /* owner_cand[0] is a node asked again that is not a
					       designated owner */
	uint8_t order[LK_CANDS];            /* slots of cand, closest preceding target first */
	uint64_t asked_at;
	uint64_t key;                       /* the target position's key */
	uint64_t ckey[LK_CANDS];            /* per slot: the candidate's position key */
	uint64_t ctag[LK_CANDS];            /* per slot: the first 8 bytes of its id */
	uint64_t btag[LK_BAD];              /* the same for bad */
	uint8_t target[THEMIS_ID_LEN];      /* full id (object or node) */
	uint8_t pos[RING_POS_LEN];          /* its ring position */
	ring_node asked;                    /* the node the outstanding request went to */
	ring_node owner_cand[2];
	ring_node backup;                   /* from a FIND_SUCC: the successor after the owner it
					       named, asked only if that owner answers FIND_GONE
					       or times out */
	uint8_t backup_for[THEMIS_ID_LEN];
	uint8_t named[THEMIS_ID_LEN];       /* the owner the latest FIND_SUCC named (its backup,
					       once it took the owner's place) */
	uint8_t claimant[THEMIS_ID_LEN];    /* claimed the target on a stand-in predecessor,
					       not taken for lack of a successor list naming it */
	ring_node waiting;                  /* a live node that will answer better once its
					       failure detector has run: asked again after a wait */
	ring_node cand[LK_CANDS];           /* slots */
	uint8_t bad[LK_BAD][THEMIS_ID_LEN]; /* asked already, made no progress or timed out */
} lookup;

/* Fields every kind reads first, then the lookup, then the records (valid up to nrec), so a
 * find touches only the lines it uses; op_new zeroes up to lk.ckey. */
typedef struct op {
	uint64_t id;
	int kind;                    /* themis_op_kind or OPK_* */
	uint8_t phase;
	uint8_t retried;             /* a store that met ST_NOT_RESPONSIBLE looks up once more at
					once; set, later lookups ask instead of guessing the owner */
	uint8_t refusals;            /* LEAVE: successors that refused our records (leaving too) */
	uint8_t rounds;              /* LEAVE: handoff rounds for records that came meanwhile */
	uint8_t told_pred;           /* LEAVE: the predecessor has been sent LEAVE_TO_PRED */
	uint8_t probed;              /* LEAVE: the current successor list has been probed */
	uint8_t probes;              /* LEAVE: liveness probes of later successors outstanding */
	uint8_t probe_wait;          /* LEAVE: the handoff failed; the next try waits for them */
	uint8_t tomb;                /* STORE: of a tombstone (deregister), not of a record */
	uint8_t have_owner;
	uint8_t refused;             /* STORE and its REGISTER parent: THEMIS_REFUSED_* */
	uint8_t nrec, more;
	uint8_t dead;                /* DISCOVER: instances that did not answer (bit i of rec) */
	uint64_t parent;             /* REGISTER's stores report to it instead of an event */
	uint64_t t_start;
	uint64_t wake_at;            /* JOIN, STORE, refresh: when to try again (phase counts
					JOIN's and STORE's tries); LEAVE: when to probe; a lookup
					waiting for a node to notice a death: when to ask it again
					(0: none) */
	uint32_t msgs;
	int chosen;
	uint32_t r;                  /* REGISTER/DISCOVER: replica index in use */
	uint32_t tried;              /* DISCOVER: replicas tried (bit r) */
	uint32_t children, children_ok;  /* REGISTER */
	uint32_t finger;             /* OPK_FINGER: finger index looked up */
	store_record *batch;         /* LEAVE: records being handed over (owned) */
	size_t nbatch;
	int batch_more;
	char *name;                  /* REGISTER/DISCOVER: the service name (owned) */
	uint8_t obj[THEMIS_ID_LEN];
	ring_node owner;
	char tag[THEMIS_TAG_MAX + 1];
	uint8_t peer[THEMIS_ID_LEN]; /* PING: the peer */
	ring_node boot;              /* JOIN: the bootstrap node */
	lookup lk;
	themis_record rec[THEMIS_EV_RECORDS];
} op;

/* A name this node stored itself under and keeps refreshing at t/2 (paper, 6.1 Store). */
typedef struct registration {
	uint8_t obj[THEMIS_ID_LEN];
	char tag[THEMIS_TAG_MAX + 1];
	store_record rec;            /* our signed record, re-sent unchanged by every refresh */
	uint8_t have_rec;            /* rec is signed and matches tag */
	uint8_t failed;              /* the last store of it failed: tried again on a rejoin */
	uint64_t refresh_at;
	uint64_t op;                 /* refresh in progress (op id), 0 when none */
} registration;

/* Token bucket per source address for HELLOs (GCRA: one theoretical arrival time each). */
typedef struct rl_entry {
	themis_addr src;         /* port ignored */
	uint64_t tat;
} rl_entry;

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

	pending **pend;
	uint32_t npend, pend_alloc;

	op **ops;                /* operations in progress (cfg.max_ops) */
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
	store_table *store;      /* created on first use */
	registration *regs;
	uint32_t nregs, regs_alloc;
	struct near_node *near;  /* nodes that lately took us for their successor (dht.c) */
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

	vcache *verified;        /* records that verified here (cfg.verified_cache), on first use */
	uint32_t next_finger;
	uint8_t fix_succ[THEMIS_ID_LEN], fix_pred[THEMIS_ID_LEN]; /* neighbours at the last finger round */
	uint8_t fix_postponed;   /* finger rounds skipped in a row because they moved */
	uint8_t bad_hint[THEMIS_ID_LEN]; /* last node named to us as a successor that failed */
	int has_bad_hint;
	ring_node rect_cand;     /* a would-be predecessor waiting for the old one's ping */
	int has_rect_cand;
	uint8_t leaving;         /* LEAVE_* below: a LEAVE op runs, we are nobody's successor (dht.c) */
	uint8_t transfers;       /* TRANSFER requests awaiting records from our successor */
	uint64_t leave_op;       /* the LEAVE op while one runs */
	struct gone_node *gone;  /* nodes that lately left through us (dht.c), on first use */
	struct rep_state *rep;   /* successor-list replication (replica.c), on first use */
	struct handoff_memo *memo; /* answers that carried records, for a retransmission (dht.c) */
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

/* peer.c */
peer *peer_find(themis_node *n, const uint8_t id[THEMIS_ID_LEN]);
/* Find or create; NULL when the peer table is full. Does not change a known peer's addr. */
peer *peer_get(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr);
/* Free the peer if nothing refers to it any more. */
void peer_release(themis_node *n, peer *p);
/* Keep p alive across a call that may release it (peer_unhold releases it if unused). */
void peer_hold(peer *p);
void peer_unhold(themis_node *n, peer *p);
/* Send an upper-layer frame to p: PLAIN, sealed on its current session, or queued while a
 * handshake runs. Returns 0, or THEMIS_EFULL when the queue or session table is full. */
int peer_send_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now);
/* Forget p's current session and start a fresh handshake (peer seems not to hear us). */
void peer_renew(themis_node *n, peer *p, uint64_t now);
void peer_recv_hello(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len, uint64_t now);
void peer_recv_reply(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len, uint64_t now);
void peer_recv_confirm(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len, uint64_t now);
void peer_recv_data(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len, uint64_t now);
void peer_recv_plain(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len, uint64_t now);
/* Timer work for one slot whose deadline (or lifetime) is due. */
void slot_on_timeout(themis_node *n, slot *s, uint64_t now);
uint64_t slot_deadline(const themis_node *n, const slot *s);
void peers_free_all(themis_node *n);

/* req.c: requests and their answers */
/* Send request type with body to node (id, addr); cb gets the answer or NULL on failure.
 * Returns 0, or a negative error (then cb is never called). A request fails after
 * req_attempts copies a req_timeout apart, and after the failure detector's handshake when
 * the peer stayed silent (several seconds in all). */
int req_send(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr, uint8_t type,
	     const uint8_t *body, size_t blen, req_cb cb, uint64_t op_id, uint64_t now);
/* The same, failing within one req_timeout: two copies half of it apart, no session renewal.
 * For a caller with a deadline of its own that has somewhere else to go (a leave hands its
 * records to the next successor). */
int req_send_quick(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr,
		   uint8_t type, const uint8_t *body, size_t blen, req_cb cb, uint64_t op_id,
		   uint64_t now);
/* The same as req_send, except that a request that goes unanswered is no verdict on the peer
 * (the failure path is not taken): for a message an older peer may not know (REPLICATE). */
int req_send_quiet(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr,
		   uint8_t type, const uint8_t *body, size_t blen, req_cb cb, uint64_t op_id,
		   uint64_t now);
/* Answer request req_id of p with type and body (lost like a datagram if it cannot go). */
void req_respond(themis_node *n, peer *p, uint8_t type, uint64_t req_id, const uint8_t *body,
		 size_t blen, uint64_t now);
/* The status byte of a STORE answer; -1 when the request failed (resp NULL) or the
 * answer is malformed (counted). */
int req_status(themis_node *n, const wire_frame *resp);
/* A response frame arrived from p: hand it to its request's callback (or drop it). */
void req_on_response(themis_node *n, peer *p, const wire_frame *f, uint64_t now);
/* p cannot be reached: fail every request waiting on it. */
void ops_peer_unreachable(themis_node *n, peer *p, uint64_t now);
void pending_on_timeout(themis_node *n, pending *pd, uint64_t now);
void pending_free_all(themis_node *n);

/* ops.c: the operation table and frame dispatch */
/* An authenticated frame arrived from p. */
void ops_on_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now);
op *op_new(themis_node *n, int kind, uint64_t parent, uint64_t now);
op *op_get(themis_node *n, uint64_t id);
/* Finish o: an OP_DONE event (public kinds without a parent), the parent told otherwise;
 * o is freed. */
void op_finish(themis_node *n, op *o, int ok, uint64_t now);
void ops_free_all(themis_node *n);
/* Operations waiting for a retry time (a join into a ring still converging). */
uint64_t ops_next_deadline(const themis_node *n);
void ops_on_timeout(themis_node *n, uint64_t now);
void peer_of(const ring_node *rn, themis_peer *out);

/* lookup.c */
/* Start o's lookup of target (full id). first: where to start (join's bootstrap), or NULL to
 * start from our own tables. Ends in lookup_done(). */
void lookup_start(themis_node *n, op *o, const uint8_t target[THEMIS_ID_LEN], const ring_node *first,
		  uint64_t now);
/* The lookup of o ended: o->owner is set when ok (o->rec holds the owner's records). */
void lookup_done(themis_node *n, op *o, int ok, uint64_t now);
/* o->wake_at came for a lookup waiting for a node to notice a death: ask it again. */
void lookup_wake(themis_node *n, op *o, uint64_t now);
/* Answer a FIND request. */
void lookup_on_find(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen, uint64_t now);

/* replica.c: successor-list replication (cfg.replicate) */
void rep_free(themis_node *n);
/* Every stabilize period: sync what we own to successors that lack it; take over copies. */
void rep_tick(themis_node *n, uint64_t now);
/* A record the owner accepted (stored or refreshed) goes on to its successors. */
void rep_forward(themis_node *n, const store_record *rec, uint64_t now);
/* Records we hand to a new predecessor: we are its successor, so we keep copies. */
void rep_keep(themis_node *n, const store_record *rec, size_t nrec);
void rep_on_replicate(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen,
		      uint64_t now);
/* Copies held for obj (store_get's contract); 0 when none. */
size_t rep_get_copies(const themis_node *n, const uint8_t obj[THEMIS_ID_LEN], uint64_t now, size_t offset,
		      store_record *out, size_t cap, int *more);
size_t rep_count(const themis_node *n);

/* dht.c: ring membership and maintenance (join, update, leave; Zave's rules) */
int dht_init(themis_node *n);
void dht_free(themis_node *n);
/* 1 when this node is responsible for position pos: pos in (pred, self], or it is alone. */
int dht_responsible(const themis_node *n, const uint8_t pos[RING_POS_LEN]);
void dht_owner_found(themis_node *n, op *o, int ok, uint64_t now);   /* JOIN, OPK_FINGER */
/* n->leaving: handing our records over (new records still welcome, they follow), or handed
 * over (a storer is sent to the new owner). */
enum { LEAVE_HANDING = 1, LEAVE_HANDED = 2 };
/* id left the ring through us lately (LEAVE): never adopted again, never handed records. */
int dht_departed(const themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now);
/* A node did not answer after every retry: it leaves successors, fingers, predecessor. */
void dht_node_failed(themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now);
/* A node answered an authenticated request: it may be a better finger. */
void dht_node_seen(themis_node *n, const ring_node *rn, int joining);
/* When pos lies in the stretch just behind us that nodes which lately took us for their
 * successor cover: the nearest node we know after pos (a better owner candidate than we are),
 * or NULL. */
const ring_node *dht_behind_owner(const themis_node *n, const uint8_t pos[RING_POS_LEN], uint64_t now);
void dht_on_request(themis_node *n, peer *p, const wire_frame *f, uint64_t now);
uint64_t dht_next_deadline(const themis_node *n);
void dht_on_timeout(themis_node *n, uint64_t now);
void dht_leave_step(themis_node *n, op *o, uint64_t now);
/* A LEAVE whose handoff is not answered after req_timeout / LEAVE_PROBE_DIV probes its later
 * successors and its predecessor (dht.c): a handoff answered sooner sends no probe. */
enum { LEAVE_PROBE_DIV = 8 };
void dht_leave_wake(themis_node *n, op *o, uint64_t now);
/* A JOIN waiting to try again woke up. */
void dht_join_retry(themis_node *n, op *o, uint64_t now);

/* dht.c, for heal.c: send UPDATE to s, a node that does not know us, so that it may take us
 * for its predecessor; records its answer hands off are kept. */
void dht_notify(themis_node *n, const ring_node *s, uint64_t now);

/* heal.c: orphans and ring unification (docs/dht.md, Partitions and ring unification) */
/* rn, in our tables, did not answer: remember it for the probes that find it again. */
void heal_note_dead(themis_node *n, const ring_node *rn, uint64_t now);
/* rn is a node worth probing (it lately took us for its successor). */
void heal_remember(themis_node *n, const ring_node *rn, uint64_t now);
/* The last successor (and every fallback) is gone: we are an orphan, out of any ring, and
 * rejoin through the nodes we remember. */
void heal_lost_successors(themis_node *n, uint64_t now);
/* 1 while an orphan has not found its way back. */
int heal_orphaned(const themis_node *n);
/* The node joined a ring (a join or rejoin ended well): it is no orphan any more. */
void heal_joined(themis_node *n);
/* The lookup of our own position in a remembered node's ring (OPK_MERGE) ended. */
void heal_merge_found(themis_node *n, op *o, int ok, uint64_t now);
uint64_t heal_next_deadline(const themis_node *n);
void heal_on_timeout(themis_node *n, uint64_t now);
void heal_free(themis_node *n);
/* dht.c: confirm the handoff answers whose requester can no longer retransmit (all: every one) */
void dht_memo_tick(themis_node *n, int all, uint64_t now);

/* relocate.c: records outside our range go to their owner by lookup */
/* Every stabilize period: start relocating the first object outside our range, if any. */
void relocate_tick(themis_node *n, uint64_t now);
/* The lookup of a relocation (OPK_RELOCATE) ended: send the records to the owner. */
void relocate_found(themis_node *n, op *o, int ok, uint64_t now);
/* A leave begins: a relocation in progress puts its records back, for the handoff. */
void relocate_abort(themis_node *n, uint64_t now);
/* A REPLICATE of kind REPLICATE_RELOCATE arrived: the status to answer. */
/* Records we handed to node to in an answer that may have been lost: sent to it again in a
 * RELOCATE; should it not take them, they come back into our table (and relocation places
 * them). */
void relocate_confirm(themis_node *n, const ring_node *to, const store_record *rec, size_t nrec,
		      uint64_t now);
uint8_t relocate_accept(themis_node *n, const store_record *rec, size_t nrec, uint64_t now);

/* publish.c: store, register, discover (sections 6.1 and 7) */
void pub_owner_found(themis_node *n, op *o, int ok, uint64_t now);   /* STORE, DISCOVER, refresh */
void pub_store_wake(themis_node *n, op *o, uint64_t now);   /* a waiting STORE or refresh looks up again */
void pub_on_store(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen, uint64_t now);
/* 1 when rec is genuine: always in unsigned mode, else when its signature verifies (through
 * the node's cache of records verified before). */
int pub_record_genuine(themis_node *n, const store_record *rec);
/* Records handed over by a neighbour (update or leave): verified, then kept. */
void pub_accept_records(themis_node *n, const store_record *rec, size_t nrec, uint64_t now);
/* The object table, created on first use (NULL when that fails). */
store_table *pub_table(themis_node *n);
/* Back in a ring after being out of one: registrations whose store failed go out at once. */
void pub_rejoined(themis_node *n, uint64_t now);
/* A LEAVE (or RELOCATE) batch: all placed (0) or none (-1, the table unchanged). */
int pub_accept_handoff(themis_node *n, const store_record *rec, size_t nrec, uint64_t now);
uint64_t pub_next_deadline(const themis_node *n);
void pub_on_timeout(themis_node *n, uint64_t now);
/* Store (and keep refreshing) this node under obj; the store op reports to parent when
 * nonzero. Returns the op id or a negative error. */
int64_t pub_register_obj(themis_node *n, const uint8_t obj[THEMIS_ID_LEN], const char *tag, uint64_t parent,
			 uint64_t now);

#endif
