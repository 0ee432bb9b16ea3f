/* fuzz_msg.c: libFuzzer target for the upper-layer codec (core/dht/msg.c). The first input byte
 * picks a decoder and a ring size; whatever a decoder accepts must re-encode to exactly the
 * input bytes (one encoding per message, docs/protocol.md section 12), else abort.
 */
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { SEL_FIND, SEL_STORE, SEL_STATUS, SEL_LISTS, SEL_NODE, SEL_RECORD, SEL_COUNT };

/* Ring sizes in docs/protocol.md's range (whole-byte, part-byte, full width): no position is
 * decoded, so every one of them must accept and re-encode the same bytes. */
static const unsigned ring_sizes[] = { 256, 8, 13, 160 };

static void same(const uint8_t *a, const uint8_t *b, size_t n)
{
	if (memcmp(a, b, n) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[2 * FRAME_BODY_MAX];
	static msg_lists lists;
	const uint8_t *p;
	size_t len, nw;
	unsigned sel, ring_m;
	int n;

	if (size == 0)
		return 0;
	sel = data[0] % SEL_COUNT;
	ring_m = ring_sizes[(data[0] / SEL_COUNT) % (sizeof ring_sizes / sizeof ring_sizes[0])];
	p = data + 1;
	len = size - 1;

	switch (sel) {
	case SEL_FIND: {
		msg_find f;

		if (msg_find_decode(&f, p, len, ring_m) != 0)
			return 0;
		n = msg_find_encode(out, sizeof out, &f);
		if (n < 0 || (size_t)n != len)
			abort();
		same(out, p, len);
		break;
	}
	case SEL_STORE: {
		msg_store s;

		if (msg_store_decode(&s, p, len) != 0)
			return 0;
		if (s.rec.expires_at != 0)
			abort();
		n = msg_store_encode(out, sizeof out, &s);
		if (n < 0 || (size_t)n != len)
			abort();
		same(out, p, len);
		break;
	}
	case SEL_STATUS: {
		uint8_t st;

		if (msg_status_decode(&st, p, len) != 0)
			return 0;
		n = msg_status_encode(out, sizeof out, st);
		if (n != 1 || len != 1)
			abort();
		same(out, p, len);
		break;
	}
	case SEL_LISTS:
		if (msg_lists_decode(&lists, p, len, ring_m) != 0)
			return 0;
		/* A decoded body is at most FRAME_BODY_MAX, so nothing may be cut on re-encoding. */
		n = msg_lists_encode(out, sizeof out, &lists, &nw);
		if (n < 0 || (size_t)n != len || nw != lists.nrec)
			abort();
		same(out, p, len);
		break;
	case SEL_NODE: {
		ring_node rn;

		if (len != MSG_NODE_LEN || msg_node_get(&rn, p, ring_m) != 0)
			return 0;
		msg_node_put(out, &rn);
		same(out, p, len);
		break;
	}
	case SEL_RECORD: {
		store_record rec;
		int used = msg_record_get(&rec, p, len);

		if (used < 0)
			return 0;
		if ((size_t)used > len || msg_record_put(out, &rec) != (size_t)used)
			abort();
		same(out, p, (size_t)used);
		break;
	}
	default:
		abort();
	}
	return 0;
}
