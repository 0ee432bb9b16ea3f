/* msg.h: upper-layer frames (the body after type || req_id, docs/protocol.md "Frame"): the DHT
 * messages of the paper's section 6 (find, store, join, update, leave) and their answers,
 * encoded and decoded byte for byte as docs/protocol.md specifies. Every list is bounded;
 * a list that does not fit one frame is cut with a "more" flag, never sent oversized.
 * A request type has the high bit clear; its response is the same type with the bit set.
 */
#ifndef THEMIS_MSG_H
#define THEMIS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "store.h"
#include "wire.h"

enum {
	MSG_RESPONSE = 0x80,
	MSG_PING = 0x01,        /* empty                        -> PONG, empty */
	MSG_FIND = 0x02,        /* msg_find                     -> msg_lists (FIND_*) */
	MSG_STORE = 0x03,       /* msg_store                    -> status */
	MSG_JOIN = 0x04,        /* empty                        -> msg_lists (ST_*) */
	MSG_UPDATE = 0x05,      /* empty (stabilize + notify)   -> msg_lists (has_pred) */
	MSG_LEAVE = 0x06,       /* msg_lists (LEAVE_*)          -> msg_lists (ST_*) */
	MSG_GET_SUCC = 0x07,    /* empty                        -> msg_lists */
	MSG_TRANSFER = 0x08,    /* empty: more handed-off records -> msg_lists */
	MSG_REPLICATE = 0x09,   /* msg_lists (records: copies)  -> status */
	MSG_PONG = MSG_PING | MSG_RESPONSE,
};

enum {
	MSG_NODE_LEN = 32 + 1 + 16 + 2,                       /* id || family || addr || port */
	MSG_RECORD_MIN = 32 + 32 + 32 + 8 + 64 + 1 + 16 + 2 + 1, /* without tag bytes: 188 */
	MSG_RECORD_MAX = MSG_RECORD_MIN + REC_TAG_MAX,          /* 204 */
	MSG_MAX_NODES = RING_MAX_SUCC + 1,
	MSG_FIND_LEN = RING_POS_LEN + 2,                      /* target || offset */
	MSG_MAX_RECORDS = FRAME_BODY_MAX / MSG_RECORD_MIN,     /* 6: an upper bound, room decides */
};

/* The kind byte of a REPLICATE body (docs/protocol.md, 12.7). */
enum {
	REPLICATE_COPIES = 0,     /* copies of the sender's own records, for its successors */
	REPLICATE_RELOCATE = 1,   /* records for the receiver's own range (relocate.c) */
	REPLICATE_BATCH = 5,      /* records that fit one frame whatever their tags */
};

/* FIND answers (paper, 6.1 Find; iterative routing). */
enum {
	FIND_OWNER = 1,   /* I am responsible for target: nodes = [me, my predecessor?], records */
	FIND_SUCC = 2,    /* target is in (me, my successor]: nodes = [successor] (the owner) */
	FIND_NEXT = 3,    /* closest preceding nodes I know, closest to target first */
	FIND_NODE = 4,    /* target is the position of a node I know: nodes = [that node] */
	FIND_GONE = 5,    /* I am not in a ring (left, or never joined): no nodes */
};

/* Status codes of STORE, LEAVE and JOIN answers. */
enum {
	ST_OK = 0,
	ST_NOT_RESPONSIBLE = 1,   /* STORE: target not in (pred, me]; JOIN: nodes = the next to ask;
				     LEAVE: I am leaving too, nodes = my successors */
	ST_FULL = 2,
	ST_BAD_SIG = 3,
	ST_BAD_RECORD = 4,        /* malformed or not the sender's own (unsigned mode) */
	ST_COLLISION = 5,         /* JOIN: a node with that position is already in the ring */
	ST_STALE = 6,             /* STORE: a newer record from the same storer is held */
};

enum { LEAVE_TO_SUCC = 1, LEAVE_TO_PRED = 2 };

typedef struct msg_find {
	uint8_t target[THEMIS_ID_LEN];  /* the full id sought (node or object); routed on its
					   first m bits */
	uint16_t offset;                /* first record wanted (paging a long record list) */
} msg_find;

/* A list of nodes followed by a list of records: the shape of every answer that carries
 * nodes or records. Which fields a message uses is in the comment of its encoder. */
typedef struct msg_lists {
	uint8_t kind;                   /* FIND_*, ST_*, LEAVE_*, or UPDATE_R_* */
	uint8_t nnodes;
	ring_node nodes[MSG_MAX_NODES];
	uint8_t nrec;
	uint8_t more;                   /* 1: further records exist (page with offset/TRANSFER) */
	store_record rec[MSG_MAX_RECORDS];
} msg_lists;

typedef struct msg_store {
	uint64_t ttl_ns;                /* how long the storer wants the record kept */
	store_record rec;               /* expires_at is not on the wire */
} msg_store;

/* ---- encoders: write the body into out (cap bytes), return its length or -1 ---- */

int msg_find_encode(uint8_t *out, size_t cap, const msg_find *m);
int msg_store_encode(uint8_t *out, size_t cap, const msg_store *m);
/* status u8 */
int msg_status_encode(uint8_t *out, size_t cap, uint8_t status);
/* kind u8 || nnodes u8 || nodes || nrec u8 || more u8 || records.
 * Records are written while they fit in cap (and FRAME_BODY_MAX); *nrec_written says how
 * many (the rest set the more flag). Used by FIND_R (kind = FIND_*), JOIN_R (kind =
 * status; ST_OK: nodes = [me, successors]; ST_NOT_RESPONSIBLE: nodes = [the nearest node
 * after the caller the responder knows] or none), UPDATE_R (kind = 0 when the responder has
 * no predecessor, 1 when nodes[0] is its predecessor, 2 when nodes[0] is the node it knows
 * nearest after the caller and nodes[1] its predecessor; nodes[kind..] = successor list;
 * records = handoff; the receiver drops kind > 2 or nnodes < kind as malformed),
 * LEAVE (kind = LEAVE_TO_*; TO_SUCC: nodes = [leaver's predecessor] or none, records;
 * TO_PRED: nodes = leaver's successor list), LEAVE_R (kind = status; ST_NOT_RESPONSIBLE:
 * nodes = the responder's successors, it is leaving too), GET_SUCC_R (kind 0, nodes = [me, successors]),
 * TRANSFER_R (kind 0, records). */
int msg_lists_encode(uint8_t *out, size_t cap, const msg_lists *m, size_t *nrec_written);
/* The kinds of an UPDATE_R (above); each is also the number of nodes before the successor
 * list in nodes. */
enum {
	UPDATE_R_NO_PRED = 0,    /* the responder has no predecessor */
	UPDATE_R_PRED = 1,       /* nodes[0]: its predecessor */
	UPDATE_R_NEAREST = 2,    /* nodes[0]: the node nearest after the caller it knows,
				    nodes[1]: its predecessor */
};
/* The same body with nodes only (nrec 0, more 0), the nodes named in place: answering a FIND
 * from the routing table encodes the entries without copying them into a msg_lists first. */
int msg_nodes_encode(uint8_t *out, size_t cap, uint8_t kind, const ring_node *const *nodes, size_t n);

/* ---- decoders: 0 on success, -1 when malformed (wrong length, counts over bounds, bad
 * address family or padding, tag too long, status out of range). msg_lists_decode does not
 * know the message type, so its caller checks kind. ring_m is the ring size the positions
 * will be derived from the ids with (ring_node_pos); outside 8..256 it is refused.
 * msg_lists_decode writes the counts and the entries they cover, nothing past them. ---- */

int msg_find_decode(msg_find *m, const uint8_t *p, size_t len, unsigned ring_m);
int msg_store_decode(msg_store *m, const uint8_t *p, size_t len);
int msg_status_decode(uint8_t *status, const uint8_t *p, size_t len);
int msg_lists_decode(msg_lists *m, const uint8_t *p, size_t len, unsigned ring_m);

/* Single items, for tests and for the few places that need them. */
void msg_node_put(uint8_t out[MSG_NODE_LEN], const ring_node *rn);
int msg_node_get(ring_node *rn, const uint8_t in[MSG_NODE_LEN], unsigned ring_m);
/* Writes a record (at most MSG_RECORD_MAX bytes); returns its length. */
size_t msg_record_put(uint8_t *out, const store_record *rec);
/* Reads one record from p (len available); returns bytes used or -1. */
int msg_record_get(store_record *rec, const uint8_t *p, size_t len);

#endif
