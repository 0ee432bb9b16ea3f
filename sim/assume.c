/* assume.c: whether the run stayed inside Chord's assumptions, which every guarantee the
 * ring checker tests depends on (P. Zave: the ring keeps at least r + 1 live members, so a
 * successor list of r entries always holds a live one; identifiers are unique). A run that
 * leaves them may end with a broken ring although the protocol did nothing wrong: this file
 * says so instead of letting the run pass or fail silently. Three assumptions:
 *
 *   members:    at least r + 1 live joined members, once the ring first had that many (while
 *               the ring is forming it is necessarily smaller);
 *   successors: every live joined member has a live node in its successor list, once the
 *               ring first had r + 1 members (the founder's list stays empty until it
 *               learns of the first joiner);
 *   positions:  no two live joined members share a ring position.
 *
 * members and positions only change when a node's membership does, so they are judged then,
 * exactly; successor lists are read from the nodes at each ring check and at the end. Each
 * time an assumption goes from holding to broken counts once in assumption_violations.
 *
 * An observer: it reads the global view and the nodes' public ring state, never changes
 * either, and its trace lines are not hashed.
 */
#include "simint.h"

#include <stdlib.h>
#include <string.h>

static const char *const what[SIM_ASSUME__COUNT] = {
	[SIM_ASSUME_MEMBERS] = "fewer than r + 1 live members",
	[SIM_ASSUME_SUCCESSORS] = "a live member with no live node in its successor list",
	[SIM_ASSUME_POSITIONS] = "two live members at one ring position",
};

int sim_assume_setup(struct sim *s)
{
	sim_assume *as = &s->as;
	/* runs of equal positions in by_pos (ties sorted by index): usually none at all */
	for (uint32_t k = 0; k + 1 < s->count; k++) {
		if (memcmp(s->pos[s->by_pos[k]], s->pos[s->by_pos[k + 1]], THEMIS_ID_LEN))
			continue;
		uint32_t len = 2;
		while (k + len < s->count &&
		       !memcmp(s->pos[s->by_pos[k]], s->pos[s->by_pos[k + len]], THEMIS_ID_LEN))
			len++;
		if (as->ngroups == as->groupcap) {
			uint32_t ncap = as->groupcap ? as->groupcap * 2 : 8;
			uint32_t (*ng)[2] = realloc(as->group, ncap * sizeof *ng);
			if (!ng)
				return -1;
			as->group = ng;
			as->groupcap = ncap;
		}
		as->group[as->ngroups][0] = k;
		as->group[as->ngroups][1] = len;
		as->ngroups++;
		k += len - 1;
	}
	return 0;
}

void sim_assume_free(struct sim *s)
{
	free(s->as.group);
	s->as.group = NULL;
	s->as.ngroups = s->as.groupcap = 0;
}

/* Assumption a holds (broken = 0) or not at s->now; detail says where, for the first time. */
static void judge(struct sim *s, int a, int broken, const char *detail)
{
	sim_assume *as = &s->as;
	if (broken && !as->broken[a]) {
		if (as->times[a]++ == 0) {
			as->first_t[a] = s->now;
			snprintf(as->first[a], sizeof as->first[a], "%s", detail);
		}
		sim_trace_observed(&s->tr, s->now, SIM_NODE_NONE, "OUTSIDE CHORD'S ASSUMPTIONS: %s (%s)",
				   what[a], detail);
	}
	as->broken[a] = (uint8_t)(broken != 0);
}

void sim_assume_members(struct sim *s)
{
	sim_assume *as = &s->as;
	uint32_t need = s->sc->succ_len + 1, live = s->dst.live_members;
	char detail[64];
	if (live >= need)
		as->formed = 1;
	snprintf(detail, sizeof detail, "%u live, r + 1 = %u", live, need);
	judge(s, SIM_ASSUME_MEMBERS, as->formed && live < need, detail);

	uint32_t a = SIM_NODE_NONE, b = SIM_NODE_NONE;
	for (uint32_t g = 0; g < as->ngroups && b == SIM_NODE_NONE; g++) {
		a = SIM_NODE_NONE;
		for (uint32_t k = as->group[g][0]; k < as->group[g][0] + as->group[g][1]; k++) {
			uint32_t i = s->by_pos[k];
			if (!sim_ring_live(s, i))
				continue;
			if (a == SIM_NODE_NONE) {
				a = i;
			} else {
				b = i;
				break;
			}
		}
	}
	snprintf(detail, sizeof detail, "n%u and n%u", a, b);
	judge(s, SIM_ASSUME_POSITIONS, b != SIM_NODE_NONE, detail);
}

void sim_assume_lists(struct sim *s, int ring_valid)
{
	/* in a valid ring every member's first successor is the next live member */
	uint32_t orphan = SIM_NODE_NONE;
	themis_ring_info ri;
	int look = !ring_valid && s->as.formed;
	for (uint32_t k = 0; look && k < s->count && orphan == SIM_NODE_NONE; k++) {
		uint32_t i = s->by_pos[k];
		if (!sim_ring_live(s, i) || s->dst.live_members < 2)
			continue;
		themis_node_ring(s->nodes[i].tn, &ri);
		int alive = 0;
		for (uint32_t j = 0; j < ri.nsucc && !alive; j++) {
			uint32_t t = sim_node_of_id(s, ri.succ[j].id);
			alive = t != SIM_NODE_NONE && sim_ring_live(s, t);
		}
		if (!alive)
			orphan = i;
	}
	char detail[64];
	snprintf(detail, sizeof detail, "n%u", orphan);
	judge(s, SIM_ASSUME_SUCCESSORS, orphan != SIM_NODE_NONE, detail);
}

uint64_t sim_assume_violations(const struct sim *s)
{
	uint64_t n = 0;
	for (int a = 0; a < SIM_ASSUME__COUNT; a++)
		n += s->as.times[a];
	return n;
}

void sim_assume_report(const struct sim *s, char *out, size_t n)
{
	const sim_assume *as = &s->as;
	size_t used = 0;
	out[0] = 0;
	for (int a = 0; a < SIM_ASSUME__COUNT && used < n; a++) {
		if (!as->times[a])
			continue;
		int w = snprintf(out + used, n - used, "%s%s (first at %.6fs: %s; %llu time%s)",
				 used ? "; " : "", what[a], (double)as->first_t[a] * 1e-9, as->first[a],
				 (unsigned long long)as->times[a], as->times[a] == 1 ? "" : "s");
		if (w < 0)
			break;
		used += (size_t)w;
	}
}
