/* msg.h: upper-layer frame types (the first byte of a frame, PROTOCOL.md "Frame"). A request
 * type has the high bit clear; its response is the same type with the high bit set. The
 * bodies are specified byte for byte in docs/protocol.md.
 */
#ifndef THEMIS_MSG_H
#define THEMIS_MSG_H

enum {
	MSG_RESPONSE = 0x80,
	MSG_PING = 0x01,
	MSG_PONG = MSG_PING | MSG_RESPONSE,
};

#endif
