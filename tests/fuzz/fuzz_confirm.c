/* fuzz_confirm.c: libFuzzer target for wire_confirm_decode. A decoded CONFIRM must re-encode
 * to the same 44 bytes and the decoder must agree with wire_packet_type (docs/protocol.md,
 * CONFIRM); any disagreement aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wire_confirm c;
	uint8_t out[CONFIRM_LEN];
	int type = wire_packet_type(data, size);

	if (wire_confirm_decode(&c, data, size) != 0) {
		if (type == PKT_CONFIRM)
			abort();
		return 0;
	}
	if (type != PKT_CONFIRM || size != CONFIRM_LEN)
		abort();
	wire_confirm_encode(out, &c);
	if (memcmp(out, data, CONFIRM_LEN) != 0)
		abort();
	return 0;
}
