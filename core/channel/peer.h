/* peer.h: peers, their session slots and the handshakes around them (peer.c), the top of the
 * secure channel. The channel knows nothing of the ring: it hands each authenticated frame and
 * each "peer unreachable" verdict to the node (node_on_frame, node_peer_unreachable, defined in
 * node.c), which gives them to the layer above.
 */
#ifndef THEMIS_PEER_H
#define THEMIS_PEER_H

#include <stdint.h>
#include "chan.h"
#include "hs.h"
#include "themis.h"

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

/* Token bucket per source address for HELLOs (GCRA: one theoretical arrival time each). */
typedef struct rl_entry {
	themis_addr src;         /* port ignored */
	uint64_t tat;
} rl_entry;

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

/* node.c: where the channel's output goes up. */
/* An authenticated frame arrived from p (DATA opened on a session, or PLAIN). */
void node_on_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now);
/* p cannot be reached (its handshake failed with no usable session): every request waiting
 * on it fails. */
void node_peer_unreachable(themis_node *n, peer *p, uint64_t now);

#endif
