/* wire.c: byte-exact encoding and decoding of the THEMIS packet layer (docs/protocol.md, from
 * "Packet header" to "PLAIN") and of the frame header. Form only: it never does cryptography,
 * never casts a buffer to a struct, and reads every multi-byte integer with the be*_ helpers.
 */
#include "wire.h"

#include <string.h>

/* docs/protocol.md, Packet header: the type's length rule. Exact for the handshake messages,
 * bounded for DATA and PLAIN. */
static int length_ok(uint8_t type, size_t len)
{
	switch (type) {
	case PKT_HELLO:
		return len == HELLO_LEN;
	case PKT_REPLY:
		return len == REPLY_LEN;
	case PKT_CONFIRM:
		return len == CONFIRM_LEN;
	case PKT_DATA:
		return len >= DATA_MIN_LEN && len <= DATA_MAX_LEN;
	case PKT_PLAIN:
		return len >= PLAIN_MIN_LEN && len <= PLAIN_MAX_LEN;
	default:
		return 0;
	}
}

int wire_packet_type(const uint8_t *p, size_t len)
{
	/* docs/protocol.md, Packet header: version, then the reserved bytes, then a known type with
	 * its length; all before any cryptographic work. */
	if (p == NULL || len < WIRE_HDR_LEN)
		return -1;
	if (p[0] != WIRE_VERSION || p[2] != 0 || p[3] != 0)
		return -1;
	if (!length_ok(p[1], len))
		return -1;
	return p[1];
}

/* A decoder may be called without wire_packet_type first, so each re-checks the header
 * and length for its own type. */
static int form_ok(const uint8_t *p, size_t len, uint8_t type)
{
	return wire_packet_type(p, len) == type;
}

static void put_header(uint8_t *out, uint8_t type)
{
	out[0] = WIRE_VERSION;
	out[1] = type;
	out[2] = 0;
	out[3] = 0;
}

/* HELLO offsets (docs/protocol.md, HELLO). */
enum {
	HELLO_IDX_OFF = 4,
	HELLO_NET_OFF = 8,
	HELLO_PK_OFF = 40,
	HELLO_E_OFF = 72,
	HELLO_N_OFF = 104,
	HELLO_IDB_OFF = 136,
};

void wire_hello_encode(uint8_t out[HELLO_LEN], const wire_hello *h)
{
	put_header(out, PKT_HELLO);
	be32_put(out + HELLO_IDX_OFF, h->idx_a);
	memcpy(out + HELLO_NET_OFF, h->net, 32);
	memcpy(out + HELLO_PK_OFF, h->pk_a, 32);
	memcpy(out + HELLO_E_OFF, h->e_a, 32);
	memcpy(out + HELLO_N_OFF, h->n_a, 32);
	memcpy(out + HELLO_IDB_OFF, h->id_b, 32);
	memset(out + HELLO_PAD_OFF, 0, HELLO_PAD_LEN);
	memcpy(out + HELLO_SIG_OFF, h->sig, 64);
}

int wire_hello_decode(wire_hello *h, const uint8_t *p, size_t len)
{
	uint8_t pad = 0;

	if (!form_ok(p, len, PKT_HELLO))
		return -1;
	/* The padding is signed, but it must also be zero so that it cannot become a covert
	 * or future-confused field (docs/protocol.md, HELLO: "must be 0"). */
	for (size_t i = 0; i < HELLO_PAD_LEN; i++)
		pad |= p[HELLO_PAD_OFF + i];
	if (pad != 0)
		return -1;
	h->idx_a = be32_get(p + HELLO_IDX_OFF);
	memcpy(h->net, p + HELLO_NET_OFF, 32);
	memcpy(h->pk_a, p + HELLO_PK_OFF, 32);
	memcpy(h->e_a, p + HELLO_E_OFF, 32);
	memcpy(h->n_a, p + HELLO_N_OFF, 32);
	memcpy(h->id_b, p + HELLO_IDB_OFF, 32);
	memcpy(h->sig, p + HELLO_SIG_OFF, 64);
	return 0;
}

/* REPLY offsets (docs/protocol.md, REPLY). */
enum {
	REPLY_IDXB_OFF = 4,
	REPLY_IDXA_OFF = 8,
	REPLY_PK_OFF = 12,
	REPLY_E_OFF = 44,
	REPLY_N_OFF = 76,
	REPLY_IDA_OFF = 108,
};

void wire_reply_encode(uint8_t out[REPLY_LEN], const wire_reply *r)
{
	put_header(out, PKT_REPLY);
	be32_put(out + REPLY_IDXB_OFF, r->idx_b);
	be32_put(out + REPLY_IDXA_OFF, r->idx_a);
	memcpy(out + REPLY_PK_OFF, r->pk_b, 32);
	memcpy(out + REPLY_E_OFF, r->e_b, 32);
	memcpy(out + REPLY_N_OFF, r->n_b, 32);
	memcpy(out + REPLY_IDA_OFF, r->id_a, 32);
	memcpy(out + REPLY_SIG_OFF, r->sig, 64);
	memcpy(out + REPLY_CONF_OFF, r->conf, 32);
}

int wire_reply_decode(wire_reply *r, const uint8_t *p, size_t len)
{
	if (!form_ok(p, len, PKT_REPLY))
		return -1;
	r->idx_b = be32_get(p + REPLY_IDXB_OFF);
	r->idx_a = be32_get(p + REPLY_IDXA_OFF);
	memcpy(r->pk_b, p + REPLY_PK_OFF, 32);
	memcpy(r->e_b, p + REPLY_E_OFF, 32);
	memcpy(r->n_b, p + REPLY_N_OFF, 32);
	memcpy(r->id_a, p + REPLY_IDA_OFF, 32);
	memcpy(r->sig, p + REPLY_SIG_OFF, 64);
	memcpy(r->conf, p + REPLY_CONF_OFF, 32);
	return 0;
}

/* CONFIRM offsets (docs/protocol.md, CONFIRM). */
enum {
	CONFIRM_IDXA_OFF = 4,
	CONFIRM_IDXB_OFF = 8,
	CONFIRM_CONF_OFF = 12,
};

void wire_confirm_encode(uint8_t out[CONFIRM_LEN], const wire_confirm *c)
{
	put_header(out, PKT_CONFIRM);
	be32_put(out + CONFIRM_IDXA_OFF, c->idx_a);
	be32_put(out + CONFIRM_IDXB_OFF, c->idx_b);
	memcpy(out + CONFIRM_CONF_OFF, c->conf, 32);
}

int wire_confirm_decode(wire_confirm *c, const uint8_t *p, size_t len)
{
	if (!form_ok(p, len, PKT_CONFIRM))
		return -1;
	c->idx_a = be32_get(p + CONFIRM_IDXA_OFF);
	c->idx_b = be32_get(p + CONFIRM_IDXB_OFF);
	memcpy(c->conf, p + CONFIRM_CONF_OFF, 32);
	return 0;
}

/* DATA offsets (docs/protocol.md, DATA); bytes[0..16) are also the start of the AEAD's AD. */
enum {
	DATA_IDX_OFF = 4,
	DATA_CTR_OFF = 8,
};

void wire_data_header(uint8_t out[DATA_HDR_LEN], uint32_t idx, uint64_t ctr)
{
	put_header(out, PKT_DATA);
	be32_put(out + DATA_IDX_OFF, idx);
	be64_put(out + DATA_CTR_OFF, ctr);
}

int wire_data_decode(wire_data *d, const uint8_t *p, size_t len)
{
	if (!form_ok(p, len, PKT_DATA))
		return -1;
	d->idx = be32_get(p + DATA_IDX_OFF);
	d->ctr = be64_get(p + DATA_CTR_OFF);
	d->ct = p + DATA_HDR_LEN;
	d->ctlen = len - DATA_HDR_LEN;
	return 0;
}

/* PLAIN offsets (docs/protocol.md, PLAIN). */
enum {
	PLAIN_ID_OFF = 4,
	PLAIN_CTR_OFF = 36,
};

void wire_plain_header(uint8_t out[PLAIN_HDR_LEN], const uint8_t id_sender[32], uint64_t ctr)
{
	put_header(out, PKT_PLAIN);
	memcpy(out + PLAIN_ID_OFF, id_sender, 32);
	be64_put(out + PLAIN_CTR_OFF, ctr);
}

int wire_plain_decode(wire_plain *pl, const uint8_t *p, size_t len)
{
	if (!form_ok(p, len, PKT_PLAIN))
		return -1;
	memcpy(pl->id_sender, p + PLAIN_ID_OFF, 32);
	pl->ctr = be64_get(p + PLAIN_CTR_OFF);
	pl->frame = p + PLAIN_HDR_LEN;
	pl->framelen = len - PLAIN_HDR_LEN;
	return 0;
}

/* Frame: type (1) || req_id (8) || body (docs/protocol.md, DATA). */
void wire_frame_header(uint8_t out[FRAME_HDR_LEN], uint8_t type, uint64_t req_id)
{
	out[0] = type;
	be64_put(out + 1, req_id);
}

int wire_frame_decode(wire_frame *f, const uint8_t *p, size_t len)
{
	/* A frame comes out of a DATA or PLAIN packet, so it is never longer than the largest
	 * one either can carry; the type byte belongs to the upper layer, which checks it. */
	if (p == NULL || len < FRAME_HDR_LEN || len > FRAME_MAX_LEN)
		return -1;
	f->type = p[0];
	f->req_id = be64_get(p + 1);
	f->body = p + FRAME_HDR_LEN;
	f->bodylen = len - FRAME_HDR_LEN;
	return 0;
}
