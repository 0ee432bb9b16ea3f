/* test_msg.c: msg.c against the byte layout of docs/protocol.md section 12. Expected bytes are
 * built by hand from the spec's offset tables, not from msg.c's constants; then every
 * truncation, trailing byte and out-of-bound field is shown to be rejected.
 */
#include "msg.h"

#include <stdio.h>

#include "testutil.h"

enum { M = 256 };

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 17 * i + 5);
}

static void sample_node(ring_node *rn, uint8_t seed, int v6)
{
	memset(rn, 0, sizeof *rn);
	fill(rn->id, sizeof rn->id, seed);
	if (v6) {
		rn->addr.family = 6;
		fill(rn->addr.addr, 16, (uint8_t)(seed + 1));
	} else {
		rn->addr.family = 4;
		rn->addr.addr[0] = 10;
		rn->addr.addr[1] = 0;
		rn->addr.addr[2] = seed;
		rn->addr.addr[3] = 7;
	}
	rn->addr.port = (uint16_t)(40000 + seed);
}

static void sample_record(store_record *r, uint8_t seed, const char *tag)
{
	memset(r, 0, sizeof *r);
	fill(r->obj, 32, seed);
	fill(r->id, 32, (uint8_t)(seed + 1));
	fill(r->pk, 32, (uint8_t)(seed + 2));
	r->expiry = 0x0102030405060708ull + seed;
	fill(r->sig, 64, (uint8_t)(seed + 3));
	r->addr.family = 4;
	r->addr.addr[0] = 192;
	r->addr.addr[1] = 0;
	r->addr.addr[2] = 2;
	r->addr.addr[3] = seed;
	r->addr.port = 0x1f90;
	r->tag_len = (uint8_t)strlen(tag);
	memcpy(r->tag, tag, r->tag_len);
}

/* ---- byte-exact layouts ---- */

static void test_node_layout(void **state)
{
	ring_node rn, d;
	uint8_t out[MSG_NODE_LEN], want[51] = { 0 };

	(void)state;
	sample_node(&rn, 3, 0);
	rn.addr.addr[9] = 0xee;     /* garbage past an IPv4 address must not reach the wire */
	memcpy(want, rn.id, 32);
	want[32] = 4;
	want[33] = 10; want[34] = 0; want[35] = 3; want[36] = 7;   /* 37..48 zero */
	want[49] = (uint8_t)((40003 >> 8) & 0xff); want[50] = (uint8_t)(40003 & 0xff);
	memset(out, 0xcc, sizeof out);
	msg_node_put(out, &rn);
	assert_memory_equal(out, want, sizeof want);

	assert_int_equal(msg_node_get(&d, out, M), 0);
	assert_memory_equal(d.id, rn.id, 32);
	assert_int_equal(d.addr.family, 4);
	assert_memory_equal(d.addr.addr, want + 33, 16);
	assert_int_equal(d.addr.port, 40003);
}

static void test_node_position_from_id(void **state)
{
	ring_node rn, d;
	uint8_t out[MSG_NODE_LEN], pos[32];

	(void)state;
	sample_node(&rn, 9, 0);
	msg_node_put(out, &rn);
	assert_int_equal(msg_node_get(&d, out, 13), 0);
	assert_memory_equal(d.id, rn.id, 32);
	ring_node_pos(&d, 13, pos);
	assert_int_equal(pos[0], rn.id[0]);
	assert_int_equal(pos[1], rn.id[1] & 0xf8);
	for (size_t i = 2; i < sizeof pos; i++)
		assert_int_equal(pos[i], 0);
	assert_int_equal(msg_node_get(&d, out, 7), -1);
	assert_int_equal(msg_node_get(&d, out, 257), -1);
}

static void test_node_bad_family_and_padding(void **state)
{
	ring_node rn, d;
	uint8_t out[MSG_NODE_LEN];

	(void)state;
	sample_node(&rn, 4, 0);
	msg_node_put(out, &rn);
	for (unsigned f = 0; f < 256; f++) {
		out[32] = (uint8_t)f;
		assert_int_equal(msg_node_get(&d, out, M), (f == 4 || f == 6) ? 0 : -1);
	}
	out[32] = 4;
	for (size_t i = 37; i < 49; i++) {
		out[i] = 1;
		assert_int_equal(msg_node_get(&d, out, M), -1);
		out[i] = 0;
	}
	assert_int_equal(msg_node_get(&d, out, M), 0);
}

static void test_node_ipv6_roundtrip(void **state)
{
	ring_node rn, d;
	uint8_t out[MSG_NODE_LEN];

	(void)state;
	sample_node(&rn, 5, 1);
	msg_node_put(out, &rn);
	assert_int_equal(out[32], 6);
	assert_memory_equal(out + 33, rn.addr.addr, 16);
	assert_int_equal(msg_node_get(&d, out, M), 0);
	assert_memory_equal(&d.addr, &rn.addr, sizeof rn.addr);
	assert_memory_equal(d.id, rn.id, 32);
}

static void test_record_layout(void **state)
{
	store_record r, d;
	uint8_t out[MSG_RECORD_MAX], want[204] = { 0 };
	size_t n;

	(void)state;
	sample_record(&r, 0x20, "canary");
	r.expires_at = 12345;        /* local only */
	memcpy(want + 0, r.obj, 32);
	memcpy(want + 32, r.id, 32);
	memcpy(want + 64, r.pk, 32);
	want[96] = 0x01; want[97] = 0x02; want[98] = 0x03; want[99] = 0x04;
	want[100] = 0x05; want[101] = 0x06; want[102] = 0x07; want[103] = 0x08 + 0x20;
	memcpy(want + 104, r.sig, 64);
	want[168] = 4;
	want[169] = 192; want[170] = 0; want[171] = 2; want[172] = 0x20;
	want[185] = 0x1f; want[186] = 0x90;
	want[187] = 6;
	memcpy(want + 188, "canary", 6);

	memset(out, 0xcc, sizeof out);
	n = msg_record_put(out, &r);
	assert_int_equal(n, 194);
	assert_memory_equal(out, want, n);

	assert_int_equal(msg_record_get(&d, out, n), 194);
	r.expires_at = 0;
	assert_memory_equal(&d, &r, sizeof r);
	/* A record reads only its own bytes: more bytes after it are the caller's business. */
	assert_int_equal(msg_record_get(&d, out, sizeof out), 194);
}

static void test_record_untagged_and_limits(void **state)
{
	store_record r, d;
	uint8_t out[MSG_RECORD_MAX + 1];
	size_t n;

	(void)state;
	sample_record(&r, 1, "");
	n = msg_record_put(out, &r);
	assert_int_equal(n, MSG_RECORD_MIN);
	assert_int_equal(MSG_RECORD_MIN, 188);
	for (size_t k = 0; k < n; k++)
		assert_int_equal(msg_record_get(&d, out, k), -1);
	assert_int_equal(msg_record_get(&d, out, n), (int)n);

	sample_record(&r, 1, "0123456789abcdef");
	n = msg_record_put(out, &r);
	assert_int_equal(n, MSG_RECORD_MAX);
	assert_int_equal(msg_record_get(&d, out, n), MSG_RECORD_MAX);
	assert_int_equal(msg_record_get(&d, out, n - 1), -1);
	out[187] = 17;
	out[n] = 0;
	assert_int_equal(msg_record_get(&d, out, n + 1), -1);
}

static void test_find_layout(void **state)
{
	msg_find f, d;
	uint8_t out[64], want[34];

	(void)state;
	memset(&f, 0, sizeof f);
	fill(f.target, 32, 0x33);
	f.offset = 0xbeef;
	memcpy(want, f.target, 32);
	want[32] = 0xbe; want[33] = 0xef;
	assert_int_equal(msg_find_encode(out, sizeof out, &f), 34);
	assert_memory_equal(out, want, 34);
	assert_int_equal(msg_find_encode(out, 33, &f), -1);
	assert_int_equal(msg_find_decode(&d, out, 34, M), 0);
	assert_memory_equal(&d, &f, sizeof f);
	for (size_t k = 0; k < 34; k++)
		assert_int_equal(msg_find_decode(&d, out, k, M), -1);
	assert_int_equal(msg_find_decode(&d, out, 35, M), -1);
}

/* The target is a full id: every bit is kept whatever m is, and m must be a valid ring size. */
static void test_find_full_target(void **state)
{
	msg_find f, d;
	uint8_t out[34];

	(void)state;
	memset(&f, 0, sizeof f);
	f.target[0] = 0xab;
	f.target[1] = 0xff;
	f.target[31] = 0x01;         /* bit 255: past the position for any m < 256 */
	assert_int_equal(msg_find_encode(out, sizeof out, &f), 34);
	for (unsigned m = 8; m <= 256; m += 31) {
		assert_int_equal(msg_find_decode(&d, out, 34, m), 0);
		assert_memory_equal(d.target, f.target, 32);
	}
	assert_int_equal(msg_find_decode(&d, out, 34, 7), -1);
	assert_int_equal(msg_find_decode(&d, out, 34, 257), -1);
}

static void test_store_roundtrip(void **state)
{
	msg_store s, d;
	uint8_t out[8 + MSG_RECORD_MAX + 1];
	int n;

	(void)state;
	memset(&s, 0, sizeof s);
	s.ttl_ns = 0x1122334455667788ull;
	sample_record(&s.rec, 7, "v2");
	n = msg_store_encode(out, sizeof out, &s);
	assert_int_equal(n, 8 + 188 + 2);
	assert_int_equal(out[0], 0x11);
	assert_int_equal(out[7], 0x88);
	assert_int_equal(msg_store_encode(out, (size_t)n - 1, &s), -1);
	assert_int_equal(msg_store_encode(out, sizeof out, &s), n);
	assert_int_equal(msg_store_decode(&d, out, (size_t)n), 0);
	assert_memory_equal(&d, &s, sizeof s);
	for (int k = 0; k < n; k++)
		assert_int_equal(msg_store_decode(&d, out, (size_t)k), -1);
	out[n] = 0;
	assert_int_equal(msg_store_decode(&d, out, (size_t)n + 1), -1);

	/* Encoders refuse what decoders would refuse. */
	s.rec.tag_len = 17;
	assert_int_equal(msg_store_encode(out, sizeof out, &s), -1);
	s.rec.tag_len = 2;
	s.rec.addr.family = 5;
	assert_int_equal(msg_store_encode(out, sizeof out, &s), -1);
}

static void test_store_bad_fields(void **state)
{
	msg_store s, d;
	uint8_t out[8 + MSG_RECORD_MAX + 1];
	int n;

	(void)state;
	memset(&s, 0, sizeof s);
	sample_record(&s.rec, 8, "");
	n = msg_store_encode(out, sizeof out, &s);
	assert_int_equal(n, 196);
	out[8 + 168] = 5;                      /* family */
	assert_int_equal(msg_store_decode(&d, out, (size_t)n), -1);
	out[8 + 168] = 4;
	out[8 + 180] = 1;                      /* IPv4 padding */
	assert_int_equal(msg_store_decode(&d, out, (size_t)n), -1);
	out[8 + 180] = 0;
	assert_int_equal(msg_store_decode(&d, out, (size_t)n), 0);
	out[8 + 187] = 17;                     /* tag_len over REC_TAG_MAX, bytes present */
	memset(out + n, 'x', 17);
	assert_int_equal(msg_store_decode(&d, out, (size_t)n + 17), -1);
	out[8 + 187] = 1;                      /* tag_len says more than the body holds */
	assert_int_equal(msg_store_decode(&d, out, (size_t)n), -1);
	assert_int_equal(msg_store_decode(&d, out, (size_t)n + 1), 0);
}

static void test_status(void **state)
{
	uint8_t out[2], st = 0xff;

	(void)state;
	for (unsigned v = ST_OK; v <= ST_STALE; v++) {
		assert_int_equal(msg_status_encode(out, sizeof out, (uint8_t)v), 1);
		assert_int_equal(out[0], v);
		assert_int_equal(msg_status_decode(&st, out, 1), 0);
		assert_int_equal(st, v);
	}
	assert_int_equal(msg_status_encode(out, sizeof out, ST_STALE + 1), -1);
	assert_int_equal(msg_status_encode(out, 0, ST_OK), -1);
	out[0] = ST_STALE + 1;
	assert_int_equal(msg_status_decode(&st, out, 1), -1);
	out[0] = ST_OK;
	out[1] = 0;
	assert_int_equal(msg_status_decode(&st, out, 0), -1);
	assert_int_equal(msg_status_decode(&st, out, 2), -1);
}

/* ---- lists ---- */

static void sample_lists(msg_lists *m, uint8_t kind, size_t nnodes, size_t nrec)
{
	memset(m, 0, sizeof *m);
	m->kind = kind;
	m->nnodes = (uint8_t)nnodes;
	for (size_t i = 0; i < nnodes; i++)
		sample_node(&m->nodes[i], (uint8_t)(10 + i), i % 3 == 2);
	m->nrec = (uint8_t)nrec;
	for (size_t i = 0; i < nrec; i++)
		sample_record(&m->rec[i], (uint8_t)(50 + i), i % 2 ? "t" : "");
}

/* d is what decoding m's encoding gave: the same counts, the same entries byte for byte up to
 * the counts, and (the decoder writes nothing past them) the 0xA5 that filled d before the
 * decode everywhere past them. */
static void assert_lists_decoded(const msg_lists *d, const msg_lists *m)
{
	assert_int_equal(d->kind, m->kind);
	assert_int_equal(d->nnodes, m->nnodes);
	assert_int_equal(d->nrec, m->nrec);
	assert_int_equal(d->more, m->more);
	assert_memory_equal(d->nodes, m->nodes, m->nnodes * sizeof m->nodes[0]);
	assert_memory_equal(d->rec, m->rec, m->nrec * sizeof m->rec[0]);
	const uint8_t *past = (const uint8_t *)&d->nodes[d->nnodes];
	for (size_t i = 0; i < (MSG_MAX_NODES - d->nnodes) * sizeof d->nodes[0]; i++)
		assert_int_equal(past[i], 0xA5);
	past = (const uint8_t *)&d->rec[d->nrec];
	for (size_t i = 0; i < (MSG_MAX_RECORDS - d->nrec) * sizeof d->rec[0]; i++)
		assert_int_equal(past[i], 0xA5);
}

static void test_lists_roundtrip(void **state)
{
	msg_lists m, d;
	uint8_t out[FRAME_BODY_MAX + 1], want[4 + 2 * 51 + 188 + 189];
	size_t nw = 99;
	int n;

	(void)state;
	sample_lists(&m, FIND_OWNER, 2, 2);
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	assert_int_equal(n, 4 + 2 * 51 + 188 + 189);
	assert_int_equal(nw, 2);

	want[0] = FIND_OWNER;
	want[1] = 2;
	msg_node_put(want + 2, &m.nodes[0]);
	msg_node_put(want + 53, &m.nodes[1]);
	want[104] = 2;
	want[105] = 0;
	msg_record_put(want + 106, &m.rec[0]);
	msg_record_put(want + 106 + 188, &m.rec[1]);
	assert_memory_equal(out, want, sizeof want);

	memset(&d, 0xA5, sizeof d);
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);
	assert_lists_decoded(&d, &m);

	for (int k = 0; k < n; k++)
		assert_int_equal(msg_lists_decode(&d, out, (size_t)k, M), -1);
	out[n] = 0;
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n + 1, M), -1);

	/* more = 1 given by the caller is kept when every record fits. */
	m.more = 1;
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	assert_int_equal(out[105], 1);
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);
	assert_int_equal(d.more, 1);
}

static void test_lists_empty_and_kind(void **state)
{
	msg_lists m, d;
	uint8_t out[8];
	size_t nw;

	(void)state;
	/* kind is carried, not judged: the frame type gives it its meaning. */
	for (unsigned kind = 0; kind < 256; kind += 51) {
		sample_lists(&m, (uint8_t)kind, 0, 0);
		assert_int_equal(msg_lists_encode(out, sizeof out, &m, &nw), 4);
		assert_int_equal(out[0], kind);
		assert_int_equal(out[1], 0);
		assert_int_equal(out[2], 0);
		assert_int_equal(out[3], 0);
		assert_int_equal(msg_lists_decode(&d, out, 4, M), 0);
		assert_int_equal(d.kind, kind);
	}
	assert_int_equal(msg_lists_encode(out, 3, &m, &nw), -1);
}

static void test_lists_bounds(void **state)
{
	msg_lists m, d;
	uint8_t out[FRAME_BODY_MAX];
	size_t nw;
	int n;

	(void)state;
	sample_lists(&m, 0, MSG_MAX_NODES, 0);
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	assert_int_equal(n, 4 + MSG_MAX_NODES * 51);
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);
	assert_int_equal(d.nnodes, MSG_MAX_NODES);

	/* nnodes over the bound, with the bytes of an 18th node present. */
	sample_lists(&m, 0, MSG_MAX_NODES, 0);
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	memmove(out + 2 + 18 * 51, out + 2 + 17 * 51, 2);
	msg_node_put(out + 2 + 17 * 51, &m.nodes[0]);
	out[1] = 18;
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n + 51, M), -1);
	out[1] = 255;
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n + 51, M), -1);

	m.nnodes = MSG_MAX_NODES + 1;
	assert_int_equal(msg_lists_encode(out, sizeof out, &m, &nw), -1);

	/* nrec over the bound. */
	sample_lists(&m, 0, 0, 0);
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	out[2] = MSG_MAX_RECORDS + 1;
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), -1);
	m.nrec = MSG_MAX_RECORDS + 1;
	assert_int_equal(msg_lists_encode(out, sizeof out, &m, &nw), -1);
}

static void test_lists_bad_fields(void **state)
{
	msg_lists m, d;
	uint8_t out[FRAME_BODY_MAX];
	size_t nw;
	int n;
	size_t rec0 = 4 + 51;

	(void)state;
	sample_lists(&m, FIND_OWNER, 1, 1);
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	assert_int_equal(n, 4 + 51 + 188);
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);

	out[2 + 32] = 0;                        /* node family */
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), -1);
	out[2 + 32] = 4;
	out[2 + 48] = 9;                        /* node IPv4 padding */
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), -1);
	out[2 + 48] = 0;
	out[rec0 + 168] = 7;                    /* record family */
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), -1);
	out[rec0 + 168] = 4;
	out[rec0 + 173] = 1;                    /* record IPv4 padding */
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), -1);
	out[rec0 + 173] = 0;
	out[2 + 51 + 1] = 2;                    /* more = 2 */
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), -1);
	out[2 + 51 + 1] = 1;
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);
	out[2 + 51 + 1] = 0;
	out[rec0 + 187] = 17;                   /* tag_len 17 with 17 bytes present */
	memset(out + n, 'x', 17);
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n + 17, M), -1);
	out[rec0 + 187] = 0;
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, 300), -1);

	/* The encoder refuses the same faults. */
	m.more = 2;
	assert_int_equal(msg_lists_encode(out, sizeof out, &m, &nw), -1);
	m.more = 0;
	m.rec[0].tag_len = 17;
	assert_int_equal(msg_lists_encode(out, sizeof out, &m, &nw), -1);
	m.rec[0].tag_len = 0;
	m.nodes[0].addr.family = 0;
	assert_int_equal(msg_lists_encode(out, sizeof out, &m, &nw), -1);
}

static void test_lists_cut_by_room(void **state)
{
	msg_lists m, d;
	uint8_t out[2 * FRAME_BODY_MAX];
	size_t nw = 99;
	int n;

	(void)state;
	/* 16 nodes take 4 + 816 bytes; 371 remain, room for one 188-byte record only. */
	sample_lists(&m, 0, 16, 6);
	for (size_t i = 0; i < 6; i++) {
		m.rec[i].tag_len = 0;
		memset(m.rec[i].tag, 0, sizeof m.rec[i].tag);
	}
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	assert_true(n > 0);
	assert_true((size_t)n <= FRAME_BODY_MAX);
	assert_int_equal(nw, 1);
	assert_int_equal(n, 4 + 16 * 51 + 188);
	assert_int_equal(out[2 + 16 * 51], 1);        /* nrec */
	assert_int_equal(out[2 + 16 * 51 + 1], 1);    /* more */
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);
	assert_int_equal(d.nrec, 1);
	assert_int_equal(d.more, 1);
	assert_memory_equal(&d.rec[0], &m.rec[0], sizeof m.rec[0]);

	/* A smaller cap cuts earlier; the same records page on from nrec_written. */
	n = msg_lists_encode(out, 4 + 16 * 51 + 187, &m, &nw);
	assert_int_equal(n, 4 + 16 * 51);
	assert_int_equal(nw, 0);
	assert_int_equal(out[2 + 16 * 51 + 1], 1);

	/* Without nodes, all six untagged records fit one frame (4 + 6 * 188 = 1132). */
	m.nnodes = 0;
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	assert_int_equal(nw, 6);
	assert_int_equal(n, 1132);
	assert_int_equal(out[3], 0);

	/* Six full-tag records do not (4 + 6 * 204 = 1228 > 1191): five go, more is set. */
	for (size_t i = 0; i < 6; i++) {
		m.rec[i].tag_len = REC_TAG_MAX;
		memset(m.rec[i].tag, 'a' + (int)i, REC_TAG_MAX);
	}
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	assert_int_equal(nw, 5);
	assert_int_equal(n, 4 + 5 * 204);
	assert_int_equal(out[2], 5);
	assert_int_equal(out[3], 1);
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);

	/* The nodes alone must fit, or nothing is written. */
	sample_lists(&m, 0, 16, 0);
	assert_int_equal(msg_lists_encode(out, 4 + 16 * 51 - 1, &m, &nw), -1);
	assert_int_equal(nw, 0);
	assert_int_equal(msg_lists_encode(out, 4 + 16 * 51, &m, &nw), 4 + 16 * 51);
}

static void test_lists_over_frame_rejected(void **state)
{
	msg_lists d;
	uint8_t buf[FRAME_BODY_MAX + 64];
	store_record r;
	size_t pos = 4;

	(void)state;
	/* Six tagged records by hand: 4 + 6 * 204 = 1228 bytes, more than one frame body. */
	memset(buf, 0, sizeof buf);
	buf[2] = 6;
	for (int i = 0; i < 6; i++) {
		sample_record(&r, (uint8_t)i, "0123456789abcdef");
		pos += msg_record_put(buf + pos, &r);
	}
	assert_int_equal(pos, 1228);
	assert_int_equal(msg_lists_decode(&d, buf, pos, M), -1);
}

static void test_ipv6_roundtrips(void **state)
{
	msg_lists m, d;
	msg_store s, ds;
	uint8_t out[FRAME_BODY_MAX];
	size_t nw;
	int n;

	(void)state;
	sample_lists(&m, 1, 3, 2);
	for (size_t i = 0; i < 3; i++)
		sample_node(&m.nodes[i], (uint8_t)(70 + i), 1);
	m.rec[1].addr.family = 6;
	fill(m.rec[1].addr.addr, 16, 0x99);
	n = msg_lists_encode(out, sizeof out, &m, &nw);
	assert_true(n > 0);
	memset(&d, 0xA5, sizeof d);
	assert_int_equal(msg_lists_decode(&d, out, (size_t)n, M), 0);
	assert_lists_decoded(&d, &m);

	memset(&s, 0, sizeof s);
	s.rec = m.rec[1];
	n = msg_store_encode(out, sizeof out, &s);
	assert_int_equal(out[8 + 168], 6);
	assert_memory_equal(out + 8 + 169, s.rec.addr.addr, 16);
	assert_int_equal(msg_store_decode(&ds, out, (size_t)n), 0);
	assert_memory_equal(&ds, &s, sizeof s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_layout),
		cmocka_unit_test(test_node_position_from_id),
		cmocka_unit_test(test_node_bad_family_and_padding),
		cmocka_unit_test(test_node_ipv6_roundtrip),
		cmocka_unit_test(test_record_layout),
		cmocka_unit_test(test_record_untagged_and_limits),
		cmocka_unit_test(test_find_layout),
		cmocka_unit_test(test_find_full_target),
		cmocka_unit_test(test_store_roundtrip),
		cmocka_unit_test(test_store_bad_fields),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_lists_roundtrip),
		cmocka_unit_test(test_lists_empty_and_kind),
		cmocka_unit_test(test_lists_bounds),
		cmocka_unit_test(test_lists_bad_fields),
		cmocka_unit_test(test_lists_cut_by_room),
		cmocka_unit_test(test_lists_over_frame_rejected),
		cmocka_unit_test(test_ipv6_roundtrips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
