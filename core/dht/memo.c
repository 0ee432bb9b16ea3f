/* memo.c: answers that carried records (handoffs), kept for a retransmission and confirmed
 * when they end.
 */
#include <stdlib.h>
#include <string.h>

#include "dht.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "req.h"

/* ---- handoff answers, kept for a retransmission ------------------------------------------
 * Records handed to a new predecessor travel in an answer (UPDATE_R, TRANSFER_R), and they
 * leave our table when it is sent. An answer can be lost; the requester then sends the same
 * request again, with the same req_id, and a fresh answer would carry nothing: the records
 * would be gone from the ring. So the last few answers that carried records are kept for as
 * long as the requester may retransmit, and a request seen again gets the same bytes (taking
 * records twice is harmless: a store keeps one record per object and storer).
 *
 * An answer can also be lost for good: the requester gave up (a partition began, or it
 * died). So when an entry ends, its records are confirmed: sent once more to the requester,
 * in a RELOCATE that it answers (relocate_confirm). A requester that has them takes the same
 * bytes again as a refresh; one that cannot be reached, or no longer owns them, leaves them
 * with us, outside our range, and relocation finds their owner. */

enum { MEMO_MAX = 4 };

struct handoff_memo {
	ring_node to;          /* the requester */
	uint64_t req_id;
	uint64_t until;        /* 0: free */
	uint8_t type;
	uint16_t len;
	uint8_t body[FRAME_BODY_MAX];
};

static const struct handoff_memo *memo_find(const themis_node *n, const peer *p, uint8_t type,
					    uint64_t req_id, uint64_t now)
{
	for (uint32_t i = 0; n->memo && i < MEMO_MAX; i++) {
		const struct handoff_memo *h = &n->memo[i];
		if (h->until > now && h->req_id == req_id && h->type == type &&
		    memcmp(h->to.id, p->id, THEMIS_ID_LEN) == 0)
			return h;
	}
	return NULL;
}

/* The records of entry h go to its requester once more (see above); the entry is free after. */
/* keep: take the records back into our table instead (we are leaving: they go with our own
 * handoff; a requester that has them holds them twice, which is harmless). */
static void memo_confirm(themis_node *n, struct handoff_memo *h, int keep, uint64_t now)
{
	msg_lists *m = malloc(sizeof *m);

	if (m && msg_lists_decode(m, h->body, h->len, n->hot.m) == 0 && m->nrec) {
		if (keep)
			pub_accept_records(n, m->rec, m->nrec, now);
		else
			relocate_confirm(n, &h->to, m->rec, m->nrec, now);
	}
	free(m);
	h->until = 0;
}

/* Confirm the entries whose requester can no longer retransmit; all: every entry, its
 * records back into our table (a leave begins). */
void dht_memo_tick(themis_node *n, int all, uint64_t now)
{
	for (uint32_t i = 0; n->memo && i < MEMO_MAX; i++)
		if (n->memo[i].until && (all || n->memo[i].until <= now))
			memo_confirm(n, &n->memo[i], all, now);
}

static void memo_keep(themis_node *n, const peer *p, uint8_t type, uint64_t req_id, const uint8_t *body,
		      size_t len, uint64_t now)
{
	uint32_t slot = 0;

	if (!n->memo && !(n->memo = calloc(MEMO_MAX, sizeof *n->memo)))
		return;   /* without memory the answer goes out unkept, as before */
	for (uint32_t i = 1; i < MEMO_MAX; i++)
		if (n->memo[i].until < n->memo[slot].until)
			slot = i;   /* a free entry, or the one that ends first */
	struct handoff_memo *h = &n->memo[slot];
	if (h->until)
		memo_confirm(n, h, 0, now);   /* pushed out before its time: confirmed now */
	dht_peer_node(p, &h->to);
	h->req_id = req_id;
	h->type = type;
	h->len = (uint16_t)len;
	memcpy(h->body, body, len);
	/* every copy of the request arrives within its attempts; twice that, for delays */
	h->until = now + 2 * (uint64_t)n->cfg.req_attempts * n->hot.req_timeout_ns;
}

/* Answer caller c (request type) with m, adding the records c is now responsible for:
 * everything not in (c, self] (paper, 6.1 Update), handed over only to our predecessor. */
void dht_respond_with_handoff(themis_node *n, peer *p, uint8_t type, uint64_t req_id, msg_lists *m,
			     const ring_node *c, uint64_t now)
{
	uint8_t out[FRAME_BODY_MAX];
	size_t written;
	int len;
	const struct handoff_memo *h = memo_find(n, p, type, req_id, now);

	if (h) {   /* our answer with records was lost: the same answer again */
		req_respond(n, p, type | MSG_RESPONSE, req_id, h->body, h->len, now);
		return;
	}
	if (n->joined && !n->leaving && n->ring.has_pred && memcmp(n->ring.pred.id, c->id, THEMIS_ID_LEN) == 0 &&
	    !dht_departed(n, c->id, now))
		len = dht_encode_with_handoff(n, m, n->ring.self_pos, RING_POS(c, n->hot.m), out, sizeof out, now);
	else
		len = msg_lists_encode(out, sizeof out, m, &written);
	if (len < 0)
		return;
	if (m->nrec)
		memo_keep(n, p, type, req_id, out, (size_t)len, now);
	req_respond(n, p, type | MSG_RESPONSE, req_id, out, (size_t)len, now);
}
