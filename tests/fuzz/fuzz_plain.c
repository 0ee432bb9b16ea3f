/* fuzz_plain.c: libFuzzer target for wire_plain_decode. A decoded PLAIN packet must rebuild
 * byte for byte from its header fields and the frame slice, which must lie inside the input
 * (docs/protocol.md, PLAIN); any disagreement aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wire_plain pl;
	uint8_t out[PLAIN_MAX_LEN];
	int type = wire_packet_type(data, size);

	if (wire_plain_decode(&pl, data, size) != 0) {
		if (type == PKT_PLAIN)
			abort();
		return 0;
	}
	if (type != PKT_PLAIN || pl.frame != data + PLAIN_HDR_LEN ||
	    pl.framelen != size - PLAIN_HDR_LEN || pl.framelen < FRAME_HDR_LEN || size > sizeof out)
		abort();
	wire_plain_header(out, pl.id_sender, pl.ctr);
	memcpy(out + PLAIN_HDR_LEN, pl.frame, pl.framelen);
	if (memcmp(out, data, size) != 0)
		abort();
	return 0;
}
