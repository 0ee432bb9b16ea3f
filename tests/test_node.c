/* test_node.c: two or three real nodes on a virtual clock (tnet.h): both handshake roles,
 * PING/PONG, retransmission after loss, crossing handshakes, rekeying, and every rejection
 * the lower layer promises (docs/protocol.md), each with the right counter and no state change.
 */
#include "tnet.h"

#include "crypto.h"
#include "hs.h"
#include "msg.h"
#include "node.h"
/* the DHT layer's internals, which this white-box test reaches into */
#include "dht.h"
#include "heal.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "replica.h"
#include "req.h"
#include "wire.h"

#define NET "themis-test"
#define SEC 1000000000ull

static int A, B;

static void rekey_msgs_cfg(themis_config *c);
static void rekey_msgs_cfg_fwd(themis_config *c) { rekey_msgs_cfg(c); }

static tnet *pair(void (*tweak)(themis_config *))
{
	tnet *t = tnet_new();
	A = tnet_add(t, NET, tweak);
	B = tnet_add(t, NET, tweak);
	return t;
}

static int64_t ping(tnet *t, int from, int to)
{
	themis_peer p;
	tnet_peer(t, to, &p);
	int64_t id = themis_ping(t->node[from], &p, t->now);
	assert_true(id > 0);
	return id;
}

/* A pings B and everything is delivered: one session each side, one PONG. */
static tnet *established(void (*tweak)(themis_config *))
{
	tnet *t = pair(tweak);
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	return t;
}

static void test_handshake_ping(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	themis_counters ca, cb;

	ping(t, A, B);
	tnet_pump(t);
	themis_node_counters(t->node[A], &ca);
	themis_node_counters(t->node[B], &cb);
	assert_int_equal(ca.handshakes_ok, 1);
	assert_int_equal(cb.handshakes_ok, 1);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_int_equal(tnet_total_drops(t, A) + tnet_total_drops(t, B), 0);
	/* HELLO, REPLY, CONFIRM, PING, PONG */
	assert_int_equal(t->nlog, 5);
	assert_int_equal(t->log[0].b[1], PKT_HELLO);
	assert_int_equal(t->log[1].b[1], PKT_REPLY);
	assert_int_equal(t->log[2].b[1], PKT_CONFIRM);
	assert_int_equal(t->log[3].b[1], PKT_DATA);
	assert_int_equal(t->log[4].b[1], PKT_DATA);
	/* No reply is larger than the packet that caused it (no amplification). */
	assert_true(t->log[1].len <= t->log[0].len);
	/* SESSION_UP on both sides, naming the other. */
	assert_int_equal(t->ev[B][0].kind, THEMIS_EV_SESSION_UP);
	assert_memory_equal(t->ev[B][0].peer, themis_node_id(t->node[A]), 32);
	/* B can use the session the other way without a new handshake. */
	ping(t, B, A);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, B, 1), 1);
	themis_node_counters(t->node[B], &cb);
	assert_int_equal(cb.handshakes_ok, 1);
	assert_int_equal(themis_node_next_deadline(t->node[A]) > t->now, 1);
	tnet_del(t);
}

/* ---- loss and retransmission ---------------------------------------------------------- */

typedef struct drop_nth { uint8_t type; int skip; int dropped; } drop_nth;

static int tap_drop_nth(void *ctx, tpkt *p)
{
	drop_nth *d = ctx;
	if (p->b[1] == d->type && d->dropped == 0) {
		if (d->skip-- == 0) {
			d->dropped = 1;
			return 1;
		}
	}
	return 0;
}

static void lose_one(uint8_t type, int skip)
{
	tnet *t = pair(NULL);
	drop_nth d = { type, skip, 0 };

	t->tap = tap_drop_nth;
	t->tap_ctx = &d;
	ping(t, A, B);
	tnet_pump(t);
	tnet_advance(t, 10 * SEC);
	assert_int_equal(d.dropped, 1);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_int_equal(tnet_ops_done(t, A, 0), 0);
	tnet_del(t);
}

static void test_lost_hello(void **s) { (void)s; lose_one(PKT_HELLO, 0); }
static void test_lost_reply(void **s) { (void)s; lose_one(PKT_REPLY, 0); }
static void test_lost_confirm(void **s) { (void)s; lose_one(PKT_CONFIRM, 0); }
static void test_lost_ping(void **s) { (void)s; lose_one(PKT_DATA, 0); }
static void test_lost_pong(void **s) { (void)s; lose_one(PKT_DATA, 1); }

/* A lost CONFIRM: B activates the session on the first DATA, which is then delivered once. */
static void test_confirm_lost_data_activates(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	drop_nth d = { PKT_CONFIRM, 0, 0 };
	themis_counters cb;

	t->tap = tap_drop_nth;
	t->tap_ctx = &d;
	ping(t, A, B);
	tnet_pump(t);
	themis_node_counters(t->node[B], &cb);
	assert_int_equal(cb.handshakes_ok, 1);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	/* The late CONFIRM finds the session already active: accepted quietly, no second
	 * activation; a second copy of it is a replay. */
	t->tap = NULL;
	tpkt *c = tnet_last(t, A, PKT_CONFIRM);
	tnet_deliver(t, c);
	assert_int_equal(tnet_total_drops(t, B), 0);
	tnet_deliver(t, c);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 1);
	themis_node_counters(t->node[B], &cb);
	assert_int_equal(cb.handshakes_ok, 1);
	tnet_del(t);
}

static void unreachable_cfg(themis_config *c) { c->hs_attempts = 3; }

static void test_handshake_gives_up(void **state)
{
	(void)state;
	tnet *t = pair(unreachable_cfg);
	themis_counters ca;
	themis_peer gone;

	tnet_peer(t, B, &gone);
	themis_node_del(t->node[B]);           /* B is simply gone */
	t->node[B] = NULL;
	t->n = 1;
	assert_true(themis_ping(t->node[A], &gone, t->now) > 0);
	tnet_advance(t, 30 * SEC);
	themis_node_counters(t->node[A], &ca);
	assert_int_equal(ca.handshakes_failed, 1);
	assert_int_equal(tnet_ops_done(t, A, 0), 1);
	assert_int_equal(t->nlog, 3);          /* exactly hs_attempts HELLOs */
	assert_int_equal(t->node[A]->npeers, 0); /* nothing left behind */
	assert_int_equal(themis_node_next_deadline(t->node[A]), UINT64_MAX);
	tnet_del(t);
}

/* ---- crossing handshakes, rekeying, queueing -------------------------------------------- */

static void test_crossing_handshakes(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	themis_counters ca, cb;

	ping(t, A, B);
	ping(t, B, A);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_int_equal(tnet_ops_done(t, B, 1), 1);
	themis_node_counters(t->node[A], &ca);
	themis_node_counters(t->node[B], &cb);
	assert_int_equal(ca.handshakes_ok, 2);
	assert_int_equal(cb.handshakes_ok, 2);
	/* Both sessions work afterwards, from either side. */
	ping(t, A, B);
	ping(t, B, A);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	assert_int_equal(tnet_ops_done(t, B, 1), 2);
	/* Long after the grace period each side may still send on a different session: both
	 * keep working, with no new handshake and nothing dropped. */
	for (int i = 0; i < 3; i++) {
		tnet_advance(t, 20 * SEC);
		ping(t, A, B);
		ping(t, B, A);
		tnet_pump(t);
	}
	assert_int_equal(tnet_ops_done(t, A, 1), 5);
	assert_int_equal(tnet_ops_done(t, B, 1), 5);
	themis_node_counters(t->node[A], &ca);
	assert_int_equal(ca.handshakes_ok, 2);
	assert_int_equal(tnet_total_drops(t, A) + tnet_total_drops(t, B), 0);
	tnet_del(t);
}

static void one_session_cfg(themis_config *c) { c->max_sessions = 1; }

/* A ping to a new peer that cannot get a session fails cleanly and leaves nothing behind. */
static void test_ping_fails_when_sessions_full(void **state)
{
	(void)state;
	tnet *t = pair(one_session_cfg);
	int C = tnet_add(t, NET, NULL);
	themis_peer pc;

	ping(t, A, B);
	tnet_pump(t);
	tnet_peer(t, C, &pc);
	assert_int_equal(themis_ping(t->node[A], &pc, t->now), THEMIS_EFULL);
	assert_int_equal(t->node[A]->npeers, 1);
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	tnet_del(t);
}

/* A rekey that cannot complete (the peer stops answering HELLOs) does not fail requests that
 * the still-valid session carries. */
static int tap_drop_hello(void *ctx, tpkt *p)
{
	(void)ctx;
	return p->b[1] == PKT_HELLO;
}

static void test_failed_rekey_keeps_session(void **state)
{
	(void)state;
	tnet *t = established(rekey_msgs_cfg_fwd);
	themis_counters ca;

	t->tap = tap_drop_hello;
	for (int i = 0; i < 14; i++) {  /* reach 7/8 of 16: the rekey starts and fails */
		ping(t, A, B);
		tnet_pump(t);
	}
	tnet_advance(t, 6 * SEC);
	themis_node_counters(t->node[A], &ca);
	assert_int_equal(ca.handshakes_failed, 1);
	assert_int_equal(tnet_ops_done(t, A, 1), 15);
	assert_int_equal(tnet_ops_done(t, A, 0), 0);
	tnet_del(t);
}

static void rekey_msgs_cfg(themis_config *c) { c->rekey_after_msgs = 16; }

/* A renews its session with B because a request timed out while B was frozen (a suspended
 * process, a partition: the new handshake's HELLO is lost too). B comes back and sends on the
 * old session, which proves it still holds its half: A makes it current again and answers at
 * once, and its own retransmission goes out with them. Before, A queued the answers behind
 * the new handshake (the HELLO retry a second later) and dropped those beyond the queue's
 * bound, so B's requests waited a req_timeout for their retransmissions. */
static void test_renewal_ends_on_proof_of_life(void **state)
{
	(void)state;
	tnet *t = established(NULL);
	themis_counters ca;
	enum { PINGS = 24 };   /* more than the queue holds (queue_per_peer 16) */

	tnet_advance(t, SEC / 10);
	t->down[B] = 1;
	ping(t, A, B);
	tnet_pump(t);
	tnet_advance(t, SEC + SEC / 10);   /* the ping times out: A renews, its HELLO is lost */
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_null(t->node[A]->peers[0]->cur);
	t->down[B] = 0;
	for (int i = 0; i < PINGS; i++)
		ping(t, B, A);
	tnet_pump(t);   /* no clock advance: only what travels on a live session arrives */
	assert_int_equal(tnet_ops_done(t, B, 1), PINGS);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);   /* A's own ping, retransmitted */
	assert_int_equal(tnet_ops_done(t, A, 0), 0);
	themis_node_counters(t->node[A], &ca);
	assert_int_equal(ca.handshakes_failed, 0);
	tnet_del(t);
}

static void test_rekey_after_messages(void **state)
{
	(void)state;
	tnet *t = pair(rekey_msgs_cfg);
	themis_counters ca;

	for (int i = 0; i < 100; i++) {
		ping(t, A, B);
		tnet_pump(t);
	}
	assert_int_equal(tnet_ops_done(t, A, 1), 100);
	themis_node_counters(t->node[A], &ca);
	assert_true(ca.rekeys >= 5);
	assert_int_equal(tnet_total_drops(t, A) + tnet_total_drops(t, B), 0);
	/* Old sessions retire after their grace period. */
	tnet_advance(t, 10 * SEC);
	assert_true(t->node[A]->nsessions <= 2);
	tnet_del(t);
}

static void test_rekey_after_lifetime(void **state)
{
	(void)state;
	tnet *t = established(NULL);
	themis_counters ca;

	tnet_advance(t, 121 * SEC);
	ping(t, A, B);
	tnet_pump(t);
	themis_node_counters(t->node[A], &ca);
	assert_int_equal(ca.rekeys, 1);
	assert_int_equal(ca.handshakes_ok, 2);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	/* Past the hard lifetime the first session is gone; the new one carries on. */
	tnet_advance(t, 70 * SEC);
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 3);
	tnet_del(t);
}

static void small_queue_cfg(themis_config *c) { c->queue_per_peer = 2; }

static void test_queue_bounded(void **state)
{
	(void)state;
	tnet *t = pair(small_queue_cfg);
	themis_peer p;

	tnet_peer(t, B, &p);
	assert_true(themis_ping(t->node[A], &p, t->now) > 0);
	assert_true(themis_ping(t->node[A], &p, t->now) > 0);
	assert_int_equal(themis_ping(t->node[A], &p, t->now), THEMIS_EFULL);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	tnet_del(t);
}

/* ---- handshake attacks ------------------------------------------------------------------- */

/* Capture HELLO (not delivered) so the test can alter it. */
static int tap_hold_hello(void *ctx, tpkt *p)
{
	(void)ctx;
	return p->b[1] == PKT_HELLO;
}

/* Deliver a variant of A's HELLO to node `to`; returns whether `to` answered. */
static int deliver_variant(tnet *t, int to, const uint8_t *pkt, size_t len)
{
	tpkt p;
	int before = t->nlog;

	p.from = A;
	p.to = to;
	p.len = len;
	memcpy(p.b, pkt, len);
	tnet_deliver(t, &p);
	tnet_pump(t);
	return t->nlog > before;
}

static void self_of(tnet *t, int i, hs_self *s, uint8_t seed_byte, const char *net)
{
	uint8_t seed[32];
	(void)t;
	(void)i;
	memset(seed, seed_byte, 32);
	cr_sign_keypair(s->pk, s->sk, seed);
	themis_net_hash(net, s->net);
	themis_id_from_pk(s->pk, s->net, s->id);
}

static void test_hello_rejections(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	int C = tnet_add(t, NET, NULL);
	uint8_t pkt[HELLO_LEN];

	t->tap = tap_hold_hello;
	ping(t, A, B);
	tnet_pump(t);
	tpkt *h = tnet_last(t, A, PKT_HELLO);
	assert_non_null(h);
	memcpy(pkt, h->b, HELLO_LEN);
	t->tap = NULL;

	/* HELLO for another id */
	assert_false(deliver_variant(t, C, pkt, HELLO_LEN));
	assert_int_equal(tnet_drops(t, C, THEMIS_DROP_WRONG_RECIPIENT), 1);
	/* reflected to its own sender */
	assert_false(deliver_variant(t, A, pkt, HELLO_LEN));
	assert_int_equal(tnet_drops(t, A, THEMIS_DROP_WRONG_RECIPIENT), 1);
	/* a bit flipped in the signature, and in a signed field (N_A) */
	pkt[HELLO_SIG_OFF + 5] ^= 0x01;
	assert_false(deliver_variant(t, B, pkt, HELLO_LEN));
	pkt[HELLO_SIG_OFF + 5] ^= 0x01;
	pkt[110] ^= 0x80;
	assert_false(deliver_variant(t, B, pkt, HELLO_LEN));
	pkt[110] ^= 0x80;
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_BAD_SIG), 2);
	assert_int_equal(t->node[B]->nhalfopen, 0);
	/* nonzero padding: malformed before any crypto */
	pkt[HELLO_PAD_OFF + 3] = 1;
	assert_false(deliver_variant(t, B, pkt, HELLO_LEN));
	pkt[HELLO_PAD_OFF + 3] = 0;
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_MALFORMED), 1);

	/* wrong network: a HELLO from a node of another network, correctly signed */
	hs_self other, bself;
	hs_initiator st;
	hs_random rnd;
	themis_counters cnt;
	uint8_t other_hello[HELLO_LEN];
	memset(&cnt, 0, sizeof cnt);
	memset(&rnd, 7, sizeof rnd);
	self_of(t, 0, &other, 0x77, "another-net");
	hs_create_hello(&st, other_hello, &other, themis_node_id(t->node[B]), &rnd, &cnt);
	assert_false(deliver_variant(t, B, other_hello, HELLO_LEN));
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_WRONG_NETWORK), 1);
	(void)bself;

	/* The untouched HELLO still works, exactly once. */
	assert_true(deliver_variant(t, B, pkt, HELLO_LEN));
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_false(deliver_variant(t, B, pkt, HELLO_LEN));
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 1);
	tnet_del(t);
}

/* Hold REPLYs so the test can present altered ones first. */
static int tap_hold_reply(void *ctx, tpkt *p)
{
	(void)ctx;
	return p->b[1] == PKT_REPLY;
}

static void test_reply_rejections(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	uint8_t pkt[REPLY_LEN];
	tpkt p;

	t->tap = tap_hold_reply;
	ping(t, A, B);
	tnet_pump(t);
	t->tap = NULL;
	memcpy(pkt, tnet_last(t, B, PKT_REPLY)->b, REPLY_LEN);
	p.from = B;
	p.to = A;
	p.len = REPLY_LEN;

	static const struct { int off; themis_drop why; } cases[] = {
		{ REPLY_SIG_OFF + 9, THEMIS_DROP_BAD_SIG },    /* sig_B */
		{ 80, THEMIS_DROP_BAD_SIG },                   /* N_B: covered by th */
		{ 50, THEMIS_DROP_BAD_SIG },                   /* E_B: covered by th */
		{ REPLY_CONF_OFF + 1, THEMIS_DROP_BAD_MAC },   /* conf_B */
		{ 20, THEMIS_DROP_BAD_KEY },                   /* PK_B no longer hashes to id_B */
		{ 110, THEMIS_DROP_WRONG_RECIPIENT },          /* id_A */
		{ 9, THEMIS_DROP_UNKNOWN_SESSION },            /* idx_a: no such handshake */
		{ 2, THEMIS_DROP_MALFORMED },                  /* reserved byte */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t before = tnet_drops(t, A, cases[i].why);
		memcpy(p.b, pkt, REPLY_LEN);
		p.b[cases[i].off] ^= 0x04;
		tnet_deliver(t, &p);
		tnet_pump(t);
		assert_int_equal(tnet_drops(t, A, cases[i].why), before + 1);
		assert_non_null(t->node[A]->peers[0]->init);   /* still waiting */
		assert_int_equal(tnet_ops_done(t, A, 1), 0);
	}
	/* The genuine REPLY completes the handshake; replaying it finds no handshake. */
	memcpy(p.b, pkt, REPLY_LEN);
	tnet_deliver(t, &p);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	tnet_deliver(t, &p);
	assert_int_equal(tnet_drops(t, A, THEMIS_DROP_UNKNOWN_SESSION), 2);
	tnet_del(t);
}

/* A man in the middle answers A's HELLO with a REPLY of its own identity. */
static void test_mitm_reply(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	hs_self m;
	hs_responder rs;
	themis_drop why;
	hs_random rnd;
	wire_hello h;
	themis_counters cnt;
	uint8_t id_a[32];
	tpkt p;

	t->tap = tap_hold_hello;
	ping(t, A, B);
	tnet_pump(t);
	t->tap = NULL;
	tpkt *hp = tnet_last(t, A, PKT_HELLO);
	memset(&cnt, 0, sizeof cnt);
	self_of(t, 0, &m, 0x66, NET);
	assert_int_equal(wire_hello_decode(&h, hp->b, HELLO_LEN), 0);
	memcpy(id_a, themis_node_id(t->node[A]), 32);
	memset(&rnd, 9, sizeof rnd);
	p.from = B;
	p.to = A;
	p.len = REPLY_LEN;
	assert_int_equal(hs_create_reply(&rs, p.b, &m, hp->b, &h, id_a, &rnd, &cnt, &why), 0);
	tnet_deliver(t, &p);
	assert_int_equal(tnet_drops(t, A, THEMIS_DROP_BAD_KEY), 1);
	assert_int_equal(t->node[A]->peers[0]->cur == NULL, 1);
	hs_responder_wipe(&rs);
	tnet_del(t);
}

static int tap_hold_confirm(void *ctx, tpkt *p)
{
	(void)ctx;
	return p->b[1] == PKT_CONFIRM || p->b[1] == PKT_DATA;
}

static void test_confirm_rejections(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	tpkt p;

	t->tap = tap_hold_confirm;
	ping(t, A, B);
	tnet_pump(t);
	t->tap = NULL;
	p = *tnet_last(t, A, PKT_CONFIRM);
	p.b[20] ^= 1;   /* conf_A */
	tnet_deliver(t, &p);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_BAD_MAC), 1);
	assert_int_equal(t->node[B]->nhalfopen, 1);
	p.b[20] ^= 1;
	p.b[5] ^= 1;    /* idx_a */
	tnet_deliver(t, &p);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_BAD_MAC), 2);
	p.b[5] ^= 1;
	tnet_deliver(t, &p);
	assert_int_equal(t->node[B]->nhalfopen, 0);
	assert_int_equal(t->node[B]->nsessions, 1);
	tnet_deliver(t, &p);   /* replayed CONFIRM */
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 1);
	assert_int_equal(t->node[B]->nsessions, 1);
	p.b[30] ^= 1;          /* a forged CONFIRM for the live session is not a "replay" */
	tnet_deliver(t, &p);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 1);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_BAD_MAC), 3);
	tnet_del(t);
}

/* A replayed HELLO never tears down a live session (docs/protocol.md, CONFIRM). */
static void test_replayed_hello_session_survives(void **state)
{
	(void)state;
	tnet *t = established(NULL);
	tpkt h = *tnet_last(t, A, PKT_HELLO);

	tnet_deliver(t, &h);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 1);
	assert_int_equal(t->nlog, 5);   /* B answered nothing */
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	tnet_del(t);
}

/* With the replay cache forgotten (size 1, pushed out), a replayed HELLO gets a REPLY whose
 * half-open slot is never confirmed; the live session is untouched. */
static void tiny_cache_cfg(themis_config *c) { c->hello_cache = 1; }

static void test_replayed_hello_past_cache(void **state)
{
	(void)state;
	tnet *t = established(tiny_cache_cfg);
	tpkt h = *tnet_last(t, A, PKT_HELLO);
	int C = tnet_add(t, NET, NULL);

	ping(t, C, B);           /* pushes A's HELLO out of B's one-entry cache */
	tnet_pump(t);
	tnet_deliver(t, &h);
	tnet_pump(t);
	assert_int_equal(tnet_drops(t, A, THEMIS_DROP_UNKNOWN_SESSION), 1); /* A: stale REPLY */
	assert_int_equal(t->node[B]->nhalfopen, 1);
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	tnet_advance(t, 11 * SEC);
	assert_int_equal(t->node[B]->nhalfopen, 0);
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 3);
	tnet_del(t);
}

/* ---- DATA attacks ------------------------------------------------------------------------- */

static int tap_hold_data(void *ctx, tpkt *p)
{
	(void)ctx;
	return p->b[1] == PKT_DATA;
}

/* Every single-bit flip of a PING DATA (header, idx, counter, ciphertext, tag) is dropped
 * with nothing answered; the original is then accepted exactly once. */
static void test_data_every_bit_flip(void **state)
{
	(void)state;
	tnet *t = established(NULL);
	tpkt orig, p;

	t->tap = tap_hold_data;
	ping(t, A, B);
	tnet_pump(t);
	t->tap = NULL;
	orig = *tnet_last(t, A, PKT_DATA);
	for (size_t bit = 0; bit < orig.len * 8; bit++) {
		uint64_t before = tnet_total_drops(t, B);
		int nlog = t->nlog;
		p = orig;
		p.b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		tnet_deliver(t, &p);
		tnet_pump(t);
		assert_int_equal(tnet_total_drops(t, B), before + 1);
		assert_int_equal(t->nlog, nlog);
	}
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_BAD_MAC) > 0, 1);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_UNKNOWN_SESSION) > 0, 1);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_MALFORMED) > 0, 1);
	tnet_deliver(t, &orig);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	tnet_deliver(t, &orig);   /* replayed DATA */
	tnet_pump(t);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 1);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	tnet_del(t);
}

static void test_data_forged_huge_counter(void **state)
{
	(void)state;
	tnet *t = established(NULL);
	tpkt p;

	t->tap = tap_hold_data;
	ping(t, A, B);
	tnet_pump(t);
	t->tap = NULL;
	p = *tnet_last(t, A, PKT_DATA);
	tpkt honest = p;
	be64_put(p.b + 8, UINT64_C(1) << 40);
	tnet_deliver(t, &p);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_BAD_MAC), 1);
	/* The window did not move: the honest packet and later ones still pass. */
	tnet_deliver(t, &honest);
	tnet_pump(t);
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 3);
	tnet_del(t);
}

static void w64_cfg(themis_config *c) { c->replay_window = 64; c->max_pending = 256; }
static void w0_cfg(themis_config *c) { c->replay_window = 0; }

/* Send n PINGs from A, held; returns the index in the log of the first. */
static int held_pings(tnet *t, int n)
{
	t->tap = tap_hold_data;
	int first = t->nlog;
	for (int i = 0; i < n; i++)
		ping(t, A, B);
	tnet_pump(t);
	t->tap = NULL;
	assert_int_equal(t->nlog - first, n);
	return first;
}

static int pongs_sent(tnet *t, int from_log)
{
	int c = 0;
	for (int k = from_log; k < t->nlog; k++)
		c += t->log[k].from == B && t->log[k].b[1] == PKT_DATA;
	return c;
}

static void test_reorder_window(void **state)
{
	(void)state;
	tnet *t = established(NULL);
	int first = held_pings(t, 5);
	int mark = t->nlog;
	tpkt held[5];

	for (int i = 0; i < 5; i++)
		held[i] = t->log[first + i];
	for (int i = 4; i >= 0; i--)      /* reversed: all inside W = 2048 */
		tnet_deliver(t, &held[i]);
	tnet_pump(t);
	assert_int_equal(pongs_sent(t, mark), 5);
	for (int i = 0; i < 5; i++)       /* each exactly once */
		tnet_deliver(t, &held[i]);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 5);
	tnet_del(t);

	/* W = 64: a packet 70 behind the newest is outside the window. */
	t = established(w64_cfg);
	first = held_pings(t, 70);
	mark = t->nlog;
	tpkt last = t->log[first + 69], old = t->log[first];
	tnet_deliver(t, &last);
	tnet_deliver(t, &old);
	tnet_pump(t);
	assert_int_equal(pongs_sent(t, mark), 1);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 1);
	tnet_del(t);

	/* W = 0 (the paper's strict rule): every reordered packet is rejected. */
	t = established(w0_cfg);
	first = held_pings(t, 5);
	mark = t->nlog;
	for (int i = 0; i < 5; i++)
		held[i] = t->log[first + i];
	for (int i = 4; i >= 0; i--)
		tnet_deliver(t, &held[i]);
	tnet_pump(t);
	assert_int_equal(pongs_sent(t, mark), 1);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_REPLAY), 4);
	tnet_del(t);
}

/* A response nobody asked for, and DATA reflected to its sender. */
static void test_unexpected_response_and_reflection(void **state)
{
	(void)state;
	tnet *t = established(NULL);
	uint8_t frame[FRAME_HDR_LEN];
	peer *pa = peer_find(t->node[B], themis_node_id(t->node[A]));

	assert_non_null(pa);
	wire_frame_header(frame, MSG_PONG, 0x5555);
	assert_int_equal(peer_send_frame(t->node[B], pa, frame, sizeof frame, t->now), 0);
	tnet_pump(t);
	assert_int_equal(tnet_drops(t, A, THEMIS_DROP_UNEXPECTED), 1);

	tpkt d = *tnet_last(t, A, PKT_DATA);
	d.to = A;
	uint64_t before = tnet_total_drops(t, A);
	tnet_deliver(t, &d);
	tnet_pump(t);
	assert_int_equal(tnet_total_drops(t, A), before + 1);
	assert_int_equal(tnet_drops(t, A, THEMIS_DROP_UNKNOWN_SESSION) +
			 tnet_drops(t, A, THEMIS_DROP_BAD_MAC), 1);
	tnet_del(t);
}

/* Truncated, oversized and empty packets of every type are malformed, before any crypto. */
static void test_bad_lengths(void **state)
{
	(void)state;
	tnet *t = established(NULL);
	static const uint8_t types[] = { PKT_HELLO, PKT_REPLY, PKT_CONFIRM, PKT_DATA };
	themis_counters c0, c1;
	uint64_t expect = 0;

	for (size_t k = 0; k < sizeof types; k++) {
		int from = types[k] == PKT_REPLY ? B : A;
		tpkt p = *tnet_last(t, from, types[k]);
		size_t len = p.len;
		size_t lens[] = { 0, 1, 3, 4, len - 1, len + 1, THEMIS_MAX_PACKET + 1 };
		for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
			if (types[k] == PKT_DATA && lens[i] == len + 1)
				continue;   /* a longer DATA is well-formed: covered by the tag tests */
			themis_node_counters(t->node[B], &c0);
			p.len = lens[i];
			memset(p.b + len, 0, sizeof p.b - len);
			p.to = B;
			tnet_deliver(t, &p);
			themis_node_counters(t->node[B], &c1);
			assert_int_equal(c1.drops[THEMIS_DROP_MALFORMED], c0.drops[THEMIS_DROP_MALFORMED] + 1);
			assert_int_equal(c1.cpu_verify + c1.cpu_aead + c1.cpu_hash,
					 c0.cpu_verify + c0.cpu_aead + c0.cpu_hash);
			expect++;
		}
	}
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_MALFORMED), expect);
	/* PLAIN to a secure node is refused outright. */
	uint8_t plain[PLAIN_MIN_LEN];
	memset(plain, 0, sizeof plain);
	wire_plain_header(plain, themis_node_id(t->node[A]), 0);
	wire_frame_header(plain + PLAIN_HDR_LEN, MSG_PING, 1);
	themis_node_recv(t->node[B], &t->addr[A], plain, sizeof plain, t->now);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_UNEXPECTED), 1);
	assert_int_equal(t->nlog, 5);
	tnet_del(t);
}

/* Low-order X25519 points, correctly signed, are refused where the DH happens. */
static void test_low_order_points(void **state)
{
	(void)state;
	static const uint8_t zero[32] = { 0 };
	tnet *t = pair(NULL);
	hs_self a;
	wire_hello h;
	uint8_t pkt[HELLO_LEN];

	self_of(t, 0, &a, 0x10, NET);   /* A's identity (tnet seeds node i with 0x10 + i) */
	assert_memory_equal(a.id, themis_node_id(t->node[A]), 32);
	memset(&h, 0, sizeof h);
	h.idx_a = 42;
	memcpy(h.net, a.net, 32);
	memcpy(h.pk_a, a.pk, 32);
	memcpy(h.e_a, zero, 32);
	memset(h.n_a, 3, 32);
	memcpy(h.id_b, themis_node_id(t->node[B]), 32);
	wire_hello_encode(pkt, &h);
	cr_buf parts[] = { { "THEMIS-v1 m1", 12 }, { pkt, HELLO_SIGNED_LEN } };
	cr_signv(pkt + HELLO_SIG_OFF, parts, 2, a.sk);
	themis_node_recv(t->node[B], &t->addr[A], pkt, sizeof pkt, t->now);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_BAD_KEY), 1);
	assert_int_equal(t->node[B]->nhalfopen, 0);
	assert_int_equal(t->nlog + themis_node_poll_send(t->node[B], &(themis_addr){ 0 }, pkt, sizeof pkt), 0);

	/* A REPLY with a low-order E_B, correctly signed by B's key, for A's real HELLO. */
	hs_self b;
	self_of(t, 1, &b, 0x11, NET);
	t->tap = tap_hold_hello;
	ping(t, A, B);
	tnet_pump(t);
	t->tap = NULL;
	tpkt *hp = tnet_last(t, A, PKT_HELLO);
	wire_reply r;
	uint8_t th[32];
	tpkt p = { .from = B, .to = A, .len = REPLY_LEN };
	memset(&r, 0, sizeof r);
	assert_int_equal(wire_hello_decode(&h, hp->b, HELLO_LEN), 0);
	r.idx_b = 77;
	r.idx_a = h.idx_a;
	memcpy(r.pk_b, b.pk, 32);
	memcpy(r.e_b, zero, 32);
	memcpy(r.id_a, a.id, 32);
	wire_reply_encode(p.b, &r);
	cr_buf tparts[] = { { hp->b, HELLO_LEN }, { p.b, REPLY_TH_LEN } };
	cr_hashv(th, NULL, tparts, 2);
	cr_buf sparts[] = { { "THEMIS-v1 m2", 12 }, { th, 32 } };
	cr_signv(p.b + REPLY_SIG_OFF, sparts, 2, b.sk);
	tnet_deliver(t, &p);
	assert_int_equal(tnet_drops(t, A, THEMIS_DROP_BAD_KEY), 1);
	tnet_del(t);
}

/* ---- bounds under flood ---------------------------------------------------------------------- */

static void flood_cfg(themis_config *c) { c->max_halfopen = 4; c->hello_burst = 3; c->hello_rate = 1; }

static void test_rate_limit_and_halfopen_cap(void **state)
{
	(void)state;
	tnet *t = pair(flood_cfg);
	hs_initiator st;
	hs_random rnd;
	themis_counters cnt;
	uint8_t pkt[HELLO_LEN];
	themis_addr src;

	memset(&cnt, 0, sizeof cnt);
	/* Ten valid HELLOs from one source: the bucket (burst 3) lets three through. */
	for (int i = 0; i < 10; i++) {
		hs_self s;
		self_of(t, 0, &s, (uint8_t)(0x40 + i), NET);
		memset(&rnd, i + 1, sizeof rnd);
		hs_create_hello(&st, pkt, &s, themis_node_id(t->node[B]), &rnd, &cnt);
		themis_node_recv(t->node[B], &t->addr[A], pkt, sizeof pkt, t->now);
	}
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_RATE_LIMITED), 7);
	assert_int_equal(t->node[B]->nhalfopen, 3);
	/* From many sources: the half-open table fills at 4 and stays there. */
	for (int i = 0; i < 10; i++) {
		hs_self s;
		self_of(t, 0, &s, (uint8_t)(0x60 + i), NET);
		memset(&rnd, i + 100, sizeof rnd);
		hs_create_hello(&st, pkt, &s, themis_node_id(t->node[B]), &rnd, &cnt);
		tnet_addr(&src, 50 + i);
		themis_node_recv(t->node[B], &src, pkt, sizeof pkt, t->now);
	}
	assert_int_equal(t->node[B]->nhalfopen, 4);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_TABLE_FULL), 9);
	/* The oldest entry gave way each time: every HELLO was answered (no more bytes out than
	 * in: a REPLY is smaller than its HELLO). */
	uint8_t buf[THEMIS_MAX_PACKET];
	themis_addr to;
	int replies = 0, len;
	while ((len = themis_node_poll_send(t->node[B], &to, buf, sizeof buf)) > 0)
		replies += len == REPLY_LEN;
	assert_int_equal(replies, 13);
	/* An honest handshake still completes while the table is full (A shares its source
	 * address with the first ten, so its first HELLO waits for the bucket to refill). */
	ping(t, A, B);
	tnet_advance(t, 3 * SEC);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_int_equal(t->node[B]->nhalfopen, 3);   /* A's took an evicted place, then went live */
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_TABLE_FULL), 10);
	/* The flood's entries expire; the table empties. */
	tnet_advance(t, 11 * SEC);
	assert_int_equal(t->node[B]->nhalfopen, 0);
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 2);
	tnet_del(t);
}

/* ---- vanilla baseline -------------------------------------------------------------------------- */

static void vanilla_cfg(themis_config *c) { c->security = 0; }

static void test_vanilla_plain(void **state)
{
	(void)state;
	tnet *t = pair(vanilla_cfg);

	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_int_equal(t->nlog, 2);
	assert_int_equal(t->log[0].b[1], PKT_PLAIN);
	/* A PLAIN reflected to its sender, and secure packets, are refused. */
	tpkt p = t->log[0];
	p.to = A;
	tnet_deliver(t, &p);
	assert_int_equal(tnet_drops(t, A, THEMIS_DROP_WRONG_RECIPIENT), 1);
	uint8_t hello[HELLO_LEN] = { 1, PKT_HELLO };
	themis_node_recv(t->node[B], &t->addr[A], hello, sizeof hello, t->now);
	assert_int_equal(tnet_drops(t, B, THEMIS_DROP_UNEXPECTED), 1);
	tnet_del(t);
}

static int all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < len; i++)
		if (b[i])
			return 0;
	return 1;
}

/* PLAIN keeps a peer entry only while a request needs it; the last one released is kept,
 * wiped, for the next new peer (node.h, spare_peer) instead of going back to malloc. */
static void test_plain_peer_entry_reused(void **state)
{
	(void)state;
	tnet *t = pair(vanilla_cfg);
	int C = tnet_add(t, NET, vanilla_cfg);
	themis_node *b;

	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	b = t->node[B];
	assert_int_equal(b->npeers, 0);
	assert_non_null(b->spare_peer);
	assert_true(all_zero(b->spare_peer, sizeof *b->spare_peer));
	peer *spare = b->spare_peer;
	/* the next peer B meets gets that entry, with only its own id and address in it */
	themis_addr from = t->addr[C];
	peer *p = peer_get(b, themis_node_id(t->node[C]), &from);
	assert_ptr_equal(p, spare);
	assert_null(b->spare_peer);
	assert_memory_equal(p->id, themis_node_id(t->node[C]), THEMIS_ID_LEN);
	assert_int_equal(p->npending + p->nslots + p->nq + p->holds, 0);
	peer_release(b, p);
	assert_ptr_equal(b->spare_peer, spare);
	assert_int_equal(b->npeers, 0);
	ping(t, C, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, C, 1), 1);
	tnet_del(t);   /* the spare goes with the node (make sanitize: no leak) */
}

/* What a send callback (themis_config.send) was handed, in order. */
typedef struct sent_log {
	themis_addr to[8];
	tpkt p[8];
	int n;
} sent_log;

static void log_send(void *ctx, const themis_addr *to, const uint8_t *pkt, size_t len)
{
	sent_log *l = ctx;
	assert_true(l->n < 8);
	assert_true(len <= sizeof l->p[0].b);
	l->to[l->n] = *to;
	memcpy(l->p[l->n].b, pkt, len);
	l->p[l->n++].len = len;
}

/* With a send callback the core hands each datagram over inside the call that made it, and
 * they are the datagrams poll_send would have returned: a twin of A (same seed, same random
 * stream) with the callback emits A's HELLO, and on B's REPLY to A, A's CONFIRM and PING,
 * byte for byte; its outbox stays empty and its counters count them. */
static void test_send_callback(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	sent_log l = { .n = 0 };
	uint64_t rs[2] = { 0x1234 + (uint64_t)A, 0 };
	themis_config c;
	themis_node *twin;
	themis_peer pb;
	themis_addr to;
	uint8_t buf[THEMIS_MAX_PACKET];
	themis_counters cc;

	themis_config_default(&c);
	c.network = NET;
	memset(c.seed, 0x10 + A, sizeof c.seed);
	c.rand = test_rand;
	c.rand_ctx = rs;
	c.self = t->addr[A];
	c.send = log_send;
	c.send_ctx = &l;
	assert_int_equal(themis_node_new(&twin, &c), 0);

	ping(t, A, B);
	tnet_peer(t, B, &pb);
	assert_true(themis_ping(twin, &pb, t->now) > 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(themis_node_poll_send(twin, &to, buf, sizeof buf), 0);
	tnet_pump(t);   /* HELLO, REPLY, CONFIRM, PING, PONG */
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_int_equal(t->nlog, 5);
	assert_memory_equal(&l.to[0], &t->addr[B], sizeof to);
	assert_int_equal(l.p[0].len, t->log[0].len);
	assert_memory_equal(l.p[0].b, t->log[0].b, t->log[0].len);

	themis_node_recv(twin, &t->addr[B], t->log[1].b, t->log[1].len, t->now);
	assert_int_equal(l.n, 3);
	for (int k = 1; k < 3; k++) {
		assert_memory_equal(&l.to[k], &t->addr[B], sizeof to);
		assert_int_equal(l.p[k].len, t->log[k + 1].len);
		assert_memory_equal(l.p[k].b, t->log[k + 1].b, t->log[k + 1].len);
	}
	assert_int_equal(themis_node_poll_send(twin, &to, buf, sizeof buf), 0);
	themis_node_counters(twin, &cc);
	assert_int_equal(cc.pkts_out, 3);
	assert_int_equal(cc.bytes_out, l.p[0].len + l.p[1].len + l.p[2].len);
	themis_node_del(twin);
	tnet_del(t);
}

static void test_config_rejected(void **state)
{
	(void)state;
	themis_config c;
	themis_node *n;
	uint64_t rs[2] = { 1, 2 };

	themis_config_default(&c);
	c.network = NET;
	c.rand = test_rand;
	c.rand_ctx = rs;
	c.m = 7;
	assert_int_equal(themis_node_new(&n, &c), THEMIS_EINVAL);
	c.m = 256;
	c.replay_window = 100;
	assert_int_equal(themis_node_new(&n, &c), THEMIS_EINVAL);
	c.replay_window = 0;
	c.max_sessions = 0;
	assert_int_equal(themis_node_new(&n, &c), THEMIS_EINVAL);
	c.max_sessions = 8;
	c.rand = NULL;
	assert_int_equal(themis_node_new(&n, &c), THEMIS_EINVAL);
	c.rand = test_rand;
	assert_int_equal(themis_node_new(&n, &c), 0);
	themis_node_del(n);
}

/* Every datagram takes 1 ms: the clock moves as the tap sees it. */
static int tap_1ms(void *ctx, tpkt *p)
{
	(void)p;
	((tnet *)ctx)->now += 1000000;
	return 0;
}

/* themis_node_peers (`themis peers`): per peer, the session, when it came up, the DATA
 * datagrams and bytes each way and the round trip, on the caller's clock. */
static void test_peer_info(void **state)
{
	(void)state;
	tnet *t = pair(NULL);
	themis_peer_info pi[4];

	t->now = 5000000000ull;
	t->tap = tap_1ms;
	t->tap_ctx = t;
	assert_int_equal(themis_node_peers(t->node[A], pi, 4), 0);
	ping(t, A, B);
	tnet_pump(t);
	assert_int_equal(tnet_ops_done(t, A, 1), 1);
	assert_int_equal(t->nlog, 5);   /* HELLO, REPLY, CONFIRM, PING, PONG */
	assert_int_equal(themis_node_peers(t->node[A], pi, 4), 1);
	assert_memory_equal(pi[0].peer.id, themis_node_id(t->node[B]), 32);
	assert_int_equal(pi[0].session, 1);
	assert_int_equal(pi[0].tx_pkts, 1);
	assert_int_equal(pi[0].rx_pkts, 1);
	assert_int_equal(pi[0].tx_bytes, t->log[3].len);
	assert_int_equal(pi[0].rx_bytes, t->log[4].len);
	/* HELLO leaves at 5 s; the REPLY arrives after 2 ms: A's session is up at 5.002 s */
	assert_int_equal(pi[0].since_ns, 5002000000ull);
	assert_int_equal(pi[0].last_handshake_ns, 5002000000ull);
	/* the PING waited for the session (sent at 5 s), its PONG came at 5.005 s */
	assert_int_equal(pi[0].rtt_ns, 5000000);
	assert_int_equal(pi[0].last_rx_ns, 5005000000ull);
	assert_int_equal(themis_node_peers(t->node[B], pi, 4), 1);
	assert_int_equal(pi[0].rx_pkts, 1);
	assert_int_equal(pi[0].tx_pkts, 1);
	assert_int_equal(pi[0].rtt_ns, 0);   /* B asked nothing */
	assert_int_equal(themis_node_peers(t->node[B], pi, 0), 0);
	tnet_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handshake_ping),
		cmocka_unit_test(test_peer_info),
		cmocka_unit_test(test_send_callback),
		cmocka_unit_test(test_plain_peer_entry_reused),
		cmocka_unit_test(test_lost_hello),
		cmocka_unit_test(test_lost_reply),
		cmocka_unit_test(test_lost_confirm),
		cmocka_unit_test(test_lost_ping),
		cmocka_unit_test(test_lost_pong),
		cmocka_unit_test(test_confirm_lost_data_activates),
		cmocka_unit_test(test_handshake_gives_up),
		cmocka_unit_test(test_crossing_handshakes),
		cmocka_unit_test(test_ping_fails_when_sessions_full),
		cmocka_unit_test(test_failed_rekey_keeps_session),
		cmocka_unit_test(test_renewal_ends_on_proof_of_life),
		cmocka_unit_test(test_rekey_after_messages),
		cmocka_unit_test(test_rekey_after_lifetime),
		cmocka_unit_test(test_queue_bounded),
		cmocka_unit_test(test_hello_rejections),
		cmocka_unit_test(test_reply_rejections),
		cmocka_unit_test(test_mitm_reply),
		cmocka_unit_test(test_confirm_rejections),
		cmocka_unit_test(test_replayed_hello_session_survives),
		cmocka_unit_test(test_replayed_hello_past_cache),
		cmocka_unit_test(test_data_every_bit_flip),
		cmocka_unit_test(test_data_forged_huge_counter),
		cmocka_unit_test(test_reorder_window),
		cmocka_unit_test(test_unexpected_response_and_reflection),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_low_order_points),
		cmocka_unit_test(test_rate_limit_and_halfopen_cap),
		cmocka_unit_test(test_vanilla_plain),
		cmocka_unit_test(test_config_rejected),
	};
	return cmocka_run_group_tests_name("node", tests, NULL, NULL);
}
