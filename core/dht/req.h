/* req.h: requests to peers and their answers (req.c): retransmission, the failure detector's
 * verdict on a silent peer, and the answer routed back to the requester's callback. */
#ifndef THEMIS_REQ_H
#define THEMIS_REQ_H

#include <stdint.h>
#include "node.h"
#include "wire.h"

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

#endif
