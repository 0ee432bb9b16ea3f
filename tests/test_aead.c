/* test_aead.c: aead.c's ChaCha20-Poly1305-IETF gives libsodium's bytes, with every ChaCha20
 * implementation this CPU can run (libsodium's own, AVX2, AVX-512), for every message length
 * a packet can have and around every block and pass boundary, for several AD lengths, in place
 * and not; and opens reject what libsodium rejects. test_crypto.c holds the fixed vectors.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "testutil.h"

enum { MAX_MSG = 1300 };

static void nonce_of(uint8_t nonce[12], uint64_t ctr)
{
	memset(nonce, 0, 4);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(ctr >> (56 - 8 * i));
}

/* Seal and open one message with the implementation in use, against libsodium. */
static void check_one(const uint8_t key[32], uint64_t ctr, const uint8_t *m, size_t mlen,
		      const uint8_t *ad, size_t adlen)
{
	static uint8_t want[MAX_MSG + 16], got[MAX_MSG + 16], buf[MAX_MSG + 16], out[MAX_MSG];
	uint8_t nonce[12];

	nonce_of(nonce, ctr);
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(want, want + mlen, NULL, m, mlen, ad,
							  adlen, NULL, nonce, key);
	cr_aead_seal(got, m, mlen, ad, adlen, ctr, key);
	assert_memory_equal(got, want, mlen + 16);
	assert_int_equal(cr_aead_open(out, got, mlen + 16, ad, adlen, ctr, key), 0);
	if (mlen > 0)
		assert_memory_equal(out, m, mlen);
	/* in place both ways */
	memcpy(buf, m, mlen);
	cr_aead_seal(buf, buf, mlen, ad, adlen, ctr, key);
	assert_memory_equal(buf, want, mlen + 16);
	assert_int_equal(cr_aead_open(buf, buf, mlen + 16, ad, adlen, ctr, key), 0);
	if (mlen > 0)
		assert_memory_equal(buf, m, mlen);
}

static void test_matches_libsodium_every_length(void **state)
{
	static const size_t adlens[] = { 0, 1, 15, 16, 17, 112 };
	uint8_t key[32], ad[112], m[MAX_MSG];
	int impls = 0;

	(void)state;
	randombytes_buf(m, sizeof m);
	for (int which = 0; which < 8; which++) {
		const char *name = cr_aead_impl(which);
		if (name == NULL)
			continue;
		impls++;
		assert_string_equal(cr_aead_impl(-1), name);
		for (size_t mlen = 0; mlen <= MAX_MSG; mlen++) {
			size_t adlen = adlens[mlen % (sizeof adlens / sizeof adlens[0])];
			randombytes_buf(key, sizeof key);
			randombytes_buf(ad, sizeof ad);
			/* counters near 0, and large ones whose nonce bytes are all used */
			uint64_t ctr = mlen % 2 ? (uint64_t)mlen : UINT64_MAX - mlen;
			check_one(key, ctr, m, mlen, ad, adlen);
		}
	}
	/* libsodium's runs everywhere. */
	assert_true(impls >= 1);
	printf("aead: %d implementations checked, best here: %s\n", impls,
	       cr_aead_impl(impls - 1));
	/* leave the best one in use */
	assert_non_null(cr_aead_impl(impls - 1));
}

/* What libsodium refuses, every implementation refuses, and the plaintext stays hidden. */
static void test_open_rejects_any_flip(void **state)
{
	uint8_t key[32], ad[112], m[300], c[316], out[300], zero[300] = { 0 };

	(void)state;
	randombytes_buf(key, sizeof key);
	randombytes_buf(ad, sizeof ad);
	randombytes_buf(m, sizeof m);
	for (int which = 0; which < 8; which++) {
		if (cr_aead_impl(which) == NULL)
			continue;
		cr_aead_seal(c, m, sizeof m, ad, sizeof ad, 7, key);
		for (size_t bit = 0; bit < 8 * sizeof c; bit += 13) {
			c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			memset(out, 0xee, sizeof out);
			assert_int_equal(cr_aead_open(out, c, sizeof c, ad, sizeof ad, 7, key), -1);
			assert_memory_equal(out, zero, sizeof out);
			c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		ad[3] ^= 1;
		assert_int_equal(cr_aead_open(out, c, sizeof c, ad, sizeof ad, 7, key), -1);
		ad[3] ^= 1;
		assert_int_equal(cr_aead_open(out, c, sizeof c, ad, sizeof ad, 8, key), -1);
		assert_int_equal(cr_aead_open(out, c, sizeof c, ad, sizeof ad, 7, key), 0);
		assert_memory_equal(out, m, sizeof m);
	}
}

static void test_impl_names(void **state)
{
	(void)state;
	assert_string_equal(cr_aead_impl(0), "libsodium");
	assert_null(cr_aead_impl(99));
	assert_string_equal(cr_aead_impl(-1), "libsodium");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_impl_names),
		cmocka_unit_test(test_matches_libsodium_every_length),
		cmocka_unit_test(test_open_rejects_any_flip),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
