/* peers.h: the peers a daemon remembers across restarts (docs/dht.md, Partitions and ring
 * unification): STATE/peers, one "HEXID@ADDR:PORT" a line, at most PEERS_MAX lines. Written
 * whole to a temporary file (0600, fsync) and renamed over the old one, so a crash leaves
 * either the old list or the new. A daemon started without --bootstrap joins through them;
 * every node probes them to merge rings.
 */
#ifndef NET_PEERS_H
#define NET_PEERS_H

#include <stddef.h>

#include "themis.h"

enum { PEERS_MAX = 64 };

/* Reads DIR/peers into out (at most cap, PEERS_MAX at most). A missing file is an empty
 * list; a line that is not ID@ADDR:PORT is skipped. Returns how many were read. */
size_t peers_load(const char *dir, themis_peer *out, size_t cap);
/* Replaces DIR/peers with the n peers (at most PEERS_MAX). Returns 0, or -1 with a reason
 * in err. */
int peers_save(const char *dir, const themis_peer *p, size_t n, char *err, size_t errlen);

#endif
