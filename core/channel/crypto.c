/* crypto.c: the core's door to libsodium (crypto.h): BLAKE2b, SipHash, Ed25519, X25519, the KDF,
 * constant-time compare and wiping (the AEAD is in aead.c). It must never draw randomness
 * (no randombytes_*) nor read a clock: every random byte comes from the caller.
 */
#include "crypto.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* The KDF context of docs/protocol.md, Key schedule: exactly crypto_kdf_CONTEXTBYTES (8) chars. */
static const char kdf_ctx[crypto_kdf_CONTEXTBYTES + 1] = "THEMISv1";

int cr_init(void)
{
	/* sodium_init returns 1 when it already ran; it is thread-safe, so many nodes may call. */
	if (sodium_init() < 0)
		return -1;
	return 0;
}

void cr_hashv(uint8_t out[CR_HASH_LEN], const uint8_t *key, const cr_buf *parts, size_t nparts)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, key != NULL ? CR_KEY_LEN : 0, CR_HASH_LEN);
	for (size_t i = 0; i < nparts; i++)
		crypto_generichash_update(&st, parts[i].p, parts[i].n);
	crypto_generichash_final(&st, out, CR_HASH_LEN);
	/* A keyed state holds the key (conf_A/conf_B, prk): do not leave it on the stack. */
	sodium_memzero(&st, sizeof st);
}

void cr_short_mac(uint8_t out[CR_SHORT_LEN], const uint8_t *m, size_t n,
		  const uint8_t key[CR_SHORT_KEY_LEN])
{
	crypto_shorthash_siphashx24(out, m, n, key);
}

void cr_sign_keypair(uint8_t pk[CR_PK_LEN], uint8_t sk[CR_SK_LEN], const uint8_t seed[CR_SEED_LEN])
{
	crypto_sign_seed_keypair(pk, sk, seed);
}

/* Concatenates parts into buf (CR_SIGNED_MAX bytes). Returns the length, or -1 when the
 * parts do not fit; the size check avoids overflow of the running total. */
static long gather(uint8_t buf[CR_SIGNED_MAX], const cr_buf *parts, size_t nparts)
{
	size_t n = 0;

	for (size_t i = 0; i < nparts; i++) {
		if (parts[i].n > (size_t)CR_SIGNED_MAX - n)
			return -1;
		if (parts[i].n > 0)
			memcpy(buf + n, parts[i].p, parts[i].n);
		n += parts[i].n;
	}
	return (long)n;
}

void cr_signv(uint8_t sig[CR_SIG_LEN], const cr_buf *parts, size_t nparts, const uint8_t sk[CR_SK_LEN])
{
	uint8_t buf[CR_SIGNED_MAX];
	long n = gather(buf, parts, nparts);

	/* Every signed message in docs/protocol.md has a fixed size far below CR_SIGNED_MAX, so an
	 * oversized one is a bug in the caller, never something the network can cause. */
	if (n < 0)
		abort();
	crypto_sign_detached(sig, NULL, buf, (unsigned long long)n, sk);
	sodium_memzero(buf, sizeof buf);
}

int cr_verifyv(const uint8_t sig[CR_SIG_LEN], const cr_buf *parts, size_t nparts,
	       const uint8_t pk[CR_PK_LEN])
{
	uint8_t buf[CR_SIGNED_MAX];
	long n = gather(buf, parts, nparts);
	int rc = -1;

	if (n >= 0 && crypto_sign_verify_detached(sig, buf, (unsigned long long)n, pk) == 0)
		rc = 0;
	sodium_memzero(buf, sizeof buf);
	return rc;
}

void cr_dh_public(uint8_t pub[CR_KEY_LEN], const uint8_t sec[CR_KEY_LEN])
{
	/* Cannot fail for a clamped scalar; zero the output anyway if libsodium ever says so,
	 * so a caller never sends uninitialised bytes. */
	if (crypto_scalarmult_base(pub, sec) != 0)
		sodium_memzero(pub, CR_KEY_LEN);
}

int cr_dh(uint8_t shared[CR_KEY_LEN], const uint8_t sec[CR_KEY_LEN], const uint8_t pub[CR_KEY_LEN])
{
	/* libsodium rejects small-order points and an all-zero result (docs/protocol.md, Key
	 * schedule: "reject if libsodium reports failure"). */
	if (crypto_scalarmult(shared, sec, pub) != 0) {
		sodium_memzero(shared, CR_KEY_LEN);
		return -1;
	}
	return 0;
}

void cr_kdf(uint8_t out[CR_KEY_LEN], uint64_t id, const uint8_t prk[CR_KEY_LEN])
{
	crypto_kdf_derive_from_key(out, CR_KEY_LEN, id, kdf_ctx, prk);
}

int cr_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

void cr_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
