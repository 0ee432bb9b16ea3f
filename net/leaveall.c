/* leaveall.c: every hosted node leaves, in waves along runs of hosted nodes (leaveall.h). */
#include "leaveall.h"

#include <stdlib.h>
#include <string.h>

/* What one wave may take: the bound of a single leave (a few round trips, plus one
 * req_timeout, 1 s by default, for a successor that died silently or an answer still due). */
#define WAVE_BOUND_NS 2000000000ull

enum { NONE, PENDING, RUNNING, DONE };

typedef struct local_id {
	uint8_t id[THEMIS_ID_LEN];
	unsigned idx;
} local_id;

struct leaveall {
	host *h;
	unsigned n;
	unsigned char *state;
	unsigned char *wave;     /* the wave node i leaves in */
	unsigned waves;          /* how many waves there are */
	unsigned cur;            /* the wave under way */
	unsigned pending, running, ok, failed, started;
	int alone;
};

static int by_id(const void *a, const void *b)
{
	return memcmp(((const local_id *)a)->id, ((const local_id *)b)->id, THEMIS_ID_LEN);
}

static int local_of(const local_id *ids, unsigned n, const uint8_t *id)
{
	local_id key;
	const local_id *hit;

	memcpy(key.id, id, THEMIS_ID_LEN);
	hit = bsearch(&key, ids, n, sizeof *ids, by_id);
	return hit ? (int)hit->idx : -1;
}

static unsigned trailing_zeros(unsigned v)
{
	unsigned z = 0;
	while (!(v & 1u)) {
		v >>= 1;
		z++;
	}
	return z;
}

static unsigned floor_log2(unsigned v)
{
	unsigned l = 0;
	while (v >>= 1)
		l++;
	return l;
}

static void start(leaveall *la, unsigned i)
{
	themis_node *node = host_node(la->h, i);

	if (la->state[i] != PENDING)
		return;
	if (la->alone)   /* nobody outside to hand records to: leave with no successor */
		themis_node_set_ring(node, NULL, 0, NULL, NULL, 0);
	la->state[i] = RUNNING;
	la->running++;
	if (themis_leave(node, host_now()) > 0) {
		la->started++;
		host_flush(la->h, i);   /* its OP_DONE may come at once (leaveall_on_done) */
		return;
	}
	/* it cannot leave (no longer joined): nothing to wait for */
	la->state[i] = DONE;
	la->running--;
	la->pending--;
}

void leaveall_on_done(leaveall *la, unsigned idx, int ok)
{
	if (!la || idx >= la->n || la->state[idx] != RUNNING)
		return;
	la->state[idx] = DONE;
	la->running--;
	la->pending--;
	if (ok)
		la->ok++;
	else
		la->failed++;
}

void leaveall_pump(leaveall *la)
{
	/* the next wave starts once every leave of the one before has ended */
	while (la->running == 0 && la->pending > 0 && la->cur < la->waves) {
		for (unsigned i = 0; i < la->n; i++)
			if (la->state[i] == PENDING && la->wave[i] == la->cur)
				start(la, i);
		la->cur++;
	}
}

leaveall *leaveall_start(host *h)
{
	leaveall *la = calloc(1, sizeof *la);
	unsigned n = host_count(h), maxwave = 0;
	local_id *ids;
	int *prev, *next;
	unsigned char *placed;
	int remote = 0;

	if (!la)
		return NULL;
	la->h = h;
	la->n = n;
	la->state = calloc(n, 1);
	la->wave = calloc(n, 1);
	ids = malloc(n * sizeof *ids);
	prev = malloc(n * sizeof *prev);
	next = malloc(n * sizeof *next);
	placed = calloc(n, 1);
	if (!la->state || !la->wave || !ids || !prev || !next || !placed) {
		free(ids);
		free(prev);
		free(next);
		free(placed);
		leaveall_free(la);
		return NULL;
	}
	for (unsigned i = 0; i < n; i++) {
		memcpy(ids[i].id, themis_node_id(host_node(h, i)), THEMIS_ID_LEN);
		ids[i].idx = i;
		host_set_autojoin(h, i, 0);
	}
	qsort(ids, n, sizeof *ids, by_id);
	for (unsigned i = 0; i < n; i++) {
		themis_ring_info ri;
		themis_node_ring(host_node(h, i), &ri);
		next[i] = prev[i] = -1;
		if (!ri.joined)
			continue;
		la->state[i] = PENDING;
		la->pending++;
		if (ri.nsucc)
			next[i] = local_of(ids, n, ri.succ[0].id);
		if (ri.has_pred)
			prev[i] = local_of(ids, n, ri.pred.id);
		for (uint32_t k = 0; k < ri.nsucc; k++)
			remote |= local_of(ids, n, ri.succ[k].id) < 0;
		remote |= ri.has_pred && prev[i] < 0;
	}
	la->alone = !remote;
	/* A run is hosted nodes in a row, L1..Lk, then a node not ours. Lk goes last, the others
	 * by the trailing zeros of their place: L1, L3, L5... first, each handing its records
	 * to the node after it, which stays; then L2, L6, L10..., whose successor is by then
	 * L4, L8...; and so on. Each wave halves the run, the records gather towards Lk, and
	 * Lk hands them all to the first node that is not ours. With no node outside the
	 * ring, every node goes in the one wave. */
	for (unsigned s = 0; s < n && !la->alone; s++) {
		if (la->state[s] != PENDING || (prev[s] >= 0 && la->state[prev[s]] == PENDING))
			continue;
		unsigned k = 0;
		for (int j = (int)s; j >= 0 && la->state[j] == PENDING && !placed[j]; j = next[j]) {
			placed[j] = 1;
			k++;
		}
		unsigned pos = 0;
		for (int j = (int)s; pos < k; j = next[j]) {
			pos++;
			la->wave[j] = (unsigned char)(pos < k ? trailing_zeros(pos) : k > 1 ? floor_log2(k - 1) + 1 : 0);
			if (la->wave[j] > maxwave)
				maxwave = la->wave[j];
		}
	}
	/* nodes in a cycle of ours with no run start (pointers that never lead outside): last */
	for (unsigned i = 0; i < n && !la->alone; i++)
		if (la->state[i] == PENDING && !placed[i])
			la->wave[i] = (unsigned char)(maxwave + 1);
	la->waves = la->alone ? 1 : maxwave + 2;
	free(ids);
	free(prev);
	free(next);
	free(placed);
	return la;
}

unsigned leaveall_pending(const leaveall *la)
{
	return la ? la->pending : 0;
}

uint64_t leaveall_bound_ns(const leaveall *la)
{
	unsigned used = 0;

	for (unsigned w = 0; la && w < la->waves; w++)
		for (unsigned i = 0; i < la->n; i++)
			if (la->state[i] != NONE && la->wave[i] == w) {
				used++;
				break;
			}
	return WAVE_BOUND_NS * (used ? used : 1);
}

void leaveall_counts(const leaveall *la, unsigned *ok, unsigned *failed, unsigned *started, int *alone)
{
	*ok = la ? la->ok : 0;
	*failed = la ? la->failed : 0;
	*started = la ? la->started : 0;
	*alone = la ? la->alone : 0;
}

void leaveall_free(leaveall *la)
{
	if (!la)
		return;
	free(la->state);
	free(la->wave);
	free(la);
}
