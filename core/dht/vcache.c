/* vcache.c: a set-associative table of keyed digests of records that verified (vcache.h).
 * The set comes from the digest's first bytes, which an adversary without the key cannot aim
 * at a set: at worst it evicts entries by chance, which costs a verification, never
 * correctness.
 */
#include "vcache.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"

_Static_assert((int)VCACHE_DIGEST_LEN == (int)CR_SHORT_LEN && (int)VCACHE_KEY_LEN == (int)CR_SHORT_KEY_LEN,
	       "the digest is one cr_short_mac");

struct vcache {
	uint8_t key[VCACHE_KEY_LEN];          /* secret: the digests' SipHash key */
	uint32_t nsets;                       /* a power of two */
	uint8_t (*dig)[VCACHE_WAYS][VCACHE_DIGEST_LEN];
	uint8_t *used;                        /* ways filled per set */
	uint8_t *next;                        /* the way to replace next (oldest first) */
};

vcache *vcache_new(uint32_t entries, const uint8_t key[VCACHE_KEY_LEN])
{
	uint32_t nsets = 1;
	vcache *vc;

	if (entries == 0)
		return NULL;
	while ((uint64_t)nsets * VCACHE_WAYS < entries)
		nsets *= 2;
	vc = calloc(1, sizeof *vc);
	if (vc == NULL)
		return NULL;
	memcpy(vc->key, key, VCACHE_KEY_LEN);
	vc->nsets = nsets;
	vc->dig = calloc(nsets, sizeof *vc->dig);
	vc->used = calloc(nsets, 1);
	vc->next = calloc(nsets, 1);
	if (vc->dig == NULL || vc->used == NULL || vc->next == NULL) {
		vcache_free(vc);
		return NULL;
	}
	return vc;
}

void vcache_free(vcache *vc)
{
	if (vc == NULL)
		return;
	free(vc->dig);
	free(vc->used);
	free(vc->next);
	cr_wipe(vc->key, sizeof vc->key);
	free(vc);
}

static uint32_t set_of(const vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN])
{
	uint32_t x = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
	return x & (vc->nsets - 1);
}

void vcache_digest(const vcache *vc, uint8_t d[VCACHE_DIGEST_LEN], const void *m, size_t n)
{
	cr_short_mac(d, m, n, vc->key);
}

/* Two 16-byte digests equal, without a data-dependent branch or early exit (a keyed digest is a
 * MAC: compare it as one). */
static uint64_t differ(const uint8_t a[VCACHE_DIGEST_LEN], const uint8_t b[VCACHE_DIGEST_LEN])
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	return (a0 ^ b0) | (a1 ^ b1);
}

int vcache_has(const vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN])
{
	if (vc == NULL)
		return 0;
	uint32_t s = set_of(vc, d);
	uint64_t hit = 0;
	/* how many ways are filled is public (it depends on the count of records, not on them) */
	for (uint8_t w = 0; w < vc->used[s]; w++) {
		uint64_t x = differ(vc->dig[s][w], d);
		hit |= ((x | (0 - x)) >> 63) ^ 1;   /* 1 exactly when x == 0 */
	}
	return (int)hit;
}

void vcache_add(vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN])
{
	if (vc == NULL || vcache_has(vc, d))
		return;
	uint32_t s = set_of(vc, d);
	uint8_t w;
	if (vc->used[s] < VCACHE_WAYS) {
		w = vc->used[s]++;
	} else {
		w = vc->next[s];
		vc->next[s] = (uint8_t)((w + 1) % VCACHE_WAYS);
	}
	memcpy(vc->dig[s][w], d, VCACHE_DIGEST_LEN);
}
