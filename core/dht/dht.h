/* dht.h: ring membership and maintenance (join, update, leave; Zave's rules). */
#ifndef THEMIS_DHT_H
#define THEMIS_DHT_H

#include <stdint.h>
#include "msg.h"
#include "ops.h"
#include "wire.h"

int dht_init(themis_node *n);
void dht_free(themis_node *n);
/* 1 when this node is responsible for position pos: pos in (pred, self], or it is alone. */
int dht_responsible(const themis_node *n, const uint8_t pos[RING_POS_LEN]);
void dht_owner_found(themis_node *n, op *o, int ok, uint64_t now);   /* JOIN, OPK_FINGER */
/* n->leaving: handing our records over (new records still welcome, they follow), or handed
 * over (a storer is sent to the new owner). */
enum { LEAVE_HANDING = 1, LEAVE_HANDED = 2 };
/* id left the ring through us lately (LEAVE): never adopted again, never handed records. */
int dht_departed(const themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now);
/* A node did not answer after every retry: it leaves successors, fingers, predecessor. */
void dht_node_failed(themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now);
/* A node answered an authenticated request: it may be a better finger. */
void dht_node_seen(themis_node *n, const ring_node *rn, int joining);
/* When pos lies in the stretch just behind us that nodes which lately took us for their
 * successor cover: the nearest node we know after pos (a better owner candidate than we are),
 * or NULL. */
const ring_node *dht_behind_owner(const themis_node *n, const uint8_t pos[RING_POS_LEN], uint64_t now);
void dht_on_request(themis_node *n, peer *p, const wire_frame *f, uint64_t now);
/* One round of finger refresh (timers.c schedules it). */
void dht_fix_fingers(themis_node *n, uint64_t now);
void dht_leave_step(themis_node *n, op *o, uint64_t now);
/* A LEAVE whose handoff is not answered after req_timeout / LEAVE_PROBE_DIV probes its later
 * successors and its predecessor (leave.c): a handoff answered sooner sends no probe. */
enum { LEAVE_PROBE_DIV = 8 };
void dht_leave_wake(themis_node *n, op *o, uint64_t now);
/* A JOIN waiting to try again woke up. */
void dht_join_retry(themis_node *n, op *o, uint64_t now);

/* stabilize.c, for heal.c: send UPDATE to s, a node that does not know us, so that it may take us
 * for its predecessor; records its answer hands off are kept. */
void dht_notify(themis_node *n, const ring_node *s, uint64_t now);

/* memo.c: confirm the handoff answers whose requester can no longer retransmit (all: take the
 * records of every one back into our table, a leave beginning) */
void dht_memo_tick(themis_node *n, int all, uint64_t now);

/* ---- within the module (dht.c, near.c, join.c, stabilize.c, memo.c, leave.c) ---- */
/* A node that lately took us for its successor (near.c; n->near). */
struct near_node {
	ring_node rn;
	uint64_t seen;
};

/* dht.c */
void dht_peer_node(const peer *p, ring_node *rn);

/* near.c */
void dht_near_remove(themis_node *n, const uint8_t id[THEMIS_ID_LEN]);
/* c took us for its successor: remember it, dropping the stale or the farthest entry when full. */
void dht_near_note(themis_node *n, const ring_node *c, uint64_t now);
/* The node nearest after pos in (pos, self) among every node we know (predecessor, the fresh
 * entries behind us, successors, fingers), or NULL. */
const ring_node *dht_near_after(const themis_node *n, const uint8_t pos[RING_POS_LEN], uint64_t now);
void dht_gone_note(themis_node *n, const uint8_t id[THEMIS_ID_LEN], uint64_t now);
void dht_gone_forget(themis_node *n, const uint8_t id[THEMIS_ID_LEN]);
/* Encode m, filling its records with handed-off ones taken from (lo, hi] while they fit. */
int dht_encode_with_handoff(themis_node *n, msg_lists *m, const uint8_t lo[RING_POS_LEN],
			   const uint8_t hi[RING_POS_LEN], uint8_t *out, size_t cap, uint64_t now);
void dht_add_successors(const themis_node *n, msg_lists *m);

/* join.c */
void dht_on_join(themis_node *n, peer *p, uint64_t req_id, uint64_t now);

/* stabilize.c */
void dht_stabilize(themis_node *n, uint64_t now);
void dht_check_pred(themis_node *n, uint64_t now);
void dht_on_update(themis_node *n, peer *p, uint64_t req_id, uint64_t now);
void dht_on_get_succ(themis_node *n, peer *p, uint64_t req_id, uint64_t now);
void dht_on_transfer(themis_node *n, peer *p, uint64_t req_id, uint64_t now);

/* memo.c */
/* Answer caller c (request type) with m, adding the records c is now responsible for:
 * everything not in (c, self] (paper, 6.1 Update), handed over only to our predecessor. */
void dht_respond_with_handoff(themis_node *n, peer *p, uint8_t type, uint64_t req_id, msg_lists *m,
			     const ring_node *c, uint64_t now);

/* leave.c */
void dht_leave_resume(themis_node *n, uint64_t now);
void dht_on_leave(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen,
		  uint64_t now);

#endif
