/* crypto.h: every cryptographic primitive the core uses, behind one narrow interface.
 * crypto.c and aead.c (the DATA packets' AEAD, faster than libsodium's for small messages
 * and byte-for-byte the same) are the core's only files that include sodium.h. Nothing here
 * draws randomness: callers pass in every random byte (ephemeral secrets, nonces).
 */
#ifndef THEMIS_CRYPTO_H
#define THEMIS_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

enum {
	CR_HASH_LEN = 32,   /* BLAKE2b-256 */
	CR_KEY_LEN = 32,    /* X25519, ChaCha20-Poly1305, KDF keys */
	CR_PK_LEN = 32,     /* Ed25519 public key */
	CR_SK_LEN = 64,     /* Ed25519 secret key (seed || pk), libsodium layout */
	CR_SEED_LEN = 32,
	CR_SIG_LEN = 64,
	CR_TAG_LEN = 16,    /* Poly1305 */
	CR_SIGNED_MAX = 512, /* largest message signed or verified (labels included) */
	CR_SHORT_LEN = 16,  /* SipHash-2-4, 128-bit output */
	CR_SHORT_KEY_LEN = 16,
};

/* A piece of a message that is hashed, signed or verified as the concatenation of parts. */
typedef struct cr_buf {
	const void *p;
	size_t n;
} cr_buf;

/* Must be called once before anything else (idempotent; safe from several nodes). Returns 0,
 * or -1 when libsodium cannot initialise. */
int cr_init(void);

/* out = H(parts...) or H_key(parts...) when key is not NULL (BLAKE2b-256, 32-byte key). */
void cr_hashv(uint8_t out[CR_HASH_LEN], const uint8_t *key, const cr_buf *parts, size_t nparts);

/* out = SipHash-2-4-128_key(m): a fast keyed PRF for the node's own tables (never on the wire).
 * Without the key nobody can predict an output, so nobody can aim two inputs at one value. */
void cr_short_mac(uint8_t out[CR_SHORT_LEN], const uint8_t *m, size_t n,
		  const uint8_t key[CR_SHORT_KEY_LEN]);

void cr_sign_keypair(uint8_t pk[CR_PK_LEN], uint8_t sk[CR_SK_LEN], const uint8_t seed[CR_SEED_LEN]);
/* Ed25519 over the concatenation of parts (total at most CR_SIGNED_MAX bytes). */
void cr_signv(uint8_t sig[CR_SIG_LEN], const cr_buf *parts, size_t nparts, const uint8_t sk[CR_SK_LEN]);
/* 0 when sig verifies under pk, -1 otherwise (also when parts exceed CR_SIGNED_MAX). */
int cr_verifyv(const uint8_t sig[CR_SIG_LEN], const cr_buf *parts, size_t nparts,
	       const uint8_t pk[CR_PK_LEN]);

/* X25519. cr_dh returns -1 (and zeroes shared) for a low-order or otherwise bad point. */
void cr_dh_public(uint8_t pub[CR_KEY_LEN], const uint8_t sec[CR_KEY_LEN]);
int cr_dh(uint8_t shared[CR_KEY_LEN], const uint8_t sec[CR_KEY_LEN], const uint8_t pub[CR_KEY_LEN]);

/* crypto_kdf_derive_from_key(32, id, "THEMISv1", prk) (docs/protocol.md, Key schedule). */
void cr_kdf(uint8_t out[CR_KEY_LEN], uint64_t id, const uint8_t prk[CR_KEY_LEN]);

/* ChaCha20-Poly1305-IETF, nonce 0x00000000 || ctr (big-endian). seal writes mlen bytes of
 * ciphertext then the 16-byte tag into c (c may equal m). open takes clen = ciphertext + tag,
 * writes clen - 16 bytes into m (m may equal c) and returns 0, or -1 when the tag is bad (m is
 * then zeroed). */
void cr_aead_seal(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
		  uint64_t ctr, const uint8_t key[CR_KEY_LEN]);
int cr_aead_open(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad, size_t adlen,
		 uint64_t ctr, const uint8_t key[CR_KEY_LEN]);
/* The AEAD's ChaCha20 implementation (aead.c): which < 0 names the one in use (the best the
 * CPU has, picked at first use); 0 "libsodium", 1 "avx2", 2 "avx512" switches to that one for
 * tests and benchmarks, or returns NULL when this CPU or build lacks it. All give the same
 * bytes. */
const char *cr_aead_impl(int which);

#ifdef THEMIS_NONCE_AUDIT
/* Defined by a test when the core is built with THEMIS_NONCE_AUDIT: cr_aead_seal calls it with
 * the key and counter of every seal, before sealing, so the test can prove no (key, ctr) pair
 * is used twice. */
void themis_nonce_audit(const uint8_t key[CR_KEY_LEN], uint64_t ctr);
#endif

/* Constant-time equality of n bytes: 1 when equal, 0 otherwise. */
int cr_equal(const uint8_t *a, const uint8_t *b, size_t n);
/* Wipe a secret so the compiler cannot optimise it away. */
void cr_wipe(void *p, size_t n);

#endif
