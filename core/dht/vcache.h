/* vcache.h: the records whose signature this node has already checked. A requester that
 * discovers the same service again receives the same signed bytes again; remembering a digest
 * of every record that verified turns the second Ed25519 verification (~36 us) into one
 * SipHash (~0.1 us). Sound because a signature over fixed bytes never stops verifying: a hit
 * means "exactly these bytes, key and signature included, verified here before".
 *
 * The digest is keyed with a secret of the node's own (derived from its identity seed, so no
 * random draw and nothing to store): without the key nobody can produce a second input with
 * the digest of a cached record, which is what a forged record would need. 128 bits of output
 * keep that chance at 2^-128 per try per entry. Bounded: a few ways per set, the oldest way
 * replaced; an adversary who floods a set only costs us verifications, never correctness.
 */
#ifndef THEMIS_VCACHE_H
#define THEMIS_VCACHE_H

#include <stddef.h>
#include <stdint.h>

enum { VCACHE_DIGEST_LEN = 16, VCACHE_KEY_LEN = 16, VCACHE_WAYS = 8 };

typedef struct vcache vcache;

/* A cache of about `entries` digests (rounded up to a power of two, at least VCACHE_WAYS)
 * under the secret key (copied; wiped by vcache_free). NULL when entries is 0 or on
 * allocation failure: callers then verify every time. */
vcache *vcache_new(uint32_t entries, const uint8_t key[VCACHE_KEY_LEN]);
void vcache_free(vcache *vc);
/* d = the cache's keyed digest of the n bytes at m. */
void vcache_digest(const vcache *vc, uint8_t d[VCACHE_DIGEST_LEN], const void *m, size_t n);
/* 1 when digest d was added before (and is still held), else 0. Constant time in the digests:
 * every way of the set is compared in full. */
int vcache_has(const vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN]);
/* Remember d, replacing the oldest entry of its set when the set is full. */
void vcache_add(vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN]);

#endif
