/* bench_lower.c: the lower-layer benchmarks (handshake CPU against the crypto floor, DATA
 * seal+open against the bare AEAD, aead.c against libsodium's AEAD, handshake rate against
 * OpenSSL TLS 1.3, and the whole node path against the floor), each a ratio to a baseline
 * measured in the same run.
 * Usage: bench_lower DB_PATH
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchlib.h"
#include "chan.h"
#include "crypto.h"
#include "hs.h"
#include "themis.h"
#include "tls_baseline.h"
#include "wire.h"

enum {
	REPS = 9,          /* odd, so the median is one real repetition */
	HS_N = 300,        /* handshakes per repetition: tens of ms at ~100-300 us each */
	AEAD_N = 100000,   /* seal+open pairs per repetition */
	FRAME_LEN = 100,
	NODE_PAIRS = 100,  /* fresh node pairs per node repetition (creation is not timed) */
};

#define RATE_ROUND_S 0.25   /* each A/B round of handshakes_vs_openssl */

static const char NET[] = "themis-bench";

/* splitmix64: a deterministic stream is all a benchmark needs from its randomness. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void rng_fill(uint64_t *s, void *buf, size_t len)
{
	uint8_t *b = buf;
	while (len > 0) {
		uint64_t v = rng_next(s);
		size_t k = len < 8 ? len : 8;
		memcpy(b, &v, k);
		b += k;
		len -= k;
	}
}

/* This thread's CPU time in seconds. Ratios 1, 2 and the node row are about CPU work, and
 * other processes on a shared machine must not bill their time slices to us; the OpenSSL
 * rate is wall time (tls_baseline.c), so row 3 times THEMIS on the wall clock too. */
static double cpu_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_lower: %s\n", what);
	exit(1);
}

static void self_make(hs_self *s, uint64_t *rng)
{
	uint8_t seed[32];
	rng_fill(rng, seed, sizeof seed);
	cr_sign_keypair(s->pk, s->sk, seed);
	themis_net_hash(NET, s->net);
	themis_id_from_pk(s->pk, s->net, s->id);
}

/* ---- 1 and 3: one handshake through the real code path, both sides, no I/O ---- */

/* The random inputs of one handshake, drawn before the clock starts so neither side of a
 * ratio pays for the generator. */
typedef struct hs_inputs {
	hs_random ra, rb;
} hs_inputs;

static void inputs_make(hs_inputs *in, size_t n, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++) {
		in[i].ra.idx = (uint32_t)rng_next(rng);
		in[i].rb.idx = (uint32_t)rng_next(rng);
		rng_fill(rng, in[i].ra.e_sec, 32);
		rng_fill(rng, in[i].ra.nonce, 32);
		rng_fill(rng, in[i].rb.e_sec, 32);
		rng_fill(rng, in[i].rb.nonce, 32);
	}
}

/* Everything two nodes do for one handshake except sending: HELLO, the cheap and the expensive
 * checks, REPLY, its decode and check, CONFIRM, its decode and check, and both sessions. The
 * sessions are freed again so the loop does not grow memory (a node frees them eventually). */
static void handshake_once(const hs_self *a, const hs_self *b, hs_inputs *in, themis_counters *cnt)
{
	hs_initiator ia;
	themis_drop why;
	hs_responder rb;
	wire_hello h;
	wire_reply r;
	wire_confirm c;
	hs_keys ka;
	chan_session sa, sb;
	uint8_t hello[HELLO_LEN], reply[REPLY_LEN], confirm[CONFIRM_LEN], id_a[32];

	hs_create_hello(&ia, hello, a, b->id, &in->ra, cnt);
	if (hs_check_hello(b, hello, sizeof hello, &h, &why) != 0 ||
	    hs_verify_hello(b, hello, &h, id_a, cnt, &why) != 0 ||
	    hs_create_reply(&rb, reply, b, hello, &h, id_a, &in->rb, cnt, &why) != 0)
		die("responder rejected HELLO");
	if (wire_reply_decode(&r, reply, sizeof reply) != 0 ||
	    hs_consume_reply(&ia, a, reply, &r, &ka, confirm, cnt, &why) != 0)
		die("initiator rejected REPLY");
	hs_initiator_wipe(&ia);
	if (chan_init(&sa, in->ra.idx, r.idx_b, b->id, &ka, 2048, 0) != 0)
		die("chan_init");
	cr_wipe(&ka, sizeof ka);
	if (wire_confirm_decode(&c, confirm, sizeof confirm) != 0 ||
	    hs_consume_confirm(&rb, &c, &why) != 0)
		die("responder rejected CONFIRM");
	if (chan_init(&sb, rb.idx_b, rb.idx_a, id_a, &rb.keys, 2048, 0) != 0)
		die("chan_init");
	hs_responder_wipe(&rb);
	chan_free(&sa);
	chan_free(&sb);
}

/* Microseconds per handshake over n handshakes, on the given clock. */
static double time_handshakes(const hs_self *a, const hs_self *b, hs_inputs *in, size_t n,
			      double (*now)(void))
{
	themis_counters cnt;
	memset(&cnt, 0, sizeof cnt);
	double t0 = now();
	for (size_t i = 0; i < n; i++)
		handshake_once(a, b, &in[i], &cnt);
	return (now() - t0) * 1e6 / (double)n;
}

/* ---- the crypto floor: exactly the primitives one handshake needs, same sizes ---- */

/* Per handshake (both sides), counted from hs.c: 2 X25519 keygens, 2 X25519 DH, Ed25519 sign
 * and verify of "m1" || HELLO[0..192) (204 bytes) and of "m2" || th (44 bytes); hashes: 2 id
 * (12 + 32 + 32), 2 transcripts (256 + 140), 2 keyed prk (13 + 32), 8 KDF (4 per side), 4 keyed
 * confirm tags (19 + 32: B makes conf_B and checks conf_A, A checks conf_B and makes conf_A). */
typedef struct floor_inputs {
	uint8_t ea[32], eb[32];
	uint8_t hello[HELLO_LEN], reply_head[REPLY_TH_LEN];
} floor_inputs;

static void floor_make(floor_inputs *in, size_t n, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++) {
		rng_fill(rng, in[i].ea, 32);
		rng_fill(rng, in[i].eb, 32);
		rng_fill(rng, in[i].hello, sizeof in[i].hello);
		rng_fill(rng, in[i].reply_head, sizeof in[i].reply_head);
	}
}

/* Labels of the same lengths as hs.c's: only the sizes matter to the cost. */
#define L12 "THEMIS-v1 m1"
#define L13 "THEMIS-v1 kdf"
#define L19 "THEMIS-v1 confirm-A"

static void floor_once(const hs_self *a, const hs_self *b, floor_inputs *in)
{
	uint8_t pa[32], pb[32], dha[32], dhb[32], id[32], th[32], prk[32], k[8][32], tag[32];
	uint8_t sig1[64], sig2[64];

	cr_dh_public(pa, in->ea);
	cr_dh_public(pb, in->eb);

	cr_buf m1[] = { { L12, 12 }, { in->hello, HELLO_SIGNED_LEN } };
	cr_signv(sig1, m1, 2, a->sk);
	cr_buf idp[] = { { L12, 12 }, { a->pk, 32 }, { a->net, 32 } };
	cr_hashv(id, NULL, idp, 3);
	if (cr_verifyv(sig1, m1, 2, a->pk) != 0)
		die("floor verify 1");

	/* Both transcripts hash the same bytes; th then feeds the rest of the floor. */
	cr_buf thp[] = { { in->hello, HELLO_LEN }, { in->reply_head, REPLY_TH_LEN } };
	cr_hashv(th, NULL, thp, 2);
	cr_hashv(th, NULL, thp, 2);
	idp[1].p = b->pk;
	cr_hashv(id, NULL, idp, 3);

	if (cr_dh(dha, in->ea, pb) != 0 || cr_dh(dhb, in->eb, pa) != 0)
		die("floor dh");
	cr_buf kp[] = { { L13, 13 }, { th, 32 } };
	cr_hashv(prk, dha, kp, 2);
	for (int j = 0; j < 4; j++)
		cr_kdf(k[j], (uint64_t)j + 1, prk);
	cr_hashv(prk, dhb, kp, 2);
	for (int j = 0; j < 4; j++)
		cr_kdf(k[4 + j], (uint64_t)j + 1, prk);

	cr_buf m2[] = { { L12, 12 }, { th, 32 } };
	cr_signv(sig2, m2, 2, b->sk);
	if (cr_verifyv(sig2, m2, 2, b->pk) != 0)
		die("floor verify 2");

	cr_buf cp[] = { { L19, 19 }, { th, 32 } };
	for (int j = 0; j < 4; j++)
		cr_hashv(tag, k[j], cp, 2);
}

/* The floor must stay exactly what the handshake does: one handshake's own counters (hs.c
 * counts every primitive it calls) must match the floor above, or the ratio means nothing. */
static void floor_check(const hs_self *a, const hs_self *b, uint64_t *rng)
{
	themis_counters cnt;
	hs_inputs in;

	memset(&cnt, 0, sizeof cnt);
	inputs_make(&in, 1, rng);
	handshake_once(a, b, &in, &cnt);
	if (cnt.cpu_keygen != 2 || cnt.cpu_dh != 2 || cnt.cpu_sign != 2 || cnt.cpu_verify != 2 ||
	    cnt.cpu_hash != 2 + 2 + 2 + 8 + 4)
		die("handshake primitives changed: update floor_once");
}

static double time_floor(const hs_self *a, const hs_self *b, floor_inputs *in, size_t n)
{
	double t0 = cpu_now_s();
	for (size_t i = 0; i < n; i++)
		floor_once(a, b, &in[i]);
	return (cpu_now_s() - t0) * 1e6 / (double)n;
}

/* ---- 2: DATA seal+open against the bare AEAD ---- */

/* ns per chan_seal + wire_data_decode + chan_open of one FRAME_LEN frame. The receiver sees
 * the sender's counters in order, so every open passes the replay window. */
static double time_seal_open(chan_session *sa, chan_session *sb, const hs_self *a,
			     const hs_self *b, const uint8_t *frame, size_t n)
{
	themis_counters cnt;
	uint8_t pkt[DATA_MAX_LEN], out[FRAME_MAX_LEN];
	wire_data d;
	themis_drop why;
	int bad = 0;

	memset(&cnt, 0, sizeof cnt);
	double t0 = cpu_now_s();
	for (size_t i = 0; i < n; i++) {
		int len = chan_seal(sa, pkt, sizeof pkt, frame, FRAME_LEN, a->id, a->net, &cnt);
		bad |= len < 0 || wire_data_decode(&d, pkt, (size_t)len) != 0;
		bad |= chan_open(sb, &d, pkt, out, sizeof out, b->id, b->net, &cnt, &why) != FRAME_LEN;
	}
	double t = cpu_now_s() - t0;
	if (bad)
		die("seal/open failed");
	return t * 1e9 / (double)n;
}

/* The same work with no session around it: a 100-byte seal and open, 112-byte AD. */
static double time_aead(const uint8_t key[32], const uint8_t *frame, uint64_t *ctr, size_t n)
{
	uint8_t ad[DATA_HDR_LEN + 96], ct[FRAME_LEN + CR_TAG_LEN], out[FRAME_LEN];
	int bad = 0;

	memset(ad, 0x5a, sizeof ad);
	double t0 = cpu_now_s();
	for (size_t i = 0; i < n; i++) {
		cr_aead_seal(ct, frame, FRAME_LEN, ad, sizeof ad, *ctr, key);
		bad |= cr_aead_open(out, ct, sizeof ct, ad, sizeof ad, *ctr, key);
		(*ctr)++;
	}
	double t = cpu_now_s() - t0;
	if (bad)
		die("aead open failed");
	return t * 1e9 / (double)n;
}

/* libsodium's ChaCha20-Poly1305-IETF on the same inputs: what aead.c replaces. */
static double time_libsodium_aead(const uint8_t key[32], const uint8_t *frame, size_t len,
				  uint64_t *ctr, size_t n)
{
	uint8_t ad[DATA_HDR_LEN + 96], ct[FRAME_MAX_LEN + CR_TAG_LEN], out[FRAME_MAX_LEN], nonce[12];
	int bad = 0;

	memset(ad, 0x5a, sizeof ad);
	memset(nonce, 0, sizeof nonce);
	double t0 = cpu_now_s();
	for (size_t i = 0; i < n; i++) {
		for (int b = 0; b < 8; b++)
			nonce[4 + b] = (uint8_t)(*ctr >> (56 - 8 * b));
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(ct, ct + len, NULL, frame, len, ad,
								  sizeof ad, NULL, nonce, key);
		bad |= crypto_aead_chacha20poly1305_ietf_decrypt_detached(out, NULL, ct, len, ct + len,
									  ad, sizeof ad, nonce, key);
		(*ctr)++;
	}
	double t = cpu_now_s() - t0;
	if (bad)
		die("libsodium aead open failed");
	return t * 1e9 / (double)n;
}

/* aead.c's seal and open of a len-byte frame, 112-byte AD. */
static double time_our_aead(const uint8_t key[32], const uint8_t *frame, size_t len,
			    uint64_t *ctr, size_t n)
{
	uint8_t ad[DATA_HDR_LEN + 96], ct[FRAME_MAX_LEN + CR_TAG_LEN], out[FRAME_MAX_LEN];
	int bad = 0;

	memset(ad, 0x5a, sizeof ad);
	double t0 = cpu_now_s();
	for (size_t i = 0; i < n; i++) {
		cr_aead_seal(ct, frame, len, ad, sizeof ad, *ctr, key);
		bad |= cr_aead_open(out, ct, len + CR_TAG_LEN, ad, sizeof ad, *ctr, key);
		(*ctr)++;
	}
	double t = cpu_now_s() - t0;
	if (bad)
		die("aead open failed");
	return t * 1e9 / (double)n;
}

/* ---- node path: two real nodes through the public API ---- */

typedef struct bnode {
	themis_node *n;
	themis_addr addr;
	uint64_t rs;
} bnode;

static void node_rand_cb(void *ctx, uint8_t *buf, size_t len)
{
	rng_fill(ctx, buf, len);
}

static void bnode_make(bnode *b, int i, uint64_t *rng)
{
	themis_config c;

	themis_config_default(&c);
	c.network = NET;
	rng_fill(rng, c.seed, sizeof c.seed);
	b->rs = rng_next(rng);
	c.rand = node_rand_cb;
	c.rand_ctx = &b->rs;
	memset(&b->addr, 0, sizeof b->addr);
	b->addr.family = 4;
	b->addr.addr[0] = 10;
	b->addr.addr[2] = (uint8_t)(i >> 8);
	b->addr.addr[3] = (uint8_t)i;
	b->addr.port = 7000;
	c.self = b->addr;
	if (themis_node_new(&b->n, &c) != 0)
		die("themis_node_new");
}

/* Moves every queued datagram from src to dst; returns how many. */
static int carry(bnode *src, bnode *dst, uint64_t now)
{
	uint8_t buf[THEMIS_MAX_PACKET];
	themis_addr to;
	int len, moved = 0;

	while ((len = themis_node_poll_send(src->n, &to, buf, sizeof buf)) > 0) {
		themis_node_recv(dst->n, &src->addr, buf, (size_t)len, now);
		moved++;
	}
	return moved;
}

/* A pings B, which has never seen A: HELLO, REPLY, CONFIRM, PING, PONG. Returns 1 when the
 * ping completed successfully. Events are drained as a driver would. */
static int node_ping(bnode *a, bnode *b, uint64_t now)
{
	themis_peer p;
	themis_event ev;
	int ok = 0;

	memcpy(p.id, themis_node_id(b->n), THEMIS_ID_LEN);
	p.addr = b->addr;
	if (themis_ping(a->n, &p, now) <= 0)
		return 0;
	while (carry(a, b, now) + carry(b, a, now) > 0)
		;
	while (themis_node_poll_event(a->n, &ev))
		ok |= ev.kind == THEMIS_EV_OP_DONE && ev.ok;
	while (themis_node_poll_event(b->n, &ev))
		;
	return ok;
}

/* Microseconds per handshake + PING/PONG, over NODE_PAIRS pairs that have never met, made
 * before the clock starts (node creation derives a key pair, which is not part of a
 * handshake). Each node first talks to a neighbour's partner, untimed, so its tables (hello
 * cache, rate limiter, slots, rings) already exist: the timed handshake is a steady-state one,
 * not the first a node ever does. */
static double time_nodes(uint64_t *rng)
{
	static bnode na[NODE_PAIRS], nb[NODE_PAIRS];
	const uint64_t now = 1000000000ull;
	int ok = 1;

	for (int i = 0; i < NODE_PAIRS; i++) {
		bnode_make(&na[i], 2 * i, rng);
		bnode_make(&nb[i], 2 * i + 1, rng);
	}
	for (int i = 0; i < NODE_PAIRS; i++)
		ok &= node_ping(&na[i], &nb[(i + 1) % NODE_PAIRS], now);
	double t0 = cpu_now_s();
	for (int i = 0; i < NODE_PAIRS; i++)
		ok &= node_ping(&na[i], &nb[i], now);
	double t = cpu_now_s() - t0;
	for (int i = 0; i < NODE_PAIRS; i++) {
		themis_node_del(na[i].n);
		themis_node_del(nb[i].n);
	}
	if (!ok)
		die("node ping failed");
	return t * 1e6 / NODE_PAIRS;
}

int main(int argc, char **argv)
{
	static hs_inputs hin[HS_N];
	static floor_inputs fin[HS_N];
	static uint8_t frame[FRAME_LEN];
	double hs_us[REPS], fl_us[REPS], so_ns[REPS], ae_ns[REPS];
	double rate_t[REPS], rate_o[REPS], node_us[REPS], nfl_us[REPS];
	uint64_t rng = 0x7468656d6973ull;
	hs_self a, b;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DB_PATH\n", argv[0]);
		return 2;
	}
	if (cr_init() != 0)
		die("cr_init");
	self_make(&a, &rng);
	self_make(&b, &rng);

	/* 1. Handshake against the floor, alternating so drift in clock speed hits both. A first
	 * untimed pass warms caches and the CPU's frequency. */
	floor_check(&a, &b, &rng);
	inputs_make(hin, HS_N, &rng);
	floor_make(fin, HS_N, &rng);
	time_handshakes(&a, &b, hin, HS_N / 4, cpu_now_s);
	time_floor(&a, &b, fin, HS_N / 4);
	for (int r = 0; r < REPS; r++) {
		inputs_make(hin, HS_N, &rng);
		floor_make(fin, HS_N, &rng);
		hs_us[r] = time_handshakes(&a, &b, hin, HS_N, cpu_now_s);
		fl_us[r] = time_floor(&a, &b, fin, HS_N);
	}
	double hs = bench_median(hs_us, REPS), fl = bench_median(fl_us, REPS);
	rc |= bench_record(argv[1], "handshake_cpu_vs_floor", hs, "us/handshake", "crypto_floor",
			   fl, "ratio <= 1.25", hs / fl <= 1.25);

	/* 2. seal+open against the bare AEAD, on the keys of a real handshake. */
	{
		hs_initiator ia;
		hs_responder rb;
		wire_hello h;
		themis_drop why;
		wire_reply r;
		wire_confirm c;
		hs_keys ka;
		chan_session sa, sb;
		themis_counters cnt;
		hs_inputs in;
		uint8_t hello[HELLO_LEN], reply[REPLY_LEN], confirm[CONFIRM_LEN], id_a[32];
		uint64_t ctr = 0;

		memset(&cnt, 0, sizeof cnt);
		inputs_make(&in, 1, &rng);
		hs_create_hello(&ia, hello, &a, b.id, &in.ra, &cnt);
		if (hs_check_hello(&b, hello, sizeof hello, &h, &why) != 0 ||
		    hs_verify_hello(&b, hello, &h, id_a, &cnt, &why) != 0 ||
		    hs_create_reply(&rb, reply, &b, hello, &h, id_a, &in.rb, &cnt, &why) != 0 ||
		    wire_reply_decode(&r, reply, sizeof reply) != 0 ||
		    hs_consume_reply(&ia, &a, reply, &r, &ka, confirm, &cnt, &why) != 0 ||
		    wire_confirm_decode(&c, confirm, sizeof confirm) != 0 ||
		    hs_consume_confirm(&rb, &c, &why) != 0 ||
		    chan_init(&sa, ia.idx_a, r.idx_b, b.id, &ka, 2048, 0) != 0 ||
		    chan_init(&sb, rb.idx_b, rb.idx_a, id_a, &rb.keys, 2048, 0) != 0)
			die("setup handshake");
		rng_fill(&rng, frame, sizeof frame);
		frame[0] = 1;   /* a PING-like frame header; the content does not change the cost */
		time_seal_open(&sa, &sb, &a, &b, frame, AEAD_N / 4);
		time_aead(ka.k_send, frame, &ctr, AEAD_N / 4);
		for (int r2 = 0; r2 < REPS; r2++) {
			so_ns[r2] = time_seal_open(&sa, &sb, &a, &b, frame, AEAD_N);
			ae_ns[r2] = time_aead(ka.k_send, frame, &ctr, AEAD_N);
		}
		chan_free(&sa);
		chan_free(&sb);
		hs_initiator_wipe(&ia);
		hs_responder_wipe(&rb);
		cr_wipe(&ka, sizeof ka);
	}
	double so = bench_median(so_ns, REPS), ae = bench_median(ae_ns, REPS);
	rc |= bench_record(argv[1], "seal_open_vs_aead", so, "ns/seal+open", "bare_aead", ae,
			   "ratio <= 1.3", so / ae <= 1.3);

	/* 2b. aead.c against libsodium on the two sizes a secure find sends: a 46-byte request
	 * and a 306-byte answer carrying a signed record; and a full 1200-byte frame. */
	{
		static const struct { size_t len; const char *name; } sz[] = {
			{ 46, "aead_46_vs_libsodium" },
			{ 306, "aead_306_vs_libsodium" },
			{ FRAME_MAX_LEN, "aead_1200_vs_libsodium" },
		};
		static uint8_t big[FRAME_MAX_LEN];
		uint8_t key[32];
		uint64_t ctr = 0;
		double ours[REPS], theirs[REPS];

		rng_fill(&rng, key, sizeof key);
		rng_fill(&rng, big, sizeof big);
		for (size_t k = 0; k < sizeof sz / sizeof sz[0]; k++) {
			size_t n = AEAD_N / (1 + sz[k].len / 256);
			time_our_aead(key, big, sz[k].len, &ctr, n / 4);
			time_libsodium_aead(key, big, sz[k].len, &ctr, n / 4);
			for (int r2 = 0; r2 < REPS; r2++) {
				ours[r2] = time_our_aead(key, big, sz[k].len, &ctr, n);
				theirs[r2] = time_libsodium_aead(key, big, sz[k].len, &ctr, n);
			}
			double o = bench_median(ours, REPS), t = bench_median(theirs, REPS);
			rc |= bench_record(argv[1], sz[k].name, o, "ns/seal+open",
					   "libsodium_chacha20poly1305_ietf", t, "ratio <= 1", o / t <= 1);
		}
		cr_wipe(key, sizeof key);
		printf("(ChaCha20 implementation: %s)\n", cr_aead_impl(-1));
	}

	/* 3. Rates, THEMIS and OpenSSL in alternating rounds of the same length. */
	for (int r = 0; r < REPS; r++) {
		size_t done = 0;
		double t = 0;
		/* Only the handshakes are timed; fresh inputs are drawn between batches. */
		do {
			inputs_make(hin, HS_N, &rng);
			t += time_handshakes(&a, &b, hin, HS_N, bench_now_s) * HS_N * 1e-6;
			done += HS_N;
		} while (t < RATE_ROUND_S);
		rate_t[r] = (double)done / t;
		rate_o[r] = tls13_mutual_ed25519_handshakes_per_s(RATE_ROUND_S, 1);
		if (rate_o[r] < 0)
			die("OpenSSL baseline failed");
	}
	double rt = bench_median(rate_t, REPS), ro = bench_median(rate_o, REPS);
	rc |= bench_record(argv[1], "handshakes_vs_openssl", rt, "handshakes/s",
			   "openssl_tls13_mutual_ed25519", ro, "ratio >= 4", rt / ro >= 4);

	/* Node path: informational, the whole node's overhead over the same floor. */
	time_nodes(&rng);
	for (int r = 0; r < REPS; r++) {
		floor_make(fin, HS_N, &rng);
		node_us[r] = time_nodes(&rng);
		nfl_us[r] = time_floor(&a, &b, fin, HS_N);
	}
	double nu = bench_median(node_us, REPS), nf = bench_median(nfl_us, REPS);
	rc |= bench_record(argv[1], "node_handshake_vs_floor", nu, "us/handshake+ping",
			   "crypto_floor", nf, "info", 1);
	return rc ? 1 : 0;
}
