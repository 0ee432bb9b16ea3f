/* fuzz_hello.c: libFuzzer target for wire_hello_decode. A decoded HELLO must re-encode to the
 * same 256 bytes, and the decoder must agree with wire_packet_type (docs/protocol.md, HELLO);
 * any disagreement aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wire_hello h;
	uint8_t out[HELLO_LEN];
	int type = wire_packet_type(data, size);

	if (wire_hello_decode(&h, data, size) != 0) {
		/* Beyond the header and length, only non-zero padding may make it fail. */
		if (type == PKT_HELLO) {
			uint8_t pad = 0;
			for (size_t i = 0; i < HELLO_PAD_LEN; i++)
				pad |= data[HELLO_PAD_OFF + i];
			if (pad == 0)
				abort();
		}
		return 0;
	}
	if (type != PKT_HELLO || size != HELLO_LEN)
		abort();
	wire_hello_encode(out, &h);
	if (memcmp(out, data, HELLO_LEN) != 0)
		abort();
	return 0;
}
