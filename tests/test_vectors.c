/* test_vectors.c: the C handshake, key schedule and DATA sealing must reproduce, byte for
 * byte, the known answers computed by the independent Python reference
 * (tests/vectors/gen_vectors.py, from docs/protocol.md alone; see docs/vectors.md).
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

#include "chan.h"
#include "crypto.h"
#include "hs.h"
#include "themis.h"
#include "wire.h"

#define VECTORS "tests/vectors/handshake.txt"

/* One vector: name and bytes. The file is small, a flat table is enough. */
static struct { char name[32]; uint8_t b[512]; size_t n; } vec[64];
static size_t nvec;

static int load(void **state)
{
	(void)state;
	char line[2048];
	FILE *f = fopen(VECTORS, "r");

	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char name[32], hex[1600];
		if (line[0] == '#' || sscanf(line, "%31s = %1599s", name, hex) != 2)
			continue;
		assert_true(nvec < 64);
		snprintf(vec[nvec].name, sizeof vec[nvec].name, "%s", name);
		vec[nvec].n = strlen(hex) / 2;
		assert_int_equal(test_unhex(hex, vec[nvec].b, vec[nvec].n), 0);
		nvec++;
	}
	fclose(f);
	assert_int_equal(cr_init(), 0);
	return 0;
}

static const uint8_t *v(const char *name, size_t n)
{
	for (size_t i = 0; i < nvec; i++) {
		if (strcmp(vec[i].name, name) == 0) {
			assert_int_equal(vec[i].n, n);
			return vec[i].b;
		}
	}
	fail_msg("vector %s missing", name);
	return NULL;
}

static uint32_t v32(const char *name)
{
	return be32_get(v(name, 4));
}

static void self_from(hs_self *s, const uint8_t *seed)
{
	char net[64];
	size_t nlen = 0;

	for (size_t i = 0; i < nvec; i++)
		if (strcmp(vec[i].name, "network") == 0)
			nlen = vec[i].n;
	memcpy(net, v("network", nlen), nlen);
	net[nlen] = 0;
	cr_sign_keypair(s->pk, s->sk, seed);
	themis_net_hash(net, s->net);
	themis_id_from_pk(s->pk, s->net, s->id);
}

static void test_names(void **state)
{
	(void)state;
	hs_self a, b;
	uint8_t pos[32], obj[32];

	self_from(&a, v("seed_a", 32));
	self_from(&b, v("seed_b", 32));
	assert_memory_equal(a.net, v("net", 32), 32);
	assert_memory_equal(a.pk, v("pk_a", 32), 32);
	assert_memory_equal(a.id, v("id_a", 32), 32);
	assert_memory_equal(b.pk, v("pk_b", 32), 32);
	assert_memory_equal(b.id, v("id_b", 32), 32);

	static const struct { unsigned m; const char *name; } rp[] = {
		{ 8, "ringpos_a_8" }, { 13, "ringpos_a_13" }, { 64, "ringpos_a_64" }, { 256, "ringpos_a_256" },
	};
	for (size_t i = 0; i < sizeof rp / sizeof rp[0]; i++) {
		themis_ring_pos(a.id, rp[i].m, pos);
		assert_memory_equal(pos, v(rp[i].name, 32), 32);
	}
	static const char *objn[] = { "obj_check_0", "obj_check_1", "obj_check_2" };
	for (uint8_t r = 0; r < 3; r++) {
		themis_obj_id("check", r, obj);
		assert_memory_equal(obj, v(objn[r], 32), 32);
	}
}

static void test_handshake_and_data(void **state)
{
	(void)state;
	hs_self a, b;
	hs_initiator ia;
	themis_drop why;
	hs_responder rb;
	hs_random rnd;
	hs_keys ka;
	wire_hello h;
	wire_reply r;
	wire_confirm c;
	themis_counters cnt;
	uint8_t hello[HELLO_LEN], reply[REPLY_LEN], confirm[CONFIRM_LEN], id_a[32];

	memset(&cnt, 0, sizeof cnt);
	self_from(&a, v("seed_a", 32));
	self_from(&b, v("seed_b", 32));

	/* HELLO */
	rnd.idx = v32("idx_a");
	memcpy(rnd.e_sec, v("e_a_secret", 32), 32);
	memcpy(rnd.nonce, v("n_a", 32), 32);
	hs_create_hello(&ia, hello, &a, b.id, &rnd, &cnt);
	assert_memory_equal(hello, v("hello", HELLO_LEN), HELLO_LEN);
	assert_memory_equal(hello + 72, v("e_a_public", 32), 32);

	/* B checks HELLO and answers with REPLY */
	assert_int_equal(hs_check_hello(&b, hello, sizeof hello, &h, &why), 0);
	assert_int_equal(hs_verify_hello(&b, hello, &h, id_a, &cnt, &why), 0);
	assert_memory_equal(id_a, a.id, 32);
	rnd.idx = v32("idx_b");
	memcpy(rnd.e_sec, v("e_b_secret", 32), 32);
	memcpy(rnd.nonce, v("n_b", 32), 32);
	assert_int_equal(hs_create_reply(&rb, reply, &b, hello, &h, id_a, &rnd, &cnt, &why), 0);
	assert_memory_equal(reply, v("reply", REPLY_LEN), REPLY_LEN);
	assert_memory_equal(rb.conf_a, v("conf_a", 32), 32);
	assert_memory_equal(rb.keys.k_recv, v("k_ab", 32), 32);
	assert_memory_equal(rb.keys.k_send, v("k_ba", 32), 32);
	assert_memory_equal(reply + REPLY_CONF_OFF, v("conf_b", 32), 32);

	/* A checks REPLY and confirms */
	assert_int_equal(wire_reply_decode(&r, reply, sizeof reply), 0);
	assert_int_equal(hs_consume_reply(&ia, &a, reply, &r, &ka, confirm, &cnt, &why), 0);
	assert_memory_equal(ka.k_send, v("k_ab", 32), 32);
	assert_memory_equal(ka.k_recv, v("k_ba", 32), 32);
	assert_memory_equal(confirm, v("confirm", CONFIRM_LEN), CONFIRM_LEN);
	assert_memory_equal(confirm + 12, v("conf_a", 32), 32);
	assert_int_equal(wire_confirm_decode(&c, confirm, sizeof confirm), 0);
	assert_int_equal(hs_consume_confirm(&rb, &c, &why), 0);

	/* DATA both ways */
	chan_session sa, sb;
	uint8_t pkt[DATA_MAX_LEN], frame[FRAME_MAX_LEN];
	static const uint8_t f_ab[] = { 0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 'h', 'e', 'l', 'l', 'o' };
	static const uint8_t f_ba[] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
	wire_data d;
	assert_int_equal(chan_init(&sa, v32("idx_a"), v32("idx_b"), b.id, &ka, 2048, 0), 0);
	assert_int_equal(chan_init(&sb, v32("idx_b"), v32("idx_a"), a.id, &rb.keys, 2048, 0), 0);
	sa.send_ctr = 7;
	int len = chan_seal(&sa, pkt, sizeof pkt, f_ab, sizeof f_ab, a.id, a.net, &cnt);
	assert_int_equal(len, 46);
	assert_memory_equal(pkt, v("data_ab", 46), 46);
	assert_int_equal(wire_data_decode(&d, pkt, (size_t)len), 0);
	assert_int_equal(chan_open(&sb, &d, pkt, frame, sizeof frame, b.id, b.net, &cnt, &why), (int)sizeof f_ab);
	assert_memory_equal(frame, f_ab, sizeof f_ab);

	len = chan_seal(&sb, pkt, sizeof pkt, f_ba, sizeof f_ba, b.id, b.net, &cnt);
	assert_int_equal(len, 41);
	assert_memory_equal(pkt, v("data_ba", 41), 41);
	assert_int_equal(wire_data_decode(&d, pkt, (size_t)len), 0);
	assert_int_equal(chan_open(&sa, &d, pkt, frame, sizeof frame, a.id, a.net, &cnt, &why), (int)sizeof f_ba);

	/* Each role did exactly the crypto work the protocol asks for (CPU model inputs). */
	assert_int_equal(cnt.cpu_sign, 2);
	assert_int_equal(cnt.cpu_verify, 2);
	assert_int_equal(cnt.cpu_dh, 2);
	assert_int_equal(cnt.cpu_keygen, 2);
	chan_free(&sa);
	chan_free(&sb);
	hs_responder_wipe(&rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_handshake_and_data),
	};
	return cmocka_run_group_tests_name("vectors", tests, load, NULL);
}
