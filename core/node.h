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
	qframe *q;               /* frames waiting for a session (cfg.queue_per_peer) */
	uint32_t nq;
} peer;

typedef struct pending {
	uint64_t req_id;
	uint64_t op_id;
	peer *peer;
	themis_op_kind kind;
	uint64_t t_start;
	uint64_t deadline;
	uint64_t sent_at;        /* when the last copy was sent */
	uint32_t attempts;       /* copies sent */
	uint16_t flen;
	uint8_t *frame;          /* kept for retransmission */
} pending;

typedef struct outpkt {
	themis_addr to;
	uint16_t len;
	uint8_t *data;
} outpkt;

/* Token bucket per source address for HELLOs (GCRA: one theoretical arrival time each). */
typedef struct rl_entry {
	themis_addr src;         /* port ignored */
	uint64_t tat;
} rl_entry;

/* Every table grows on demand (node_grow) up to its cap in cfg, so an idle node is small. */
struct themis_node {
	themis_config cfg;       /* copy; cfg.network is not kept */
	hs_self self;
	themis_counters cnt;

	slot **slots;            /* indexed by slot number; grows to max_sessions + max_halfopen */
	uint32_t nslots_alloc;
	uint32_t nsessions;      /* INITIATING + LIVE */
	uint32_t nhalfopen;

	peer **peers;
	uint32_t npeers, peers_alloc;

	pending **pend;
	uint32_t npend, pend_alloc;

	uint8_t (*hello_cache)[16];  /* ring of truncated HELLO hashes */
	uint32_t hc_len, hc_next;

	rl_entry *rl;
	uint32_t rl_len;

	outpkt *out;             /* ring */
	uint32_t out_head, out_len, out_alloc;

	themis_event *ev;        /* ring */
	uint32_t ev_head, ev_len, ev_alloc;

	uint64_t next_op_id;
	uint64_t plain_ctr;
};

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

/* ops.c */
/* An authenticated frame arrived from p. */
void ops_on_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now);
/* p cannot be reached: fail every request waiting on it. */
void ops_peer_unreachable(themis_node *n, peer *p, uint64_t now);
void pending_on_timeout(themis_node *n, pending *pd, uint64_t now);
void pending_free_all(themis_node *n);

#endif
