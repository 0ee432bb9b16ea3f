/* test_ident.c: the names of docs/protocol.md, Names. Expected values were computed with Python's
 * hashlib.blake2b (an implementation independent of libsodium) from the formulas in the spec,
 * so they also pin the labels (ASCII, no NUL) and the order of the hashed fields.
 */
#include "themis.h"
#include "crypto.h"

#include <stdio.h>

#include "testutil.h"

static void unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(test_unhex(s, out, n), 0);
}

static const struct {
	const char *name, *net;
} net_vectors[] = {
	{ "", "a599bde3bae34fd59a2d3b87dd0b7cb2ec9f457d4a3ef245425e25fe52ef3358" },
	{ "themis", "ec54930b5d3fb68f1b6bf10aeeebb397ae27242d88ef86f3c6c61232304edd76" },
	{ "test-net", "2cca699d5db90c68706eb22b8bd8a85eca8ae9f7d084d57571337b4e31ec4ede" },
};

static void test_net_hash(void **state)
{
	uint8_t want[32], got[32];

	(void)state;
	for (size_t i = 0; i < sizeof net_vectors / sizeof net_vectors[0]; i++) {
		unhex(net_vectors[i].net, want, 32);
		themis_net_hash(net_vectors[i].name, got);
		assert_memory_equal(got, want, 32);
	}
	/* NULL is hashed as the empty name (documented in ident.c). */
	unhex(net_vectors[0].net, want, 32);
	themis_net_hash(NULL, got);
	assert_memory_equal(got, want, 32);
}

/* RFC 8032 test 1 key pair; id in network "themis". */
static const char seed_hex[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char pk_hex[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
static const char id_hex[] = "ed55bd77797e40dfe4c7be53dd0337a55a6ba5dbb4f495c55aba17efb6dad98a";

static void test_pk_and_id(void **state)
{
	uint8_t seed[32], pk_want[32], id_want[32], pk[32], net[32], net2[32], id[32], id2[32];

	(void)state;
	unhex(seed_hex, seed, 32);
	unhex(pk_hex, pk_want, 32);
	unhex(id_hex, id_want, 32);

	themis_pk_from_seed(seed, pk);
	assert_memory_equal(pk, pk_want, 32);

	themis_net_hash("themis", net);
	themis_id_from_pk(pk, net, id);
	assert_memory_equal(id, id_want, 32);

	/* The same key has an unrelated id in another network. */
	themis_net_hash("themis2", net2);
	themis_id_from_pk(pk, net2, id2);
	assert_memory_not_equal(id, id2, 32);
	/* And another key another id. */
	pk[0] ^= 1;
	themis_id_from_pk(pk, net, id2);
	assert_memory_not_equal(id, id2, 32);
}

static const struct {
	uint8_t r;
	const char *obj;
} obj_vectors[] = {
	{ 0, "32670d7c7a19685f123977ce2150db469964bdc3aedb4e80cd6c33748a7c6f1d" },
	{ 1, "d43358ffd05ec78cce51b0c3f0b15ba90ab8ed1816f6b1d054c008629f689fd7" },
	{ 3, "876d0d0ec3949114a467bb837e56c23cfbfc0e8c3a85dbe41a197a2c9922b8e4" },
};

static void test_obj_id(void **state)
{
	uint8_t want[32], got[32], all[256][32], other[32];

	(void)state;
	for (size_t i = 0; i < sizeof obj_vectors / sizeof obj_vectors[0]; i++) {
		unhex(obj_vectors[i].obj, want, 32);
		themis_obj_id("printer.service", obj_vectors[i].r, got);
		assert_memory_equal(got, want, 32);
	}
	/* Every replica r of one name has its own id (a replica lands on its own node). */
	for (unsigned r = 0; r < 256; r++)
		themis_obj_id("printer.service", (uint8_t)r, all[r]);
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = a + 1; b < 256; b++)
			assert_memory_not_equal(all[a], all[b], 32);
	/* And another name another id for the same replica. */
	themis_obj_id("printer.servicf", 0, other);
	assert_memory_not_equal(other, all[0], 32);
}

static const struct {
	unsigned m;
	size_t whole;     /* bytes kept whole */
	uint8_t mask;     /* mask of the partial byte after them (0 when none) */
} ring_cases[] = {
	{ 8, 1, 0x00 },
	{ 13, 1, 0xf8 },
	{ 160, 20, 0x00 },
	{ 255, 31, 0xfe },
	{ 256, 32, 0x00 },
};

static void check_pos(const uint8_t id[32], const uint8_t pos[32], size_t whole, uint8_t mask,
		      unsigned m)
{
	for (size_t i = 0; i < 32; i++) {
		uint8_t want = i < whole ? id[i] : i == whole ? (uint8_t)(id[i] & mask) : 0;
		if (pos[i] != want)
			fail_msg("m=%u byte %zu: got %02x want %02x", m, i, pos[i], want);
	}
}

static void test_ring_pos(void **state)
{
	uint8_t ids[3][32], pos[32];

	(void)state;
	memset(ids[0], 0xff, 32);
	for (size_t i = 0; i < 32; i++)
		ids[1][i] = (uint8_t)(0xa5 ^ (i * 37));
	unhex(id_hex, ids[2], 32);
	for (size_t c = 0; c < sizeof ring_cases / sizeof ring_cases[0]; c++) {
		for (size_t k = 0; k < 3; k++) {
			memset(pos, 0xcc, sizeof pos);
			themis_ring_pos(ids[k], ring_cases[c].m, pos);
			check_pos(ids[k], pos, ring_cases[c].whole, ring_cases[c].mask, ring_cases[c].m);
		}
	}
	/* All ones: exactly m bits set, counted from the most significant bit of byte 0. */
	for (unsigned m = 8; m <= 256; m++) {
		unsigned bits = 0;
		themis_ring_pos(ids[0], m, pos);
		for (size_t i = 0; i < 32; i++)
			for (unsigned b = 0; b < 8; b++)
				if (pos[i] & (0x80u >> b)) {
					bits++;
					assert_true(8 * i + b < m);
				}
		assert_int_equal(bits, m);
	}
	/* m out of range is clamped into 8..256 (documented in ident.c). */
	themis_ring_pos(ids[0], 0, pos);
	check_pos(ids[0], pos, 1, 0, 0);
	themis_ring_pos(ids[0], 7, pos);
	check_pos(ids[0], pos, 1, 0, 7);
	themis_ring_pos(ids[0], 257, pos);
	check_pos(ids[0], pos, 32, 0, 257);
	themis_ring_pos(ids[0], ~0u, pos);
	check_pos(ids[0], pos, 32, 0, ~0u);
}

static void test_hex(void **state)
{
	const uint8_t b[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[2 * sizeof b + 1];

	(void)state;
	memset(out, 'x', sizeof out);
	assert_ptr_equal(themis_hex(b, sizeof b, out), out);
	assert_string_equal(out, "00017f80abff");
	assert_string_equal(themis_hex(b, 2, out), "0001");
	assert_string_equal(themis_hex(b, 0, out), "");
}

static int setup(void **state)
{
	(void)state;
	return cr_init();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_net_hash),
		cmocka_unit_test(test_pk_and_id),
		cmocka_unit_test(test_obj_id),
		cmocka_unit_test(test_ring_pos),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests_name("ident", tests, setup, NULL);
}
