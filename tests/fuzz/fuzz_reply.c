/* fuzz_reply.c: libFuzzer target for wire_reply_decode. A decoded REPLY must re-encode to the
 * same 236 bytes and the decoder must agree with wire_packet_type (docs/protocol.md, REPLY);
 * any disagreement aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wire_reply r;
	uint8_t out[REPLY_LEN];
	int type = wire_packet_type(data, size);

	if (wire_reply_decode(&r, data, size) != 0) {
		if (type == PKT_REPLY)
			abort();
		return 0;
	}
	if (type != PKT_REPLY || size != REPLY_LEN)
		abort();
	wire_reply_encode(out, &r);
	if (memcmp(out, data, REPLY_LEN) != 0)
		abort();
	return 0;
}
