/* sim.c: the discrete-event driver: creates the nodes, schedules the scenario's events,
 * workload, churn and samples, and runs the event loop in virtual time (simnode.c feeds the
 * nodes, transmit.c carries datagrams). It never reads a clock to decide anything; the wall
 * clock only feeds --progress and the wall_seconds figures.
 */
#include "simint.h"

#include "peek.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- scenario-level events ---- */

static uint64_t exp_gap(sim_rng *r, double rate)
{
	double u = 1.0 - sim_rng_unit(r);
	double gap = -log(u) / rate * 1e9;
	return gap < 1.0 ? 1 : (gap > 1e18 ? (uint64_t)1e18 : (uint64_t)gap);
}

static void workload_tick(struct sim *s)
{
	const sim_scenario *sc = s->sc;
	if (s->now >= sc->workload_stop_ns || s->count < 2)
		return;
	uint32_t a = (uint32_t)sim_rng_below(&s->workload, s->count);
	uint32_t b = (uint32_t)sim_rng_below(&s->workload, s->count - 1);
	if (b >= a)
		b++;
	sim_ping_input(s, a, b);
	sim_push(s, s->now + exp_gap(&s->workload, sc->ping_rate), SIM_EV_WORKLOAD, 0, 0);
}

/* Chord's assumption for a failure: every live member keeps a live node in its successor list.
 * Node i may fail when no other member within succ_len places before or after it on the ring
 * is down: then no window of succ_len consecutive members holds two down ones. */
static int spaced(const struct sim *s, uint32_t i)
{
	uint32_t at = 0, r = s->sc->succ_len;

	while (at < s->count && s->by_pos[at] != i)
		at++;
	for (int dir = -1; dir <= 1; dir += 2) {
		uint32_t seen = 0;
		for (uint32_t k = 1; k < s->count && seen < r; k++) {
			uint32_t j = s->by_pos[(at + s->count + (uint32_t)dir * k) % s->count];
			if (j == i || !s->nodes[j].member)
				continue;
			if (!s->nodes[j].up)
				return 0;
			seen++;
		}
	}
	return 1;
}

static void churn_tick(struct sim *s, uint32_t what, uint32_t node)
{
	const sim_scenario *sc = s->sc;
	if (what == 1) {
		sim_node_recover(s, node);
		return;
	}
	if (what == 4) {
		sim_fail_share(s);
		return;
	}
	if (what >= 2) {
		sim_dht_churn_tick(s, what);
		return;
	}
	if (s->now >= sc->churn_stop_ns)
		return;
	uint32_t i = (uint32_t)sim_rng_below(&s->churn, s->count);
	/* never take the ring below [churn] min_members, counting the leaves under way as done */
	int spare = i >= sc->churn_protect &&
		    (!sim_ring_live(s, i) || s->dst.live_members > sc->churn_min + s->dst.leaving);
	if (spare && sc->churn_spaced && s->nodes[i].member)
		spare = spaced(s, i);
	if (s->nodes[i].up && spare) {
		sim_node_fail(s, i);
		sim_push(s, s->now + sc->downtime_ns, SIM_EV_CHURN, 1, i);
	}
	sim_push(s, s->now + exp_gap(&s->churn, sc->fail_rate), SIM_EV_CHURN, 0, 0);
}

/* Node i fails, and with it the next `run` live members after it in ring order (a rack that
 * lost power: consecutive nodes of the ring, whatever the seed put where). */
static void fail_run(struct sim *s, uint32_t i, uint32_t run)
{
	uint32_t at = 0;

	while (at < s->count && s->by_pos[at] != i)
		at++;
	sim_node_fail(s, i);
	for (uint32_t k = 1; k < s->count && run > 0; k++) {
		uint32_t j = s->by_pos[(at + k) % s->count];
		if (j != i && sim_ring_live(s, j)) {
			sim_node_fail(s, j);
			run--;
		}
	}
}

static void action(struct sim *s, uint32_t k)
{
	const sim_action *a = &s->sc->actions[k];
	switch (a->verb) {
	case SIM_VERB_PING:
		sim_ping_input(s, a->node, a->peer);
		break;
	case SIM_VERB_FAIL:
		fail_run(s, a->node, a->run);
		break;
	case SIM_VERB_RECOVER:
		sim_node_recover(s, a->node);
		break;
	case SIM_VERB_CHECK:
		sim_ring_check_record(s, 1);
		break;
	default:
		sim_dht_action(s, a);
		break;
	}
}

static void sample(struct sim *s)
{
	uint64_t pkts = 0, bytes = 0, hs = 0, drops = 0, up = 0;
	themis_counters c;
	for (uint32_t i = 0; i < s->count; i++) {
		themis_node_counters(s->nodes[i].tn, &c);
		pkts += c.pkts_out;
		bytes += c.bytes_out;
		hs += c.handshakes_ok;
		for (int r = 0; r < THEMIS_DROP__COUNT; r++)
			drops += c.drops[r];
		up += s->nodes[i].up;
	}
	if (s->db) {
		sim_metrics_sample(s->db, s->now, "all", "pkts_out", (double)pkts);
		sim_metrics_sample(s->db, s->now, "all", "bytes_out", (double)bytes);
		sim_metrics_sample(s->db, s->now, "all", "sessions_established", (double)hs);
		sim_metrics_sample(s->db, s->now, "all", "drops", (double)drops);
		sim_metrics_sample(s->db, s->now, "all", "nodes_up", (double)up);
		sim_metrics_sample(s->db, s->now, "all", "pings_done", (double)s->st.pings_done);
	}
	if (s->now + s->sc->sample_ns <= s->sc->duration_ns)
		sim_push(s, s->now + s->sc->sample_ns, SIM_EV_SAMPLE, 0, 0);
}

static void dispatch(struct sim *s, const sim_event *ev)
{
	switch ((sim_ev_kind)ev->kind) {
	case SIM_EV_DELIVER:
		if (!s->nodes[ev->a].up) {
			sim_pkt *p = sim_pkt_at(s, ev->b);
			s->st.down_drops++;
			sim_trace_arrival(&s->tr, s->now, SIM_TR_DOWN, p->from, ev->a, p->data, p->len,
					  p->sent);
			sim_pkt_free(s, ev->b);
			break;
		}
		sim_node_input(s, ev->a, (sim_input){ .kind = SIM_IN_DELIVER, .arg = ev->b }, s->now);
		break;
	case SIM_EV_TRANSMIT:
		if (ev->a == SIM_NODE_NONE)
			sim_route(s, ev->b, s->now);
		else
			sim_transmit(s, ev->b, s->now);
		break;
	case SIM_EV_TIMER:
		if (sim_node_wake(s, ev->a, ev->seq))
			sim_node_input(s, ev->a, (sim_input){ .kind = SIM_IN_TIMER }, s->now);
		break;
	case SIM_EV_READY:
		if (s->nodes[ev->a].up)
			sim_node_ready(s, ev->a, s->now);
		break;
	case SIM_EV_ACTION:
		action(s, ev->a);
		break;
	case SIM_EV_WORKLOAD:
		if (ev->a)
			sim_dht_workload_tick(s, ev->a);
		else
			workload_tick(s);
		break;
	case SIM_EV_JOIN:
		sim_dht_join_tick(s, ev->a);
		break;
	case SIM_EV_CHECK:
		sim_ring_check_record(s, 1);
		if (s->now + s->sc->check_ns <= s->sc->duration_ns)
			sim_push(s, s->now + s->sc->check_ns, SIM_EV_CHECK, 0, 0);
		break;
	case SIM_EV_CHURN:
		churn_tick(s, ev->a, ev->b);
		break;
	case SIM_EV_SAMPLE:
		sample(s);
		break;
	case SIM_EV_ADVERSARY:
		sim_adversary_tick(s, &s->adv, s->now);
		break;
	}
}

/* ---- setup and the loop ---- */

/* An event that only watches the run (a ring check, a sample) and changes nothing in it:
 * counted apart, so `events` is the same whatever observers a scenario asks for. */
static int observer_event(const struct sim *s, const sim_event *ev)
{
	return ev->kind == SIM_EV_CHECK || ev->kind == SIM_EV_SAMPLE ||
	       (ev->kind == SIM_EV_ACTION && s->sc->actions[ev->a].verb == SIM_VERB_CHECK);
}

/* Below this many nodes they all fit in the caches: no hints. */
enum { PREFETCH_MIN_NODES = 4096 };

/* The node an event will feed, or SIM_NODE_NONE; for a DHT workload tick, a guess. */
static uint32_t fed_node(const struct sim *s, const sim_event *e)
{
	switch ((sim_ev_kind)e->kind) {
	case SIM_EV_DELIVER:
	case SIM_EV_TIMER:
	case SIM_EV_READY:
		return e->a;
	case SIM_EV_WORKLOAD:
		return e->a ? sim_dht_workload_peek(s) : SIM_NODE_NONE;
	case SIM_EV_TRANSMIT:
	default:
		return SIM_NODE_NONE;
	}
}

/* Cache hints (no effect on the run): on a large ring every event lands on a node no cache
 * holds, so start loading the next event's node tables, the one after's node object and the
 * fourth's sim_node while this event runs (the third's was hinted one event ago: the sim_node
 * gets two events' head start, the core object's address is read from it). The later
 * guesses may be wrong (an event pushed meanwhile runs first); a wrong hint only costs a
 * little memory bandwidth. */
static void prefetch_upcoming(const struct sim *s, const sim_event *now)
{
	const sim_event *up[4];
	sim_evq_upcoming_n(&s->q, up, 4);
	const sim_event *e = up[0];
	uint32_t i;
	/* the event about to run: what its node's tables point to (their stage 1 ran one
	 * event ago) */
	if (now->kind == SIM_EV_DELIVER && now->a < s->count) {
		themis_node_prefetch(s->nodes[now->a].tn, 2);
		if (now->b < s->npkts)
			themis_node_prefetch_input(s->nodes[now->a].tn, sim_pkt_at(s, now->b)->data,
						   sim_pkt_at(s, now->b)->len);
	}
	if (e && (i = fed_node(s, e)) != SIM_NODE_NONE && i < s->count) {
		themis_node_prefetch(s->nodes[i].tn, 1);
		/* the whole datagram: its header line was hinted one event ago, so its length
		 * is at hand; the trace hash and the node read every byte */
		if (e->kind == SIM_EV_DELIVER && e->b < s->npkts) {
			const sim_pkt *p = sim_pkt_at(s, e->b);
			const char *c = (const char *)p;
			size_t end = offsetof(sim_pkt, data) + (p->len <= sizeof p->data ? p->len : 0);
			for (size_t off = 64; off < end; off += 64) {
				__builtin_prefetch(c + off);
				__asm__ volatile("" ::: "memory");
			}
			__builtin_prefetch(c + end - 1);
		}
	}
	e = up[1];
	if (e && (i = fed_node(s, e)) != SIM_NODE_NONE && i < s->count) {
		themis_node_prefetch(s->nodes[i].tn, 0);
		if (e->kind == SIM_EV_DELIVER && e->b < s->npkts)
			__builtin_prefetch(sim_pkt_at(s, e->b));
	}
	/* four ahead: the simulator's own record of the node, where the core object's
	 * address is read two events later */
	e = up[3];
	if (e && (i = fed_node(s, e)) != SIM_NODE_NONE && i < s->count) {
		__builtin_prefetch(&s->nodes[i].tn);
		__builtin_prefetch(&s->nodes[i].wake_seq);   /* its second line */
	}
}

static int make_nodes(struct sim *s, char *err, size_t errlen)
{
	/* on a cache line: a sim_node is two whole lines (simint.h) */
	size_t nodes_len = ((size_t)s->count * sizeof *s->nodes + 63) / 64 * 64;
	s->nodes = aligned_alloc(64, nodes_len ? nodes_len : 64);
	if (s->nodes)
		memset(s->nodes, 0, nodes_len);
	s->by_id = calloc(s->count, sizeof *s->by_id);
	if (!s->nodes || !s->by_id) {
		snprintf(err, errlen, "out of memory for %u nodes before making any (asked %.0f MB for the "
			 "node tables alone)", s->count,
			 (double)(nodes_len + (size_t)s->count * sizeof *s->by_id) / (1024 * 1024));
		return -1;
	}
	if (sim_nodes_create(s, err, errlen))
		return -1;
	for (uint32_t i = 0; i < s->count; i++) {
		memcpy(s->by_id[i].id, themis_node_id(s->nodes[i].tn), THEMIS_ID_LEN);
		s->by_id[i].node = i;
	}
	qsort(s->by_id, s->count, sizeof *s->by_id, sim_idx_cmp);
	return 0;
}

static void teardown(struct sim *s)
{
	sim_dht_free(s);   /* first: it frees per-node tables */
	if (s->nodes) {
		for (uint32_t i = 0; i < s->count; i++) {
			themis_node_del(s->nodes[i].tn);
			free(s->nodes[i].q);
			free(s->nodes[i].hs);
		}
	}
	free(s->nodes);
	free(s->by_id);
	sim_pkts_free(s);
	free(s->sent);
	free(s->st.rtt);
	sim_evq_free(&s->q);
	sim_adversary_free(&s->adv);
}

/* --trace: names a node id for the lines of peek.c */
static int trace_name(void *ctx, const uint8_t id[THEMIS_ID_LEN], char *out, size_t n)
{
	uint32_t j = sim_node_of_id(ctx, id);
	if (j == SIM_NODE_NONE)
		return -1;
	snprintf(out, n, "n%u", j);
	return 0;
}

/* --trace: the DHT message inside a DATA (opened with the receiver's keys, peek.c) or PLAIN. */
static void trace_peek(void *ctx, uint32_t from, uint32_t to, const uint8_t *pkt, size_t len,
		       char *out, size_t n)
{
	struct sim *s = ctx;
	uint8_t buf[1232];
	const uint8_t *frame = buf;
	int flen;
	(void)from;
	out[0] = 0;
	if (sim_pkt_type(pkt, len) == 5)
		flen = sim_peek_plain(pkt, len, &frame);
	else if (to < s->count && s->nodes[to].tn)
		flen = sim_peek_data(s->nodes[to].tn, pkt, len, buf, sizeof buf);
	else
		flen = -1;
	if (flen < 0)
		return;
	out[0] = ' ';
	sim_frame_describe(out + 1, n - 1, frame, (size_t)flen, s->sc->m, trace_name, s);
}

/* --progress. A terminal gets one status line redrawn in place (\r); anything else (a log
 * file, a pipe, CI) gets whole lines, one whenever another tenth of the simulated time has
 * passed or 10 s of wall clock since the last, so a long run's log shows it moving. */
static void progress(const struct sim *s, double t0, double *last, int *tenth, int final)
{
	double w = wall_now();
	double el = w - t0, frac = final ? 1 : (double)s->now / (double)s->sc->duration_ns;
	int t = (int)(frac * 10);
	if (s->opts->progress == 2 ? (!final && t <= *tenth && w - *last < 10) : w - *last < 0.5)
		return;
	*last = w;
	*tenth = t;
	/* whole trace lines out before the status line, which may share their terminal */
	if (s->opts->trace)
		fflush(s->opts->trace);
	double eta = frac > 0 ? el / frac - el : 0;
	double rate = el > 0 ? (double)s->st.events / el * 1e-6 : 0;
	if (s->opts->progress == 2)
		fprintf(stderr, "themis-sim: progress %.3fs of %.3fs simulated (%.0f%%), %.2fM events/s, "
			"%.1fs elapsed, ETA %.1fs\n", (double)s->now * 1e-9, (double)s->sc->duration_ns * 1e-9,
			100 * frac, rate, el, eta);
	else
		fprintf(stderr, "\r[%10.3fs sim] %5.1f%%  %.2fM events/s  ETA %.0fs   ",
			(double)s->now * 1e-9, 100 * frac, rate, eta);
	fflush(stderr);
}

int sim_run(const sim_scenario *sc, const sim_opts *o, sim_summary *out, char *err, size_t errlen)
{
	struct sim s;
	int rc = -1;
	memset(&s, 0, sizeof s);
	memset(out, 0, sizeof *out);
	s.sc = sc;
	s.opts = o;
	s.count = sc->count;
	s.free_pkt = SIM_NODE_NONE;
	s.sender = SIM_NODE_NONE;
	sim_evq_init(&s.q);
	double t0 = wall_now(), last = t0, loop_t0 = t0;
	int tenth = 0;

	if (sim_rng_install_backstop(sc->seed)) {
		snprintf(err, errlen, "libsodium failed to initialise");
		goto out;
	}
	sim_trace_init(&s.tr, o->trace);
	s.tr.peek = trace_peek;
	s.tr.peek_ctx = &s;
	sim_net_init(&s.net, sc, sc->seed);
	sim_adversary_init(&s.adv, sc, sc->seed);
	sim_rng_seed(&s.workload, sc->seed, SIM_RNG_WORKLOAD, 0);
	sim_rng_seed(&s.churn, sc->seed, SIM_RNG_CHURN, 0);
	if (o->pcap_path) {
		if (sim_pcap_open(&s.pcap, o->pcap_path)) {
			snprintf(err, errlen, "%s: cannot create pcap file", o->pcap_path);
			goto out;
		}
		s.has_pcap = 1;
	}
	if (o->db_path) {
		char *params = sim_scenario_params(sc);
		s.db = sim_metrics_open(o->db_path, sc->name, sc->seed, sc->security ? "on" : "off",
					params ? params : "", o->threads != 1, err, errlen);
		free(params);
		if (!s.db)
			goto out;
	}
	if (make_nodes(&s, err, errlen))
		goto out;

	for (size_t k = 0; k < sc->nactions; k++)
		sim_push(&s, sc->actions[k].t, SIM_EV_ACTION, (uint32_t)k, 0);
	if (sc->ping_rate > 0)
		sim_push(&s, sc->workload_start_ns + exp_gap(&s.workload, sc->ping_rate), SIM_EV_WORKLOAD, 0, 0);
	if (sc->fail_rate > 0)
		sim_push(&s, sc->churn_start_ns + exp_gap(&s.churn, sc->fail_rate), SIM_EV_CHURN, 0, 0);
	if (sc->fail_share > 0)
		sim_push(&s, sc->fail_share_at_ns, SIM_EV_CHURN, 4, 0);
	if (sc->sample_ns > 0)
		sim_push(&s, sc->sample_ns, SIM_EV_SAMPLE, 0, 0);
	sim_adversary_start(&s, &s.adv);
	if (sim_dht_setup(&s, err, errlen))
		goto out;

	sim_event ev;
	loop_t0 = wall_now();
	/* the first event past the end stops the loop (popped and dropped: the queue is freed
	 * next) */
	while (!s.oom && sim_evq_pop(&s.q, &ev)) {
		if (ev.t > sc->duration_ns)
			break;
		s.now = ev.t;
		if (observer_event(&s, &ev))
			s.st.observer_events++;
		else
			s.st.events++;
		if (s.count >= PREFETCH_MIN_NODES)
			prefetch_upcoming(&s, &ev);
		dispatch(&s, &ev);
		if (sc->check_every_event)
			sim_ring_check_record(&s, 0);
		if (o->progress && (s.st.events & 0x3ff) == 0)
			progress(&s, t0, &last, &tenth, 0);
	}
	if (o->progress == 1)
		fprintf(stderr, "\r%70s\r", "");
	else if (o->progress == 2 && !s.oom)
		progress(&s, t0, &last, &tenth, 1);
	if (s.oom) {
		snprintf(err, errlen, "out of memory at simulated time %.6fs", (double)s.now * 1e-9);
		goto out;
	}
	s.now = sc->duration_ns;
	/* the end of the run: one more ring check and the objects no live node holds */
	sim_ring_check_record(&s, 0);
	s.dst.objects_lost = sim_dht_objects_lost(&s);
	sim_trace_final(&s.tr, out->trace_hash);
	if (s.has_pcap) {
		out->pcap_records = s.pcap.records;
		int bad = s.has_pcap < 0;
		s.has_pcap = 0;
		if (sim_pcap_close(&s.pcap) || bad) {
			snprintf(err, errlen, "%s: write error", o->pcap_path);
			goto out;
		}
	}
	double loop_s = wall_now() - loop_t0, wall = wall_now() - t0;
	if (sim_summary_build(&s, out, wall, loop_s)) {
		snprintf(err, errlen, "out of memory building the summary");
		goto out;
	}
	if (s.db) {
		out->run_id = sim_metrics_run_id(s.db);
		sim_metrics_prior(s.db, &out->prior_runs, &out->prior_same);
		for (size_t k = 0; k < out->n; k++)
			sim_metrics_summary(s.db, out->rows[k].name, out->rows[k].value);
		sim_metrics *db = s.db;
		s.db = NULL;
		if (sim_metrics_close(db, wall, sc->duration_ns, s.st.events, out->trace_hash, err, errlen))
			goto out;
	}
	rc = 0;
out:
	if (s.has_pcap)
		sim_pcap_close(&s.pcap);
	sim_metrics_abort(s.db);
	teardown(&s);
	if (rc)
		sim_summary_free(out);
	return rc;
}

