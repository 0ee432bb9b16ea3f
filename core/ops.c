/* ops.c: operations as requests with deadlines and retries, and the upper-layer dispatch of
 * authenticated frames. A response is accepted only for a request pending with the peer that
 * sent it (PROTOCOL.md, DATA: the req_id check). Knows frames, never packets or keys.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "msg.h"
#include "node.h"

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
	free(pd->frame);
	free(pd);
	p->npending--;
	peer_release(n, p);
}

static void op_done(themis_node *n, pending *pd, int ok, uint64_t now)
{
	themis_event ev;

	memset(&ev, 0, sizeof ev);
	ev.kind = THEMIS_EV_OP_DONE;
	ev.op_id = pd->op_id;
	ev.op = pd->kind;
	ev.ok = ok;
	ev.t_start_ns = pd->t_start;
	ev.t_end_ns = now;
	ev.msgs = pd->attempts;
	memcpy(ev.peer, pd->peer->id, THEMIS_ID_LEN);
	node_emit(n, &ev);
	pending_remove(n, pd);
}

/* Sends a request frame (type, fresh req_id, body) to p and tracks it. Returns the op id. */
static int64_t request(themis_node *n, peer *p, themis_op_kind kind, uint8_t type,
		       const uint8_t *body, size_t blen, uint64_t now)
{
	pending *pd;
	int rc;

	if (blen > FRAME_BODY_MAX)
		return THEMIS_ESIZE;
	if (node_grow((void **)&n->pend, &n->pend_alloc, n->npend + 1, n->cfg.max_pending,
		      sizeof *n->pend) != 0)
		return THEMIS_EFULL;
	pd = calloc(1, sizeof *pd);
	if (!pd)
		return THEMIS_ENOMEM;
	pd->frame = malloc(FRAME_HDR_LEN + blen);
	if (!pd->frame) {
		free(pd);
		return THEMIS_ENOMEM;
	}
	pd->req_id = node_rand64(n);
	pd->op_id = ++n->next_op_id;
	pd->peer = p;
	pd->kind = kind;
	pd->t_start = now;
	pd->flen = (uint16_t)(FRAME_HDR_LEN + blen);
	wire_frame_header(pd->frame, type, pd->req_id);
	if (blen)
		memcpy(pd->frame + FRAME_HDR_LEN, body, blen);
	p->npending++;
	n->pend[n->npend++] = pd;
	rc = peer_send_frame(n, p, pd->frame, pd->flen, now);
	if (rc != 0) {
		n->next_op_id--;
		pending_remove(n, pd);
		return rc;
	}
	pd->attempts = 1;
	pd->sent_at = now;
	pd->deadline = now + n->cfg.req_timeout_ns;
	return (int64_t)pd->op_id;
}

int64_t themis_ping(themis_node *n, const themis_peer *target, uint64_t now)
{
	peer *p;
	int64_t rc;

	if (!target || memcmp(target->id, n->self.id, THEMIS_ID_LEN) == 0)
		return THEMIS_EINVAL;
	p = peer_get(n, target->id, &target->addr);
	if (!p)
		return THEMIS_EFULL;
	/* A failed request may leave p unused: the hold frees it then, exactly once. */
	peer_hold(p);
	rc = request(n, p, THEMIS_OP_PING, MSG_PING, NULL, 0, now);
	peer_unhold(n, p);
	return rc;
}

static pending *pending_find(themis_node *n, const peer *p, uint64_t req_id)
{
	for (uint32_t i = 0; i < n->npend; i++)
		if (n->pend[i]->req_id == req_id && n->pend[i]->peer == p)
			return n->pend[i];
	return NULL;
}

static void respond(themis_node *n, peer *p, uint8_t type, uint64_t req_id,
		    const uint8_t *body, size_t blen, uint64_t now)
{
	uint8_t frame[FRAME_MAX_LEN];

	wire_frame_header(frame, type, req_id);
	if (blen)
		memcpy(frame + FRAME_HDR_LEN, body, blen);
	/* A response that cannot be queued is lost like a dropped datagram; the requester
	 * retransmits. */
	(void)peer_send_frame(n, p, frame, FRAME_HDR_LEN + blen, now);
}

void ops_on_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now)
{
	wire_frame f;
	pending *pd;

	if (wire_frame_decode(&f, frame, flen) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	if (f.type & MSG_RESPONSE) {
		pd = pending_find(n, p, f.req_id);
		if (!pd || (uint8_t)(pd->frame[0] | MSG_RESPONSE) != f.type) {
			node_drop(n, THEMIS_DROP_UNEXPECTED);
			return;
		}
		switch (f.type) {
		case MSG_PONG:
			if (f.bodylen != 0) {
				node_drop(n, THEMIS_DROP_MALFORMED);
				return;
			}
			op_done(n, pd, 1, now);
			return;
		default:
			node_drop(n, THEMIS_DROP_MALFORMED);
			return;
		}
	}
	switch (f.type) {
	case MSG_PING:
		if (f.bodylen != 0) {
			node_drop(n, THEMIS_DROP_MALFORMED);
			return;
		}
		respond(n, p, MSG_PONG, f.req_id, NULL, 0, now);
		return;
	default:
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
}

void ops_peer_unreachable(themis_node *n, peer *p, uint64_t now)
{
	for (uint32_t i = 0; i < n->npend;) {
		if (n->pend[i]->peer == p)
			op_done(n, n->pend[i], 0, now);   /* swaps the last entry into i */
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
	 * retries and failure decide (handshake_failed fails this op). */
	if (n->cfg.security && !p->cur && p->init) {
		pd->deadline = now + n->cfg.req_timeout_ns;
		return;
	}
	if (pd->attempts >= n->cfg.req_attempts) {
		op_done(n, pd, 0, now);
		return;
	}
	/* Nothing heard from p since we sent: its side of our session may be gone (a lost
	 * CONFIRM whose half-open slot expired, a restart). Renew the session, then resend. */
	if (p->last_rx < pd->sent_at)
		peer_renew(n, p, now);
	pd->attempts++;
	pd->sent_at = now;
	pd->deadline = now + n->cfg.req_timeout_ns;
	if (peer_send_frame(n, p, pd->frame, pd->flen, now) != 0)
		op_done(n, pd, 0, now);
}

void pending_free_all(themis_node *n)
{
	for (uint32_t i = 0; i < n->npend; i++) {
		n->pend[i]->peer->npending--;
		cr_wipe(n->pend[i]->frame, n->pend[i]->flen);
		free(n->pend[i]->frame);
		free(n->pend[i]);
	}
	free(n->pend);
	n->pend = NULL;
	n->npend = n->pend_alloc = 0;
}
