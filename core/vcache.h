/* vcache.h: the records whose signature this node has already checked. A requester that
 * discovers the same service again receives the same signed bytes again; remembering a digest
 * of every record that verified turns the second Ed25519 verification (~36 us) into one hash
 * (~0.5 us). Sound because a signature over fixed bytes never stops verifying: a hit means
 * "exactly these bytes, key and signature included, verified here before". Bounded: a few
 * ways per set, the oldest way replaced. Pure data structure: no crypto of its own.
 */
#ifndef THEMIS_VCACHE_H
#define THEMIS_VCACHE_H

#include <stddef.h>
#include <stdint.h>

enum { VCACHE_DIGEST_LEN = 32, VCACHE_WAYS = 8 };

typedef struct vcache vcache;

/* A cache of about `entries` digests (rounded up to a power of two, at least VCACHE_WAYS).
 * NULL when entries is 0 or on allocation failure: callers then verify every time. */
vcache *vcache_new(uint32_t entries);
void vcache_free(vcache *vc);
/* 1 when digest d was added before (and is still held), else 0. Constant-time comparison. */
int vcache_has(const vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN]);
/* Remember d, replacing the oldest entry of its set when the set is full. */
void vcache_add(vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN]);

#endif
