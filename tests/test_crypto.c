/* test_crypto.c: crypto.c and aead.c against published known answers (RFC 8032, RFC 7748,
 * BLAKE2b) and vectors computed with an independent implementation (Python
 * `cryptography`/hashlib), plus every failure path. It includes crypto.c and aead.c built with
 * THEMIS_NONCE_AUDIT to observe the hook.
 */
#define THEMIS_NONCE_AUDIT 1
#include "crypto.c"
#include "aead.c"

#include <stdio.h>

#include "testutil.h"

/* ---- nonce audit hook (crypto.h): remembers the last call ---- */

static unsigned audit_calls;
static uint8_t audit_key[32];
static uint64_t audit_ctr;

void themis_nonce_audit(const uint8_t key[32], uint64_t ctr)
{
	audit_calls++;
	memcpy(audit_key, key, 32);
	audit_ctr = ctr;
}

static int setup(void **state)
{
	(void)state;
	return cr_init();
}

static void unhex(const char *s, uint8_t *out, size_t n)
{
	assert_int_equal(test_unhex(s, out, n), 0);
}

static void test_init_idempotent(void **state)
{
	(void)state;
	assert_int_equal(cr_init(), 0);
	assert_int_equal(cr_init(), 0);
}

/* ---- BLAKE2b-256 ---- */

static const struct {
	const char *msg;
	int keyed;          /* key = 00 01 .. 1f */
	const char *hex;
} hash_vectors[] = {
	{ "", 0, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8" },
	{ "abc", 0, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319" },
	{ "abc", 1, "d63a32d3e44738d7907f964316c241adaba0abfeabc32349677578a15a203f7f" },
};

static void test_hash_vectors(void **state)
{
	uint8_t key[32], want[32], got[32];

	(void)state;
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (uint8_t)i;
	for (size_t v = 0; v < sizeof hash_vectors / sizeof hash_vectors[0]; v++) {
		const char *msg = hash_vectors[v].msg;
		size_t n = strlen(msg);
		const uint8_t *k = hash_vectors[v].keyed ? key : NULL;

		unhex(hash_vectors[v].hex, want, 32);
		/* Every split of the message into two parts gives the same digest. */
		for (size_t cut = 0; cut <= n; cut++) {
			cr_buf parts[2] = { { msg, cut }, { msg + cut, n - cut } };
			memset(got, 0, sizeof got);
			cr_hashv(got, k, parts, 2);
			assert_memory_equal(got, want, 32);
		}
		cr_hashv(got, k, NULL, 0);
		if (n > 0)
			assert_memory_not_equal(got, want, 32);
	}
}

/* ---- Ed25519 (RFC 8032, section 7.1, tests 1 and 2) ---- */

static const struct {
	const char *seed, *pk, *msg, *sig;
} ed_vectors[] = {
	{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
};

static void test_sign_vectors(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof ed_vectors / sizeof ed_vectors[0]; v++) {
		uint8_t seed[32], pk_want[32], sig_want[64], msg[1];
		uint8_t pk[32], sk[64], sig[64];
		size_t mlen = strlen(ed_vectors[v].msg) / 2;

		unhex(ed_vectors[v].seed, seed, 32);
		unhex(ed_vectors[v].pk, pk_want, 32);
		unhex(ed_vectors[v].sig, sig_want, 64);
		unhex(ed_vectors[v].msg, msg, mlen);

		cr_sign_keypair(pk, sk, seed);
		assert_memory_equal(pk, pk_want, 32);
		assert_memory_equal(sk, seed, 32);          /* libsodium layout: seed || pk */
		assert_memory_equal(sk + 32, pk_want, 32);

		cr_buf parts[3] = { { "", 0 }, { msg, mlen }, { NULL, 0 } };
		cr_signv(sig, parts, 3, sk);
		assert_memory_equal(sig, sig_want, 64);
		assert_int_equal(cr_verifyv(sig, parts, 3, pk), 0);

		/* Any flipped bit of signature or public key is rejected. */
		for (size_t bit = 0; bit < 64 * 8; bit++) {
			sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(cr_verifyv(sig, parts, 3, pk), -1);
			sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		for (size_t bit = 0; bit < 32 * 8; bit++) {
			pk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(cr_verifyv(sig, parts, 3, pk), -1);
			pk[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		cr_wipe(sk, sizeof sk);
	}
}

static void test_sign_multipart_and_limit(void **state)
{
	uint8_t seed[32], pk[32], sk[64], sig[64], sig2[64];
	uint8_t big[CR_SIGNED_MAX + 1];

	(void)state;
	memset(seed, 7, sizeof seed);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 31);
	cr_sign_keypair(pk, sk, seed);

	/* Parts are signed as their concatenation: label || body == one buffer. */
	cr_buf one[1] = { { "THEMIS-v1 m1" "xyz", 15 } };
	cr_buf two[2] = { { "THEMIS-v1 m1", 12 }, { "xyz", 3 } };
	cr_signv(sig, one, 1, sk);
	cr_signv(sig2, two, 2, sk);
	assert_memory_equal(sig, sig2, 64);
	assert_int_equal(cr_verifyv(sig, two, 2, pk), 0);
	/* A different message, or the same bytes with one missing, fails. */
	cr_buf shorter[2] = { { "THEMIS-v1 m1", 12 }, { "xy", 2 } };
	assert_int_equal(cr_verifyv(sig, shorter, 2, pk), -1);

	/* Exactly CR_SIGNED_MAX bytes is allowed, split over parts. */
	cr_buf maxp[2] = { { big, 100 }, { big + 100, CR_SIGNED_MAX - 100 } };
	cr_signv(sig, maxp, 2, sk);
	assert_int_equal(cr_verifyv(sig, maxp, 2, pk), 0);
	assert_int_equal(crypto_sign_verify_detached(sig, big, CR_SIGNED_MAX, pk), 0);

	/* One byte more is refused even when the signature is genuinely valid. */
	assert_int_equal(crypto_sign_detached(sig, NULL, big, sizeof big, sk), 0);
	cr_buf over[2] = { { big, 100 }, { big + 100, CR_SIGNED_MAX + 1 - 100 } };
	assert_int_equal(cr_verifyv(sig, over, 2, pk), -1);
	/* A part whose size would overflow the running total is refused too. */
	cr_buf huge[2] = { { big, 1 }, { big, SIZE_MAX } };
	assert_int_equal(cr_verifyv(sig, huge, 2, pk), -1);
	cr_wipe(sk, sizeof sk);
}

/* ---- X25519 (RFC 7748, section 6.1) ---- */

static void test_dh_vector(void **state)
{
	uint8_t a[32], b[32], apub_want[32], bpub_want[32], shared_want[32];
	uint8_t apub[32], bpub[32], s1[32], s2[32];

	(void)state;
	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b, 32);
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", apub_want, 32);
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", bpub_want, 32);
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", shared_want, 32);

	cr_dh_public(apub, a);
	cr_dh_public(bpub, b);
	assert_memory_equal(apub, apub_want, 32);
	assert_memory_equal(bpub, bpub_want, 32);
	assert_int_equal(cr_dh(s1, a, bpub), 0);
	assert_int_equal(cr_dh(s2, b, apub), 0);
	assert_memory_equal(s1, shared_want, 32);
	assert_memory_equal(s2, shared_want, 32);
}

/* Points of order 1, 2, 4 and 8 on Curve25519 and their non-canonical encodings (x + p, and
 * the top bit set, which X25519 ignores): every clamped scalar maps them to the identity. */
static const char *const low_order[] = {
	"0000000000000000000000000000000000000000000000000000000000000000", /* 0 (order 4) */
	"0100000000000000000000000000000000000000000000000000000000000000", /* 1 (order 1) */
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", /* order 8 */
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", /* order 8 */
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p - 1 (order 2) */
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p = 0 */
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", /* p + 1 = 1 */
	"0000000000000000000000000000000000000000000000000000000000000080", /* 0, top bit */
	"0100000000000000000000000000000000000000000000000000000000000080", /* 1, top bit */
	"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880", /* order 8, top bit */
	"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7", /* order 8, top bit */
	"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* p - 1, top bit */
	"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* p, top bit */
	"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", /* p + 1, top bit */
};

static void test_dh_low_order(void **state)
{
	uint8_t sec[32], pub[32], shared[32], zero[32] = { 0 };

	(void)state;
	for (size_t s = 0; s < 3; s++) {
		memset(sec, (int)(0x11 * (s + 1)), sizeof sec);
		for (size_t i = 0; i < sizeof low_order / sizeof low_order[0]; i++) {
			unhex(low_order[i], pub, 32);
			memset(shared, 0xaa, sizeof shared);
			if (cr_dh(shared, sec, pub) != -1)
				fail_msg("low-order point %zu accepted", i);
			assert_memory_equal(shared, zero, 32);
		}
	}
}

/* ---- KDF: crypto_kdf over BLAKE2b with salt = LE64(id) and personal = "THEMISv1";
 * vectors from Python's hashlib.blake2b, prk = 00 01 .. 1f. ---- */

static const char *const kdf_vectors[] = {
	"445bd5883e4281f4e5a9ae5e01e2235b8a3d4fb4ff31c42f43587214424d3f7d", /* 1: k_cB */
	"bca11ee26809ec5987787e349aa4e716f695bd9e80210fa6a1b2965d37fc235e", /* 2: k_cA */
	"ff8c63d5ae11556ac0d04c0563954bc596d8b6d21987eb02d875a640ebb0c3db", /* 3: k_AB */
	"6daddcbdbc4e65f3909cdee196114593c6e24a3d5aa687ae317f363f9a52129c", /* 4: k_BA */
};

static void test_kdf_vectors(void **state)
{
	uint8_t prk[32], want[32], got[32];

	(void)state;
	for (size_t i = 0; i < sizeof prk; i++)
		prk[i] = (uint8_t)i;
	for (size_t v = 0; v < 4; v++) {
		unhex(kdf_vectors[v], want, 32);
		cr_kdf(got, v + 1, prk);
		assert_memory_equal(got, want, 32);
	}
}

/* ---- AEAD ---- */

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* Python `cryptography` ChaCha20Poly1305, key 00..1f, nonce 00000000 0102030405060708. */
static void test_aead_vector(void **state)
{
	uint8_t key[32], want[12 + 16], c[12 + 16], m[12];
	const uint64_t ctr = 0x0102030405060708ull;

	(void)state;
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (uint8_t)i;
	unhex("8783c994caacdcf475d281a52d5ea9f7f5397c52ab1273def8cd7996", want, sizeof want);
	audit_calls = 0;
	cr_aead_seal(c, (const uint8_t *)"hello themis", 12, (const uint8_t *)"ad", 2, ctr, key);
	assert_memory_equal(c, want, sizeof want);
	/* The audit hook saw exactly this seal, with its key and counter. */
	assert_int_equal(audit_calls, 1);
	assert_memory_equal(audit_key, key, 32);
	assert_true(audit_ctr == ctr);
	assert_int_equal(cr_aead_open(m, c, sizeof c, (const uint8_t *)"ad", 2, ctr, key), 0);
	assert_memory_equal(m, "hello themis", 12);
	/* Open never calls the hook: only sending consumes a nonce. */
	assert_int_equal(audit_calls, 1);

	/* Empty message, counter 0: the tag alone. */
	unhex("10324f800a160bd9a1794255be7ec29d", want, 16);
	cr_aead_seal(c, NULL, 0, NULL, 0, 0, key);
	assert_memory_equal(c, want, 16);
	assert_int_equal(cr_aead_open(m, c, 16, NULL, 0, 0, key), 0);
}

static const size_t aead_lens[] = { 0, 1, 9, 16, 63, 64, 65, 1200 };

static void test_aead_roundtrip_inplace(void **state)
{
	uint8_t key[32], ad[80], m[1200], c[1200 + 16], buf[1200 + 16], out[1200];

	(void)state;
	fill(key, sizeof key, 3);
	fill(ad, sizeof ad, 5);
	for (size_t i = 0; i < sizeof aead_lens / sizeof aead_lens[0]; i++) {
		size_t n = aead_lens[i];
		uint64_t ctr = 0xfedcba9876543210ull + i;

		fill(m, n, (uint8_t)(i + 1));
		cr_aead_seal(c, m, n, ad, sizeof ad, ctr, key);
		memset(out, 0xee, sizeof out);
		assert_int_equal(cr_aead_open(out, c, n + 16, ad, sizeof ad, ctr, key), 0);
		if (n > 0)
			assert_memory_equal(out, m, n);

		/* In place: seal into the plaintext's own buffer, then open it there. */
		memcpy(buf, m, n);
		cr_aead_seal(buf, buf, n, ad, sizeof ad, ctr, key);
		assert_memory_equal(buf, c, n + 16);
		assert_int_equal(cr_aead_open(buf, buf, n + 16, ad, sizeof ad, ctr, key), 0);
		if (n > 0)
			assert_memory_equal(buf, m, n);
	}
}

static void expect_open_fails(uint8_t *out, const uint8_t *c, size_t clen, const uint8_t *ad,
			      size_t adlen, uint64_t ctr, const uint8_t *key)
{
	uint8_t zero[64] = { 0 };

	memset(out, 0xee, clen - 16);
	assert_int_equal(cr_aead_open(out, c, clen, ad, adlen, ctr, key), -1);
	/* No unauthenticated plaintext escapes. */
	assert_memory_equal(out, zero, clen - 16);
}

static void test_aead_tamper(void **state)
{
	uint8_t key[32], ad[48], m[41], c[41 + 16], out[41];

	(void)state;
	fill(key, sizeof key, 9);
	fill(ad, sizeof ad, 1);
	fill(m, sizeof m, 2);
	cr_aead_seal(c, m, sizeof m, ad, sizeof ad, 42, key);

	/* One flipped bit anywhere in ciphertext or tag. */
	for (size_t bit = 0; bit < sizeof c * 8; bit++) {
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		expect_open_fails(out, c, sizeof c, ad, sizeof ad, 42, key);
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* One flipped bit anywhere in the associated data. */
	for (size_t bit = 0; bit < sizeof ad * 8; bit++) {
		ad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		expect_open_fails(out, c, sizeof c, ad, sizeof ad, 42, key);
		ad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	/* Truncated AD, wrong counter (nonce), wrong key. */
	expect_open_fails(out, c, sizeof c, ad, sizeof ad - 1, 42, key);
	expect_open_fails(out, c, sizeof c, ad, sizeof ad, 43, key);
	expect_open_fails(out, c, sizeof c, ad, sizeof ad, 42ull << 32, key);
	key[31] ^= 0x80;
	expect_open_fails(out, c, sizeof c, ad, sizeof ad, 42, key);
	key[31] ^= 0x80;

	/* Failure in place wipes the buffer's plaintext part. */
	c[0] ^= 1;
	assert_int_equal(cr_aead_open(c, c, sizeof c, ad, sizeof ad, 42, key), -1);
	for (size_t i = 0; i < sizeof m; i++)
		assert_int_equal(c[i], 0);

	/* Shorter than a tag: rejected without touching anything. */
	for (size_t n = 0; n < 16; n++)
		assert_int_equal(cr_aead_open(out, c, n, ad, sizeof ad, 42, key), -1);

	/* Untampered still opens. */
	cr_aead_seal(c, m, sizeof m, ad, sizeof ad, 42, key);
	assert_int_equal(cr_aead_open(out, c, sizeof c, ad, sizeof ad, 42, key), 0);
	assert_memory_equal(out, m, sizeof m);
}

/* ---- compare and wipe ---- */

static void test_equal_and_wipe(void **state)
{
	uint8_t a[64], b[64];

	(void)state;
	fill(a, sizeof a, 4);
	memcpy(b, a, sizeof b);
	assert_int_equal(cr_equal(a, b, sizeof a), 1);
	assert_int_equal(cr_equal(a, b, 0), 1);
	for (size_t i = 0; i < sizeof a; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1u << bit);
			assert_int_equal(cr_equal(a, b, sizeof a), 0);
			/* Bytes past n do not count. */
			assert_int_equal(cr_equal(a, b, i), 1);
			b[i] ^= (uint8_t)(1u << bit);
		}
	}
	cr_wipe(a, sizeof a);
	for (size_t i = 0; i < sizeof a; i++)
		assert_int_equal(a[i], 0);
	cr_wipe(a, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_idempotent),
		cmocka_unit_test(test_hash_vectors),
		cmocka_unit_test(test_sign_vectors),
		cmocka_unit_test(test_sign_multipart_and_limit),
		cmocka_unit_test(test_dh_vector),
		cmocka_unit_test(test_dh_low_order),
		cmocka_unit_test(test_kdf_vectors),
		cmocka_unit_test(test_aead_vector),
		cmocka_unit_test(test_aead_roundtrip_inplace),
		cmocka_unit_test(test_aead_tamper),
		cmocka_unit_test(test_equal_and_wipe),
	};

	return cmocka_run_group_tests_name("crypto", tests, setup, NULL);
}
