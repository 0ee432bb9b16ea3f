/* test_wire.c: wire.c against the byte layout of docs/protocol.md. Layouts here are written from
 * the spec's offset tables, not from wire.c's constants, so a shifted field fails; then
 * every malformed form (length, version, type, reserved, padding) is shown to be dropped.
 */
#include "wire.h"

#include <stdio.h>

#include "testutil.h"

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 13 * i + 1);
}

/* ---- byte-exact layouts (offsets copied from docs/protocol.md's tables) ---- */

static void sample_hello(wire_hello *h)
{
	memset(h, 0, sizeof *h);
	h->idx_a = 0xa1b2c3d4u;
	fill(h->net, 32, 0x10);
	fill(h->pk_a, 32, 0x20);
	fill(h->e_a, 32, 0x30);
	fill(h->n_a, 32, 0x40);
	fill(h->id_b, 32, 0x50);
	fill(h->sig, 64, 0x60);
}

static void test_hello_layout(void **state)
{
	wire_hello h, d;
	uint8_t pkt[HELLO_LEN], want[256] = { 0 };

	(void)state;
	sample_hello(&h);
	want[0] = 1; want[1] = 1;
	want[4] = 0xa1; want[5] = 0xb2; want[6] = 0xc3; want[7] = 0xd4;
	memcpy(want + 8, h.net, 32);
	memcpy(want + 40, h.pk_a, 32);
	memcpy(want + 72, h.e_a, 32);
	memcpy(want + 104, h.n_a, 32);
	memcpy(want + 136, h.id_b, 32);
	memcpy(want + 192, h.sig, 64);      /* 168..192 stays zero */

	memset(pkt, 0xcc, sizeof pkt);
	wire_hello_encode(pkt, &h);
	assert_memory_equal(pkt, want, sizeof want);
	assert_int_equal(wire_packet_type(pkt, sizeof pkt), PKT_HELLO);
	memset(&d, 0, sizeof d);
	assert_int_equal(wire_hello_decode(&d, pkt, sizeof pkt), 0);
	assert_memory_equal(&d, &h, sizeof h);
}

static void test_reply_layout(void **state)
{
	wire_reply r, d;
	uint8_t pkt[REPLY_LEN], want[236] = { 0 };

	(void)state;
	memset(&r, 0, sizeof r);
	r.idx_b = 0x01020304u;
	r.idx_a = 0xfffefdfcu;
	fill(r.pk_b, 32, 0x11);
	fill(r.e_b, 32, 0x22);
	fill(r.n_b, 32, 0x33);
	fill(r.id_a, 32, 0x44);
	fill(r.sig, 64, 0x55);
	fill(r.conf, 32, 0x66);
	want[0] = 1; want[1] = 2;
	want[4] = 1; want[5] = 2; want[6] = 3; want[7] = 4;
	want[8] = 0xff; want[9] = 0xfe; want[10] = 0xfd; want[11] = 0xfc;
	memcpy(want + 12, r.pk_b, 32);
	memcpy(want + 44, r.e_b, 32);
	memcpy(want + 76, r.n_b, 32);
	memcpy(want + 108, r.id_a, 32);
	memcpy(want + 140, r.sig, 64);
	memcpy(want + 204, r.conf, 32);

	memset(pkt, 0xcc, sizeof pkt);
	wire_reply_encode(pkt, &r);
	assert_memory_equal(pkt, want, sizeof want);
	assert_int_equal(wire_packet_type(pkt, sizeof pkt), PKT_REPLY);
	memset(&d, 0, sizeof d);
	assert_int_equal(wire_reply_decode(&d, pkt, sizeof pkt), 0);
	assert_memory_equal(&d, &r, sizeof r);
}

static void test_confirm_layout(void **state)
{
	wire_confirm c, d;
	uint8_t pkt[CONFIRM_LEN], want[44] = { 0 };

	(void)state;
	memset(&c, 0, sizeof c);
	c.idx_a = 0x80000001u;
	c.idx_b = 0x7fffffffu;
	fill(c.conf, 32, 0x77);
	want[0] = 1; want[1] = 3;
	want[4] = 0x80; want[7] = 0x01;
	want[8] = 0x7f; want[9] = 0xff; want[10] = 0xff; want[11] = 0xff;
	memcpy(want + 12, c.conf, 32);

	memset(pkt, 0xcc, sizeof pkt);
	wire_confirm_encode(pkt, &c);
	assert_memory_equal(pkt, want, sizeof want);
	assert_int_equal(wire_packet_type(pkt, sizeof pkt), PKT_CONFIRM);
	memset(&d, 0, sizeof d);
	assert_int_equal(wire_confirm_decode(&d, pkt, sizeof pkt), 0);
	assert_memory_equal(&d, &c, sizeof c);
}

/* DATA at its minimum, a middle and its maximum length. */
static const size_t data_lens[] = { DATA_MIN_LEN, 100, DATA_MAX_LEN };

static void test_data_layout(void **state)
{
	uint8_t pkt[DATA_MAX_LEN];
	const uint8_t want_hdr[16] = { 1, 4, 0, 0, 0xde, 0xad, 0xbe, 0xef,
				       0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

	(void)state;
	for (size_t i = 0; i < sizeof data_lens / sizeof data_lens[0]; i++) {
		size_t len = data_lens[i];
		wire_data d;

		fill(pkt, sizeof pkt, (uint8_t)i);
		wire_data_header(pkt, 0xdeadbeefu, 0x0123456789abcdefull);
		assert_memory_equal(pkt, want_hdr, 16);
		assert_int_equal(wire_packet_type(pkt, len), PKT_DATA);
		assert_int_equal(wire_data_decode(&d, pkt, len), 0);
		assert_int_equal(d.idx, 0xdeadbeefu);
		assert_true(d.ctr == 0x0123456789abcdefull);
		assert_ptr_equal(d.ct, pkt + 16);
		assert_int_equal(d.ctlen, len - 16);
		assert_true(d.ctlen >= FRAME_HDR_LEN + DATA_TAG_LEN);
	}
}

static const size_t plain_lens[] = { PLAIN_MIN_LEN, 200, PLAIN_MAX_LEN };

static void test_plain_layout(void **state)
{
	uint8_t pkt[PLAIN_MAX_LEN], id[32], want_hdr[44] = { 1, 5, 0, 0 };

	(void)state;
	fill(id, sizeof id, 0x99);
	memcpy(want_hdr + 4, id, 32);
	want_hdr[36] = 0x80;
	want_hdr[43] = 0x07;
	for (size_t i = 0; i < sizeof plain_lens / sizeof plain_lens[0]; i++) {
		size_t len = plain_lens[i];
		wire_plain pl;

		fill(pkt, sizeof pkt, (uint8_t)(i + 50));
		wire_plain_header(pkt, id, 0x8000000000000007ull);
		assert_memory_equal(pkt, want_hdr, sizeof want_hdr);
		assert_int_equal(wire_packet_type(pkt, len), PKT_PLAIN);
		assert_int_equal(wire_plain_decode(&pl, pkt, len), 0);
		assert_memory_equal(pl.id_sender, id, 32);
		assert_true(pl.ctr == 0x8000000000000007ull);
		assert_ptr_equal(pl.frame, pkt + 44);
		assert_int_equal(pl.framelen, len - 44);
	}
}

static void test_frame(void **state)
{
	uint8_t buf[FRAME_MAX_LEN + 1];
	const uint8_t want[9] = { 0x2a, 0xff, 0, 0, 0, 0, 0, 0, 0x01 };
	wire_frame f;

	(void)state;
	fill(buf, sizeof buf, 3);
	wire_frame_header(buf, 0x2a, 0xff00000000000001ull);
	assert_memory_equal(buf, want, 9);

	/* Every length from the bare header to the largest frame a DATA packet carries. */
	for (size_t len = FRAME_HDR_LEN; len <= FRAME_MAX_LEN; len++) {
		assert_int_equal(wire_frame_decode(&f, buf, len), 0);
		assert_int_equal(f.type, 0x2a);
		assert_true(f.req_id == 0xff00000000000001ull);
		assert_ptr_equal(f.body, buf + 9);
		assert_int_equal(f.bodylen, len - 9);
	}
	for (size_t len = 0; len < FRAME_HDR_LEN; len++)
		assert_int_equal(wire_frame_decode(&f, buf, len), -1);
	assert_int_equal(wire_frame_decode(&f, buf, FRAME_MAX_LEN + 1), -1);
	assert_int_equal(wire_frame_decode(&f, NULL, 0), -1);
	/* A frame as large as PLAIN can carry fits. */
	assert_int_equal(wire_frame_decode(&f, buf, PLAIN_MAX_LEN - PLAIN_HDR_LEN), 0);
}

/* ---- malformed packets ---- */

/* Runs the decoder for type on (p, len); returns its result. */
static int decode_as(int type, const uint8_t *p, size_t len)
{
	wire_hello h;
	wire_reply r;
	wire_confirm c;
	wire_data d;
	wire_plain pl;

	switch (type) {
	case PKT_HELLO: return wire_hello_decode(&h, p, len);
	case PKT_REPLY: return wire_reply_decode(&r, p, len);
	case PKT_CONFIRM: return wire_confirm_decode(&c, p, len);
	case PKT_DATA: return wire_data_decode(&d, p, len);
	case PKT_PLAIN: return wire_plain_decode(&pl, p, len);
	default: fail_msg("no decoder for type %d", type);
	}
	return 0;
}

/* The type's length rule, written out from docs/protocol.md. */
static const struct {
	int type;
	size_t min, max;
} rules[] = {
	{ PKT_HELLO, 256, 256 },
	{ PKT_REPLY, 236, 236 },
	{ PKT_CONFIRM, 44, 44 },
	{ PKT_DATA, 41, 1232 },
	{ PKT_PLAIN, 53, 1232 },
};
enum { NRULES = sizeof rules / sizeof rules[0] };

/* A well-formed packet of type and len in buf (HELLO padding zero, other bytes patterned). */
static void make_valid(uint8_t *buf, size_t cap, int type, size_t len)
{
	fill(buf, cap, (uint8_t)type);
	if (len >= 1) buf[0] = WIRE_VERSION;
	if (len >= 2) buf[1] = (uint8_t)type;
	if (len >= 3) buf[2] = 0;
	if (len >= 4) buf[3] = 0;
	if (type == PKT_HELLO && cap >= HELLO_PAD_OFF + HELLO_PAD_LEN)
		memset(buf + HELLO_PAD_OFF, 0, HELLO_PAD_LEN);
}

static void expect_drop(int type, const uint8_t *p, size_t len, const char *why)
{
	if (wire_packet_type(p, len) != -1)
		fail_msg("type %d len %zu (%s): wire_packet_type accepted", type, len, why);
	if (decode_as(type, p, len) != -1)
		fail_msg("type %d len %zu (%s): decoder accepted", type, len, why);
}

static void expect_ok(int type, const uint8_t *p, size_t len)
{
	if (wire_packet_type(p, len) != type)
		fail_msg("type %d len %zu: wire_packet_type rejected", type, len);
	if (decode_as(type, p, len) != 0)
		fail_msg("type %d len %zu: decoder rejected", type, len);
	/* No other type's decoder takes it. */
	for (size_t j = 0; j < NRULES; j++)
		if (rules[j].type != type && decode_as(rules[j].type, p, len) != -1)
			fail_msg("type %d len %zu: decoder %d accepted", type, len, rules[j].type);
}

/* Each length 0..300 (and around DATA/PLAIN bounds up to 1300) other than the allowed ones
 * is dropped; the allowed ones are accepted. */
static void test_lengths(void **state)
{
	static uint8_t buf[1400];

	(void)state;
	for (size_t t = 0; t < NRULES; t++) {
		int type = rules[t].type;
		size_t top = rules[t].max > 300 ? 1300 : 300;

		for (size_t len = 0; len <= top; len++) {
			make_valid(buf, sizeof buf, type, len);
			if (len >= rules[t].min && len <= rules[t].max)
				expect_ok(type, buf, len);
			else
				expect_drop(type, buf, len, "length");
		}
	}
}

static void test_bad_version(void **state)
{
	static const uint8_t versions[] = { 0, 2, 0x81, 255 };
	static uint8_t buf[1232];

	(void)state;
	for (size_t t = 0; t < NRULES; t++) {
		for (size_t v = 0; v < sizeof versions; v++) {
			/* At the minimum and maximum length of the type. */
			make_valid(buf, sizeof buf, rules[t].type, rules[t].min);
			buf[0] = versions[v];
			expect_drop(rules[t].type, buf, rules[t].min, "version");
			expect_drop(rules[t].type, buf, rules[t].max, "version");
		}
	}
}

static void test_unknown_type(void **state)
{
	static const uint8_t types[] = { 0, 6, 7, 0x80, 255 };
	/* Lengths that would be valid for some known type, and a few others. */
	static const size_t lens[] = { 4, 41, 44, 53, 236, 256, 1232 };
	static uint8_t buf[1232];

	(void)state;
	for (size_t t = 0; t < sizeof types; t++) {
		for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
			make_valid(buf, sizeof buf, types[t], lens[l]);
			if (wire_packet_type(buf, lens[l]) != -1)
				fail_msg("type %u len %zu accepted", types[t], lens[l]);
			for (size_t j = 0; j < NRULES; j++)
				assert_int_equal(decode_as(rules[j].type, buf, lens[l]), -1);
		}
	}
}

static void test_reserved(void **state)
{
	static uint8_t buf[1232];

	(void)state;
	for (size_t t = 0; t < NRULES; t++) {
		for (size_t byte = 2; byte <= 3; byte++) {
			for (unsigned bit = 0; bit < 8; bit++) {
				make_valid(buf, sizeof buf, rules[t].type, rules[t].min);
				buf[byte] = (uint8_t)(1u << bit);
				expect_drop(rules[t].type, buf, rules[t].min, "reserved");
			}
		}
	}
}

static void test_hello_padding(void **state)
{
	uint8_t buf[HELLO_LEN];
	wire_hello h;

	(void)state;
	sample_hello(&h);
	for (size_t i = HELLO_PAD_OFF; i < HELLO_PAD_OFF + HELLO_PAD_LEN; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			wire_hello_encode(buf, &h);
			buf[i] = (uint8_t)(1u << bit);
			if (wire_hello_decode(&h, buf, sizeof buf) != -1)
				fail_msg("HELLO with padding byte %zu = %02x accepted", i, buf[i]);
		}
	}
	/* The bytes around the padding are free: only 168..192 must be zero. */
	wire_hello_encode(buf, &h);
	buf[HELLO_PAD_OFF - 1] = 0xff;
	buf[HELLO_SIG_OFF] = 0xff;
	assert_int_equal(wire_hello_decode(&h, buf, sizeof buf), 0);
}

static void test_null_and_short(void **state)
{
	uint8_t hdr[4] = { 1, 1, 0, 0 };

	(void)state;
	assert_int_equal(wire_packet_type(NULL, 0), -1);
	for (size_t len = 0; len <= 4; len++)
		assert_int_equal(wire_packet_type(hdr, len), -1);
	for (size_t j = 0; j < NRULES; j++)
		assert_int_equal(decode_as(rules[j].type, NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_layout),
		cmocka_unit_test(test_reply_layout),
		cmocka_unit_test(test_confirm_layout),
		cmocka_unit_test(test_data_layout),
		cmocka_unit_test(test_plain_layout),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_bad_version),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_hello_padding),
		cmocka_unit_test(test_null_and_short),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
