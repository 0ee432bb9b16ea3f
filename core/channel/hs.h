/* hs.h: the 3-message authenticated key agreement (docs/protocol.md: HELLO, REPLY, CONFIRM, Key
 * schedule) as paired create/consume functions over plain state structs. It knows nothing of
 * peers, tables, timers or randomness: the caller supplies every random input and decides
 * what to remember. Replay caches, rate limits and the half-open table live in the node.
 */
#ifndef THEMIS_HS_H
#define THEMIS_HS_H

#include <stdint.h>

#include "themis.h"
#include "wire.h"

/* The node's own long-term identity, as the handshake needs it. */
typedef struct hs_self {
	uint8_t pk[32];
	uint8_t sk[64];
	uint8_t id[32];
	uint8_t net[32];
} hs_self;

/* Random inputs of one handshake message, supplied by the caller. */
typedef struct hs_random {
	uint32_t idx;        /* idx_a for HELLO, idx_b for REPLY */
	uint8_t e_sec[32];   /* ephemeral X25519 secret (wiped by the callee) */
	uint8_t nonce[32];   /* N_A or N_B */
} hs_random;

/* Session keys, from the point of view of their owner. */
typedef struct hs_keys {
	uint8_t k_send[32];
	uint8_t k_recv[32];
} hs_keys;

/* A's state between HELLO and REPLY. */
typedef struct hs_initiator {
	uint32_t idx_a;
	uint8_t peer_id[32];       /* the id A asked for */
	uint8_t e_sec[32];
	uint8_t hello[HELLO_LEN];  /* A's own copy: th and sig_B are checked against it */
} hs_initiator;

/* B's state between REPLY and CONFIRM (a half-open handshake), already holding the keys. */
typedef struct hs_responder {
	uint32_t idx_a, idx_b;
	uint8_t peer_id[32];
	uint8_t conf_a[32];        /* the conf_A that A must send (a tag, not a key) */
	hs_keys keys;
} hs_responder;

/* The checks below return 0, or -1 with *why naming the drop reason (the core's one
 * convention for input that is dropped: the caller counts *why). */

/* A: builds HELLO for peer_id into out and fills st. Wipes rnd->e_sec after copying it. */
void hs_create_hello(hs_initiator *st, uint8_t out[HELLO_LEN], const hs_self *self,
		     const uint8_t peer_id[32], hs_random *rnd, themis_counters *cnt);

/* B, cheap checks (no cryptography): form, network, recipient, reflection. Returns 0 or
 * -1 (*why: MALFORMED, WRONG_NETWORK, WRONG_RECIPIENT). */
int hs_check_hello(const hs_self *self, const uint8_t *pkt, size_t len, wire_hello *h,
		   themis_drop *why);
/* B, the expensive check: derives id_a and verifies sig_A. Returns 0 or -1 (*why: BAD_SIG). */
int hs_verify_hello(const hs_self *self, const uint8_t pkt[HELLO_LEN], const wire_hello *h,
		    uint8_t id_a[32], themis_counters *cnt, themis_drop *why);
/* B: builds REPLY into out and fills st with the session keys. Returns 0 or -1 (*why:
 * BAD_KEY) when E_A is a low-order point. Wipes rnd->e_sec, dh and prk. */
int hs_create_reply(hs_responder *st, uint8_t out[REPLY_LEN], const hs_self *self,
		    const uint8_t hello[HELLO_LEN], const wire_hello *h, const uint8_t id_a[32],
		    hs_random *rnd, themis_counters *cnt, themis_drop *why);

/* A: checks REPLY r (decoded from pkt) against st; on success fills keys and CONFIRM and
 * returns 0 (the caller then forgets st). Otherwise -1, *why: WRONG_RECIPIENT, BAD_KEY (PK_B
 * does not hash to the id asked for, or low-order E_B), BAD_SIG, BAD_MAC (conf_B). st is
 * unchanged. */
int hs_consume_reply(const hs_initiator *st, const hs_self *self, const uint8_t pkt[REPLY_LEN],
		     const wire_reply *r, hs_keys *keys, uint8_t confirm[CONFIRM_LEN],
		     themis_counters *cnt, themis_drop *why);

/* B: 0 when conf_A verifies (constant time), -1 otherwise (*why: BAD_MAC). */
int hs_consume_confirm(const hs_responder *st, const wire_confirm *c, themis_drop *why);

/* Wipes and zeroes a state. */
void hs_initiator_wipe(hs_initiator *st);
void hs_responder_wipe(hs_responder *st);

#endif
