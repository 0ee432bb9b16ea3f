/* simdht.c: the DHT as the simulator drives and judges it: operation requests handed to nodes
 * (join, leave, store, find, register, discover) and their OP_DONE events turned into ops rows
 * and tallies; the [nodes] join pattern and the oracle ring; the DHT workload and churn; the
 * issued stores behind ghost_records_accepted and objects_lost. Nodes are reached only
 * through themis.h; the global view (positions, who is up) is the simulator's own.
 */
#include "simint.h"

#include "fmt.h"
#include "par.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the issued stores: (object id, storer) pairs ---------------------------------------- */

static uint64_t mix(const uint8_t obj[THEMIS_ID_LEN], uint32_t node)
{
	uint64_t h = 0x9e3779b97f4a7c15ull * (node + 1ull), w;
	for (int i = 0; i < THEMIS_ID_LEN; i += 8) {
		memcpy(&w, obj + i, 8);
		h ^= w;
		/* splitmix64 finaliser: small keys such as 0x3f still spread over the table */
		h += 0x9e3779b97f4a7c15ull;
		h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
		h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
		h ^= h >> 31;
	}
	return h;
}

static sim_issued *issued_slot(sim_issued *tab, size_t cap, const uint8_t obj[THEMIS_ID_LEN], uint32_t node)
{
	size_t at = (size_t)mix(obj, node) & (cap - 1);
	for (;;) {
		sim_issued *e = &tab[at];
		if (e->node == SIM_NODE_NONE ||
		    (e->node == node && memcmp(e->obj, obj, THEMIS_ID_LEN) == 0))
			return e;
		at = (at + 1) & (cap - 1);
	}
}

static int issued_has(const struct sim *s, const uint8_t obj[THEMIS_ID_LEN], uint32_t node)
{
	if (!s->issuedcap || node == SIM_NODE_NONE)
		return 0;
	return issued_slot(s->issued, s->issuedcap, obj, node)->node == node;
}

static void issued_add(struct sim *s, const uint8_t obj[THEMIS_ID_LEN], uint32_t node)
{
	if ((s->nissued + 1) * 2 > s->issuedcap) {
		/* keep the load under one half: probes stay short */
		size_t ncap = s->issuedcap ? s->issuedcap * 2 : 64;
		sim_issued *nt = malloc(ncap * sizeof *nt);
		if (!nt) {
			s->oom = 1;
			return;
		}
		for (size_t k = 0; k < ncap; k++)
			nt[k].node = SIM_NODE_NONE;
		for (size_t k = 0; k < s->issuedcap; k++)
			if (s->issued[k].node != SIM_NODE_NONE)
				*issued_slot(nt, ncap, s->issued[k].obj, s->issued[k].node) = s->issued[k];
		free(s->issued);
		s->issued = nt;
		s->issuedcap = ncap;
	}
	sim_issued *e = issued_slot(s->issued, s->issuedcap, obj, node);
	if (e->node == SIM_NODE_NONE) {
		memcpy(e->obj, obj, THEMIS_ID_LEN);
		e->node = node;
		s->nissued++;
	}
}

/* ---- request slots ----------------------------------------------------------------------- */

static uint32_t req_alloc(struct sim *s)
{
	if (s->free_req != SIM_NODE_NONE) {
		uint32_t r = s->free_req;
		s->free_req = s->reqs[r].next_free;
		memset(&s->reqs[r], 0, sizeof s->reqs[r]);
		return r;
	}
	if (s->nreqs == s->reqcap) {
		uint32_t ncap = s->reqcap ? s->reqcap * 2 : 64;
		sim_opreq *nr = realloc(s->reqs, (size_t)ncap * sizeof *nr);
		if (!nr) {
			s->oom = 1;
			return SIM_NODE_NONE;
		}
		s->reqs = nr;
		s->reqcap = ncap;
	}
	memset(&s->reqs[s->nreqs], 0, sizeof s->reqs[0]);
	return s->nreqs++;
}

static void req_free(struct sim *s, uint32_t r)
{
	s->reqs[r].next_free = s->free_req;
	s->free_req = r;
}

/* ---- names and tallies ------------------------------------------------------------------- */

static const char *verb_name(uint32_t verb)
{
	switch (verb) {
	case SIM_VERB_JOIN: return "join";
	case SIM_VERB_LEAVE: return "leave";
	case SIM_VERB_STORE: return "store";
	case SIM_VERB_FIND: return "find";
	case SIM_VERB_REGISTER: return "register";
	case SIM_VERB_DISCOVER: return "discover";
	default: return "?";
	}
}

/* "n<index>" (fmt.h: a million finds name their node and owner) */
static void index_name(uint32_t j, char *out, size_t n)
{
	sim_fmt f = sim_fmt_on(out, n);
	sim_fmt_str(&f, "n");
	sim_fmt_u64(&f, j);
}

static void node_name(const struct sim *s, const uint8_t *id, char *out, size_t n)
{
	uint32_t j = sim_node_of_id(s, id);
	char hex[17];
	if (j != SIM_NODE_NONE)
		index_name(j, out, n);
	else
		snprintf(out, n, "id:%s", themis_hex(id, 8, hex));
}

static void target_of(const sim_opreq *q, char *out, size_t n)
{
	sim_fmt f = sim_fmt_on(out, n);
	if (q->verb == SIM_VERB_JOIN) {
		if (q->via == SIM_NODE_NONE)
			sim_fmt_str(&f, "new ring");
		else
			index_name(q->via, out, n);
	} else if (q->verb == SIM_VERB_LEAVE) {
		sim_fmt_str(&f, "-");
	} else {
		sim_fmt_str(&f, q->name);
	}
}

void sim_dht_membership(struct sim *s, uint32_t i, int was_live)
{
	int live = sim_ring_live(s, i);
	if (live == was_live)
		return;
	s->dst.live_members = s->dst.live_members + (uint32_t)live - (uint32_t)was_live;
	s->dst.last_change = s->now;
	sim_assume_members(s);
}

/* Node i's membership may have changed (a join or leave finished): ask the core. */
static void refresh_member(struct sim *s, uint32_t i)
{
	themis_ring_info ri;
	int before = sim_ring_live(s, i);
	themis_node_ring(s->nodes[i].tn, &ri);
	s->nodes[i].member = (uint8_t)(ri.joined != 0);
	s->dst.last_change = s->now;
	sim_dht_membership(s, i, before);
}

static void count_asked(struct sim *s, uint32_t verb)
{
	sim_dht_stats *d = &s->dst;
	switch (verb) {
	case SIM_VERB_JOIN: d->joins++; break;
	case SIM_VERB_LEAVE: d->leaves++; break;
	case SIM_VERB_STORE: d->stores++; break;
	case SIM_VERB_FIND: d->finds++; break;
	case SIM_VERB_REGISTER: d->registers++; break;
	case SIM_VERB_DISCOVER: d->discovers++; break;
	default: break;
	}
}

/* An operation that never reached the core (node down, refused): a failed ops row. */
static void refused(struct sim *s, uint32_t i, uint32_t r, const char *why)
{
	const sim_opreq *q = &s->reqs[r];
	char nn[16], target[SIM_NAME_MAX + 8];
	snprintf(nn, sizeof nn, "n%u", i);
	target_of(q, target, sizeof target);
	if (q->verb == SIM_VERB_FIND)
		s->dst.finds_done++;
	sim_trace_note(&s->tr, s->now, i, "%s %s refused: %s", verb_name(q->verb), target, why);
	s->st.op_rows++;
	if (s->db)
		sim_metrics_op(s->db, s->st.op_rows, nn, verb_name(q->verb), target, s->now, s->now, 0, -1, 0,
			       -1, why);
	req_free(s, r);
}

/* Node i's leave is asked (1) or over (0); dst.leaving counts the leaves in progress. */
static void set_leaving(struct sim *s, uint32_t i, int on)
{
	s->dst.leaving += (uint32_t)(on && !s->nodes[i].leaving);
	s->dst.leaving -= (uint32_t)(!on && s->nodes[i].leaving);
	s->nodes[i].leaving = (uint8_t)(on != 0);
}

void sim_dht_dropped(struct sim *s, uint32_t i, uint32_t r)
{
	if (s->reqs[r].verb == SIM_VERB_JOIN)
		s->nodes[i].joining = 0;
	if (s->reqs[r].verb == SIM_VERB_LEAVE)
		set_leaving(s, i, 0);
	refused(s, i, r, "node failed with the request queued");
}

/* Hand request r to node i (through its input FIFO). */
static void ask(struct sim *s, uint32_t i, uint32_t r)
{
	if (r == SIM_NODE_NONE)
		return;
	s->reqs[r].t_asked = s->now;
	count_asked(s, s->reqs[r].verb);
	if (!s->nodes[i].up) {
		refused(s, i, r, "node down");
		return;
	}
	if (s->reqs[r].verb == SIM_VERB_JOIN)
		s->nodes[i].joining = 1;
	if (s->reqs[r].verb == SIM_VERB_LEAVE)
		set_leaving(s, i, 1);
	sim_node_input(s, i, (sim_input){ .kind = SIM_IN_OP, .arg = r }, s->now);
}

static void peer_of_node(const struct sim *s, uint32_t j, themis_peer *p)
{
	memcpy(p->id, themis_node_id(s->nodes[j].tn), THEMIS_ID_LEN);
	sim_addr_of(j, s->sc->port, &p->addr);
}

static uint32_t boot_for(const struct sim *s, uint32_t i)
{
	uint32_t b = s->sc->bootstrap_node;
	return b == i ? SIM_NODE_NONE : b;
}

/* ---- requests from [events], the join pattern, workload and churn ------------------------- */

static uint32_t make_req(struct sim *s, uint32_t verb)
{
	uint32_t r = req_alloc(s);
	if (r != SIM_NODE_NONE)
		s->reqs[r].verb = (uint8_t)verb;
	return r;
}

void sim_dht_action(struct sim *s, const sim_action *a)
{
	uint32_t r = make_req(s, a->verb);
	if (r == SIM_NODE_NONE)
		return;
	sim_opreq *q = &s->reqs[r];
	snprintf(q->name, sizeof q->name, "%s", a->arg);
	snprintf(q->tag, sizeof q->tag, "%s", a->tag);
	if (a->verb == SIM_VERB_JOIN)
		q->via = a->peer == SIM_NODE_ANY ? boot_for(s, a->node) : a->peer;
	if (a->verb == SIM_VERB_FIND && a->has_key)
		memcpy(q->key, a->key, THEMIS_ID_LEN);
	else if (a->verb == SIM_VERB_FIND || a->verb == SIM_VERB_STORE)
		themis_obj_id(a->arg, 0, q->key);
	ask(s, a->node, r);
}

void sim_dht_join_tick(struct sim *s, uint32_t node)
{
	uint32_t r = make_req(s, SIM_VERB_JOIN);
	if (r == SIM_NODE_NONE)
		return;
	s->reqs[r].via = boot_for(s, node);
	ask(s, node, r);
}

/* A uniformly drawn node for which want(node) holds: a few random draws, then a scan from a
 * random start (rare: when few nodes qualify). SIM_NODE_NONE when none does. */
static uint32_t pick(struct sim *s, sim_rng *rng, int (*want)(const struct sim *, uint32_t))
{
	for (int t = 0; t < 32; t++) {
		uint32_t i = (uint32_t)sim_rng_below(rng, s->count);
		if (want(s, i))
			return i;
	}
	uint32_t at = (uint32_t)sim_rng_below(rng, s->count);
	for (uint32_t k = 0; k < s->count; k++)
		if (want(s, (at + k) % s->count))
			return (at + k) % s->count;
	return SIM_NODE_NONE;
}

static int want_member(const struct sim *s, uint32_t i)
{
	return sim_ring_live(s, i) && !s->nodes[i].leaving;
}

static int want_leaver(const struct sim *s, uint32_t i)
{
	return want_member(s, i) && i >= s->sc->churn_protect;
}

static int want_outsider(const struct sim *s, uint32_t i)
{
	const sim_node *n = &s->nodes[i];
	return n->up && !n->member && !n->joining;
}

static uint64_t gap(sim_rng *rng, double rate, int poisson)
{
	if (!poisson) {
		double g = 1e9 / rate;
		return g < 1 ? 1 : (uint64_t)g;
	}
	double u = 1.0 - sim_rng_unit(rng);
	double g = -log(u) / rate * 1e9;
	return g < 1.0 ? 1 : (g > 1e18 ? (uint64_t)1e18 : (uint64_t)g);
}

static double rate_of(const sim_scenario *sc, uint32_t verb)
{
	switch (verb) {
	case SIM_VERB_FIND: return sc->find_rate;
	case SIM_VERB_STORE: return sc->store_rate;
	case SIM_VERB_REGISTER: return sc->register_rate;
	case SIM_VERB_DISCOVER: return sc->discover_rate;
	default: return 0;
	}
}

uint32_t sim_dht_workload_peek(const struct sim *s)
{
	/* the tick's first draw, on a copy of the stream: the real one does not move */
	sim_rng copy = s->dht;
	return s->count ? (uint32_t)sim_rng_below(&copy, s->count) : SIM_NODE_NONE;
}

void sim_dht_workload_tick(struct sim *s, uint32_t verb)
{
	const sim_scenario *sc = s->sc;
	if (s->now >= sc->workload_stop_ns)
		return;
	uint32_t i = pick(s, &s->dht, want_member);
	if (i != SIM_NODE_NONE) {
		uint32_t r = make_req(s, verb);
		if (r == SIM_NODE_NONE)
			return;
		sim_opreq *q = &s->reqs[r];
		if (verb == SIM_VERB_REGISTER || verb == SIM_VERB_DISCOVER) {
			snprintf(q->name, sizeof q->name, "svc-%llu",
				 (unsigned long long)sim_rng_below(&s->dht, sc->services));
		} else if (sc->key_names) {
			snprintf(q->name, sizeof q->name, "obj-%llu",
				 (unsigned long long)sim_rng_below(&s->dht, sc->names));
			themis_obj_id(q->name, 0, q->key);
		} else {
			char hex[17];
			sim_rng_bytes(&s->dht, q->key, THEMIS_ID_LEN);
			sim_fmt f = sim_fmt_on(q->name, sizeof q->name);
			sim_fmt_str(&f, "0x");
			sim_fmt_str(&f, themis_hex(q->key, 8, hex));
		}
		ask(s, i, r);
	}
	sim_push(s, s->now + gap(&s->dht, rate_of(sc, verb), sc->poisson), SIM_EV_WORKLOAD, verb, 0);
}

void sim_dht_churn_tick(struct sim *s, uint32_t what)
{
	const sim_scenario *sc = s->sc;
	if (s->now >= sc->churn_stop_ns)
		return;
	if (what == 2) {
		uint32_t i = pick(s, &s->dht_churn, want_outsider);
		if (i != SIM_NODE_NONE) {
			uint32_t via = pick(s, &s->dht_churn, want_member);
			uint32_t r = make_req(s, SIM_VERB_JOIN);
			if (r != SIM_NODE_NONE) {
				s->reqs[r].via = via;
				ask(s, i, r);
			}
		}
		sim_push(s, s->now + gap(&s->dht_churn, sc->join_rate, 1), SIM_EV_CHURN, 2, 0);
		return;
	}
	/* the leaves already under way count as done: together they must not take the ring
	 * below min_members either */
	if (s->dst.live_members > sc->churn_min + s->dst.leaving) {
		uint32_t i = pick(s, &s->dht_churn, want_leaver);
		if (i != SIM_NODE_NONE)
			ask(s, i, make_req(s, SIM_VERB_LEAVE));
	}
	sim_push(s, s->now + gap(&s->dht_churn, sc->leave_rate, 1), SIM_EV_CHURN, 3, 0);
}

/* ---- the node takes the request ----------------------------------------------------------- */

static int add_wait(struct sim *s, sim_node *n, uint64_t op_id, uint32_t r)
{
	if (n->nops == n->opscap) {
		uint32_t ncap = n->opscap ? n->opscap * 2u : 4u;
		if (ncap > UINT16_MAX)
			return -1;
		sim_opwait *nw = realloc(n->ops, ncap * sizeof *nw);
		if (!nw) {
			s->oom = 1;
			return -1;
		}
		n->ops = nw;
		n->opscap = (uint16_t)ncap;
	}
	n->ops[n->nops++] = (sim_opwait){ .op_id = op_id, .req = r };
	return 0;
}

void sim_dht_start(struct sim *s, uint32_t i, uint32_t r, uint64_t now)
{
	sim_node *n = &s->nodes[i];
	sim_opreq *q = &s->reqs[r];
	const char *tag = q->tag[0] ? q->tag : NULL;
	themis_peer via;
	int64_t op = THEMIS_EINVAL;
	char target[SIM_NAME_MAX + 8];

	target_of(q, target, sizeof target);
	switch (q->verb) {
	case SIM_VERB_JOIN:
		if (q->via != SIM_NODE_NONE)
			peer_of_node(s, q->via, &via);
		op = themis_join(n->tn, q->via == SIM_NODE_NONE ? NULL : &via, now);
		s->dst.last_change = now;
		break;
	case SIM_VERB_LEAVE:
		op = themis_leave(n->tn, now);
		s->dst.last_change = now;
		break;
	case SIM_VERB_STORE:
		op = themis_store(n->tn, q->key, tag, now);
		if (op > 0)
			issued_add(s, q->key, i);
		break;
	case SIM_VERB_FIND:
		op = themis_find(n->tn, q->key, now);
		break;
	case SIM_VERB_REGISTER:
		op = themis_register(n->tn, q->name, tag, now);
		for (uint32_t k = 0; op > 0 && k <= s->sc->k; k++) {
			uint8_t obj[THEMIS_ID_LEN];
			themis_obj_id(q->name, (uint8_t)k, obj);
			issued_add(s, obj, i);
		}
		break;
	case SIM_VERB_DISCOVER:
		op = themis_discover(n->tn, q->name, tag, now);
		break;
	}
	/* "%s %s -> op %lld" */
	char note[SIM_TRACE_NOTE_MAX + 1];
	sim_fmt f = sim_fmt_on(note, sizeof note);
	sim_fmt_str(&f, verb_name(q->verb));
	sim_fmt_str(&f, " ");
	sim_fmt_str(&f, target);
	sim_fmt_str(&f, " -> op ");
	sim_fmt_i64(&f, op);
	sim_trace_note_text(&s->tr, now, i, note, f.len);
	if (op < 0) {
		char why[32];
		snprintf(why, sizeof why, "error %lld", (long long)op);
		n->joining = n->joining && q->verb != SIM_VERB_JOIN;
		if (q->verb == SIM_VERB_LEAVE)
			set_leaving(s, i, 0);
		refused(s, i, r, why);
		return;
	}
	if (add_wait(s, n, (uint64_t)op, r))
		req_free(s, r);
}

/* ---- the node reports it done --------------------------------------------------------------- */

/* Records returned for q that no store of the scenario put there (ghosts). */
static uint64_t ghosts_in(const struct sim *s, const sim_opreq *q, const themis_event *ev)
{
	uint64_t g = 0;
	for (uint8_t k = 0; k < ev->nrec && k < THEMIS_EV_RECORDS; k++) {
		uint32_t j = sim_node_of_id(s, ev->rec[k].node.id);
		int known = 0;
		if (q->verb == SIM_VERB_FIND) {
			known = issued_has(s, q->key, j);
		} else {
			for (uint32_t r = 0; !known && r <= s->sc->k; r++) {
				uint8_t obj[THEMIS_ID_LEN];
				themis_obj_id(q->name, (uint8_t)r, obj);
				known = issued_has(s, obj, j);
			}
		}
		g += !known;
	}
	return g;
}

static int lat_push(struct sim *s, uint64_t v)
{
	sim_dht_stats *d = &s->dst;
	if (d->nlat == d->latcap) {
		size_t ncap = d->latcap ? d->latcap * 2 : 256;
		uint64_t *nl = realloc(d->lat, ncap * sizeof *nl);
		if (!nl) {
			s->oom = 1;
			return -1;
		}
		d->lat = nl;
		d->latcap = ncap;
	}
	d->lat[d->nlat++] = v;
	return 0;
}

void sim_dht_done(struct sim *s, uint32_t i, const themis_event *ev)
{
	sim_node *n = &s->nodes[i];
	sim_dht_stats *d = &s->dst;
	uint16_t w;
	char owner[32] = "-", target[SIM_NAME_MAX + 8], detail[96], nn[16];

	for (w = 0; w < n->nops && n->ops[w].op_id != ev->op_id; w++)
		;
	if (w == n->nops) {
		sim_trace_note(&s->tr, s->now, i, "OP_DONE %s op %llu %s", themis_op_name(ev->op),
			       (unsigned long long)ev->op_id, ev->ok ? "ok" : "FAILED");
		return;
	}
	uint32_t r = n->ops[w].req;
	n->ops[w] = n->ops[--n->nops];
	const sim_opreq *q = &s->reqs[r];
	target_of(q, target, sizeof target);
	/* a find's owner is named below, from the true owner when it is that node (no search) */
	if ((ev->op == THEMIS_OP_STORE || ev->op == THEMIS_OP_JOIN ||
	     (ev->op == THEMIS_OP_FIND && q->verb != SIM_VERB_FIND)) && ev->ok)
		node_name(s, ev->owner.id, owner, sizeof owner);
	if (ev->op == THEMIS_OP_DISCOVER && ev->chosen >= 0)
		node_name(s, ev->peer, owner, sizeof owner);

	int wrong = 0;
	uint64_t ghosts = 0;
	switch (q->verb) {
	case SIM_VERB_FIND: {
		d->finds_done++;
		d->finds_msgs += ev->msgs;
		if (!ev->ok)
			break;
		d->finds_ok++;
		d->finds_hops += ev->hops;
		lat_push(s, ev->t_end_ns - ev->t_start_ns);
		d->finds_with_records += ev->nrec > 0;
		/* the true owner among live joined nodes now, when the answer arrives */
		uint32_t truth = sim_ring_owner(s, q->key);
		wrong = truth == SIM_NODE_NONE ||
			memcmp(ev->owner.id, themis_node_id(s->nodes[truth].tn), THEMIS_ID_LEN) != 0;
		d->wrong_owner += (uint64_t)wrong;
		if (wrong)
			node_name(s, ev->owner.id, owner, sizeof owner);
		else
			index_name(truth, owner, sizeof owner);
		ghosts = ghosts_in(s, q, ev);
		break;
	}
	case SIM_VERB_STORE:
		d->stores_ok += ev->ok != 0;
		break;
	case SIM_VERB_REGISTER:
		d->registers_ok += ev->ok != 0;
		break;
	case SIM_VERB_DISCOVER:
		d->discovers_ok += ev->ok != 0;
		ghosts = ghosts_in(s, q, ev);
		break;
	case SIM_VERB_JOIN:
		d->joins_ok += ev->ok != 0;
		n->joining = 0;
		refresh_member(s, i);
		break;
	case SIM_VERB_LEAVE:
		d->leaves_ok += ev->ok != 0;
		set_leaving(s, i, 0);
		refresh_member(s, i);
		break;
	}
	d->ghosts += ghosts;
	/* "owner=%s recs=%u%s%s" and "OP_DONE %s %s %s hops=%u msgs=%u %s" */
	sim_fmt f = sim_fmt_on(detail, sizeof detail);
	sim_fmt_str(&f, "owner=");
	sim_fmt_str(&f, owner);
	sim_fmt_str(&f, " recs=");
	sim_fmt_u64(&f, ev->nrec);
	sim_fmt_str(&f, wrong ? " WRONG-OWNER" : "");
	sim_fmt_str(&f, ghosts ? " GHOST" : "");
	char note[SIM_TRACE_NOTE_MAX + 1];
	f = sim_fmt_on(note, sizeof note);
	sim_fmt_str(&f, "OP_DONE ");
	sim_fmt_str(&f, themis_op_name(ev->op));
	sim_fmt_str(&f, " ");
	sim_fmt_str(&f, target);
	sim_fmt_str(&f, ev->ok ? " ok hops=" : " FAILED hops=");
	sim_fmt_u64(&f, ev->hops);
	sim_fmt_str(&f, " msgs=");
	sim_fmt_u64(&f, ev->msgs);
	sim_fmt_str(&f, " ");
	sim_fmt_str(&f, detail);
	sim_trace_note_text(&s->tr, s->now, i, note, f.len);
	index_name(i, nn, sizeof nn);
	s->st.op_rows++;
	if (s->db)
		sim_metrics_op(s->db, s->st.op_rows, nn, themis_op_name(ev->op), target, ev->t_start_ns,
			       ev->t_end_ns, ev->ok, ev->hops, ev->msgs, -1, detail);
	req_free(s, r);
}

/* ---- the oracle ring ------------------------------------------------------------------------ */

/* Fewer members: the ring's tables are set on one thread (a few tens of milliseconds). */
enum { STATIC_MIN_NODES = 16384 };

/* pos += 2^j on an m-bit ring whose value fills the first m bits of 32 bytes. */
static void pos_add_pow2(uint8_t pos[THEMIS_ID_LEN], unsigned j, unsigned m)
{
	unsigned bit = m - 1 - j;
	int byte = (int)(bit / 8);
	unsigned carry = 0x80u >> (bit % 8);
	for (; byte >= 0 && carry; byte--) {
		unsigned v = pos[byte] + carry;
		pos[byte] = (uint8_t)v;
		carry = v >> 8;
	}
}

/* Bit length of (b - a) mod 2^m: the clockwise distance as an m-bit number. */
static unsigned dist_bits(const uint8_t a[THEMIS_ID_LEN], const uint8_t b[THEMIS_ID_LEN], unsigned m)
{
	uint8_t d[THEMIS_ID_LEN];
	int borrow = 0;
	for (int k = THEMIS_ID_LEN - 1; k >= 0; k--) {
		int v = (int)b[k] - (int)a[k] - borrow;
		borrow = v < 0;
		d[k] = (uint8_t)(v + (borrow ? 256 : 0));
	}
	for (unsigned bit = 0; bit < m; bit++)
		if (d[bit / 8] & (0x80u >> (bit % 8)))
			return m - bit;
	return 0;
}

static uint64_t key_of(const uint8_t *pos)
{
	uint64_t k = 0;
	for (int b = 0; b < 8; b++)
		k = k << 8 | pos[b];
	return k;
}

/* pos[ring[i]] < pos, on the packed first 64 bits rk[i] first. */
static int below(const struct sim *s, const uint32_t *ring, const uint64_t *rk, uint32_t i,
		 uint64_t key, const uint8_t *pos)
{
	return rk[i] != key ? rk[i] < key : memcmp(s->pos[ring[i]], pos, THEMIS_ID_LEN) < 0;
}

/* First index in ring[0..n) (sorted positions, rk their first 64 bits) at or after pos,
 * wrapping to 0. The search starts at guess and widens by doubling before it bisects: the
 * caller's guess is usually a few entries off, so a million-node oracle ring costs a few
 * cache misses per finger instead of twenty. The answer does not depend on the guess. */
static uint32_t ring_succ(const struct sim *s, const uint32_t *ring, const uint64_t *rk, uint32_t n,
			  const uint8_t *pos, uint32_t guess)
{
	uint64_t key = key_of(pos);
	uint32_t lo, hi;   /* the answer is in [lo, hi]: below(lo - 1) and !below(hi) */
	if (guess >= n)
		guess = n - 1;
	if (below(s, ring, rk, guess, key, pos)) {
		uint64_t step = 1;
		lo = guess + 1;
		while (guess + step < n && below(s, ring, rk, (uint32_t)(guess + step), key, pos)) {
			lo = (uint32_t)(guess + step) + 1;
			step *= 2;
		}
		hi = guess + step < n ? (uint32_t)(guess + step) : n;
	} else {
		uint64_t step = 1;
		hi = guess;
		while (step <= guess && !below(s, ring, rk, (uint32_t)(guess - step), key, pos)) {
			hi = (uint32_t)(guess - step);
			step *= 2;
		}
		lo = step <= guess ? (uint32_t)(guess - step) + 1 : 0;
	}
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (below(s, ring, rk, mid, key, pos))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == n ? 0 : lo;
}

/* The member at ring index a, as a peer. */
static void peer_at(const struct sim *s, const uint32_t *ring, const uint8_t (*rid)[THEMIS_ID_LEN],
		    uint32_t a, themis_peer *p)
{
	memcpy(p->id, rid[a], THEMIS_ID_LEN);
	sim_addr_of(ring[a], s->sc->port, &p->addr);
}

/* What one range of the oracle ring's members needs: the sorted ring (read only). */
typedef struct static_job {
	struct sim *s;
	const uint32_t *ring;   /* member node indexes in position order */
	const uint64_t *rk;     /* their positions' first 64 bits */
	const uint8_t (*rid)[THEMIS_ID_LEN]; /* their ids */
	uint32_t n;
} static_job;

/* Members at ring indexes [lo, hi) get their successors, predecessor and fingers. Each
 * touches only its own node object, so ranges run on threads of their own (par.h). */
static int static_range(void *ctx, uint32_t lo, uint32_t hi, uint32_t *failed)
{
	const static_job *jb = ctx;
	const struct sim *s = jb->s;
	const sim_scenario *sc = s->sc;
	const uint32_t *ring = jb->ring, n = jb->n, r = sc->succ_len;
	themis_peer *fingers = malloc((sc->m + 1) * sizeof *fingers);
	themis_peer succ[THEMIS_MAX_SUCC], pred;
	int rc = 0;

	if (!fingers) {
		*failed = lo;
		return THEMIS_ENOMEM;
	}
	for (uint32_t a = lo; a < hi; a++) {
		uint32_t i = ring[a], ns = n - 1 < r ? n - 1 : r, nf = 0;
		for (uint32_t k = 0; k < ns; k++)
			peer_at(s, ring, jb->rid, (a + 1 + k) % n, &succ[k]);
		if (n > 1) {
			peer_at(s, ring, jb->rid, (a + n - 1) % n, &pred);
			/* fingers 0 .. bits-1 all land on the first successor */
			uint32_t last = ring[(a + 1) % n];
			unsigned j = dist_bits(s->pos[i], s->pos[last], sc->m);
			peer_at(s, ring, jb->rid, (a + 1) % n, &fingers[nf++]);
			for (; j < sc->m; j++) {
				uint8_t start[THEMIS_ID_LEN];
				memcpy(start, s->pos[i], THEMIS_ID_LEN);
				pos_add_pow2(start, j, sc->m);
				/* random positions: about n 2^(j-m) members lie in [pos, pos + 2^j) */
				double ahead = ldexp((double)n, (int)j - (int)sc->m);
				uint32_t guess = (uint32_t)((a + (uint64_t)(ahead < n ? ahead : n - 1)) % n);
				uint32_t f = ring_succ(s, ring, jb->rk, n, start, guess);
				if (ring[f] == i || ring[f] == last)
					continue;
				last = ring[f];
				peer_at(s, ring, jb->rid, f, &fingers[nf++]);
			}
		}
		rc = themis_node_set_ring(s->nodes[i].tn, succ, ns, n > 1 ? &pred : NULL, fingers, nf);
		if (rc < 0) {
			*failed = a;
			break;
		}
	}
	free(fingers);
	return rc < 0 ? rc : 0;
}

/* Every member gets the successor list, predecessor and distinct fingers (Chord's
 * successor(self + 2^j)) an oracle computes from the sorted positions: O(N log N) in all,
 * since fingers below the first successor's distance are that successor and each of the
 * others is one binary search. The tables are set on several threads on a large ring
 * (STATIC_MIN_NODES); the timers are armed afterwards on this one, in ring order, as the
 * sequential loop did (the event queue's sequence numbers depend on that order). */
static int static_ring(struct sim *s, char *err, size_t errlen)
{
	const sim_scenario *sc = s->sc;
	uint32_t n = 0;
	uint32_t *ring = malloc((size_t)sc->members * sizeof *ring);
	uint64_t *rk = malloc((size_t)sc->members * sizeof *rk);
	/* every member's id in ring order: a node's successors and fingers are read from here,
	 * not from the node objects (two cache misses each on a million-node ring) */
	uint8_t (*rid)[THEMIS_ID_LEN] = malloc((size_t)sc->members * sizeof *rid);
	int rc = -1;

	if (!ring || !rk || !rid) {
		snprintf(err, errlen, "out of memory for the static ring");
		goto out;
	}
	for (uint32_t k = 0; k < s->count; k++)
		if (s->by_pos[k] < sc->members)
			ring[n++] = s->by_pos[k];
	for (uint32_t a = 0; a < n; a++) {
		rk[a] = key_of(s->pos[ring[a]]);
		memcpy(rid[a], themis_node_id(s->nodes[ring[a]].tn), THEMIS_ID_LEN);
	}
	for (uint32_t a = 0; a + 1 < n; a++) {
		if (memcmp(s->pos[ring[a]], s->pos[ring[a + 1]], THEMIS_ID_LEN) == 0) {
			snprintf(err, errlen, "%s: nodes n%u and n%u share a ring position (m = %u): choose another seed or a larger m",
				 sc->file, ring[a] < ring[a + 1] ? ring[a] : ring[a + 1],
				 ring[a] < ring[a + 1] ? ring[a + 1] : ring[a], sc->m);
			goto out;
		}
	}
	static_job jb = { .s = s, .ring = ring, .rk = rk, .rid = (const uint8_t (*)[THEMIS_ID_LEN])rid, .n = n };
	uint32_t nt = n < STATIC_MIN_NODES ? 1 : sim_par_threads(s->opts->threads), failed = 0;
	if (sim_par_for(nt, n, static_range, &jb, &failed) < 0) {
		snprintf(err, errlen, "%s: the core refused node n%u's static ring", sc->file, ring[failed]);
		goto out;
	}
	for (uint32_t a = 0; a < n; a++) {
		s->nodes[ring[a]].member = 1;
		sim_node_arm(s, ring[a]);
	}
	s->dst.live_members = n;
	sim_assume_members(s);
	rc = 0;
out:
	free(ring);
	free(rk);
	free(rid);
	return rc;
}

/* ---- setup and the end ----------------------------------------------------------------------- */

static const uint8_t (*cmp_pos)[THEMIS_ID_LEN];

static int by_pos_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	int c = memcmp(cmp_pos[a], cmp_pos[b], THEMIS_ID_LEN);
	/* ties (colliding positions) in index order: the sort is deterministic */
	return c ? c : (a > b) - (a < b);
}

int sim_dht_setup(struct sim *s, char *err, size_t errlen)
{
	const sim_scenario *sc = s->sc;
	s->free_req = SIM_NODE_NONE;
	s->dst.last_valid = s->dst.last_ideal = 1;   /* an empty ring is both */
	sim_rng_seed(&s->dht, sc->seed, SIM_RNG_DHT, 0);
	sim_rng_seed(&s->dht_churn, sc->seed, SIM_RNG_DHT_CHURN, 0);
	s->pos = malloc((size_t)s->count * sizeof *s->pos);
	s->by_pos = malloc((size_t)s->count * sizeof *s->by_pos);
	if (!s->pos || !s->by_pos) {
		snprintf(err, errlen, "out of memory for %u ring positions", s->count);
		return -1;
	}
	for (uint32_t i = 0; i < s->count; i++) {
		themis_ring_pos(themis_node_id(s->nodes[i].tn), sc->m, s->pos[i]);
		s->by_pos[i] = i;
	}
	cmp_pos = (const uint8_t (*)[THEMIS_ID_LEN])s->pos;
	qsort(s->by_pos, s->count, sizeof *s->by_pos, by_pos_cmp);
	s->pos_key = malloc((size_t)(s->count ? s->count : 1) * sizeof *s->pos_key);
	if (!s->pos_key) {
		snprintf(err, errlen, "out of memory for %u ring positions", s->count);
		return -1;
	}
	for (uint32_t k = 0; k < s->count; k++) {
		uint64_t key = 0;
		for (int b = 0; b < 8; b++)
			key = key << 8 | s->pos[s->by_pos[k]][b];
		s->pos_key[k] = key;
	}
	if (sim_ring_index(s) || sim_assume_setup(s)) {
		snprintf(err, errlen, "out of memory for %u ring positions", s->count);
		return -1;
	}

	if (sc->join == SIM_JOIN_STATIC) {
		if (static_ring(s, err, errlen))
			return -1;
	} else if (sc->join != SIM_JOIN_NONE) {
		uint64_t t = sc->join_start_ns;
		sim_push(s, t, SIM_EV_JOIN, sc->bootstrap_node, 0);
		for (uint32_t i = 0; i < sc->members; i++) {
			if (i == sc->bootstrap_node)
				continue;
			if (sc->join == SIM_JOIN_SEQUENTIAL)
				t += sc->join_interval_ns;
			sim_push(s, t, SIM_EV_JOIN, i, 0);
		}
	}
	static const uint32_t wl[] = { SIM_VERB_FIND, SIM_VERB_STORE, SIM_VERB_REGISTER, SIM_VERB_DISCOVER };
	for (size_t k = 0; k < sizeof wl / sizeof wl[0]; k++) {
		double rate = rate_of(sc, wl[k]);
		if (rate > 0)
			sim_push(s, sc->workload_start_ns + gap(&s->dht, rate, sc->poisson), SIM_EV_WORKLOAD,
				 wl[k], 0);
	}
	if (sc->join_rate > 0)
		sim_push(s, sc->churn_start_ns + gap(&s->dht_churn, sc->join_rate, 1), SIM_EV_CHURN, 2, 0);
	if (sc->leave_rate > 0)
		sim_push(s, sc->churn_start_ns + gap(&s->dht_churn, sc->leave_rate, 1), SIM_EV_CHURN, 3, 0);
	if (sc->check_ns > 0)
		sim_push(s, sc->check_ns, SIM_EV_CHECK, 0, 0);
	return 0;
}

void sim_dht_free(struct sim *s)
{
	if (s->nodes)
		for (uint32_t i = 0; i < s->count; i++)
			free(s->nodes[i].ops);
	free(s->pos);
	free(s->by_pos);
	free(s->pos_key);
	s->pos_key = NULL;
	free(s->key_bucket);
	s->key_bucket = NULL;
	free(s->reqs);
	free(s->issued);
	free(s->dst.lat);
	sim_assume_free(s);
}

uint64_t sim_dht_objects_lost(struct sim *s)
{
	uint64_t lost = 0;
	themis_record *rec = malloc(64 * sizeof *rec);
	if (!rec) {
		s->oom = 1;
		return 0;
	}
	for (size_t k = 0; k < s->issuedcap; k++) {
		const sim_issued *e = &s->issued[k];
		if (e->node == SIM_NODE_NONE || !sim_ring_live(s, e->node))
			continue;   /* a storer that is gone no longer keeps its record alive */
		const uint8_t *storer = themis_node_id(s->nodes[e->node].tn);
		uint8_t pos[THEMIS_ID_LEN];
		themis_ring_pos(e->obj, s->sc->m, pos);
		uint32_t at = 0, lo = 0, hi = s->count;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (memcmp(s->pos[s->by_pos[mid]], pos, THEMIS_ID_LEN) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		at = lo;
		/* the true owner and the next r live nodes: a copy in transit by handoff or
		 * a stand-in after a failure still counts as held */
		int held = 0;
		uint32_t seen = 0;
		for (uint32_t step = 0; step < s->count && seen <= s->sc->succ_len && !held; step++) {
			uint32_t j = s->by_pos[(at + step) % s->count];
			if (!sim_ring_live(s, j))
				continue;
			seen++;
			size_t got = themis_node_records(s->nodes[j].tn, e->obj, rec, 64, s->now);
			for (size_t g = 0; g < got && !held; g++)
				held = memcmp(rec[g].node.id, storer, THEMIS_ID_LEN) == 0;
		}
		if (!held) {
			char hex[17];
			lost++;
			sim_trace_observed(&s->tr, s->now, e->node, "LOST object %s",
					   themis_hex(e->obj, 8, hex));
		}
	}
	free(rec);
	return lost;
}
