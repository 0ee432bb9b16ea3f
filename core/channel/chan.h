/* chan.h: one secure session (docs/protocol.md, DATA): directional keys, the send counter, the
 * receive anti-replay window, and the limits after which the session must be rekeyed. It
 * seals and opens DATA packets; it never decides whom to talk to or when to rekey.
 */
#ifndef THEMIS_CHAN_H
#define THEMIS_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "hs.h"
#include "replay.h"
#include "themis.h"

/* Receivers never accept a counter at or above this; senders rekey well before it. */
#define CHAN_CTR_LIMIT (UINT64_C(1) << 62)

typedef struct chan_session {
	uint32_t local_idx;    /* our index: the peer puts it in DATA it sends us */
	uint32_t remote_idx;   /* the peer's index: we put it in DATA we send */
	uint8_t peer_id[32];
	hs_keys keys;
	uint64_t send_ctr;     /* next counter to use */
	replay_window rw;
	uint64_t created_ns;
} chan_session;

/* Takes the keys (the caller wipes its copy). Returns 0 or -1 (no memory for the window). */
int chan_init(chan_session *s, uint32_t local_idx, uint32_t remote_idx, const uint8_t peer_id[32],
	      const hs_keys *keys, uint32_t window, uint64_t now);
/* Wipes keys and frees the window. */
void chan_free(chan_session *s);

/* Seals frame into a DATA packet in out (cap >= DATA_HDR_LEN + flen + DATA_TAG_LEN) with the
 * next send counter. self_id and net complete the associated data. Returns the packet
 * length, or -1 when the frame is too large or the counter is exhausted. */
int chan_seal(chan_session *s, uint8_t *out, size_t cap, const uint8_t *frame, size_t flen,
	      const uint8_t self_id[32], const uint8_t net[32], themis_counters *cnt);

/* Opens a DATA packet d (decoded from pkt) addressed to this session into frame (cap >=
 * d->ctlen - DATA_TAG_LEN). Authenticates first, then checks and marks the counter: returns
 * the frame length, or -1 with *why naming the drop reason (BAD_MAC, REPLAY; MALFORMED when
 * cap is short); the window changes only on success. */
int chan_open(chan_session *s, const wire_data *d, const uint8_t *pkt, uint8_t *frame, size_t cap,
	      const uint8_t self_id[32], const uint8_t net[32], themis_counters *cnt,
	      themis_drop *why);

#endif
