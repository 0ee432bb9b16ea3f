/* relocate.h: records outside our range go to their owner by lookup (relocate.c). */
#ifndef THEMIS_RELOCATE_H
#define THEMIS_RELOCATE_H

#include <stddef.h>
#include <stdint.h>
#include "ops.h"

/* Every stabilize period: start relocating the first object outside our range, if any. */
void relocate_tick(themis_node *n, uint64_t now);
/* The lookup of a relocation (OPK_RELOCATE) ended: send the records to the owner. */
void relocate_found(themis_node *n, op *o, int ok, uint64_t now);
/* A leave begins: every relocation and confirmation in progress puts its records back, for
 * the handoff. */
void relocate_abort(themis_node *n, uint64_t now);
/* A REPLICATE of kind REPLICATE_RELOCATE arrived: the status to answer. */
/* Records we handed to node to in an answer that may have been lost: sent to it again in a
 * RELOCATE; should it not take them, they come back into our table (and relocation places
 * them). */
void relocate_confirm(themis_node *n, const ring_node *to, const store_record *rec, size_t nrec,
		      uint64_t now);
uint8_t relocate_accept(themis_node *n, const store_record *rec, size_t nrec, uint64_t now);

#endif
