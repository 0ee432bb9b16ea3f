/* peer.c: peers, their session slots and the handshake around them (docs/protocol.md: HELLO checks
 * in cost order, the bounded half-open table, activation exactly once, crossing handshakes,
 * rekeying with a grace period). It turns authenticated DATA into frames for the node (node_on_frame)
 * and frames from above into DATA; it never interprets a frame.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "node.h"

/* ---- peers ---------------------------------------------------------------------------- */

peer *peer_find(themis_node *n, const uint8_t id[THEMIS_ID_LEN])
{
	for (uint32_t i = 0; i < n->npeers; i++)
		if (memcmp(n->peers[i]->id, id, THEMIS_ID_LEN) == 0)
			return n->peers[i];
	return NULL;
}

peer *peer_get(themis_node *n, const uint8_t id[THEMIS_ID_LEN], const themis_addr *addr)
{
	peer *p = peer_find(n, id);

	if (p)
		return p;
	if (node_grow((void **)&n->peers, &n->peers_alloc, n->npeers + 1, n->hot.max_peers,
		      sizeof *n->peers) != 0)
		return NULL;
	p = n->spare_peer;   /* already zero (peer_release wiped it) */
	n->spare_peer = NULL;
	if (!p && !(p = calloc(1, sizeof *p)))
		return NULL;
	memcpy(p->id, id, THEMIS_ID_LEN);
	p->addr = *addr;
	n->peers[n->npeers++] = p;
	return p;
}

/* Frees what the entry holds and wipes it: all zero, as calloc gave it. */
static void peer_clear(peer *p)
{
	for (uint32_t i = 0; i < p->nq; i++) {
		cr_wipe(p->q[i].data, p->q[i].len);
		free(p->q[i].data);
	}
	free(p->q);
	cr_wipe(p, sizeof *p);
}

static void peer_free(peer *p)
{
	peer_clear(p);
	free(p);
}

void peer_release(themis_node *n, peer *p)
{
	if (p->nslots || p->npending || p->nq || p->init || p->holds)
		return;
	for (uint32_t i = 0; i < n->npeers; i++) {
		if (n->peers[i] == p) {
			n->peers[i] = n->peers[--n->npeers];
			break;
		}
	}
	if (n->spare_peer) {
		peer_free(p);
		return;
	}
	peer_clear(p);
	n->spare_peer = p;
}

void peer_hold(peer *p)
{
	p->holds++;
}

void peer_unhold(themis_node *n, peer *p)
{
	p->holds--;
	peer_release(n, p);
}

/* ---- slots ---------------------------------------------------------------------------- */

static slot *slot_lookup(themis_node *n, uint32_t idx)
{
	uint32_t i = idx & SLOT_MASK;
	slot *s;

	if (i >= n->nslots_alloc)
		return NULL;
	s = n->slots[i];
	return s && s->state != SLOT_FREE && s->idx == idx ? s : NULL;
}

/* A free slot with a fresh local index, or NULL when the table is at its cap. */
static slot *slot_alloc(themis_node *n, slot_state state)
{
	uint32_t cap = n->cfg.max_sessions + n->cfg.max_halfopen;
	uint32_t i;

	for (i = 0; i < n->nslots_alloc; i++)
		if (!n->slots[i] || n->slots[i]->state == SLOT_FREE)
			break;
	if (i == n->nslots_alloc &&
	    node_grow((void **)&n->slots, &n->nslots_alloc, i + 1, cap, sizeof *n->slots) != 0)
		return NULL;
	if (!n->slots[i]) {
		n->slots[i] = calloc(1, sizeof(slot));
		if (!n->slots[i])
			return NULL;
	}
	slot *s = n->slots[i];
	memset(s, 0, sizeof *s);
	s->state = state;
	s->idx = ((uint32_t)node_rand64(n) & ~(uint32_t)SLOT_MASK) | i;
	if (state == SLOT_HALFOPEN)
		n->nhalfopen++;
	else
		n->nsessions++;
	return s;
}

/* Forget a slot: wipe its secrets, unlink it from its peer. */
static void slot_release(themis_node *n, slot *s)
{
	peer *p = s->peer;

	if (s->state == SLOT_HALFOPEN)
		n->nhalfopen--;
	else if (s->state != SLOT_FREE)
		n->nsessions--;
	if (s->state == SLOT_HALFOPEN || s->state == SLOT_LIVE)
		chan_free(&s->sess);
	cr_wipe(&s->hs, sizeof s->hs);
	s->state = SLOT_FREE;
	s->peer = NULL;
	if (p) {
		if (p->cur == s)
			p->cur = NULL;
		if (p->init == s)
			p->init = NULL;
		p->nslots--;
		peer_release(n, p);
	}
}

void peers_free_all(themis_node *n)
{
	for (uint32_t i = 0; i < n->nslots_alloc; i++) {
		slot *s = n->slots[i];
		if (s && s->state != SLOT_FREE) {
			s->peer = NULL;   /* peers go below, all at once */
			slot_release(n, s);
		}
		if (s)
			cr_wipe(s, sizeof *s);
		free(s);
	}
	free(n->slots);
	for (uint32_t i = 0; i < n->npeers; i++)
		peer_free(n->peers[i]);
	free(n->peers);
	free(n->spare_peer);
	n->spare_peer = NULL;
	n->slots = NULL;
	n->peers = NULL;
	n->nslots_alloc = n->npeers = n->peers_alloc = 0;
}

/* ---- sending ---------------------------------------------------------------------------- */

static uint64_t hard_lifetime(const themis_node *n)
{
	return n->cfg.rekey_after_ns + n->cfg.rekey_after_ns / 2;
}

/* The counter at which a sender starts rekeying, and the one it never reaches. */
static uint64_t soft_msgs(const themis_node *n)
{
	return n->cfg.rekey_after_msgs - n->cfg.rekey_after_msgs / 8;
}

static void send_hello(themis_node *n, peer *p, slot *s, uint64_t now)
{
	uint8_t pkt[HELLO_LEN];
	hs_random rnd;

	/* docs/protocol.md, Retries: every HELLO is new (fresh ephemeral key, nonce and index). */
	s->idx = ((uint32_t)node_rand64(n) & ~(uint32_t)SLOT_MASK) | (s->idx & SLOT_MASK);
	rnd.idx = s->idx;
	node_rand(n, rnd.e_sec, sizeof rnd.e_sec);
	node_rand(n, rnd.nonce, sizeof rnd.nonce);
	hs_create_hello(&s->hs.init, pkt, &n->self, p->id, &rnd, &n->cnt);
	cr_wipe(&rnd, sizeof rnd);
	s->deadline = now + n->cfg.hs_retry_ns;
	p->hs_tries++;
	node_output(n, &p->addr, pkt, sizeof pkt);
}

/* Start a handshake to p unless one is running. Returns 0 or THEMIS_EFULL. */
static int start_handshake(themis_node *n, peer *p, uint64_t now)
{
	slot *s;

	if (p->init)
		return 0;
	if (n->nsessions >= n->cfg.max_sessions)
		return THEMIS_EFULL;
	s = slot_alloc(n, SLOT_INITIATING);
	if (!s)
		return THEMIS_EFULL;
	s->peer = p;
	p->nslots++;
	p->init = s;
	p->hs_tries = 0;
	send_hello(n, p, s, now);
	return 0;
}

static int seal_and_send(themis_node *n, peer *p, slot *s, const uint8_t *frame, size_t flen,
			 uint64_t now)
{
	uint8_t pkt[DATA_MAX_LEN];
	int len = chan_seal(&s->sess, pkt, sizeof pkt, frame, flen, n->self.id, n->self.net, &n->cnt);

	if (len < 0)
		return THEMIS_ESIZE;
	s->last_used = now;
	p->tx_pkts++;
	p->tx_bytes += (uint64_t)len;
	node_output(n, &p->addr, pkt, (size_t)len);
	return 0;
}

static int session_usable(const themis_node *n, const slot *s, uint64_t now)
{
	return s && s->sess.send_ctr < n->cfg.rekey_after_msgs &&
	       now - s->sess.created_ns < hard_lifetime(n);
}

int peer_send_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now)
{
	slot *s = p->cur;

	if (flen < FRAME_HDR_LEN || flen > FRAME_MAX_LEN)
		return THEMIS_ESIZE;
	if (!n->hot.security) {
		uint8_t pkt[PLAIN_MAX_LEN];
		wire_plain_header(pkt, node_id(n), n->plain_ctr++);
		memcpy(pkt + PLAIN_HDR_LEN, frame, flen);
		p->tx_pkts++;
		p->tx_bytes += PLAIN_HDR_LEN + flen;
		node_output(n, &p->addr, pkt, PLAIN_HDR_LEN + flen);
		return 0;
	}
	if (session_usable(n, s, now)) {
		/* Rekey ahead of the limits (docs/protocol.md, DATA) while the old session still works.
		 * On age, the session's initiator goes first and the responder only a quarter
		 * lifetime later, so both ends do not start crossing rekeys at the same moment. */
		uint64_t age = now - s->sess.created_ns;
		uint64_t due = n->cfg.rekey_after_ns + (s->initiator ? 0 : n->cfg.rekey_after_ns / 4);
		if ((s->sess.send_ctr >= soft_msgs(n) || age >= due) && !p->init) {
			if (start_handshake(n, p, now) == 0)
				n->cnt.rekeys++;
		}
		return seal_and_send(n, p, s, frame, flen, now);
	}
	/* No usable session: queue the frame (bounded) until the handshake completes. */
	if (p->nq >= n->cfg.queue_per_peer)
		return THEMIS_EFULL;
	if (!p->q) {
		p->q = calloc(n->cfg.queue_per_peer, sizeof *p->q);
		if (!p->q)
			return THEMIS_ENOMEM;
	}
	uint8_t *copy = malloc(flen);
	if (!copy)
		return THEMIS_ENOMEM;
	memcpy(copy, frame, flen);
	int rc = start_handshake(n, p, now);
	if (rc != 0) {
		free(copy);
		return rc;
	}
	p->q[p->nq].data = copy;
	p->q[p->nq].len = (uint16_t)flen;
	p->nq++;
	return 0;
}

void peer_renew(themis_node *n, peer *p, uint64_t now)
{
	if (!n->hot.security)
		return;
	if (p->cur) {
		p->cur->deadline = now + n->cfg.session_grace_ns;
		p->cur = NULL;
	}
	start_handshake(n, p, now);
}

static void flush_queue(themis_node *n, peer *p, uint64_t now)
{
	uint32_t i;

	if (p->nq == 0)
		return;
	for (i = 0; i < p->nq && session_usable(n, p->cur, now); i++) {
		seal_and_send(n, p, p->cur, p->q[i].data, p->q[i].len, now);
		cr_wipe(p->q[i].data, p->q[i].len);
		free(p->q[i].data);
	}
	memmove(p->q, p->q + i, (p->nq - i) * sizeof *p->q);
	p->nq -= i;
}

/* Two sessions with p came up within one grace period of each other (handshakes that
 * crossed): 1 when the new one, s, must yield to old by the deterministic rule. */
static int crossing_loser(const themis_node *n, const peer *p, const slot *s, const slot *old,
			  uint64_t now)
{
	const uint8_t *init_s = s->initiator ? n->self.id : p->id;
	const uint8_t *init_old = old->initiator ? n->self.id : p->id;

	if (now - old->sess.created_ns >= n->cfg.session_grace_ns || s->initiator == old->initiator)
		return 0;
	return memcmp(init_old, init_s, THEMIS_ID_LEN) < 0;
}

/* A slot of p just became LIVE: it is now the session we send on (the most recently
 * confirmed, docs/protocol.md: Retries, crossing handshakes, rekeying); the previous one keeps
 * accepting until its grace period ends. */
static void session_up(themis_node *n, peer *p, slot *s, uint64_t now)
{
	themis_event ev;
	slot *old = p->cur;

	if (old && old != s && crossing_loser(n, p, s, old, now)) {
		/* Crossing handshakes: both ends keep the session initiated by the smaller id, so
		 * neither sends on a session the other has retired. */
		s->deadline = now + n->cfg.session_grace_ns;
	} else {
		if (old && old != s)
			old->deadline = now + n->cfg.session_grace_ns;
		p->cur = s;
		s->deadline = 0;
	}
	s->last_used = now;
	p->last_rx = now;
	if (!p->first_up)
		p->first_up = now;
	p->last_hs = now;
	n->cnt.handshakes_ok++;
	memset(&ev, 0, sizeof ev);
	ev.kind = THEMIS_EV_SESSION_UP;
	memcpy(ev.peer, p->id, THEMIS_ID_LEN);
	node_emit(n, &ev);
	flush_queue(n, p, now);
}

/* ---- receiving the handshake ------------------------------------------------------------ */

static int same_source(const themis_addr *a, const themis_addr *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, sizeof a->addr) == 0;
}

/* Per-source token bucket for HELLOs (GCRA). Returns 1 when allowed. */
static int hello_rate_ok(themis_node *n, const themis_addr *src, uint64_t now)
{
	uint64_t interval = UINT64_C(1000000000) / n->cfg.hello_rate;
	uint64_t burst = interval * n->cfg.hello_burst;
	rl_entry *e = NULL, *oldest = NULL;

	if (!n->rl) {
		n->rl = calloc(n->cfg.ratelimit_slots, sizeof *n->rl);
		if (!n->rl)
			return 0;
	}
	for (uint32_t i = 0; i < n->rl_len; i++) {
		if (same_source(&n->rl[i].src, src)) {
			e = &n->rl[i];
			break;
		}
		if (!oldest || n->rl[i].tat < oldest->tat)
			oldest = &n->rl[i];
	}
	if (!e) {
		/* Take a new entry, or recycle the one whose bucket refilled longest ago: an
		 * evicted source starts with a full bucket, which is what it would have anyway. */
		e = n->rl_len < n->cfg.ratelimit_slots ? &n->rl[n->rl_len++] : oldest;
		e->src = *src;
		e->tat = now;
	}
	if (e->tat < now)
		e->tat = now;
	if (e->tat - now + interval > burst)
		return 0;
	e->tat += interval;
	return 1;
}

static int hello_seen(themis_node *n, const uint8_t h[16])
{
	for (uint32_t i = 0; i < n->hc_len; i++)
		if (memcmp(n->hello_cache[i], h, 16) == 0)
			return 1;
	return 0;
}

static void hello_remember(themis_node *n, const uint8_t h[16])
{
	if (!n->hello_cache) {
		n->hello_cache = calloc(n->cfg.hello_cache, 16);
		if (!n->hello_cache)
			return;
	}
	memcpy(n->hello_cache[n->hc_next], h, 16);
	n->hc_next = (n->hc_next + 1) % n->cfg.hello_cache;
	if (n->hc_len < n->cfg.hello_cache)
		n->hc_len++;
}

static void evict_oldest_halfopen(themis_node *n)
{
	slot *oldest = NULL;

	for (uint32_t i = 0; i < n->nslots_alloc; i++) {
		slot *s = n->slots[i];
		if (s && s->state == SLOT_HALFOPEN && (!oldest || s->deadline < oldest->deadline))
			oldest = s;
	}
	if (oldest) {
		node_drop(n, THEMIS_DROP_TABLE_FULL);
		slot_release(n, oldest);
	}
}

void peer_recv_hello(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len,
		     uint64_t now)
{
	wire_hello h;
	uint8_t digest[32], id_a[32], reply[REPLY_LEN];
	hs_random rnd;
	slot *s;
	themis_drop why;
	int rc;

	/* docs/protocol.md, HELLO: cheapest checks first; no DH before a half-open slot is taken. */
	rc = hs_check_hello(&n->self, pkt, len, &h, &why);
	if (rc != 0) {
		node_drop(n, why);
		return;
	}
	cr_buf whole = { pkt, HELLO_LEN };
	cr_hashv(digest, NULL, &whole, 1);
	n->cnt.cpu_hash++;
	if (hello_seen(n, digest)) {
		node_drop(n, THEMIS_DROP_REPLAY);
		return;
	}
	if (!hello_rate_ok(n, from, now)) {
		node_drop(n, THEMIS_DROP_RATE_LIMITED);
		return;
	}
	rc = hs_verify_hello(&n->self, pkt, &h, id_a, &n->cnt, &why);
	if (rc != 0) {
		node_drop(n, why);
		return;
	}
	/* A full half-open table gives up its oldest entry (like a SYN cache): memory stays
	 * bounded under a flood of spoofed HELLOs, yet an honest initiator, whose CONFIRM comes
	 * back within a round trip, still completes unless the flood replaces the whole table
	 * faster than that. */
	if (n->nhalfopen >= n->cfg.max_halfopen)
		evict_oldest_halfopen(n);
	if (n->nhalfopen >= n->cfg.max_halfopen || !(s = slot_alloc(n, SLOT_HALFOPEN))) {
		node_drop(n, THEMIS_DROP_TABLE_FULL);
		return;
	}
	hello_remember(n, digest);
	rnd.idx = s->idx;
	node_rand(n, rnd.e_sec, sizeof rnd.e_sec);
	node_rand(n, rnd.nonce, sizeof rnd.nonce);
	rc = hs_create_reply(&s->hs.resp, reply, &n->self, pkt, &h, id_a, &rnd, &n->cnt, &why);
	cr_wipe(&rnd, sizeof rnd);
	if (rc == 0 && chan_init(&s->sess, s->idx, h.idx_a, id_a, &s->hs.resp.keys,
				 n->cfg.replay_window, now) != 0) {
		rc = -1;
		why = THEMIS_DROP_TABLE_FULL;
	}
	if (rc != 0) {
		node_drop(n, why);
		cr_wipe(&s->hs, sizeof s->hs);
		n->nhalfopen--;
		s->state = SLOT_FREE;
		return;
	}
	cr_wipe(&s->hs.resp.keys, sizeof s->hs.resp.keys);  /* the session holds them now */
	memcpy(s->conf_a, s->hs.resp.conf_a, sizeof s->conf_a);
	s->from = *from;
	s->deadline = now + n->cfg.halfopen_ttl_ns;
	node_output(n, from, reply, sizeof reply);
}

void peer_recv_reply(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len,
		     uint64_t now)
{
	wire_reply r;
	hs_keys keys;
	uint8_t confirm[CONFIRM_LEN];
	slot *s;
	peer *p;
	themis_drop why;
	int rc;

	if (wire_reply_decode(&r, pkt, len) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	s = slot_lookup(n, r.idx_a);
	if (!s || s->state != SLOT_INITIATING) {
		node_drop(n, THEMIS_DROP_UNKNOWN_SESSION);
		return;
	}
	rc = hs_consume_reply(&s->hs.init, &n->self, pkt, &r, &keys, confirm, &n->cnt, &why);
	if (rc != 0) {
		/* docs/protocol.md, REPLY: drop, count, keep waiting until the handshake's deadline. */
		node_drop(n, why);
		return;
	}
	p = s->peer;
	hs_initiator_wipe(&s->hs.init);
	if (chan_init(&s->sess, s->idx, r.idx_b, p->id, &keys, n->cfg.replay_window, now) != 0) {
		cr_wipe(&keys, sizeof keys);
		node_drop(n, THEMIS_DROP_TABLE_FULL);
		slot_release(n, s);
		return;
	}
	cr_wipe(&keys, sizeof keys);
	s->state = SLOT_LIVE;
	s->initiator = 1;
	p->init = NULL;
	p->addr = *from;   /* authenticated: the peer speaks from here */
	node_output(n, from, confirm, sizeof confirm);
	session_up(n, p, s, now);
}

/* A half-open slot proved its peer (CONFIRM or first DATA): make it LIVE, exactly once. */
static peer *activate(themis_node *n, slot *s, const themis_addr *from, uint64_t now)
{
	peer *p = peer_get(n, s->sess.peer_id, from);

	if (!p || n->nsessions >= n->cfg.max_sessions) {
		node_drop(n, THEMIS_DROP_TABLE_FULL);
		slot_release(n, s);
		if (p)
			peer_release(n, p);
		return NULL;
	}
	n->nhalfopen--;
	n->nsessions++;
	cr_wipe(&s->hs, sizeof s->hs);
	s->state = SLOT_LIVE;
	s->peer = p;
	p->nslots++;
	p->addr = *from;
	session_up(n, p, s, now);
	return p;
}

void peer_recv_confirm(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len,
		       uint64_t now)
{
	wire_confirm c;
	slot *s;
	themis_drop why;
	int rc;

	if (wire_confirm_decode(&c, pkt, len) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	s = slot_lookup(n, c.idx_b);
	if (s && s->state == SLOT_LIVE) {
		/* Already activated (by this CONFIRM or a DATA): never activate twice. Only the
		 * genuine tag counts as a replay; anything else is a forgery. */
		int genuine = s->sess.remote_idx == c.idx_a && cr_equal(s->conf_a, c.conf, 32);
		if (genuine && !s->confirmed) {
			s->confirmed = 1;   /* the CONFIRM a DATA overtook: late, not replayed */
			return;
		}
		node_drop(n, genuine ? THEMIS_DROP_REPLAY : THEMIS_DROP_BAD_MAC);
		return;
	}
	if (!s || s->state != SLOT_HALFOPEN) {
		node_drop(n, THEMIS_DROP_UNKNOWN_SESSION);
		return;
	}
	rc = hs_consume_confirm(&s->hs.resp, &c, &why);
	if (rc != 0) {
		node_drop(n, why);
		return;
	}
	if (activate(n, s, from, now))
		s->confirmed = 1;
}

void peer_recv_data(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len,
		    uint64_t now)
{
	uint8_t frame[FRAME_MAX_LEN];
	wire_data d;
	slot *s;
	peer *p;
	themis_drop why;
	int flen;

	if (wire_data_decode(&d, pkt, len) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	s = slot_lookup(n, d.idx);
	if (!s || (s->state != SLOT_LIVE && s->state != SLOT_HALFOPEN)) {
		node_drop(n, THEMIS_DROP_UNKNOWN_SESSION);
		return;
	}
	flen = chan_open(&s->sess, &d, pkt, frame, sizeof frame, n->self.id, n->self.net, &n->cnt,
			 &why);
	if (flen < 0) {
		node_drop(n, why);
		return;
	}
	/* A DATA that authenticates under a half-open session's keys proves the peer as well as
	 * CONFIRM does (docs/protocol.md, CONFIRM): the CONFIRM may have been lost. */
	if (s->state == SLOT_HALFOPEN) {
		p = activate(n, s, from, now);
		if (!p) {
			cr_wipe(frame, (size_t)flen);
			return;
		}
	} else {
		p = s->peer;
		p->addr = *from;
		if (!p->cur && session_usable(n, s, now)) {
			/* We are renewing this session because the peer went quiet (a request
			 * timed out, peer_renew); it authenticates on it again, so the peer still
			 * holds its half: it is current once more, and the frames that queued up
			 * meanwhile (answers to these very requests among them, beyond the queue's
			 * bound) go now instead of after the new handshake. That handshake goes on
			 * and takes over as a rekey would. */
			s->deadline = 0;
			p->cur = s;
			flush_queue(n, p, now);
		} else if (s != p->cur && s->deadline) {
			/* A replaced session the peer still sends on stays alive: after crossing
			 * handshakes each side may send on a different one (docs/protocol.md: no
			 * tie-break). */
			s->deadline = now + n->cfg.session_grace_ns;
		}
	}
	s->last_used = now;
	p->last_rx = now;
	p->rx_pkts++;
	p->rx_bytes += len;
	node_on_frame(n, p, frame, (size_t)flen, now);
	cr_wipe(frame, (size_t)flen);   /* only what chan_open wrote */
}

void peer_recv_plain(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len,
		     uint64_t now)
{
	wire_plain pl;
	peer *p;

	if (wire_plain_decode(&pl, pkt, len) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	if (memcmp(pl.id_sender, node_id(n), THEMIS_ID_LEN) == 0) {
		node_drop(n, THEMIS_DROP_WRONG_RECIPIENT);
		return;
	}
	p = peer_get(n, pl.id_sender, from);
	if (!p) {
		node_drop(n, THEMIS_DROP_TABLE_FULL);
		return;
	}
	p->addr = *from;
	p->last_rx = now;
	p->rx_pkts++;
	p->rx_bytes += len;
	/* Vanilla peers live only as long as a request needs them. */
	peer_hold(p);
	node_on_frame(n, p, pl.frame, pl.framelen, now);
	peer_unhold(n, p);
}

/* ---- what a driver shows of its peers ---------------------------------------------------- */

size_t themis_node_peers(const themis_node *n, themis_peer_info *out, size_t cap)
{
	size_t k = 0;

	for (uint32_t i = 0; i < n->npeers && k < cap; i++) {
		const peer *p = n->peers[i];
		themis_peer_info *o = &out[k++];
		memset(o, 0, sizeof *o);
		memcpy(o->peer.id, p->id, THEMIS_ID_LEN);
		o->peer.addr = p->addr;
		o->session = p->cur && p->cur->state == SLOT_LIVE;
		o->since_ns = p->first_up;
		o->last_handshake_ns = p->last_hs;
		o->last_rx_ns = p->last_rx;
		o->rx_pkts = p->rx_pkts;
		o->rx_bytes = p->rx_bytes;
		o->tx_pkts = p->tx_pkts;
		o->tx_bytes = p->tx_bytes;
		o->rtt_ns = p->srtt_ns;
	}
	return k;
}

/* ---- timers ----------------------------------------------------------------------------- */

uint64_t slot_deadline(const themis_node *n, const slot *s)
{
	uint64_t t;

	switch (s->state) {
	case SLOT_INITIATING:
	case SLOT_HALFOPEN:
		return s->deadline;
	case SLOT_LIVE:
		t = s->sess.created_ns + hard_lifetime(n);
		if (s->last_used + n->cfg.session_idle_ns < t)
			t = s->last_used + n->cfg.session_idle_ns;
		if (s->deadline && s->deadline < t)
			t = s->deadline;
		return t;
	default:
		return UINT64_MAX;
	}
}

static void handshake_failed(themis_node *n, peer *p, slot *s, uint64_t now)
{
	themis_event ev;

	n->cnt.handshakes_failed++;
	memset(&ev, 0, sizeof ev);
	ev.kind = THEMIS_EV_HANDSHAKE_FAILED;
	memcpy(ev.peer, p->id, THEMIS_ID_LEN);
	node_emit(n, &ev);
	peer_hold(p);           /* keep p alive while its requests are failed */
	slot_release(n, s);
	/* A failed rekey while the current session still works loses nothing. */
	if (!session_usable(n, p->cur, now)) {
		for (uint32_t i = 0; i < p->nq; i++) {
			cr_wipe(p->q[i].data, p->q[i].len);
			free(p->q[i].data);
		}
		p->nq = 0;
		node_peer_unreachable(n, p, now);
	}
	peer_unhold(n, p);
}

void slot_on_timeout(themis_node *n, slot *s, uint64_t now)
{
	peer *p = s->peer;

	if (slot_deadline(n, s) > now)
		return;
	switch (s->state) {
	case SLOT_INITIATING:
		if (p->hs_tries < n->cfg.hs_attempts)
			send_hello(n, p, s, now);
		else
			handshake_failed(n, p, s, now);
		break;
	case SLOT_HALFOPEN:   /* never confirmed: forget it; no live session is touched */
	case SLOT_LIVE:       /* grace over, lifetime over, or idle */
		slot_release(n, s);
		break;
	default:
		break;
	}
}
