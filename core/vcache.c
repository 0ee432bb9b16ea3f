/* vcache.c: a set-associative table of digests of records that verified (vcache.h). The set
 * comes from the digest's first bytes, which an adversary cannot aim at a set without
 * producing records whose digests land there: at worst it evicts entries, which costs a
 * verification, never correctness.
 */
#include "vcache.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"

struct vcache {
	uint32_t nsets;                       /* a power of two */
	uint8_t (*dig)[VCACHE_WAYS][VCACHE_DIGEST_LEN];
	uint8_t *used;                        /* ways filled per set */
	uint8_t *next;                        /* the way to replace next (oldest first) */
};

vcache *vcache_new(uint32_t entries)
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
	free(vc);
}

static uint32_t set_of(const vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN])
{
	uint32_t x = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
	return x & (vc->nsets - 1);
}

int vcache_has(const vcache *vc, const uint8_t d[VCACHE_DIGEST_LEN])
{
	if (vc == NULL)
		return 0;
	uint32_t s = set_of(vc, d);
	for (uint8_t w = 0; w < vc->used[s]; w++)
		if (cr_equal(vc->dig[s][w], d, VCACHE_DIGEST_LEN))
			return 1;
	return 0;
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
