/* codec.c: themis_codec.h over the channel's own handshake and AEAD (hs.c, wire.c, aead.c), for
 * programs that build packets without being a node (the simulator's adversary and CPU model).
 */
#include <string.h>

#include "crypto.h"
#include "hs.h"
#include "themis_codec.h"
#include "wire.h"

_Static_assert((int)THEMIS_HELLO_LEN == (int)HELLO_LEN, "themis_codec.h's HELLO length is wire.h's");
_Static_assert((int)THEMIS_REPLY_LEN == (int)REPLY_LEN, "themis_codec.h's REPLY length is wire.h's");
_Static_assert((int)THEMIS_SK_LEN == (int)CR_SK_LEN, "themis_codec.h's secret key length is crypto.h's");

void themis_codec_keypair(const uint8_t seed[THEMIS_SEED_LEN], uint8_t pk[THEMIS_PK_LEN],
			  uint8_t sk[THEMIS_SK_LEN])
{
	cr_sign_keypair(pk, sk, seed);
}

int themis_codec_hello_decode(const uint8_t *pkt, size_t len, themis_hello_info *out)
{
	wire_hello h;

	if (wire_hello_decode(&h, pkt, len) != 0)
		return -1;
	out->idx_a = h.idx_a;
	memcpy(out->net, h.net, sizeof out->net);
	memcpy(out->id_b, h.id_b, sizeof out->id_b);
	memcpy(out->pk_a, h.pk_a, sizeof out->pk_a);
	return 0;
}

/* The handshake's view of an identity in network net. */
static void self_of(hs_self *self, const uint8_t pk[THEMIS_PK_LEN], const uint8_t sk[THEMIS_SK_LEN],
		    const uint8_t net[THEMIS_ID_LEN])
{
	memcpy(self->pk, pk, sizeof self->pk);
	memcpy(self->sk, sk, sizeof self->sk);
	memcpy(self->net, net, sizeof self->net);
	themis_id_from_pk(pk, net, self->id);
}

static void random_of(hs_random *r, themis_hs_random *rnd)
{
	r->idx = rnd->idx;
	memcpy(r->e_sec, rnd->e_sec, sizeof r->e_sec);
	memcpy(r->nonce, rnd->nonce, sizeof r->nonce);
	cr_wipe(rnd->e_sec, sizeof rnd->e_sec);
}

void themis_codec_hello(uint8_t out[THEMIS_HELLO_LEN], const uint8_t pk[THEMIS_PK_LEN],
			const uint8_t sk[THEMIS_SK_LEN], const uint8_t net[THEMIS_ID_LEN],
			const uint8_t peer_id[THEMIS_ID_LEN], themis_hs_random *rnd)
{
	hs_self self;
	hs_initiator st;
	hs_random r;
	themis_counters scratch;   /* the cost counters of a node: none here */

	memset(&scratch, 0, sizeof scratch);
	self_of(&self, pk, sk, net);
	random_of(&r, rnd);
	hs_create_hello(&st, out, &self, peer_id, &r, &scratch);
	hs_initiator_wipe(&st);
	cr_wipe(&self, sizeof self);
}

int themis_codec_reply(uint8_t out[THEMIS_REPLY_LEN], const uint8_t pk[THEMIS_PK_LEN],
		       const uint8_t sk[THEMIS_SK_LEN], const uint8_t *hello, size_t len,
		       themis_hs_random *rnd)
{
	wire_hello h;
	hs_self self;
	hs_responder st;
	hs_random r;
	themis_counters scratch;
	themis_drop why;
	uint8_t id_a[THEMIS_ID_LEN];
	int rc;

	random_of(&r, rnd);
	if (wire_hello_decode(&h, hello, len) != 0) {
		cr_wipe(&r, sizeof r);
		return -1;
	}
	memset(&scratch, 0, sizeof scratch);
	themis_id_from_pk(h.pk_a, h.net, id_a);
	self_of(&self, pk, sk, h.net);
	rc = hs_create_reply(&st, out, &self, hello, &h, id_a, &r, &scratch, &why);
	hs_responder_wipe(&st);
	cr_wipe(&self, sizeof self);
	return rc;
}

void themis_codec_aead_seal(uint8_t *c, const uint8_t *m, size_t mlen, const uint8_t *ad,
			    size_t adlen, uint64_t ctr, const uint8_t key[32])
{
	cr_aead_seal(c, m, mlen, ad, adlen, ctr, key);
}

void themis_codec_wipe(void *p, size_t len)
{
	cr_wipe(p, len);
}
