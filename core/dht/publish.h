/* publish.h: store, register, discover (publish.c; paper, sections 6.1 and 7) and the
 * registrations this node keeps refreshing. */
#ifndef THEMIS_PUBLISH_H
#define THEMIS_PUBLISH_H

#include <stdint.h>
#include "ops.h"
#include "store.h"

/* A name this node stored itself under and keeps refreshing at t/2 (paper, 6.1 Store). */
typedef struct registration {
	uint8_t obj[THEMIS_ID_LEN];
	char tag[THEMIS_TAG_MAX + 1];
	store_record rec;            /* our signed record, re-sent unchanged by every refresh */
	uint8_t have_rec;            /* rec is signed and matches tag */
	uint8_t failed;              /* the last store of it failed: tried again on a rejoin */
	uint64_t refresh_at;
	uint64_t op;                 /* refresh in progress (op id), 0 when none */
} registration;

void pub_owner_found(themis_node *n, op *o, int ok, uint64_t now);   /* STORE, DISCOVER, refresh */
void pub_store_wake(themis_node *n, op *o, uint64_t now);   /* a waiting STORE or refresh looks up again */
void pub_on_store(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen, uint64_t now);
/* 1 when rec is genuine: always in unsigned mode, else when its signature verifies (through
 * the node's cache of records verified before). */
int pub_record_genuine(themis_node *n, const store_record *rec);
/* Records handed over by a neighbour (update or leave): verified, then kept. */
void pub_accept_records(themis_node *n, const store_record *rec, size_t nrec, uint64_t now);
/* The object table, created on first use (NULL when that fails). */
store_table *pub_table(themis_node *n);
/* Back in a ring after being out of one: registrations whose store failed go out at once. */
void pub_rejoined(themis_node *n, uint64_t now);
/* A LEAVE (or RELOCATE) batch: all placed (0) or none (-1, the table unchanged). */
int pub_accept_handoff(themis_node *n, const store_record *rec, size_t nrec, uint64_t now);
uint64_t pub_next_deadline(const themis_node *n);
void pub_on_timeout(themis_node *n, uint64_t now);
/* Store (and keep refreshing) this node under obj; the store op reports to parent when
 * nonzero. Returns the op id or a negative error. */
int64_t pub_register_obj(themis_node *n, const uint8_t obj[THEMIS_ID_LEN], const char *tag, uint64_t parent,
			 uint64_t now);

#endif
