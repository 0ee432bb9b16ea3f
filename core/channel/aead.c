/* aead.c: ChaCha20-Poly1305-IETF (RFC 8439), the AEAD of every DATA packet (docs/protocol.md), as
 * cr_aead_seal / cr_aead_open (crypto.h). The bytes are libsodium's
 * crypto_aead_chacha20poly1305_ietf_* bytes (tests/test_aead.c compares them for every length);
 * only the speed differs. libsodium 1.0.18 makes the keystream of a message under 256 bytes
 * one 64-byte block at a time, and a secure find spent more CPU there than in the rest of the
 * core. Here all the blocks a packet needs, the Poly1305 key block included, are computed
 * together with GCC/Clang vector types, for AVX2 or AVX-512 (picked at first use from what
 * the CPU has; without AVX2 the AEAD is libsodium's). Poly1305 is libsodium's. Nothing here
 * branches on secret data.
 */
#include "crypto.h"

#include <string.h>

#include <sodium.h>

typedef uint32_t v4 __attribute__((vector_size(16)));
typedef uint32_t v8 __attribute__((vector_size(32)));

enum { BLOCK = 64, MAX_LANES = 8 };

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d)                                                         \
	do {                                                                   \
		a += b; d ^= a; d = ROTL(d, 16);                               \
		c += d; b ^= c; b = ROTL(b, 12);                               \
		a += b; d ^= a; d = ROTL(d, 8);                                \
		c += d; b ^= c; b = ROTL(b, 7);                                \
	} while (0)

/* The lane layout, for eight blocks with AVX2 (below): the ChaCha20 block function for LANES
 * consecutive counters, where x[w] holds word w of every lane's state. The result is turned
 * from lanes into blocks (block j is word 0..15 of lane j) by 4x4 transposes, so the
 * keystream goes straight to `out` (the caller wipes it); the state holds the key and is
 * wiped here. */
#define CHACHA_LANES(VT, LANES, out, in)                                       \
	do {                                                                   \
		VT x_[16], s_[16];                                             \
		for (int i_ = 0; i_ < 16; i_++)                                \
			for (int j_ = 0; j_ < (LANES); j_++)                   \
				s_[i_][j_] = (in)[i_] + (i_ == 12 ? (uint32_t)j_ : 0); \
		for (int i_ = 0; i_ < 16; i_++)                                \
			x_[i_] = s_[i_];                                       \
		for (int r_ = 0; r_ < 10; r_++) {                              \
			QR(x_[0], x_[4], x_[8], x_[12]);                       \
			QR(x_[1], x_[5], x_[9], x_[13]);                       \
			QR(x_[2], x_[6], x_[10], x_[14]);                      \
			QR(x_[3], x_[7], x_[11], x_[15]);                      \
			QR(x_[0], x_[5], x_[10], x_[15]);                      \
			QR(x_[1], x_[6], x_[11], x_[12]);                      \
			QR(x_[2], x_[7], x_[8], x_[13]);                       \
			QR(x_[3], x_[4], x_[9], x_[14]);                       \
		}                                                              \
		for (int i_ = 0; i_ < 16; i_++)                                \
			x_[i_] += s_[i_];                                      \
		for (int h_ = 0; h_ < (LANES) / 4; h_++)                       \
			for (int g_ = 0; g_ < 4; g_++)                         \
				transpose_store((out) + 4 * BLOCK * h_ + 16 * g_, \
						QUARTER(VT, x_[4 * g_], h_),   \
						QUARTER(VT, x_[4 * g_ + 1], h_), \
						QUARTER(VT, x_[4 * g_ + 2], h_), \
						QUARTER(VT, x_[4 * g_ + 3], h_)); \
		sodium_memzero(x_, sizeof x_);                                 \
		sodium_memzero(s_, sizeof s_);                                 \
	} while (0)

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
/* Only a big-endian host needs it (store_words): an unused static function is an error
 * under clang's -Wunused-function. */
static inline void store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}
#endif

/* Four words to 16 bytes, little-endian. */
static inline void store_words(uint8_t *out, v4 w)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(out, &w, 16);
#else
	for (int i = 0; i < 4; i++)
		store32(out + 4 * i, w[i]);
#endif
}

/* Lanes 4h..4h+3 of an 8-lane vector, as a 4-lane vector (macros: a vector passed by
 * value to a function not inlined is an ABI question for the compiler). */
#define QUARTER(VT, v, h) QUARTER_##VT(v, h)
#define QUARTER_v8(v, h)                                                       \
	((h) == 0 ? __builtin_shufflevector((v), (v), 0, 1, 2, 3) :            \
		    __builtin_shufflevector((v), (v), 4, 5, 6, 7))

/* a, b, c, d hold one word each of four blocks (lane j = block j); writes the four 16-byte
 * pieces (a[j], b[j], c[j], d[j]) at out + 64 j. */
static inline void transpose_store(uint8_t *out, v4 a, v4 b, v4 c, v4 d)
{
	v4 ab_lo = __builtin_shufflevector(a, b, 0, 4, 1, 5);   /* a0 b0 a1 b1 */
	v4 ab_hi = __builtin_shufflevector(a, b, 2, 6, 3, 7);   /* a2 b2 a3 b3 */
	v4 cd_lo = __builtin_shufflevector(c, d, 0, 4, 1, 5);
	v4 cd_hi = __builtin_shufflevector(c, d, 2, 6, 3, 7);
	v4 r[4] = {
		__builtin_shufflevector(ab_lo, cd_lo, 0, 1, 4, 5),   /* a0 b0 c0 d0 */
		__builtin_shufflevector(ab_lo, cd_lo, 2, 3, 6, 7),
		__builtin_shufflevector(ab_hi, cd_hi, 0, 1, 4, 5),
		__builtin_shufflevector(ab_hi, cd_hi, 2, 3, 6, 7),
	};

	for (int j = 0; j < 4; j++)
		store_words(out + BLOCK * j, r[j]);
}

static inline uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A kernel writes `lanes` keystream blocks for counters in[12], in[12] + 1, ... */
typedef void kernel_fn(uint8_t *out, const uint32_t in[16]);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_X86_CLONES 1
/* With AVX2 or AVX-512 the blocks are computed in the row layout instead: a register holds
 * one row (four words) of two blocks (256 bits) or four (512 bits), so a half round of all of
 * them is the quarter round on four registers, then a rotation of the words inside rows b,
 * c and d. Far fewer operations than lanes, which compute 4 or 8 blocks whatever a packet
 * needs, and the blocks come out in order. Measured on this project's machines (AVX-512):
 * 4 blocks 80 ns and 8 blocks 120 ns, against 150 and 170 as lanes; AVX2 rows: 2 blocks
 * 107 ns, 4 blocks 139 ns. Eight blocks with AVX2 stay lanes: four sets of rows would not fit
 * in its sixteen registers. */
typedef uint32_t v16 __attribute__((vector_size(64)));

/* rotate the words of each 4-word row of x: word i takes word (i + k) % 4 */
#define ROW_ROT4(k, base) (base) + (0 + k) % 4, (base) + (1 + k) % 4, (base) + (2 + k) % 4, \
			  (base) + (3 + k) % 4
#define ROW_ROT_v8(x, k) __builtin_shufflevector(x, x, ROW_ROT4(k, 0), ROW_ROT4(k, 4))
#define ROW_ROT_v16(x, k)                                                      \
	__builtin_shufflevector(x, x, ROW_ROT4(k, 0), ROW_ROT4(k, 4), ROW_ROT4(k, 8), ROW_ROT4(k, 12))
/* a double round of the blocks held as rows a, b, c, d: columns, then diagonals */
#define ROW_DOUBLE(VT, a, b, c, d)                                             \
	do {                                                                   \
		QR(a, b, c, d);                                                \
		b = ROW_ROT_##VT(b, 1); c = ROW_ROT_##VT(c, 2); d = ROW_ROT_##VT(d, 3); \
		QR(a, b, c, d);                                                \
		b = ROW_ROT_##VT(b, 3); c = ROW_ROT_##VT(c, 2); d = ROW_ROT_##VT(d, 1); \
	} while (0)
/* rows of the NB blocks in[12] + first, in[12] + first + 1, ... */
#define ROW_INIT(a, b, c, d, in, first, NB)                                    \
	do {                                                                   \
		for (int j_ = 0; j_ < (NB); j_++)                              \
			for (int w_ = 0; w_ < 4; w_++) {                       \
				a[4 * j_ + w_] = (in)[w_];                     \
				b[4 * j_ + w_] = (in)[4 + w_];                 \
				c[4 * j_ + w_] = (in)[8 + w_];                 \
				d[4 * j_ + w_] = (in)[12 + w_] +               \
					(w_ == 0 ? (uint32_t)((first) + j_) : 0); \
			}                                                      \
	} while (0)
/* the 16 bytes of row r of block j, from x holding row r of every block */
#define ROW_PIECE(out, x, j, r)                                                \
	store_words((out) + BLOCK * (j) + 16 * (r),                            \
		    __builtin_shufflevector(x, x, 4 * (j), 4 * (j) + 1, 4 * (j) + 2, 4 * (j) + 3))
#define ROW_BLOCK(out, a, b, c, d, j)                                          \
	do {                                                                   \
		ROW_PIECE(out, a, j, 0);                                       \
		ROW_PIECE(out, b, j, 1);                                       \
		ROW_PIECE(out, c, j, 2);                                       \
		ROW_PIECE(out, d, j, 3);                                       \
	} while (0)
/* the blocks, in order */
#define ROW_STORE_v8(out, a, b, c, d)                                          \
	do {                                                                   \
		ROW_BLOCK(out, a, b, c, d, 0);                                 \
		ROW_BLOCK(out, a, b, c, d, 1);                                 \
	} while (0)
#define ROW_STORE_v16(out, a, b, c, d)                                         \
	do {                                                                   \
		ROW_STORE_v8(out, a, b, c, d);                                 \
		ROW_BLOCK(out, a, b, c, d, 2);                                 \
		ROW_BLOCK(out, a, b, c, d, 3);                                 \
	} while (0)

/* One set of rows: NB blocks from in[12]. */
#define ROWS_ONE(VT, NB, out, in)                                              \
	do {                                                                   \
		VT a, b, c, d, a0, b0, c0, d0;                                 \
		ROW_INIT(a0, b0, c0, d0, in, 0, NB);                           \
		a = a0, b = b0, c = c0, d = d0;                                \
		for (int r_ = 0; r_ < 10; r_++)                                \
			ROW_DOUBLE(VT, a, b, c, d);                            \
		a += a0, b += b0, c += c0, d += d0;                            \
		ROW_STORE_##VT(out, a, b, c, d);                               \
		sodium_memzero(&a, sizeof a); sodium_memzero(&b, sizeof b);   \
		sodium_memzero(&c, sizeof c); sodium_memzero(&d, sizeof d);   \
		sodium_memzero(&b0, sizeof b0); sodium_memzero(&c0, sizeof c0); \
	} while (0)
/* Two sets interleaved: 2 NB blocks from in[12]. Only row d differs between the sets. */
#define ROWS_TWO(VT, NB, out, in)                                              \
	do {                                                                   \
		VT a, b, c, d, e, f, g, h, a0, b0, c0, d0, h0;                 \
		ROW_INIT(a0, b0, c0, d0, in, 0, NB);                           \
		ROW_INIT(e, f, g, h0, in, NB, NB);                             \
		a = a0, b = b0, c = c0, d = d0;                                \
		h = h0;                                                        \
		for (int r_ = 0; r_ < 10; r_++) {                              \
			ROW_DOUBLE(VT, a, b, c, d);                            \
			ROW_DOUBLE(VT, e, f, g, h);                            \
		}                                                              \
		a += a0, b += b0, c += c0, d += d0;                            \
		e += a0, f += b0, g += c0, h += h0;                            \
		ROW_STORE_##VT(out, a, b, c, d);                               \
		ROW_STORE_##VT((out) + (NB) * BLOCK, e, f, g, h);              \
		sodium_memzero(&a, sizeof a); sodium_memzero(&b, sizeof b);   \
		sodium_memzero(&c, sizeof c); sodium_memzero(&d, sizeof d);   \
		sodium_memzero(&e, sizeof e); sodium_memzero(&f, sizeof f);   \
		sodium_memzero(&g, sizeof g); sodium_memzero(&h, sizeof h);   \
		sodium_memzero(&b0, sizeof b0); sodium_memzero(&c0, sizeof c0); \
	} while (0)

#define AVX2 __attribute__((target("avx2")))
#define AVX512 __attribute__((target("avx512f,avx512vl")))

AVX2 static void k2_avx2(uint8_t *out, const uint32_t in[16]) { ROWS_ONE(v8, 2, out, in); }
AVX2 static void k4_avx2(uint8_t *out, const uint32_t in[16]) { ROWS_TWO(v8, 2, out, in); }
AVX2 static void k8_avx2(uint8_t *out, const uint32_t in[16]) { CHACHA_LANES(v8, 8, out, in); }
AVX512 static void k4_avx512(uint8_t *out, const uint32_t in[16]) { ROWS_ONE(v16, 4, out, in); }
AVX512 static void k8_avx512(uint8_t *out, const uint32_t in[16]) { ROWS_TWO(v16, 4, out, in); }
#endif

/* k2 (NULL: use k4), k4 and k8 write 2, 4 and 8 blocks. Without AVX2 the whole AEAD is
 * libsodium's: its one-block-at-a-time code beats these vector types compiled for plain
 * SSE2 (and whatever other CPUs get). */
static const struct impl {
	const char *name;
	kernel_fn *k2, *k4, *k8;
} impls[] = {
	{ "libsodium", NULL, NULL, NULL },
#ifdef HAVE_X86_CLONES
	{ "avx2", k2_avx2, k4_avx2, k8_avx2 },
	{ "avx512", NULL, k4_avx512, k8_avx512 },
#endif
};

/* -1 until the first use picks the best the CPU has; tests may force another. Picking twice
 * from two threads writes the same value, so no lock is needed. */
static int chosen = -1;

static int best_impl(void)
{
#ifdef HAVE_X86_CLONES
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
		return 2;
	if (__builtin_cpu_supports("avx2"))
		return 1;
#endif
	return 0;
}

static const struct impl *current(void)
{
	if (chosen < 0)
		chosen = best_impl();
	return &impls[chosen];
}

const char *cr_aead_impl(int which)
{
	if (which < 0)
		return current()->name;
	if ((size_t)which >= sizeof impls / sizeof impls[0] || which > best_impl())
		return NULL;
	chosen = which;
	return impls[which].name;
}

/* docs/protocol.md, DATA: nonce = 0x00000000 || ctr, ctr big-endian. */
static void make_nonce(uint8_t nonce[12], uint64_t ctr)
{
	nonce[0] = nonce[1] = nonce[2] = nonce[3] = 0;
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(ctr >> (56 - 8 * i));
}

/* The ChaCha20 state for (key, nonce of ctr); words 13..15 are the nonce read little-endian. */
static void init_state(uint32_t in[16], const uint8_t key[CR_KEY_LEN], uint64_t ctr)
{
	uint8_t nonce[12];

	make_nonce(nonce, ctr);
	in[0] = 0x61707865;   /* "expand 32-byte k" */
	in[1] = 0x3320646e;
	in[2] = 0x79622d32;
	in[3] = 0x6b206574;
	for (int i = 0; i < 8; i++)
		in[4 + i] = load32(key + 4 * i);
	in[12] = 0;           /* block 0 is the Poly1305 key; the message starts at block 1 */
	for (int i = 0; i < 3; i++)
		in[13 + i] = load32(nonce + 4 * i);
}

/* Keystream blocks in[12], in[12] + 1, ... into ks: at least `need` of them (need <= 8).
 * Returns how many were written: 2, 4 or 8. */
static size_t keystream(uint8_t ks[MAX_LANES * BLOCK], const uint32_t in[16], size_t need)
{
	const struct impl *im = current();

	if (need <= 2 && im->k2) {
		im->k2(ks, in);
		return 2;
	}
	if (need <= 4) {
		im->k4(ks, in);
		return 4;
	}
	im->k8(ks, in);
	return 8;
}

static void xor_bytes(uint8_t *out, const uint8_t *in, const uint8_t *ks, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t a, b;
		memcpy(&a, in + i, 8);
		memcpy(&b, ks + i, 8);
		a ^= b;
		memcpy(out + i, &a, 8);
	}
	for (; i < n; i++)
		out[i] = in[i] ^ ks[i];
}

/* out = in XOR the keystream from block 1 on. ks holds the first pass: nb blocks from block 0
 * (st[12] = 0); later passes overwrite it. out may equal in. */
static void xor_stream(uint8_t *out, const uint8_t *in, size_t len, uint32_t st[16],
		       uint8_t ks[MAX_LANES * BLOCK], size_t nb)
{
	size_t off = BLOCK;   /* block 0 is the Poly1305 key */

	while (len > 0) {
		size_t n = nb * BLOCK - off;
		if (n > len)
			n = len;
		xor_bytes(out, in, ks + off, n);
		out += n;
		in += n;
		len -= n;
		if (len == 0)
			break;
		st[12] += (uint32_t)nb;
		nb = keystream(ks, st, (len + BLOCK - 1) / BLOCK < MAX_LANES ?
					       (len + BLOCK - 1) / BLOCK : MAX_LANES);
		off = 0;
	}
}

/* Blocks a message of mlen bytes needs in its first pass, block 0 included (at most 8). */
static size_t first_pass(size_t mlen)
{
	size_t b = 1 + (mlen + BLOCK - 1) / BLOCK;
	return b < MAX_LANES ? b : MAX_LANES;
}

static void poly_tag(uint8_t tag[CR_TAG_LEN], const uint8_t polykey[32], const uint8_t *ad,
		     size_t adlen, const uint8_t *c, size_t clen)
{
	static const uint8_t pad[16];
	crypto_onetimeauth_poly1305_state ps;
	uint8_t lens[16];

	for (int i = 0; i < 8; i++) {
		lens[i] = (uint8_t)((uint64_t)adlen >> (8 * i));
		lens[8 + i] = (uint8_t)((uint64_t)clen >> (8 * i));
	}
	crypto_onetimeauth_poly1305_init(&ps, polykey);
	crypto_onetimeauth_poly1305_update(&ps, ad, adlen);
	crypto_onetimeauth_poly1305_update(&ps, pad, (16 - adlen % 16) % 16);
	crypto_onetimeauth_poly1305_update(&ps, c, clen);
	crypto_onetimeauth_poly1305_update(&ps, pad, (16 - clen % 16) % 16);
	crypto_onetimeauth_poly1305_update(&ps, lens, sizeof lens);
	crypto_onetimeauth_poly1305_final(&ps, tag);
	sodium_memzero(&ps, sizeof ps);
}

void cr_aead_seal(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad, size_t adlen,
		  uint64_t ctr, const uint8_t key[CR_KEY_LEN])
{
	uint8_t ks[MAX_LANES * BLOCK], polykey[32];
	uint32_t st[16];
	size_t nb;

#ifdef THEMIS_NONCE_AUDIT
	/* Tests record every (key, ctr) sealed to prove no nonce is ever used twice. */
	themis_nonce_audit(key, ctr);
#endif
	if (!current()->k4) {
		uint8_t nonce[12];
		make_nonce(nonce, ctr);
		/* c may equal m; the tag goes right after the ciphertext */
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(c, c + mlen, NULL, m, mlen, ad,
								  adlen, NULL, nonce, key);
		return;
	}
	init_state(st, key, ctr);
	nb = keystream(ks, st, first_pass(mlen));
	memcpy(polykey, ks, sizeof polykey);
	xor_stream(c, m, mlen, st, ks, nb);
	poly_tag(c + mlen, polykey, ad, adlen, c, mlen);
	sodium_memzero(ks, sizeof ks);
	sodium_memzero(polykey, sizeof polykey);
	sodium_memzero(st, sizeof st);
}

int cr_aead_open(uint8_t *m, const uint8_t *c, size_t clen, const uint8_t *ad, size_t adlen,
		 uint64_t ctr, const uint8_t key[CR_KEY_LEN])
{
	uint8_t ks[MAX_LANES * BLOCK], tag[CR_TAG_LEN];
	uint32_t st[16];
	size_t mlen, nb;
	int rc = -1;

	if (clen < CR_TAG_LEN)
		return -1;
	mlen = clen - CR_TAG_LEN;
	if (!current()->k4) {
		uint8_t nonce[12];
		make_nonce(nonce, ctr);
		/* libsodium checks the tag before it decrypts, so m may equal c */
		if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(m, NULL, c, mlen, c + mlen, ad,
								      adlen, nonce, key) == 0)
			return 0;
		sodium_memzero(m, mlen);   /* never unauthenticated plaintext */
		return -1;
	}
	init_state(st, key, ctr);
	/* The keystream of an unauthenticated packet reveals nothing, and computing it in the
	 * Poly1305 key's pass is the point. Nothing is decrypted before the tag checks. */
	nb = keystream(ks, st, first_pass(mlen));
	poly_tag(tag, ks, ad, adlen, c, mlen);
	if (crypto_verify_16(tag, c + mlen) == 0) {
		xor_stream(m, c, mlen, st, ks, nb);
		rc = 0;
	} else {
		/* Never hand out unauthenticated plaintext, whatever the buffer held. */
		sodium_memzero(m, mlen);
	}
	sodium_memzero(ks, sizeof ks);
	sodium_memzero(st, sizeof st);
	sodium_memzero(tag, sizeof tag);
	return rc;
}
