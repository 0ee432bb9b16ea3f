/* leaveall.h: the graceful leave of every hosted node when the daemon stops.
 *
 * Started all at once, the nodes of one daemon refuse each other's records: a leaving node is
 * nobody's successor (docs/dht.md, Leave), so each walks past its leaving neighbours one
 * refusal and one handshake at a time, and hundreds of hosted nodes did not finish within the
 * bound. Here they leave in waves instead, so that a node always hands its records to a
 * successor that is not leaving at that moment: along a run of hosted nodes in a row, every
 * other node leaves in the first wave, every other one of those left in the second, and so on;
 * the records gather towards the last node of the run, which hands them to the first node
 * after it that is not ours. A run of k nodes takes about log2(k) + 1 waves, runs go in
 * parallel, and each wave has the bound of a single leave. When no node outside this daemon
 * is in the ring at all, there is nobody to hand records to: every node leaves at once.
 */
#ifndef NET_LEAVEALL_H
#define NET_LEAVEALL_H

#include <stdint.h>

#include "host.h"

typedef struct leaveall leaveall;

/* Orders the leaves of every joined node of h; leaveall_pump starts the first ones (once the
 * caller routes OP_DONE events to leaveall_on_done). NULL out of memory. */
leaveall *leaveall_start(host *h);
/* Node idx's leave ended (its OP_DONE): the node after it in its run may go. */
void leaveall_on_done(leaveall *la, unsigned idx, int ok);
/* Starts the leaves that may go now; call after every host_step. */
void leaveall_pump(leaveall *la);
/* Leaves not ended yet. */
unsigned leaveall_pending(const leaveall *la);
/* How long to wait for them: the bound of a single leave for each wave. */
uint64_t leaveall_bound_ns(const leaveall *la);
/* Outcome: leaves that ended ok, that failed, and whether the ring held only our nodes. */
void leaveall_counts(const leaveall *la, unsigned *ok, unsigned *failed, unsigned *started, int *alone);
void leaveall_free(leaveall *la);

#endif
