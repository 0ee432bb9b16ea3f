/* peek.h: what a DATA or PLAIN packet carries, for the --trace lines only (peek.c): the DHT
 * message inside (FIND, FIND_R, JOIN, UPDATE, STORE, ...) so a reader can follow Chord in the
 * trace. Nothing here is hashed, and nothing in a node changes when its packets are read.
 */
#ifndef SIM_PEEK_H
#define SIM_PEEK_H

#include <stddef.h>
#include <stdint.h>

#include "themis.h"

/* Names a node id ("n7"); writes nothing and returns -1 for an id no simulated node has. */
typedef int (*sim_peek_name_fn)(void *ctx, const uint8_t id[THEMIS_ID_LEN], char *out, size_t n);

/* The frame inside a DATA packet addressed to node rx, opened on a copy with the keys of rx's
 * session named by the packet's idx: its length, or -1 when rx has no such session or the
 * packet does not authenticate (a forgery, a tampered copy). rx's replay window, counters and
 * every other field are only read. */
int sim_peek_data(const themis_node *rx, const uint8_t *pkt, size_t len, uint8_t *frame, size_t cap);
/* The frame inside a PLAIN packet (in place: PLAIN is not encrypted): its length, or -1. */
int sim_peek_plain(const uint8_t *pkt, size_t len, const uint8_t **frame);

/* One-line description of a frame: "FIND req=00a1b2 target=0x4d", "FIND_R req=00a1b2 NEXT
 * nodes: n3 n9", "STORE_R req=3c4d5e OK" (req: the request id's low 24 bits, in hex). m: the
 * ring's bits (positions print as --positions prints them). */
void sim_frame_describe(char *out, size_t n, const uint8_t *frame, size_t flen, unsigned m,
			sim_peek_name_fn name, void *ctx);

#endif
