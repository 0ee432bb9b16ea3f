/* fuzz_data.c: libFuzzer target for wire_data_decode (form only, no AEAD). A decoded DATA
 * packet must rebuild byte for byte from its header fields and the ciphertext slice, which
 * must lie inside the input (docs/protocol.md, DATA); any disagreement aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wire_data d;
	uint8_t out[DATA_MAX_LEN];
	int type = wire_packet_type(data, size);

	if (wire_data_decode(&d, data, size) != 0) {
		if (type == PKT_DATA)
			abort();
		return 0;
	}
	if (type != PKT_DATA || d.ct != data + DATA_HDR_LEN || d.ctlen != size - DATA_HDR_LEN ||
	    d.ctlen < FRAME_HDR_LEN + DATA_TAG_LEN || size > sizeof out)
		abort();
	wire_data_header(out, d.idx, d.ctr);
	memcpy(out + DATA_HDR_LEN, d.ct, d.ctlen);
	if (memcmp(out, data, size) != 0)
		abort();
	return 0;
}
