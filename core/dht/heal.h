/* heal.h: orphans and ring unification (heal.c; docs/dht.md, Partitions and ring unification). */
#ifndef THEMIS_HEAL_H
#define THEMIS_HEAL_H

#include <stdint.h>
#include "ops.h"

/* rn, in our tables, did not answer: remember it for the probes that find it again. */
void heal_note_dead(themis_node *n, const ring_node *rn, uint64_t now);
/* rn is a node worth probing (it lately took us for its successor). */
void heal_remember(themis_node *n, const ring_node *rn, uint64_t now);
/* The last successor (and every fallback) is gone: we are an orphan, out of any ring, and
 * rejoin through the nodes we remember. */
void heal_lost_successors(themis_node *n, uint64_t now);
/* 1 while an orphan has not found its way back. */
int heal_orphaned(const themis_node *n);
/* The node joined a ring (a join or rejoin ended well): it is no orphan any more. */
void heal_joined(themis_node *n);
/* The lookup of our own position in a remembered node's ring (OPK_MERGE) ended. */
void heal_merge_found(themis_node *n, op *o, int ok, uint64_t now);
uint64_t heal_next_deadline(const themis_node *n);
void heal_on_timeout(themis_node *n, uint64_t now);
void heal_free(themis_node *n);

#endif
