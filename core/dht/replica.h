/* replica.h: successor-list replication (replica.c, cfg.replicate). */
#ifndef THEMIS_REPLICA_H
#define THEMIS_REPLICA_H

#include <stddef.h>
#include <stdint.h>
#include "node.h"
#include "req.h"
#include "store.h"

void rep_free(themis_node *n);
/* Every stabilize period: sync what we own to successors that lack it; take over copies. */
void rep_tick(themis_node *n, uint64_t now);
/* A record the owner accepted (stored or refreshed) goes on to its successors. */
void rep_forward(themis_node *n, const store_record *rec, uint64_t now);
/* Records we hand to a new predecessor: we are its successor, so we keep copies. */
void rep_keep(themis_node *n, const store_record *rec, size_t nrec);
void rep_on_replicate(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen,
		      uint64_t now);
/* Copies held for obj (store_get's contract); 0 when none. */
size_t rep_get_copies(const themis_node *n, const uint8_t obj[THEMIS_ID_LEN], uint64_t now, size_t offset,
		      store_record *out, size_t cap, int *more);
size_t rep_count(const themis_node *n);
/* REPLICATE of kind (REPLICATE_COPIES, REPLICATE_RELOCATE) to node to: a lists body with no
 * nodes and the nrec (at most REPLICATE_BATCH) records; cb gets the answer, or none (no
 * answer is no verdict on the peer). 0 when sent. */
int rep_send(themis_node *n, const ring_node *to, uint8_t kind, const store_record *rec, size_t nrec,
	     req_cb cb, uint64_t cookie, uint64_t now);

#endif
