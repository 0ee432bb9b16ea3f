/* themis_codec.h: packet building blocks of the secure channel for a program that is not a
 * node but speaks the wire format: the simulator's adversary builds HELLOs and REPLYs with an
 * identity of its own (never an honest node's keys), and its CPU model times the nodes' own
 * AEAD. Nothing here touches a node. Not installed: an application needs only themis.h.
 */
#ifndef THEMIS_CODEC_H
#define THEMIS_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "themis.h"

enum {
	THEMIS_HELLO_LEN = 256,       /* a HELLO packet (docs/protocol.md) */
	THEMIS_REPLY_LEN = 236,       /* a REPLY packet */
	THEMIS_SK_LEN = 64,           /* an Ed25519 secret key as the core keeps it */
	THEMIS_FRAME_HDR_LEN = 9,     /* a frame's type and request id, before its body */
};

/* The random inputs of one handshake message: the sender's session index, an ephemeral
 * X25519 secret (wiped by the functions below) and the nonce. */
typedef struct themis_hs_random {
	uint32_t idx;
	uint8_t e_sec[32];
	uint8_t nonce[32];
} themis_hs_random;

/* The fields of a HELLO a program outside a node may look at. */
typedef struct themis_hello_info {
	uint32_t idx_a;
	uint8_t net[THEMIS_ID_LEN];   /* the network's hash */
	uint8_t id_b[THEMIS_ID_LEN];  /* the identity it is addressed to */
	uint8_t pk_a[THEMIS_PK_LEN];  /* the initiator's key */
} themis_hello_info;

/* The key pair of the Ed25519 seed (the same a node with that seed has). */
void themis_codec_keypair(const uint8_t seed[THEMIS_SEED_LEN], uint8_t pk[THEMIS_PK_LEN],
			  uint8_t sk[THEMIS_SK_LEN]);
/* Decodes a HELLO's fields: 0, or -1 when pkt is no well-formed HELLO. */
int themis_codec_hello_decode(const uint8_t *pkt, size_t len, themis_hello_info *out);
/* A signed HELLO from the identity (pk, sk) in network net to peer_id. */
void themis_codec_hello(uint8_t out[THEMIS_HELLO_LEN], const uint8_t pk[THEMIS_PK_LEN],
			const uint8_t sk[THEMIS_SK_LEN], const uint8_t net[THEMIS_ID_LEN],
			const uint8_t peer_id[THEMIS_ID_LEN], themis_hs_random *rnd);
/* A signed REPLY from the identity (pk, sk) to the HELLO hello, in the network the HELLO
 * names: 0, or -1 when hello is malformed or its ephemeral key is a low-order point. */
int themis_codec_reply(uint8_t out[THEMIS_REPLY_LEN], const uint8_t pk[THEMIS_PK_LEN],
		       const uint8_t sk[THEMIS_SK_LEN], const uint8_t *hello, size_t len,
		       themis_hs_random *rnd);
/* The nodes' AEAD (ChaCha20-Poly1305 with the counter as nonce): c gets mlen + 16 bytes. */
void themis_codec_aead_seal(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
			    size_t adlen, uint64_t ctr, const uint8_t key[32]);
/* The frame inside a PLAIN packet (in place: PLAIN is not encrypted): its length, or -1. */
int themis_codec_plain_frame(const uint8_t *pkt, size_t len, const uint8_t **frame);
/* Overwrites len bytes at p with zeros in a way the compiler keeps. */
void themis_codec_wipe(void *p, size_t len);

#endif
