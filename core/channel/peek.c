/* peek.c: what a DATA or PLAIN packet carries, opened for an observer (the simulator's
 * --trace) without touching the node: a DATA packet is opened on a copy, with the keys of the
 * receiving node's session, through the bare AEAD (cr_aead_open), so the session's replay
 * window, the node's counters and the CPU model never see it.
 */
#include <string.h>

#include "crypto.h"
#include "node.h"
#include "themis_codec.h"
#include "themis_sim.h"
#include "wire.h"

_Static_assert((int)THEMIS_FRAME_HDR_LEN == (int)FRAME_HDR_LEN, "themis_codec.h's frame header is wire.h's");

int themis_node_peek_data(const themis_node *rx, const uint8_t *pkt, size_t len, uint8_t *frame, size_t cap)
{
	wire_data d;
	if (!rx || wire_data_decode(&d, pkt, len) != 0)
		return -1;
	uint32_t i = d.idx & SLOT_MASK;
	if (i >= rx->nslots_alloc)
		return -1;
	const slot *s = rx->slots[i];
	if (!s || s->idx != d.idx || (s->state != SLOT_LIVE && s->state != SLOT_HALFOPEN))
		return -1;
	size_t flen = d.ctlen - DATA_TAG_LEN;
	if (flen > cap)
		return -1;
	/* the AD of docs/protocol.md, DATA: bytes[0..16) || id_sender || id_receiver || net */
	uint8_t ad[DATA_HDR_LEN + 3 * THEMIS_ID_LEN];
	memcpy(ad, pkt, DATA_HDR_LEN);
	memcpy(ad + DATA_HDR_LEN, s->sess.peer_id, THEMIS_ID_LEN);
	memcpy(ad + DATA_HDR_LEN + THEMIS_ID_LEN, rx->self.id, THEMIS_ID_LEN);
	memcpy(ad + DATA_HDR_LEN + 2 * THEMIS_ID_LEN, rx->self.net, THEMIS_ID_LEN);
	if (cr_aead_open(frame, d.ct, d.ctlen, ad, sizeof ad, d.ctr, s->sess.keys.k_recv) != 0)
		return -1;
	return (int)flen;
}

int themis_codec_plain_frame(const uint8_t *pkt, size_t len, const uint8_t **frame)
{
	wire_plain pl;
	if (wire_plain_decode(&pl, pkt, len) != 0)
		return -1;
	*frame = pl.frame;
	return (int)pl.framelen;
}
