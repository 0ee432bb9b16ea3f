/* req.c: requests and their answers. A request frame gets a fresh req_id, is retransmitted
 * on a timeout and completes through its callback exactly once: with the response, accepted
 * only from the peer it was sent to (docs/protocol.md, DATA: the req_id check), or with NULL when
 * every attempt failed. Knows frames, never packets or keys.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "req.h"
#include "dht.h"
#include "msg.h"

static void pending_remove(themis_node *n, pending *pd)
{
	peer *p = pd->peer;

	for (uint32_t i = 0; i < n->npend; i++) {
		if (n->pend[i] == pd) {
			n->pend[i] = n->pend[--n->npend];
			break;
		}
	}
	cr_wipe(pd->frame, pd->flen);
	free(pd);   /* the frame lives in the same allocation */
	p->npending--;
	peer_release(n, p);
}

/* Complete pd with resp (NULL: failed). The callback may start new requests. */
static void complete(themis_node *n, pending *pd, const wire_frame *resp, uint64_t now)
{
	req_cb cb = pd->cb;
	uint64_t op_id = pd->op_id;
	peer *p = pd->peer;
	int verdict = !resp && !pd->quiet;
	uint8_t id[THEMIS_ID_LEN];

	/* A request that went unanswered from a peer that was heard from meanwhile (another
	 * request of its, a handshake's REPLY) says the network lost our copies or its answers,
	 * not that the peer died: once in a row that is no verdict. A second such failure in a
	 * row is one: a peer that answers everything but our requests is of no use to us. A
	 * timeout or an unreachable peer (handshake failed) without a word from it after our
	 * first copy is a verdict, as before, and so is a quick request's failure (a leave
	 * hands its records to the next successor at once). */
	if (verdict && !pd->quick && p->last_rx > pd->first_at && !p->forgiven) {
		p->forgiven = 1;
		verdict = 0;
	}
	if (resp)
		p->forgiven = 0;

	memcpy(id, p->id, sizeof id);
	if (resp && pd->attempts == 1) {
		/* Karn: only an answer to the one copy sent says how long a round trip takes */
		uint64_t rtt = now - pd->sent_at;
		p->srtt_ns = p->srtt_ns ? (7 * p->srtt_ns + rtt) / 8 : rtt;
	}
	peer_hold(p);
	pending_remove(n, pd);
	/* Failure detection (paper, 6.1 Leave: "presumed dead"): the node leaves the tables
	 * before the callback runs, so the callback already sees the ring without it. */
	if (verdict)
		dht_node_failed(n, id, now);
	cb(n, op_id, p, resp, now);
	peer_unhold(n, p);
}

enum { QUICK_ATTEMPTS = 2 };

/* The wait for one copy's answer. */
static uint64_t copy_timeout(const themis_node *n, const pending *pd)
{
	return pd->quick ? n->hot.req_timeout_ns / QUICK_ATTEMPTS : n->hot.req_timeout_ns;
}

enum { REQ_QUICK = 1, REQ_QUIET = 2 };

static int send_request(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr,
			uint8_t type, const uint8_t *body, size_t blen, req_cb cb, uint64_t op_id,
			int how, uint64_t now)
{
	pending *pd;
	peer *p;
	int rc;

	if (blen > FRAME_BODY_MAX)
		return THEMIS_ESIZE;
	if (memcmp(id, node_id(n), THEMIS_ID_LEN) == 0)
		return THEMIS_EINVAL;
	if (node_grow((void **)&n->pend, &n->pend_alloc, n->npend + 1, n->hot.max_pending,
		      sizeof *n->pend) != 0)
		return THEMIS_EFULL;
	p = peer_get(n, id, addr);
	if (!p)
		return THEMIS_EFULL;
	/* one allocation for the request and its frame: every hop of every lookup makes one */
	pd = malloc(sizeof *pd + FRAME_HDR_LEN + blen);
	if (!pd) {
		peer_release(n, p);
		return THEMIS_ENOMEM;
	}
	memset(pd, 0, sizeof *pd);
	pd->frame = (uint8_t *)(pd + 1);
	pd->req_id = node_rand64(n);
	pd->op_id = op_id;
	pd->peer = p;
	pd->cb = cb;
	pd->quick = (how & REQ_QUICK) != 0;
	pd->quiet = (how & REQ_QUIET) != 0;
	pd->flen = (uint16_t)(FRAME_HDR_LEN + blen);
	wire_frame_header(pd->frame, type, pd->req_id);
	if (blen)
		memcpy(pd->frame + FRAME_HDR_LEN, body, blen);
	p->npending++;
	n->pend[n->npend++] = pd;
	peer_hold(p);
	rc = peer_send_frame(n, p, pd->frame, pd->flen, now);
	if (rc != 0) {
		pending_remove(n, pd);
		peer_unhold(n, p);
		return rc;
	}
	peer_unhold(n, p);
	pd->attempts = 1;
	pd->first_at = pd->sent_at = now;
	pd->deadline = now + copy_timeout(n, pd);
	return 0;
}

int req_send(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr, uint8_t type,
	     const uint8_t *body, size_t blen, req_cb cb, uint64_t op_id, uint64_t now)
{
	return send_request(n, id, addr, type, body, blen, cb, op_id, 0, now);
}

int req_send_quick(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr,
		   uint8_t type, const uint8_t *body, size_t blen, req_cb cb, uint64_t op_id,
		   uint64_t now)
{
	return send_request(n, id, addr, type, body, blen, cb, op_id, REQ_QUICK, now);
}

int req_send_quiet(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr,
		   uint8_t type, const uint8_t *body, size_t blen, req_cb cb, uint64_t op_id,
		   uint64_t now)
{
	return send_request(n, id, addr, type, body, blen, cb, op_id, REQ_QUIET, now);
}

void req_respond(themis_node *n, peer *p, uint8_t type, uint64_t req_id, const uint8_t *body,
		 size_t blen, uint64_t now)
{
	uint8_t frame[FRAME_MAX_LEN];

	if (blen > FRAME_BODY_MAX)
		return;
	wire_frame_header(frame, type, req_id);
	if (blen)
		memcpy(frame + FRAME_HDR_LEN, body, blen);
	/* A response that cannot be queued is lost like a dropped datagram; the requester
	 * retransmits. */
	(void)peer_send_frame(n, p, frame, FRAME_HDR_LEN + blen, now);
	cr_wipe(frame, FRAME_HDR_LEN + blen);
}

int req_status(themis_node *n, const wire_frame *resp)
{
	uint8_t status;

	if (!resp)
		return -1;
	if (msg_status_decode(&status, resp->body, resp->bodylen) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return -1;
	}
	return status;
}

void req_on_response(themis_node *n, peer *p, const wire_frame *f, uint64_t now)
{
	for (uint32_t i = 0; i < n->npend; i++) {
		pending *pd = n->pend[i];
		if (pd->req_id == f->req_id && pd->peer == p &&
		    (uint8_t)(pd->frame[0] | MSG_RESPONSE) == f->type) {
			complete(n, pd, f, now);
			return;
		}
	}
	node_drop(n, THEMIS_DROP_UNEXPECTED);
}

void ops_peer_unreachable(themis_node *n, peer *p, uint64_t now)
{
	for (uint32_t i = 0; i < n->npend;) {
		if (n->pend[i]->peer == p)
			complete(n, n->pend[i], NULL, now);   /* may reorder the array: rescan */
		else
			i++;
	}
}

void pending_on_timeout(themis_node *n, pending *pd, uint64_t now)
{
	peer *p = pd->peer;

	if (pd->deadline > now)
		return;
	/* Still waiting for a handshake: the frame is queued, not lost; the handshake's own
	 * retries and failure decide (handshake_failed fails this request). A quick request
	 * does not wait for them. */
	if (n->hot.security && !p->cur && p->init && !pd->quick) {
		pd->deadline = now + n->hot.req_timeout_ns;
		return;
	}
	if (pd->attempts >= (pd->quick ? QUICK_ATTEMPTS : n->cfg.req_attempts)) {
		complete(n, pd, NULL, now);
		return;
	}
	/* Nothing heard from p since we sent: its side of our session may be gone (a lost
	 * CONFIRM whose half-open slot expired, a restart). Renew the session, then resend
	 * (a quick request just resends: the renewal's handshake would outlast it). */
	if (p->last_rx < pd->sent_at && !pd->quick)
		peer_renew(n, p, now);
	pd->attempts++;
	pd->sent_at = now;
	pd->deadline = now + copy_timeout(n, pd);
	if (peer_send_frame(n, p, pd->frame, pd->flen, now) != 0)
		complete(n, pd, NULL, now);
}

void pending_free_all(themis_node *n)
{
	for (uint32_t i = 0; i < n->npend; i++) {
		n->pend[i]->peer->npending--;
		cr_wipe(n->pend[i]->frame, n->pend[i]->flen);
		free(n->pend[i]);
	}
	free(n->pend);
	n->pend = NULL;
	n->npend = n->pend_alloc = 0;
}
