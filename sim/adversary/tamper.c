/* tamper.c: flips one bit in a named field of a datagram in flight (docs/protocol.md offsets). It
 * owns the field map only; the modified datagram goes on in place of the original, and it
 * never fixes up a signature, tag or length afterwards.
 */
#include "adversary.h"
#include "advsim.h"

#include <string.h>

typedef struct field {
	const char *name;
	int type;               /* wire type the field belongs to */
	size_t off, len;        /* len 0: up to 16 bytes before the end (DATA ciphertext) */
	const char *action;
} field;

/* DATA: header 0..4, idx 4..8, ctr 8..16, ciphertext 16..len-16, tag len-16..len */
static const field fields[] = {
	{ "header", 4, 0, 4, "flip:header" },
	{ "idx", 4, 4, 4, "flip:idx" },
	{ "ctr", 4, 8, 8, "flip:ctr" },
	{ "ciphertext", 4, 16, 0, "flip:ciphertext" },
	{ "tag", 4, SIZE_MAX, 16, "flip:tag" },
	{ "header", 1, 0, 4, "flip:header" },
	{ "idx", 1, 4, 4, "flip:idx" },
	{ "pk", 1, 40, 32, "flip:pk" },
	{ "e", 1, 72, 32, "flip:e" },
	{ "nonce", 1, 104, 32, "flip:nonce" },
	{ "id", 1, 136, 32, "flip:id" },
	{ "sig", 1, 192, 64, "flip:sig" },
	{ "header", 2, 0, 4, "flip:header" },
	{ "idx", 2, 8, 4, "flip:idx" },
	{ "pk", 2, 12, 32, "flip:pk" },
	{ "e", 2, 44, 32, "flip:e" },
	{ "nonce", 2, 76, 32, "flip:nonce" },
	{ "id", 2, 108, 32, "flip:id" },
	{ "sig", 2, 140, 64, "flip:sig" },
	{ "conf", 2, 204, 32, "flip:conf" },
	{ "header", 3, 0, 4, "flip:header" },
	{ "idx", 3, 4, 8, "flip:idx" },
	{ "conf", 3, 12, 32, "flip:conf" },
};

/* field = auto: the field that carries each packet's authenticity */
static const char *auto_field(int type)
{
	switch (type) {
	case 1:
	case 2:
		return "sig";
	case 3:
		return "conf";
	default:
		return "tag";
	}
}

const char *adv_tamper(sim_adversary *a, sim_dgram *d)
{
	int type = sim_adv_packet_type(d->data, d->len);
	if (type < 1 || type > 4)
		return NULL;
	const char *want = strcmp(a->sc->adv_field, "auto") ? a->sc->adv_field : auto_field(type);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const field *f = &fields[i];
		if (f->type != type || strcmp(f->name, want))
			continue;
		size_t off = f->off, len = f->len;
		if (off == SIZE_MAX)
			off = d->len - 16; /* DATA's length bound keeps this inside the packet */
		if (len == 0)
			len = d->len - 16 - off;
		if (off + len > d->len || len == 0)
			return NULL;
		uint64_t bit = sim_rng_below(&a->rng, len * 8);
		d->data[off + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		return f->action;
	}
	return NULL;
}
