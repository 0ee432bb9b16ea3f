/* ops.h: operations in progress (ops.c: the table, frame dispatch, retry times) and the state
 * of their iterative lookups (lookup.c). */
#ifndef THEMIS_OPS_H
#define THEMIS_OPS_H

#include <stdint.h>
#include "node.h"
#include "ring.h"
#include "store.h"
#include "themis.h"

/* Internal operation kinds next to the public ones: they never produce an OP_DONE event. */
enum { OPK_FINGER = 100, OPK_REFRESH, OPK_UPDATE, OPK_REJOIN, OPK_MERGE, OPK_RELOCATE };

/* An orphan's rejoin (heal.c) is a join like the application's, without its OP_DONE event. */
static inline int op_is_join(int kind)
{
	return kind == THEMIS_OP_JOIN || kind == OPK_REJOIN;
}

enum { LK_CANDS = 8, LK_BAD = 32, LK_WAITS = 3 };
_Static_assert(LK_CANDS <= 8, "lookup.free_slots has a bit per candidate slot");
_Static_assert(LK_BAD <= 32, "lookup.gone has a bit per bad entry");

/* One iterative lookup (paper, 6.1 Find; eclipse defence of 6.2): the requester contacts each
 * hop itself; an answer must make progress toward target or its giver is not asked again.
 * Layout: every answer scans the candidates and the nodes asked already, and on a large
 * simulated ring the lookup is long out of the cache when the answer comes; so the scans read
 * packed 8-byte keys and id tags (a line or two) and touch a 52-byte entry only to copy it
 * in or out, or when the tags agree. Everything from ckey on is valid only up to its count:
 * op_new zeroes the head alone. */
typedef struct lookup {
	uint32_t hops;
	uint32_t gone;                      /* bit i: bad[i] was found gone (timed out, or left) */
	uint8_t ncand;                      /* candidates to ask: cand[order[0..ncand)] */
	uint8_t nowner_cand;                /* designated owners (from FIND_SUCC answers) */
	uint8_t nbad;
	uint8_t exact;                      /* the target's and every candidate's position is its
					       key (m <= 64): distances compare on keys alone */
	uint8_t has_backup;                 /* backup names the owner should backup_for be gone */
	uint8_t free_slots;                 /* bit s: cand[s] is named by no order entry */
	uint8_t has_waiting;                /* waiting names the node to ask again after a wait */
	uint8_t waits;                      /* times this lookup waited (at most LK_WAITS) */
	uint8_t asked_owner;                /* asked is a designated owner (owner_cand) */
	uint8_t has_named;                  /* named is set */
	uint8_t has_claimant;               /* claimant is set */
	uint8_t wait_owner;                 /* waiting is a designated owner (not yet aware that
					       its predecessor died) */
	uint8_t again;                      /* owner_cand[0] is a node asked again that is not a
					       designated owner */
	uint8_t order[LK_CANDS];            /* slots of cand, closest preceding target first */
	uint64_t asked_at;
	uint64_t key;                       /* the target position's key */
	uint64_t ckey[LK_CANDS];            /* per slot: the candidate's position key */
	uint64_t ctag[LK_CANDS];            /* per slot: the first 8 bytes of its id */
	uint64_t btag[LK_BAD];              /* the same for bad */
	uint8_t target[THEMIS_ID_LEN];      /* full id (object or node) */
	uint8_t pos[RING_POS_LEN];          /* its ring position */
	ring_node asked;                    /* the node the outstanding request went to */
	ring_node owner_cand[2];
	ring_node backup;                   /* from a FIND_SUCC: the successor after the owner it
					       named, asked only if that owner answers FIND_GONE
					       or times out */
	uint8_t backup_for[THEMIS_ID_LEN];
	uint8_t named[THEMIS_ID_LEN];       /* the owner the latest FIND_SUCC named (its backup,
					       once it took the owner's place) */
	uint8_t claimant[THEMIS_ID_LEN];    /* claimed the target on a stand-in predecessor,
					       not taken for lack of a successor list naming it */
	ring_node waiting;                  /* a live node that will answer better once its
					       failure detector has run: asked again after a wait */
	ring_node cand[LK_CANDS];           /* slots */
	uint8_t bad[LK_BAD][THEMIS_ID_LEN]; /* asked already, made no progress or timed out */
} lookup;

/* Fields every kind reads first, then the lookup, then the records (valid up to nrec), so a
 * find touches only the lines it uses; op_new zeroes up to lk.ckey. */
typedef struct op {
	uint64_t id;
	int kind;                    /* themis_op_kind or OPK_* */
	uint8_t phase;
	uint8_t retried;             /* a store that met ST_NOT_RESPONSIBLE looks up once more at
					once; set, later lookups ask instead of guessing the owner */
	uint8_t refusals;            /* LEAVE: successors that refused our records (leaving too) */
	uint8_t rounds;              /* LEAVE: handoff rounds for records that came meanwhile */
	uint8_t told_pred;           /* LEAVE: the predecessor has been sent LEAVE_TO_PRED */
	uint8_t probed;              /* LEAVE: the current successor list has been probed */
	uint8_t probes;              /* LEAVE: liveness probes of later successors outstanding */
	uint8_t probe_wait;          /* LEAVE: the handoff failed; the next try waits for them */
	uint8_t tomb;                /* STORE: of a tombstone (deregister), not of a record */
	uint8_t have_owner;
	uint8_t refused;             /* STORE and its REGISTER parent: THEMIS_REFUSED_* */
	uint8_t nrec, more;
	uint8_t dead;                /* DISCOVER: instances that did not answer (bit i of rec) */
	uint64_t parent;             /* REGISTER's stores report to it instead of an event */
	uint64_t t_start;
	uint64_t wake_at;            /* JOIN, STORE, refresh: when to try again (phase counts
					JOIN's and STORE's tries); LEAVE: when to probe; a lookup
					waiting for a node to notice a death: when to ask it again
					(0: none) */
	uint32_t msgs;
	int chosen;
	uint32_t r;                  /* REGISTER/DISCOVER: replica index in use */
	uint32_t tried;              /* DISCOVER: replicas tried (bit r) */
	uint32_t children, children_ok;  /* REGISTER */
	uint32_t finger;             /* OPK_FINGER: finger index looked up */
	store_record *batch;         /* LEAVE: records being handed over (owned) */
	size_t nbatch;
	int batch_more;
	char *name;                  /* REGISTER/DISCOVER: the service name (owned) */
	uint8_t obj[THEMIS_ID_LEN];
	ring_node owner;
	char tag[THEMIS_TAG_MAX + 1];
	uint8_t peer[THEMIS_ID_LEN]; /* PING: the peer */
	ring_node boot;              /* JOIN: the bootstrap node */
	lookup lk;
	themis_record rec[THEMIS_EV_RECORDS];
} op;

/* ops.c: the operation table and frame dispatch */
/* An authenticated frame arrived from p. */
void ops_on_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now);
op *op_new(themis_node *n, int kind, uint64_t parent, uint64_t now);
op *op_get(themis_node *n, uint64_t id);
/* Finish o: an OP_DONE event (public kinds without a parent), the parent told otherwise;
 * o is freed. */
void op_finish(themis_node *n, op *o, int ok, uint64_t now);
void ops_free_all(themis_node *n);
void peer_of(const ring_node *rn, themis_peer *out);

#endif
