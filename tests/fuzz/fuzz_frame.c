/* fuzz_frame.c: libFuzzer target for wire_frame_decode (the plaintext inside DATA/PLAIN). A
 * decoded frame must rebuild byte for byte from type, req_id and the body slice, which must
 * lie inside the input (docs/protocol.md, DATA: Frame); any disagreement aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wire_frame f;
	uint8_t out[FRAME_MAX_LEN];
	int ok_len = size >= FRAME_HDR_LEN && size <= FRAME_MAX_LEN;

	if (wire_frame_decode(&f, data, size) != 0) {
		/* The length bounds are the only rule at this layer. */
		if (ok_len)
			abort();
		return 0;
	}
	if (!ok_len || f.body != data + FRAME_HDR_LEN || f.bodylen != size - FRAME_HDR_LEN)
		abort();
	wire_frame_header(out, f.type, f.req_id);
	memcpy(out + FRAME_HDR_LEN, f.body, f.bodylen);
	if (memcmp(out, data, size) != 0)
		abort();
	return 0;
}
