/* chan.c: sealing and opening DATA packets for one session (docs/protocol.md, DATA). The nonce is
 * the sender's per-direction counter, never reused; the window moves only after the tag
 * verified (authenticate first, remember after).
 */
#include <string.h>

#include "chan.h"
#include "crypto.h"
#include "wire.h"

enum { AD_LEN = DATA_HDR_LEN + 32 + 32 + 32 };

/* AD = bytes[0..16) || id_sender || id_receiver || net */
static void make_ad(uint8_t ad[AD_LEN], const uint8_t *hdr, const uint8_t *sender,
		    const uint8_t *receiver, const uint8_t *net)
{
	memcpy(ad, hdr, DATA_HDR_LEN);
	memcpy(ad + DATA_HDR_LEN, sender, 32);
	memcpy(ad + DATA_HDR_LEN + 32, receiver, 32);
	memcpy(ad + DATA_HDR_LEN + 64, net, 32);
}

int chan_init(chan_session *s, uint32_t local_idx, uint32_t remote_idx, const uint8_t peer_id[32],
	      const hs_keys *keys, uint32_t window, uint64_t now)
{
	memset(s, 0, sizeof *s);
	if (replay_init(&s->rw, window, CHAN_CTR_LIMIT) != 0)
		return -1;
	s->local_idx = local_idx;
	s->remote_idx = remote_idx;
	memcpy(s->peer_id, peer_id, 32);
	s->keys = *keys;
	s->created_ns = now;
	return 0;
}

void chan_free(chan_session *s)
{
	replay_free(&s->rw);
	cr_wipe(s, sizeof *s);
}

int chan_seal(chan_session *s, uint8_t *out, size_t cap, const uint8_t *frame, size_t flen,
	      const uint8_t self_id[32], const uint8_t net[32], themis_counters *cnt)
{
	uint8_t ad[AD_LEN];
	size_t len = DATA_HDR_LEN + flen + DATA_TAG_LEN;

	if (flen < FRAME_HDR_LEN || flen > FRAME_MAX_LEN || len > cap)
		return -1;
	if (s->send_ctr >= CHAN_CTR_LIMIT)
		return -1;
	wire_data_header(out, s->remote_idx, s->send_ctr);
	make_ad(ad, out, self_id, s->peer_id, net);
	cr_aead_seal(out + DATA_HDR_LEN, frame, flen, ad, sizeof ad, s->send_ctr, s->keys.k_send);
	s->send_ctr++;
	cnt->cpu_aead++;
	cnt->cpu_aead_bytes += flen;
	return (int)len;
}

static int open_into(const chan_session *s, const wire_data *d, const uint8_t *pkt,
		     uint8_t *frame, const uint8_t self_id[32], const uint8_t net[32],
		     themis_counters *cnt)
{
	uint8_t ad[AD_LEN];

	make_ad(ad, pkt, s->peer_id, self_id, net);
	cnt->cpu_aead++;
	cnt->cpu_aead_bytes += d->ctlen - DATA_TAG_LEN;
	return cr_aead_open(frame, d->ct, d->ctlen, ad, sizeof ad, d->ctr, s->keys.k_recv);
}

int chan_open(chan_session *s, const wire_data *d, const uint8_t *pkt, uint8_t *frame, size_t cap,
	      const uint8_t self_id[32], const uint8_t net[32], themis_counters *cnt,
	      themis_drop *why)
{
	size_t flen = d->ctlen - DATA_TAG_LEN;

	if (cap < flen) {
		*why = THEMIS_DROP_MALFORMED;
		return -1;
	}
	/* docs/protocol.md, DATA: open the AEAD first, only then consult the window, so a forged
	 * counter can neither move the window nor be told apart from any other forgery. */
	if (open_into(s, d, pkt, frame, self_id, net, cnt) != 0) {
		*why = THEMIS_DROP_BAD_MAC;
		return -1;
	}
	if (!replay_check(&s->rw, d->ctr)) {
		cr_wipe(frame, flen);
		*why = THEMIS_DROP_REPLAY;
		return -1;
	}
	replay_mark(&s->rw, d->ctr);
	return (int)flen;
}
