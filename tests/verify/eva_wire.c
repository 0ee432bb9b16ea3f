/* eva_wire.c: a driver for Frama-C's value analysis (EVA) of core/channel/wire.c. Every packet and
 * frame decoder gets arbitrary bytes of every length up to a little more than the largest
 * datagram; a packet that decodes is encoded again. EVA then proves (or raises an alarm
 * for) the absence of run-time errors: out-of-bounds accesses, uninitialized reads,
 * overflows, invalid shifts, for every content and length at once. Not compiled by make:
 * only frama-c reads it (tests/verify/eva.sh). */
#include "__fc_builtin.h"
#include "wire.h"

enum { MAXLEN = DATA_MAX_LEN + 64 };

static uint8_t pkt[MAXLEN];

int main(void)
{
	size_t len = Frama_C_size_t_interval(0, MAXLEN);
	uint8_t out_hello[HELLO_LEN], out_reply[REPLY_LEN], out_confirm[CONFIRM_LEN];
	uint8_t hdr[DATA_HDR_LEN], phdr[PLAIN_HDR_LEN], fhdr[FRAME_HDR_LEN];
	wire_hello h;
	wire_reply r;
	wire_confirm c;
	wire_data d;
	wire_plain pl;
	wire_frame f;

	Frama_C_make_unknown((char *)pkt, MAXLEN);
	(void)wire_packet_type(pkt, len);
	if (wire_hello_decode(&h, pkt, len) == 0)
		wire_hello_encode(out_hello, &h);
	if (wire_reply_decode(&r, pkt, len) == 0)
		wire_reply_encode(out_reply, &r);
	if (wire_confirm_decode(&c, pkt, len) == 0)
		wire_confirm_encode(out_confirm, &c);
	if (wire_data_decode(&d, pkt, len) == 0) {
		wire_data_header(hdr, d.idx, d.ctr);
		/* the ciphertext lies inside the packet */
		if (d.ctlen)
			(void)d.ct[d.ctlen - 1];
	}
	if (wire_plain_decode(&pl, pkt, len) == 0) {
		wire_plain_header(phdr, pl.id_sender, pl.ctr);
		if (wire_frame_decode(&f, pl.frame, pl.framelen) == 0) {
			wire_frame_header(fhdr, f.type, f.req_id);
			if (f.bodylen)
				(void)f.body[f.bodylen - 1];
		}
	}
	if (wire_frame_decode(&f, pkt, len) == 0) {
		wire_frame_header(fhdr, f.type, f.req_id);
		if (f.bodylen)
			(void)f.body[f.bodylen - 1];
	}
	return 0;
}
