/* lookup.h: the iterative find (lookup.c; paper, 6.1 Find). */
#ifndef THEMIS_LOOKUP_H
#define THEMIS_LOOKUP_H

#include <stdint.h>
#include "ops.h"

/* Start o's lookup of target (full id). first: where to start (join's bootstrap), or NULL to
 * start from our own tables. Ends in lookup_done(). */
void lookup_start(themis_node *n, op *o, const uint8_t target[THEMIS_ID_LEN], const ring_node *first,
		  uint64_t now);
/* The lookup of o ended: o->owner is set when ok (o->rec holds the owner's records). */
void lookup_done(themis_node *n, op *o, int ok, uint64_t now);
/* o->wake_at came for a lookup waiting for a node to notice a death: ask it again. */
void lookup_wake(themis_node *n, op *o, uint64_t now);
/* Answer a FIND request. */
void lookup_on_find(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen, uint64_t now);

#endif
