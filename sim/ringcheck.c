/* ringcheck.c: the ring checker: judges every live node's successors and predecessor against
 * the global view only the simulator has (positions of all nodes, who is up and joined). It
 * reads nodes through themis_node_ring and never changes them.
 *
 * valid: following first successors from any live joined node visits every live joined node
 * exactly once, in position order (one ordered ring, P. Zave's "valid" without appendages
 * among live nodes), so every first successor is live. ideal: valid, every successor list is
 * exactly the next r live nodes and every predecessor is the previous live node.
 *
 * The checker is an observer: what it says goes to --trace unhashed (sim_trace_observed) and
 * to the metrics table, so how often it runs (check_interval, check_every_event, [events]
 * check) and how long it waits (settle) never change the trace hash.
 */
#include "simint.h"

#include <stdlib.h>
#include <string.h>

int sim_ring_live(const struct sim *s, uint32_t i)
{
	return s->nodes[i].up && s->nodes[i].member;
}

int sim_ring_index(struct sim *s)
{
	/* about one node per bucket: a key's bucket then holds its answer among a handful */
	unsigned bits = 1;
	while (bits < 24 && (1u << bits) < s->count)
		bits++;
	uint32_t nb = 1u << bits;
	s->key_bucket = malloc((size_t)(nb + 1) * sizeof *s->key_bucket);
	if (!s->key_bucket)
		return -1;
	s->key_bits = bits;
	uint32_t k = 0;
	for (uint32_t b = 0; b <= nb; b++) {
		while (k < s->count && (s->pos_key[k] >> (64 - bits)) < b)
			k++;
		s->key_bucket[b] = k;
	}
	return 0;
}

/* First index in by_pos whose position is >= pos (count when none). */
static uint32_t lower_bound(const struct sim *s, const uint8_t pos[THEMIS_ID_LEN])
{
	/* on the packed first 64 bits of each position (one array, no indirection), within the
	 * key's bucket (every key before it is smaller, every key after it larger), then past
	 * the entries whose first 64 bits tie with pos but whose whole position is smaller */
	uint64_t key = 0;
	for (int b = 0; b < 8; b++)
		key = key << 8 | pos[b];
	uint32_t bucket = (uint32_t)(key >> (64 - s->key_bits));
	uint32_t lo = s->key_bucket[bucket], hi = s->key_bucket[bucket + 1];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->pos_key[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < s->count && s->pos_key[lo] == key &&
	       memcmp(s->pos[s->by_pos[lo]], pos, THEMIS_ID_LEN) < 0)
		lo++;
	return lo;
}

uint32_t sim_ring_owner(const struct sim *s, const uint8_t key[THEMIS_ID_LEN])
{
	uint8_t pos[THEMIS_ID_LEN];
	themis_ring_pos(key, s->sc->m, pos);
	uint32_t at = lower_bound(s, pos);
	/* walk clockwise past nodes that are down or outside the ring */
	for (uint32_t k = 0; k < s->count; k++) {
		uint32_t i = s->by_pos[(at + k) % s->count];
		if (sim_ring_live(s, i))
			return i;
	}
	return SIM_NODE_NONE;
}

static int is_node(const struct sim *s, const themis_peer *p, uint32_t want)
{
	return memcmp(p->id, themis_node_id(s->nodes[want].tn), THEMIS_ID_LEN) == 0;
}

void sim_ring_check(struct sim *s, sim_ring_verdict *out)
{
	uint32_t *live = malloc((size_t)(s->count ? s->count : 1) * sizeof *live);
	uint32_t n = 0;
	themis_ring_info ri;

	out->valid = out->ideal = 1;
	out->bad = out->got = out->want = SIM_NODE_NONE;
	if (!live) {
		s->oom = 1;
		out->valid = out->ideal = 0;
		out->members = 0;
		return;
	}
	for (uint32_t k = 0; k < s->count; k++)
		if (sim_ring_live(s, s->by_pos[k]))
			live[n++] = s->by_pos[k];
	out->members = n;
	uint32_t want = n - (n > 0) < s->sc->succ_len ? n - (n > 0) : s->sc->succ_len;
	for (uint32_t a = 0; a < n && out->valid; a++) {
		themis_node_ring(s->nodes[live[a]].tn, &ri);
		if (n == 1) {
			/* alone: no successor, or itself */
			out->valid = ri.nsucc == 0 || is_node(s, &ri.succ[0], live[a]);
			out->ideal = out->valid && (!ri.has_pred || is_node(s, &ri.pred, live[a]));
			break;
		}
		if (ri.nsucc == 0 || !is_node(s, &ri.succ[0], live[(a + 1) % n])) {
			out->valid = 0;
			out->bad = live[a];
			out->got = ri.nsucc ? sim_node_of_id(s, ri.succ[0].id) : SIM_NODE_NONE;
			out->want = live[(a + 1) % n];
			break;
		}
		if (!out->ideal)
			continue;
		if (ri.nsucc != want || !ri.has_pred || !is_node(s, &ri.pred, live[(a + n - 1) % n])) {
			out->ideal = 0;
			continue;
		}
		for (uint32_t j = 1; j < want; j++) {
			if (!is_node(s, &ri.succ[j], live[(a + 1 + j) % n])) {
				out->ideal = 0;
				break;
			}
		}
	}
	if (!out->valid)
		out->ideal = 0;
	free(live);
}

/* Quiet long enough for the ring to be judged: settle after the latest membership change, and
 * neither inside a partition nor within settle of its end (Chord promises nothing across a
 * partition; healing it is the ring unification's work, measured by heal_ns). */
static int settled(const struct sim *s)
{
	const sim_scenario *sc = s->sc;

	if (s->now < s->dst.last_change + sc->settle_ns)
		return 0;
	for (size_t i = 0; i < sc->npartitions; i++)
		if (s->now >= sc->partitions[i].start && s->now < sc->partitions[i].end + sc->settle_ns)
			return 0;
	return 1;
}

void sim_ring_check_record(struct sim *s, int rows)
{
	sim_ring_verdict v;
	sim_dht_stats *d = &s->dst;

	sim_ring_check(s, &v);
	sim_assume_lists(s, v.valid);
	d->checks++;
	/* a check long enough after the last disturbance must see a valid ring */
	if (settled(s)) {
		d->checks_counted++;
		if (!v.valid) {
			d->violations++;
			sim_trace_observed(&s->tr, s->now, SIM_NODE_NONE, "RING VIOLATION (%u members, settled)",
					   v.members);
		}
	}
	int changed = v.valid != d->last_valid || v.ideal != d->last_ideal;
	if (rows || changed) {
		if (s->db) {
			sim_metrics_sample(s->db, s->now, "all", "ring_valid", v.valid);
			sim_metrics_sample(s->db, s->now, "all", "ring_ideal", v.ideal);
			sim_metrics_sample(s->db, s->now, "all", "ring_members", v.members);
		}
	}
	if ((changed || rows) && v.valid)
		sim_trace_observed(&s->tr, s->now, SIM_NODE_NONE, "CHECK ring valid%s (%u members)",
				   v.ideal ? ", ideal" : "", v.members);
	else if (changed || rows) {
		char succ[16] = "none";   /* a node with no successor at all */
		if (v.got != SIM_NODE_NONE)
			snprintf(succ, sizeof succ, "n%u", v.got);
		sim_trace_observed(&s->tr, s->now, SIM_NODE_NONE,
				   "CHECK ring INVALID (%u members): n%u's successor is %s, should be n%u",
				   v.members, v.bad, succ, v.want);
	}
	d->members_checked = v.members;
	d->last_valid = v.valid;
	d->last_ideal = v.ideal;
	if (!v.ideal)
		d->ideal_run = 0;
	else if (!d->ideal_run) {
		d->ideal_run = 1;
		d->ideal_since = s->now;
	}
}

/* Time from the end of the last partition to one ideal ring for good: to the first check of
 * the run of ideal checks that lasts to the end of the run (0 when the ring was ideal already
 * when the partition ended; -1 when it is not ideal at the end). It is read from the checks
 * the run makes anyway, so it changes nothing in the run, and it is as fine as
 * check_interval. */
int sim_ring_heal_ns(const struct sim *s, double *out)
{
	const sim_scenario *sc = s->sc;
	uint64_t end = 0;
	int ended = 0;

	for (size_t i = 0; i < sc->npartitions; i++)
		if (sc->partitions[i].end <= sc->duration_ns) {
			ended = 1;
			if (sc->partitions[i].end > end)
				end = sc->partitions[i].end;
		}
	if (!ended || !sc->check_ns)
		return 0;
	if (!s->dst.ideal_run)
		*out = -1;
	else
		*out = s->dst.ideal_since > end ? (double)(s->dst.ideal_since - end) : 0;
	return 1;
}
