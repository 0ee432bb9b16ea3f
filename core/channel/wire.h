/* wire.h: encode and decode every packet of the THEMIS packet layer (docs/protocol.md) and the
 * frame inside DATA/PLAIN. Exact lengths, explicit big-endian helpers, reserved and padding
 * bytes checked, no casts of buffers to structs. No cryptography here: signatures, tags and
 * keys are opaque bytes that the handshake and channel layers fill in and check.
 */
#ifndef THEMIS_WIRE_H
#define THEMIS_WIRE_H

#include <stddef.h>
#include <stdint.h>

enum {
	WIRE_VERSION = 1,
	PKT_HELLO = 1,
	PKT_REPLY = 2,
	PKT_CONFIRM = 3,
	PKT_DATA = 4,
	PKT_PLAIN = 5,
};

enum {
	WIRE_HDR_LEN = 4,
	HELLO_LEN = 256,
	HELLO_SIGNED_LEN = 192,   /* sig_A covers "THEMIS-v1 m1" || bytes[0..192) */
	HELLO_PAD_OFF = 168,
	HELLO_PAD_LEN = 24,
	HELLO_SIG_OFF = 192,
	REPLY_LEN = 236,
	REPLY_TH_LEN = 140,       /* th = H(HELLO || REPLY bytes[0..140)) */
	REPLY_SIG_OFF = 140,
	REPLY_CONF_OFF = 204,
	CONFIRM_LEN = 44,
	DATA_HDR_LEN = 16,        /* header || idx || ctr: also the start of the AEAD's AD */
	DATA_TAG_LEN = 16,
	FRAME_HDR_LEN = 9,        /* type || req_id */
	DATA_MIN_LEN = DATA_HDR_LEN + FRAME_HDR_LEN + DATA_TAG_LEN,   /* 41 */
	DATA_MAX_LEN = 1232,
	PLAIN_HDR_LEN = 4 + 32 + 8,
	PLAIN_MIN_LEN = PLAIN_HDR_LEN + FRAME_HDR_LEN,                /* 53 */
	PLAIN_MAX_LEN = 1232,
	FRAME_MAX_LEN = DATA_MAX_LEN - DATA_HDR_LEN - DATA_TAG_LEN,   /* 1200 */
	FRAME_BODY_MAX = FRAME_MAX_LEN - FRAME_HDR_LEN,               /* 1191 */
};

/* Big-endian helpers: the only way the core reads or writes multi-byte integers. */
static inline uint16_t be16_get(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t be32_get(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t be64_get(const uint8_t *p)
{
	return ((uint64_t)be32_get(p) << 32) | be32_get(p + 4);
}
static inline void be16_put(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline void be64_put(uint8_t *p, uint64_t v) { be32_put(p, (uint32_t)(v >> 32)); be32_put(p + 4, (uint32_t)v); }

/* The packet type after checking version, reserved bytes and the type's length rule, or -1
 * when the packet must be dropped as malformed. */
int wire_packet_type(const uint8_t *p, size_t len);

typedef struct wire_hello {
	uint32_t idx_a;
	uint8_t net[32], pk_a[32], e_a[32], n_a[32], id_b[32];
	uint8_t sig[64];
} wire_hello;

typedef struct wire_reply {
	uint32_t idx_b, idx_a;
	uint8_t pk_b[32], e_b[32], n_b[32], id_a[32];
	uint8_t sig[64], conf[32];
} wire_reply;

typedef struct wire_confirm {
	uint32_t idx_a, idx_b;
	uint8_t conf[32];
} wire_confirm;

/* DATA decoded without opening it: pointers into the caller's packet. */
typedef struct wire_data {
	uint32_t idx;
	uint64_t ctr;
	const uint8_t *ct;  /* ciphertext followed by the tag */
	size_t ctlen;       /* ciphertext + tag, >= FRAME_HDR_LEN + DATA_TAG_LEN */
} wire_data;

typedef struct wire_plain {
	uint8_t id_sender[32];
	uint64_t ctr;
	const uint8_t *frame;
	size_t framelen;    /* >= FRAME_HDR_LEN */
} wire_plain;

typedef struct wire_frame {
	uint8_t type;
	uint64_t req_id;
	const uint8_t *body;
	size_t bodylen;
} wire_frame;

/* Encoders write the whole packet, signature and tag fields included as given. */
void wire_hello_encode(uint8_t out[HELLO_LEN], const wire_hello *h);
void wire_reply_encode(uint8_t out[REPLY_LEN], const wire_reply *r);
void wire_confirm_encode(uint8_t out[CONFIRM_LEN], const wire_confirm *c);
/* Header, idx and ctr of a DATA packet (the AEAD output follows at out + DATA_HDR_LEN). */
void wire_data_header(uint8_t out[DATA_HDR_LEN], uint32_t idx, uint64_t ctr);
/* PLAIN header; the frame follows at out + PLAIN_HDR_LEN. */
void wire_plain_header(uint8_t out[PLAIN_HDR_LEN], const uint8_t id_sender[32], uint64_t ctr);
/* Frame header; the body follows at out + FRAME_HDR_LEN. */
void wire_frame_header(uint8_t out[FRAME_HDR_LEN], uint8_t type, uint64_t req_id);

/* Decoders: 0 on success, -1 when malformed (wrong length, version, type, reserved or
 * padding bytes). They check form only, never signatures or tags. */
int wire_hello_decode(wire_hello *h, const uint8_t *p, size_t len);
int wire_reply_decode(wire_reply *r, const uint8_t *p, size_t len);
int wire_confirm_decode(wire_confirm *c, const uint8_t *p, size_t len);
int wire_data_decode(wire_data *d, const uint8_t *p, size_t len);
int wire_plain_decode(wire_plain *pl, const uint8_t *p, size_t len);
int wire_frame_decode(wire_frame *f, const uint8_t *p, size_t len);

#endif
