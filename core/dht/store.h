/* store.h: the object table OT (paper, section 6.1): object id -> a bounded list of records
 * "storer S associates itself with object O", each signed by its storer (docs/protocol.md, Upper
 * layer), each expiring unless refreshed. Caps per object, per storer and in total bound what
 * remote peers can make a node keep. Pure data structure: no messages, no timers.
 */
#ifndef THEMIS_STORE_H
#define THEMIS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "themis.h"
#include "vcache.h"

enum {
	REC_TAG_MAX = 16,        /* optional tag, e.g. "canary" (section 7: canary releases) */
	REC_TOMBSTONE = 0xff,    /* the tag_len byte on the wire of a tombstone (protocol.md 12.3) */
};

typedef struct store_record {
	uint8_t obj[THEMIS_ID_LEN];
	uint8_t id[THEMIS_ID_LEN];      /* the storer */
	uint8_t pk[THEMIS_PK_LEN];      /* the storer's public key: id = H(id label, pk, net) */
	uint64_t expiry;                /* the storer's own expiry stamp (signed; newer replaces older) */
	uint8_t sig[64];                /* all zero in the paper's unsigned mode */
	themis_addr addr;               /* where the storer listens (not signed: the handshake
					   proves a locator speaks for an id) */
	uint8_t tag_len;                /* 0 for a tombstone */
	char tag[REC_TAG_MAX];
	uint8_t tomb;                   /* 1: a tombstone, "storer id withdraws from obj": it
					   replaces the storer's older records for obj like a newer
					   record would, and is never given out as an instance
					   (store_get skips it); it travels with the records in
					   handoffs and copies so an old copy cannot come back */
	uint64_t expires_at;            /* local: when this node forgets the record */
} store_record;

/* Sign rec (obj, id, expiry, tag set) with the storer's secret key:
 * sig = Ed25519("THEMIS-v1 rec" || obj || id || expiry (u64 BE) [|| tag_len || tag]), the
 * tag part only when tag_len > 0 (so an untagged record is exactly docs/protocol.md's); for a
 * tombstone sig = Ed25519("THEMIS-v1 del" || obj || id || expiry (u64 BE)), another label so
 * that no registration's signature can ever pass for a withdrawal or the reverse. */
void store_record_sign(store_record *rec, const uint8_t sk[64], themis_counters *cnt);
/* 0 when rec's id is the hash of its pk on net and sig verifies; -1 otherwise. */
int store_record_verify(const store_record *rec, const uint8_t net[THEMIS_ID_LEN], themis_counters *cnt);
/* store_record_verify through vc (may be NULL): a record whose exact bytes (key, stamp, tag and
 * signature included) verified here before costs one hash instead of a verification; one that
 * verifies now is remembered. Same answer as store_record_verify. */
int store_record_check(const store_record *rec, const uint8_t net[THEMIS_ID_LEN], vcache *vc,
		       themis_counters *cnt);

typedef enum store_result {
	STORE_OK = 0,
	STORE_REPLACED,      /* same (obj, storer) was there; the newer expiry stamp won */
	STORE_STALE,         /* same (obj, storer) with a newer or equal stamp already there */
	STORE_FULL,          /* a cap is reached */
} store_result;

typedef struct store_table store_table;

/* m: ring bits (for store_take_range). Caps must be >= 1. NULL on allocation failure. The
 * table itself is small; object and record arrays grow on demand up to the caps. */
store_table *store_new(unsigned m, uint32_t max_records, uint32_t max_per_obj, uint32_t max_per_storer);
void store_del(store_table *st);

/* Add or refresh a record (copied). */
store_result store_put(store_table *st, const store_record *rec);
/* The storer itself sent again exactly the record held for (obj, storer): same stamp, key, tag
 * and signature. Extends its life to rec->expires_at (never shortens it) and takes its
 * locator; returns 1. Returns 0, changing nothing, when no identical record is held. Only for
 * a record that arrived from its own storer over an authenticated session (a refresh): a
 * copy from anyone else must not keep an association alive. */
int store_refresh(store_table *st, const store_record *rec);
/* Up to cap live records (expires_at > now, tombstones left out) for obj, starting at the
 * offset-th; *more is set to 1 when there are further ones. Returns how many were written. */
size_t store_get(const store_table *st, const uint8_t obj[THEMIS_ID_LEN], uint64_t now,
		 size_t offset, store_record *out, size_t cap, int *more);
/* Remove one storer's record for obj. Returns 1 if it was there. */
int store_remove(store_table *st, const uint8_t obj[THEMIS_ID_LEN], const uint8_t id[THEMIS_ID_LEN]);
/* Forget every record with expires_at <= now. Returns how many went. */
size_t store_expire(store_table *st, uint64_t now);
/* Earliest expires_at of any record, UINT64_MAX when empty. */
uint64_t store_next_expiry(const store_table *st);
/* Remove and return up to cap records whose object position (first m bits of obj) lies in
 * the ring interval (lo, hi]; lo == hi means the whole ring. *more = 1 when some remain.
 * Used to hand records to a new predecessor (update) or to the successor (leave). */
size_t store_take_range(store_table *st, const uint8_t lo[RING_POS_LEN], const uint8_t hi[RING_POS_LEN],
			store_record *out, size_t cap, int *more);
/* The object of the first record in (lo, hi], clockwise from lo (the whole ring when lo ==
 * hi), in obj; 1 when there is one, 0 when the range holds none. O(log n). */
int store_first_in_range(const store_table *st, const uint8_t lo[RING_POS_LEN], const uint8_t hi[RING_POS_LEN],
			 uint8_t obj[THEMIS_ID_LEN]);
size_t store_count(const store_table *st);          /* records held */
size_t store_objects(const store_table *st);        /* distinct objects held */

/* Visit every record (in object id order); stop early when fn returns nonzero. */
void store_foreach(const store_table *st, int (*fn)(void *ctx, const store_record *rec), void *ctx);

#endif
