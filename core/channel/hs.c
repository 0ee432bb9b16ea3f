/* hs.c: the authenticated key agreement of docs/protocol.md (HELLO, REPLY, CONFIRM, Key schedule),
 * paired create/consume per message. Verifies into locals and only then writes the caller's
 * state; every ephemeral secret, dh and prk is wiped on every path (single exit per function).
 */
#include <string.h>

#include "crypto.h"
#include "hs.h"

static const char LBL_M1[] = "THEMIS-v1 m1";
static const char LBL_M2[] = "THEMIS-v1 m2";
static const char LBL_ID[] = "THEMIS-v1 id";
static const char LBL_KDF[] = "THEMIS-v1 kdf";
static const char LBL_CONF_A[] = "THEMIS-v1 confirm-A";
static const char LBL_CONF_B[] = "THEMIS-v1 confirm-B";

#define LBL(s) { s, sizeof(s) - 1 }

/* Key-schedule output for both roles before they are sorted into send/receive. */
typedef struct schedule {
	uint8_t k_cb[32], k_ca[32], k_ab[32], k_ba[32];
} schedule;

static void id_of(uint8_t id[32], const uint8_t pk[32], const uint8_t net[32], themis_counters *cnt)
{
	cr_buf parts[] = { LBL(LBL_ID), { pk, 32 }, { net, 32 } };
	cr_hashv(id, NULL, parts, 3);
	cnt->cpu_hash++;
}

/* th = H(HELLO || REPLY[0..140)) */
static void transcript(uint8_t th[32], const uint8_t hello[HELLO_LEN], const uint8_t *reply_head,
		       themis_counters *cnt)
{
	cr_buf parts[] = { { hello, HELLO_LEN }, { reply_head, REPLY_TH_LEN } };
	cr_hashv(th, NULL, parts, 2);
	cnt->cpu_hash++;
}

/* dh -> prk -> four keys; dh and prk are wiped here (docs/protocol.md, Key schedule). */
static int key_schedule(schedule *ks, const uint8_t e_sec[32], const uint8_t e_peer[32],
			const uint8_t th[32], themis_counters *cnt)
{
	uint8_t dh[32], prk[32];
	int rc = -1;

	cnt->cpu_dh++;
	if (cr_dh(dh, e_sec, e_peer) != 0)
		goto out;
	cr_buf parts[] = { LBL(LBL_KDF), { th, 32 } };
	cr_hashv(prk, dh, parts, 2);
	cr_kdf(ks->k_cb, 1, prk);
	cr_kdf(ks->k_ca, 2, prk);
	cr_kdf(ks->k_ab, 3, prk);
	cr_kdf(ks->k_ba, 4, prk);
	cnt->cpu_hash += 5;
	rc = 0;
out:
	cr_wipe(dh, sizeof dh);
	cr_wipe(prk, sizeof prk);
	return rc;
}

static void confirm_tag(uint8_t tag[32], const uint8_t key[32], const char *label, size_t llen,
			const uint8_t th[32], themis_counters *cnt)
{
	cr_buf parts[] = { { label, llen }, { th, 32 } };
	cr_hashv(tag, key, parts, 2);
	cnt->cpu_hash++;
}

void hs_create_hello(hs_initiator *st, uint8_t out[HELLO_LEN], const hs_self *self,
		     const uint8_t peer_id[32], hs_random *rnd, themis_counters *cnt)
{
	wire_hello h;

	memset(&h, 0, sizeof h);
	h.idx_a = rnd->idx;
	memcpy(h.net, self->net, 32);
	memcpy(h.pk_a, self->pk, 32);
	cr_dh_public(h.e_a, rnd->e_sec);
	cnt->cpu_keygen++;
	memcpy(h.n_a, rnd->nonce, 32);
	memcpy(h.id_b, peer_id, 32);
	wire_hello_encode(out, &h);

	cr_buf parts[] = { LBL(LBL_M1), { out, HELLO_SIGNED_LEN } };
	cr_signv(out + HELLO_SIG_OFF, parts, 2, self->sk);
	cnt->cpu_sign++;

	st->idx_a = rnd->idx;
	memcpy(st->peer_id, peer_id, 32);
	memcpy(st->e_sec, rnd->e_sec, 32);
	memcpy(st->hello, out, HELLO_LEN);
	cr_wipe(rnd->e_sec, sizeof rnd->e_sec);
}

/* The convention of hs.h: -1, with the reason in *why. */
static int drop(themis_drop *why, themis_drop reason)
{
	*why = reason;
	return -1;
}

int hs_check_hello(const hs_self *self, const uint8_t *pkt, size_t len, wire_hello *h,
		   themis_drop *why)
{
	if (wire_hello_decode(h, pkt, len) != 0)
		return drop(why, THEMIS_DROP_MALFORMED);
	if (memcmp(h->net, self->net, 32) != 0)
		return drop(why, THEMIS_DROP_WRONG_NETWORK);
	if (memcmp(h->id_b, self->id, 32) != 0)
		return drop(why, THEMIS_DROP_WRONG_RECIPIENT);
	/* Our own HELLO reflected back (or a HELLO from our key): nobody talks to itself. */
	if (memcmp(h->pk_a, self->pk, 32) == 0)
		return drop(why, THEMIS_DROP_WRONG_RECIPIENT);
	return 0;
}

int hs_verify_hello(const hs_self *self, const uint8_t pkt[HELLO_LEN], const wire_hello *h,
		    uint8_t id_a[32], themis_counters *cnt, themis_drop *why)
{
	id_of(id_a, h->pk_a, self->net, cnt);
	cr_buf parts[] = { LBL(LBL_M1), { pkt, HELLO_SIGNED_LEN } };
	cnt->cpu_verify++;
	if (cr_verifyv(h->sig, parts, 2, h->pk_a) != 0)
		return drop(why, THEMIS_DROP_BAD_SIG);
	return 0;
}

int hs_create_reply(hs_responder *st, uint8_t out[REPLY_LEN], const hs_self *self,
		    const uint8_t hello[HELLO_LEN], const wire_hello *h, const uint8_t id_a[32],
		    hs_random *rnd, themis_counters *cnt, themis_drop *why)
{
	wire_reply r;
	schedule ks;
	uint8_t th[32];
	int rc = -1;

	memset(&r, 0, sizeof r);
	r.idx_b = rnd->idx;
	r.idx_a = h->idx_a;
	memcpy(r.pk_b, self->pk, 32);
	cr_dh_public(r.e_b, rnd->e_sec);
	cnt->cpu_keygen++;
	memcpy(r.n_b, rnd->nonce, 32);
	memcpy(r.id_a, id_a, 32);
	wire_reply_encode(out, &r);   /* sig and conf are filled below, over this head */

	transcript(th, hello, out, cnt);
	if (key_schedule(&ks, rnd->e_sec, h->e_a, th, cnt) != 0) {
		*why = THEMIS_DROP_BAD_KEY;
		goto out;
	}

	cr_buf parts[] = { LBL(LBL_M2), { th, 32 } };
	cr_signv(out + REPLY_SIG_OFF, parts, 2, self->sk);
	cnt->cpu_sign++;
	confirm_tag(out + REPLY_CONF_OFF, ks.k_cb, LBL_CONF_B, sizeof LBL_CONF_B - 1, th, cnt);
	/* Keep only the tag A must answer with: k_cA and th are not needed any more. */
	confirm_tag(st->conf_a, ks.k_ca, LBL_CONF_A, sizeof LBL_CONF_A - 1, th, cnt);

	st->idx_a = h->idx_a;
	st->idx_b = rnd->idx;
	memcpy(st->peer_id, id_a, 32);
	memcpy(st->keys.k_send, ks.k_ba, 32);
	memcpy(st->keys.k_recv, ks.k_ab, 32);
	rc = 0;
out:
	cr_wipe(&ks, sizeof ks);
	cr_wipe(rnd->e_sec, sizeof rnd->e_sec);
	return rc;
}

int hs_consume_reply(const hs_initiator *st, const hs_self *self, const uint8_t pkt[REPLY_LEN],
		     const wire_reply *r, hs_keys *keys, uint8_t confirm[CONFIRM_LEN],
		     themis_counters *cnt, themis_drop *why)
{
	uint8_t id_b[32], th[32], tag[32];
	schedule ks;
	int rc;

	memset(&ks, 0, sizeof ks);
	if (r->idx_a != st->idx_a || memcmp(r->id_a, self->id, 32) != 0) {
		rc = drop(why, THEMIS_DROP_WRONG_RECIPIENT);
		goto out;
	}
	/* The man in the middle check of the paper (section 5.1.1): PK_B must be the key of the
	 * identity A asked for. */
	id_of(id_b, r->pk_b, self->net, cnt);
	if (memcmp(id_b, st->peer_id, 32) != 0) {
		rc = drop(why, THEMIS_DROP_BAD_KEY);
		goto out;
	}
	transcript(th, st->hello, pkt, cnt);
	cr_buf parts[] = { LBL(LBL_M2), { th, 32 } };
	cnt->cpu_verify++;
	if (cr_verifyv(r->sig, parts, 2, r->pk_b) != 0) {
		rc = drop(why, THEMIS_DROP_BAD_SIG);
		goto out;
	}
	if (key_schedule(&ks, st->e_sec, r->e_b, th, cnt) != 0) {
		rc = drop(why, THEMIS_DROP_BAD_KEY);
		goto out;
	}
	confirm_tag(tag, ks.k_cb, LBL_CONF_B, sizeof LBL_CONF_B - 1, th, cnt);
	if (!cr_equal(tag, r->conf, 32)) {
		rc = drop(why, THEMIS_DROP_BAD_MAC);
		goto out;
	}

	wire_confirm c;
	c.idx_a = st->idx_a;
	c.idx_b = r->idx_b;
	confirm_tag(c.conf, ks.k_ca, LBL_CONF_A, sizeof LBL_CONF_A - 1, th, cnt);
	wire_confirm_encode(confirm, &c);
	memcpy(keys->k_send, ks.k_ab, 32);
	memcpy(keys->k_recv, ks.k_ba, 32);
	rc = 0;
out:
	cr_wipe(&ks, sizeof ks);
	cr_wipe(tag, sizeof tag);
	return rc;
}

int hs_consume_confirm(const hs_responder *st, const wire_confirm *c, themis_drop *why)
{
	int ok = c->idx_a == st->idx_a && c->idx_b == st->idx_b && cr_equal(st->conf_a, c->conf, 32);
	return ok ? 0 : drop(why, THEMIS_DROP_BAD_MAC);
}

void hs_initiator_wipe(hs_initiator *st)
{
	cr_wipe(st, sizeof *st);
}

void hs_responder_wipe(hs_responder *st)
{
	cr_wipe(st, sizeof *st);
}
