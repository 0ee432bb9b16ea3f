/* sim.c: the discrete-event driver. It creates the nodes, runs the event loop in virtual time,
 * feeds each node one input at a time through themis.h, charges CPU time, and carries what the
 * nodes send through the adversary hook and the network model. It never looks at protocol
 * state except through the public API, and never reads a clock to decide anything.
 */
#include "simint.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu.h"

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- packet slots ---- */

static uint32_t pkt_alloc(struct sim *s)
{
	if (s->free_pkt != SIM_NODE_NONE) {
		uint32_t i = s->free_pkt;
		s->free_pkt = s->pkts[i].next_free;
		return i;
	}
	if (s->npkts == s->pktcap) {
		uint32_t ncap = s->pktcap ? s->pktcap * 2 : 64;
		sim_pkt *np = realloc(s->pkts, (size_t)ncap * sizeof *np);
		if (!np) {
			s->oom = 1;
			return SIM_NODE_NONE;
		}
		s->pkts = np;
		s->pktcap = ncap;
	}
	return s->npkts++;
}

static void pkt_free(struct sim *s, uint32_t i)
{
	s->pkts[i].next_free = s->free_pkt;
	s->free_pkt = i;
}

static void push(struct sim *s, uint64_t t, sim_ev_kind kind, uint32_t a, uint32_t b)
{
	if (sim_evq_push(&s->q, t, kind, a, b) == 0)
		s->oom = 1;
}

/* ---- ids and names ---- */

static int cmp_idx(const void *x, const void *y)
{
	return memcmp(((const sim_idx *)x)->id, ((const sim_idx *)y)->id, THEMIS_ID_LEN);
}

static uint32_t node_of_id(const struct sim *s, const uint8_t *id)
{
	sim_idx key;
	memcpy(key.id, id, THEMIS_ID_LEN);
	const sim_idx *hit = bsearch(&key, s->by_id, s->count, sizeof key, cmp_idx);
	return hit ? hit->node : SIM_NODE_NONE;
}

static void peer_name(const struct sim *s, const uint8_t *id, char *out, size_t n)
{
	uint32_t j = node_of_id(s, id);
	char hex[17];
	if (j != SIM_NODE_NONE)
		snprintf(out, n, "n%u", j);
	else
		snprintf(out, n, "id:%s", themis_hex(id, 8, hex));
}

/* ---- transmission: adversary hook, then network model ---- */

static void deliver_later(struct sim *s, uint32_t slot, uint64_t at)
{
	push(s, at, SIM_EV_DELIVER, s->pkts[slot].to, slot);
}

/* A datagram that is on the wire at time now: routed, traced, captured, scheduled. */
static void route(struct sim *s, uint32_t slot, uint64_t now)
{
	sim_pkt *p = &s->pkts[slot];
	uint32_t to;
	if (sim_node_of(&p->dst, s->sc->port, s->count, &to)) {
		s->st.unroutable++;
		sim_trace_dgram(&s->tr, now, SIM_TR_UNROUTABLE, p->from, SIM_NODE_NONE, p->data, p->len);
		pkt_free(s, slot);
		return;
	}
	p->to = to;
	s->st.datagrams++;
	s->st.bytes += p->len;
	if (s->has_pcap && sim_pcap_write(&s->pcap, now, &p->src, &p->dst, p->data, p->len))
		s->has_pcap = -1;
	uint64_t delay[2];
	int copies = 0;
	sim_net_fate fate = sim_net_route(&s->net, p->from == SIM_NODE_NONE ? to : p->from, to, now,
					  delay, &copies);
	if (fate != SIM_NET_DELIVERED) {
		sim_trace_dgram(&s->tr, now, fate == SIM_NET_LOST ? SIM_TR_LOST : SIM_TR_PARTITIONED,
				p->from, to, p->data, p->len);
		pkt_free(s, slot);
		return;
	}
	sim_trace_dgram(&s->tr, now, SIM_TR_SEND, p->from, to, p->data, p->len);
	if (copies == 2) {
		uint32_t dup = pkt_alloc(s);
		if (dup != SIM_NODE_NONE) {
			p = &s->pkts[slot]; /* the pool may have moved */
			s->pkts[dup] = *p;
			deliver_later(s, dup, now + delay[1]);
		}
	}
	deliver_later(s, slot, now + delay[0]);
}

static void hs_note_hello(struct sim *s, uint32_t i, uint32_t j, uint64_t now)
{
	sim_node *n = &s->nodes[i];
	for (uint16_t k = 0; k < n->nhs; k++) {
		if (n->hs[k].peer == j) {
			n->hs[k].hellos++;
			return;
		}
	}
	if (n->nhs == n->hscap) {
		uint16_t ncap = n->hscap ? (uint16_t)(n->hscap * 2) : 2;
		if (ncap <= n->hscap)
			return; /* more than 32768 handshakes in flight: stop timing new ones */
		sim_hs_pending *nh = realloc(n->hs, ncap * sizeof *nh);
		if (!nh) {
			s->oom = 1;
			return;
		}
		n->hs = nh;
		n->hscap = ncap;
	}
	n->hs[n->nhs++] = (sim_hs_pending){ .peer = j, .hellos = 1, .t_start = now };
}

/* A datagram leaves node `from` now (after its busy period). */
static void transmit(struct sim *s, uint32_t slot, uint64_t now)
{
	sim_pkt *p = &s->pkts[slot];
	if (p->from != SIM_NODE_NONE && !s->nodes[p->from].up) {
		/* a failed node is silent: what it had queued never leaves */
		s->st.down_drops++;
		sim_trace_dgram(&s->tr, now, SIM_TR_DOWN, p->from, SIM_NODE_NONE, p->data, p->len);
		pkt_free(s, slot);
		return;
	}
	sim_dgram d = { .from = p->from, .src = p->src, .dst = p->dst, .data = p->data,
			.len = p->len, .cap = sizeof p->data };
	if (sim_adversary_hook(s, &s->adv, now, &d) == SIM_ADV_DROP) {
		p = &s->pkts[slot];
		s->st.adv_dropped++;
		sim_trace_dgram(&s->tr, now, SIM_TR_ADV_DROP, p->from, SIM_NODE_NONE, p->data, p->len);
		pkt_free(s, slot);
		return;
	}
	p = &s->pkts[slot]; /* the hook may have injected and grown the pool */
	p->dst = d.dst;
	p->tag = d.tag;
	p->len = (uint16_t)(d.len <= sizeof p->data ? d.len : sizeof p->data);
	uint32_t to;
	if (p->from != SIM_NODE_NONE && sim_pkt_type(p->data, p->len) == 1 &&
	    !sim_node_of(&p->dst, s->sc->port, s->count, &to))
		hs_note_hello(s, p->from, to, now);
	route(s, slot, now);
}

int sim_inject(struct sim *s, const themis_addr *src, const themis_addr *dst,
	       const uint8_t *data, size_t len, uint64_t delay, uint32_t tag)
{
	if (len > THEMIS_MAX_PACKET)
		return -1;
	uint32_t slot = pkt_alloc(s);
	if (slot == SIM_NODE_NONE)
		return -1;
	sim_pkt *p = &s->pkts[slot];
	p->from = SIM_NODE_NONE;
	p->src = *src;
	p->dst = *dst;
	p->len = (uint16_t)len;
	p->tag = tag;
	memcpy(p->data, data, len);
	s->st.adv_injected++;
	sim_trace_dgram(&s->tr, s->now, SIM_TR_ADV_INJECT, SIM_NODE_NONE, SIM_NODE_NONE, data, len);
	/* injected datagrams bypass the hook (the adversary made them) but not the network */
	if (delay == 0)
		route(s, slot, s->now);
	else
		push(s, s->now + delay, SIM_EV_TRANSMIT, SIM_NODE_NONE, slot);
	return 0;
}

void sim_attack_record(struct sim *s, const char *kind, const char *action, const char *target,
		       const char *outcome)
{
	sim_trace_note(&s->tr, s->now, SIM_NODE_NONE, "ATTACK %s %s %s -> %s", kind, action, target,
		       outcome);
	if (s->db)
		sim_metrics_attack(s->db, s->now, kind, action, target, outcome);
}

/* ---- node events ---- */

static void op_row(struct sim *s, uint32_t node, const char *kind, const char *target,
		   uint64_t t0, uint64_t t1, int ok, int64_t msgs, const char *detail)
{
	char nn[16];
	snprintf(nn, sizeof nn, "n%u", node);
	s->st.op_rows++;
	if (s->db)
		sim_metrics_op(s->db, s->st.op_rows, nn, kind, target, t0, t1, ok, -1, msgs, -1, detail);
}

static void ping_done(struct sim *s, uint32_t i, const char *target, uint64_t t0, uint64_t t1,
		      int ok, int64_t msgs, const char *detail)
{
	s->st.pings_done++;
	if (ok) {
		s->st.pings_ok++;
		if (s->st.nrtt == s->st.rttcap) {
			size_t ncap = s->st.rttcap ? s->st.rttcap * 2 : 256;
			uint64_t *nr = realloc(s->st.rtt, ncap * sizeof *nr);
			if (!nr) {
				s->oom = 1;
				return;
			}
			s->st.rtt = nr;
			s->st.rttcap = ncap;
		}
		s->st.rtt[s->st.nrtt++] = t1 - t0;
	}
	op_row(s, i, "ping", target, t0, t1, ok, msgs, detail);
}

static void hs_finish(struct sim *s, uint32_t i, uint32_t j, int ok)
{
	sim_node *n = &s->nodes[i];
	for (uint16_t k = 0; k < n->nhs; k++) {
		if (n->hs[k].peer != j)
			continue;
		sim_hs_pending h = n->hs[k];
		n->hs[k] = n->hs[--n->nhs];
		char tn[16];
		snprintf(tn, sizeof tn, "n%u", j);
		if (ok)
			s->st.handshakes++;
		else
			s->st.handshake_rows_failed++;
		op_row(s, i, "handshake", tn, h.t_start, s->now, ok, h.hellos, NULL);
		return;
	}
}

static void handle_event(struct sim *s, uint32_t i, const themis_event *ev)
{
	char peer[32];
	peer_name(s, ev->peer, peer, sizeof peer);
	switch (ev->kind) {
	case THEMIS_EV_OP_DONE:
		sim_trace_note(&s->tr, s->now, i, "OP_DONE %s %s %s rtt=%lluus msgs=%u",
			       ev->op == THEMIS_OP_PING ? "ping" : "op", peer, ev->ok ? "ok" : "FAILED",
			       (unsigned long long)((ev->t_end_ns - ev->t_start_ns) / 1000), ev->msgs);
		if (ev->op == THEMIS_OP_PING)
			ping_done(s, i, peer, ev->t_start_ns, ev->t_end_ns, ev->ok, ev->msgs, NULL);
		break;
	case THEMIS_EV_SESSION_UP:
		sim_trace_note(&s->tr, s->now, i, "SESSION_UP %s", peer);
		hs_finish(s, i, node_of_id(s, ev->peer), 1);
		break;
	case THEMIS_EV_HANDSHAKE_FAILED:
		sim_trace_note(&s->tr, s->now, i, "HANDSHAKE_FAILED %s", peer);
		hs_finish(s, i, node_of_id(s, ev->peer), 0);
		break;
	}
}

/* ---- one input into one node ---- */

static void arm_timer(struct sim *s, uint32_t i, uint64_t not_before)
{
	sim_node *n = &s->nodes[i];
	uint64_t d = themis_node_next_deadline(n->tn);
	if (d == UINT64_MAX) {
		n->timer_at = UINT64_MAX;
		n->timer_seq = 0;
		return;
	}
	if (d < not_before)
		d = not_before;
	if (d == n->timer_at && n->timer_seq)
		return;
	n->timer_at = d;
	n->timer_seq = sim_evq_push(&s->q, d, SIM_EV_TIMER, i, 0);
	if (!n->timer_seq)
		s->oom = 1;
}

static void process(struct sim *s, uint32_t i, sim_input in, uint64_t now)
{
	sim_node *n = &s->nodes[i];
	const sim_cpu_costs *cpu = &s->sc->cpu;
	themis_counters c0, c1, r0, r1;
	uint32_t tag = 0, sent = 0, evs = 0;
	size_t tlen = 0;
	/* counters before and after: CPU time to charge, and drops to show in the trace */
	themis_node_counters(n->tn, &c0);

	switch ((sim_input_kind)in.kind) {
	case SIM_IN_DELIVER: {
		sim_pkt *p = &s->pkts[in.arg];
		sim_trace_dgram(&s->tr, now, SIM_TR_DELIVER, p->from, i, p->data, p->len);
		/* a datagram the adversary touched: its outcome is what the receiver's drop
		 * counters say about this one recv (reported below, once the node has reacted) */
		tag = p->tag;
		tlen = p->len;
		if (tag)
			themis_node_counters(n->tn, &r0);
		themis_node_recv(n->tn, &p->src, p->data, p->len, now);
		if (tag)
			themis_node_counters(n->tn, &r1);
		pkt_free(s, in.arg);
		break;
	}
	case SIM_IN_TIMER:
		themis_node_on_timeout(n->tn, now);
		break;
	case SIM_IN_PING: {
		themis_peer peer;
		char tn[16];
		memcpy(peer.id, themis_node_id(s->nodes[in.arg].tn), THEMIS_ID_LEN);
		sim_addr_of(in.arg, s->sc->port, &peer.addr);
		snprintf(tn, sizeof tn, "n%u", in.arg);
		int64_t op = themis_ping(n->tn, &peer, now);
		sim_trace_note(&s->tr, now, i, "ping %s -> op %lld", tn, (long long)op);
		if (op < 0) {
			char detail[32];
			snprintf(detail, sizeof detail, "error %lld", (long long)op);
			ping_done(s, i, tn, now, now, 0, 0, detail);
		}
		break;
	}
	}

	uint64_t leave = now;
	themis_node_counters(n->tn, &c1);
	if (cpu->enabled)
		leave = now + sim_cpu_charge(cpu, &c0, &c1);
	for (int r = 0; r < THEMIS_DROP__COUNT; r++)
		if (c1.drops[r] != c0.drops[r])
			sim_trace_note(&s->tr, now, i, "DROP %s", themis_drop_name((themis_drop)r));
	n->busy_until = leave;

	/* everything the node wants sent leaves at the end of its busy period */
	for (;;) {
		uint32_t slot = pkt_alloc(s);
		if (slot == SIM_NODE_NONE)
			break;
		sim_pkt *p = &s->pkts[slot];
		int len = themis_node_poll_send(n->tn, &p->dst, p->data, sizeof p->data);
		if (len <= 0) {
			pkt_free(s, slot);
			break;
		}
		p->len = (uint16_t)len;
		p->from = i;
		p->tag = 0;
		sent++;
		sim_addr_of(i, s->sc->port, &p->src);
		if (leave == now)
			transmit(s, slot, now);
		else
			push(s, leave, SIM_EV_TRANSMIT, i, slot);
	}
	themis_event ev;
	while (themis_node_poll_event(n->tn, &ev)) {
		handle_event(s, i, &ev);
		evs++;
	}
	if (tag)
		sim_adversary_delivered(s, &s->adv, tag, i, tlen, &r0, &r1, sent + evs);
	/* a timer that just ran and still reports work due now would spin: give it 1us */
	arm_timer(s, i, in.kind == SIM_IN_TIMER ? now + 1000 : now);
	if (n->qlen > 0)
		push(s, leave, SIM_EV_READY, i, 0);
}

static int enqueue(struct sim *s, sim_node *n, sim_input in)
{
	if (n->qlen == n->qcap) {
		uint32_t ncap = n->qcap ? n->qcap * 2 : 4;
		sim_input *nq = malloc((size_t)ncap * sizeof *nq);
		if (!nq) {
			s->oom = 1;
			return -1;
		}
		for (uint32_t k = 0; k < n->qlen; k++)
			nq[k] = n->q[(n->qhead + k) % n->qcap];
		free(n->q);
		n->q = nq;
		n->qcap = ncap;
		n->qhead = 0;
	}
	n->q[(n->qhead + n->qlen) % n->qcap] = in;
	n->qlen++;
	return 0;
}

/* An input reaches node i at time now: handled at once, or queued while the node is busy. */
static void node_input(struct sim *s, uint32_t i, sim_input in, uint64_t now)
{
	sim_node *n = &s->nodes[i];
	if (n->qlen > 0 || now < n->busy_until) {
		if (enqueue(s, n, in)) {
			if (in.kind == SIM_IN_DELIVER)
				pkt_free(s, in.arg);
			return;
		}
		/* the first waiting input: wake the node when its busy period ends */
		if (n->qlen == 1)
			push(s, n->busy_until, SIM_EV_READY, i, 0);
		return;
	}
	process(s, i, in, now);
}

static void node_ready(struct sim *s, uint32_t i, uint64_t now)
{
	sim_node *n = &s->nodes[i];
	if (n->qlen == 0 || now < n->busy_until)
		return;
	sim_input in = n->q[n->qhead];
	n->qhead = (n->qhead + 1) % n->qcap;
	n->qlen--;
	process(s, i, in, now);
}

static void node_fail(struct sim *s, uint32_t i)
{
	sim_node *n = &s->nodes[i];
	if (!n->up)
		return;
	n->up = 0;
	s->st.failures++;
	sim_trace_note(&s->tr, s->now, i, "FAIL");
	/* queued inputs die with the node; its timer goes stale */
	while (n->qlen > 0) {
		sim_input in = n->q[n->qhead];
		n->qhead = (n->qhead + 1) % n->qcap;
		n->qlen--;
		if (in.kind == SIM_IN_DELIVER)
			pkt_free(s, in.arg);
	}
	n->timer_seq = 0;
	n->timer_at = UINT64_MAX;
	n->busy_until = 0;
}

static void node_recover(struct sim *s, uint32_t i)
{
	sim_node *n = &s->nodes[i];
	if (n->up)
		return;
	n->up = 1;
	s->st.recoveries++;
	sim_trace_note(&s->tr, s->now, i, "RECOVER");
	/* the node's clock jumped: let it run whatever expired while it was silent */
	node_input(s, i, (sim_input){ .kind = SIM_IN_TIMER }, s->now);
}

static void ping_input(struct sim *s, uint32_t i, uint32_t peer)
{
	s->st.pings++;
	if (!s->nodes[i].up) {
		char tn[16];
		snprintf(tn, sizeof tn, "n%u", peer);
		sim_trace_note(&s->tr, s->now, i, "ping %s refused: node down", tn);
		ping_done(s, i, tn, s->now, s->now, 0, 0, "node down");
		return;
	}
	node_input(s, i, (sim_input){ .kind = SIM_IN_PING, .arg = peer }, s->now);
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
	ping_input(s, a, b);
	push(s, s->now + exp_gap(&s->workload, sc->ping_rate), SIM_EV_WORKLOAD, 0, 0);
}

static void churn_tick(struct sim *s, uint32_t what, uint32_t node)
{
	const sim_scenario *sc = s->sc;
	if (what == 1) {
		node_recover(s, node);
		return;
	}
	if (s->now >= sc->churn_stop_ns)
		return;
	uint32_t i = (uint32_t)sim_rng_below(&s->churn, s->count);
	if (s->nodes[i].up) {
		node_fail(s, i);
		push(s, s->now + sc->downtime_ns, SIM_EV_CHURN, 1, i);
	}
	push(s, s->now + exp_gap(&s->churn, sc->fail_rate), SIM_EV_CHURN, 0, 0);
}

static void action(struct sim *s, uint32_t k)
{
	const sim_action *a = &s->sc->actions[k];
	switch (a->verb) {
	case SIM_VERB_PING:
		ping_input(s, a->node, a->peer);
		break;
	case SIM_VERB_FAIL:
		node_fail(s, a->node);
		break;
	case SIM_VERB_RECOVER:
		node_recover(s, a->node);
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
		push(s, s->now + s->sc->sample_ns, SIM_EV_SAMPLE, 0, 0);
}

static void dispatch(struct sim *s, const sim_event *ev)
{
	switch ((sim_ev_kind)ev->kind) {
	case SIM_EV_DELIVER:
		if (!s->nodes[ev->a].up) {
			sim_pkt *p = &s->pkts[ev->b];
			s->st.down_drops++;
			sim_trace_dgram(&s->tr, s->now, SIM_TR_DOWN, p->from, ev->a, p->data, p->len);
			pkt_free(s, ev->b);
			break;
		}
		node_input(s, ev->a, (sim_input){ .kind = SIM_IN_DELIVER, .arg = ev->b }, s->now);
		break;
	case SIM_EV_TRANSMIT:
		if (ev->a == SIM_NODE_NONE)
			route(s, ev->b, s->now);
		else
			transmit(s, ev->b, s->now);
		break;
	case SIM_EV_TIMER: {
		sim_node *n = &s->nodes[ev->a];
		if (ev->seq != n->timer_seq || !n->up)
			break; /* lazily cancelled: the node re-armed or failed since */
		n->timer_seq = 0;
		n->timer_at = UINT64_MAX;
		node_input(s, ev->a, (sim_input){ .kind = SIM_IN_TIMER }, s->now);
		break;
	}
	case SIM_EV_READY:
		if (s->nodes[ev->a].up)
			node_ready(s, ev->a, s->now);
		break;
	case SIM_EV_ACTION:
		action(s, ev->a);
		break;
	case SIM_EV_WORKLOAD:
		workload_tick(s);
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
	case SIM_EV_TEST:
		break;
	}
}

/* ---- setup and the loop ---- */

static int make_nodes(struct sim *s, char *err, size_t errlen)
{
	const sim_scenario *sc = s->sc;
	s->nodes = calloc(s->count, sizeof *s->nodes);
	s->by_id = calloc(s->count, sizeof *s->by_id);
	if (!s->nodes || !s->by_id) {
		snprintf(err, errlen, "out of memory for %u nodes", s->count);
		return -1;
	}
	for (uint32_t i = 0; i < s->count; i++) {
		sim_node *n = &s->nodes[i];
		themis_config cfg;
		themis_config_default(&cfg);
		cfg.network = sc->network;
		sim_rng_derive(cfg.seed, sc->seed, SIM_RNG_IDENTITY, i);
		sim_rng_seed(&n->rng, sc->seed, SIM_RNG_NODE, i);
		cfg.rand = sim_rng_fill;
		cfg.rand_ctx = &n->rng;
		sim_addr_of(i, sc->port, &cfg.self);
		cfg.m = sc->m;
		cfg.security = sc->security;
		cfg.replay_window = sc->replay_window;
		cfg.hs_retry_ns = sc->hs_retry_ns;
		cfg.hs_attempts = sc->hs_attempts;
		cfg.req_timeout_ns = sc->req_timeout_ns;
		cfg.req_attempts = sc->req_attempts;
		int rc = themis_node_new(&n->tn, &cfg);
		if (rc < 0) {
			snprintf(err, errlen, "%s: the core refused node n%u's configuration (error %d)",
				 sc->file, i, rc);
			return -1;
		}
		n->up = 1;
		n->timer_at = UINT64_MAX;
		memcpy(s->by_id[i].id, themis_node_id(n->tn), THEMIS_ID_LEN);
		s->by_id[i].node = i;
	}
	qsort(s->by_id, s->count, sizeof *s->by_id, cmp_idx);
	return 0;
}

static void teardown(struct sim *s)
{
	if (s->nodes) {
		for (uint32_t i = 0; i < s->count; i++) {
			themis_node_del(s->nodes[i].tn);
			free(s->nodes[i].q);
			free(s->nodes[i].hs);
		}
	}
	free(s->nodes);
	free(s->by_id);
	free(s->pkts);
	free(s->st.rtt);
	sim_evq_free(&s->q);
	sim_adversary_free(&s->adv);
}

static void progress(const struct sim *s, double t0, double *last)
{
	double w = wall_now();
	if (w - *last < 0.5)
		return;
	*last = w;
	double el = w - t0, frac = (double)s->now / (double)s->sc->duration_ns;
	double eta = frac > 0 ? el / frac - el : 0;
	fprintf(stderr, "\r[%10.3fs sim] %5.1f%%  %.2fM events/s  ETA %.0fs   ",
		(double)s->now * 1e-9, 100 * frac, (double)s->st.events / el * 1e-6, eta);
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
	sim_evq_init(&s.q);
	double t0 = wall_now(), last = t0, loop_t0 = t0;

	if (sim_rng_install_backstop(sc->seed)) {
		snprintf(err, errlen, "libsodium failed to initialise");
		goto out;
	}
	sim_trace_init(&s.tr, o->trace);
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
					params ? params : "", err, errlen);
		free(params);
		if (!s.db)
			goto out;
	}
	if (make_nodes(&s, err, errlen))
		goto out;

	for (size_t k = 0; k < sc->nactions; k++)
		push(&s, sc->actions[k].t, SIM_EV_ACTION, (uint32_t)k, 0);
	if (sc->ping_rate > 0)
		push(&s, sc->workload_start_ns + exp_gap(&s.workload, sc->ping_rate), SIM_EV_WORKLOAD, 0, 0);
	if (sc->fail_rate > 0)
		push(&s, sc->churn_start_ns + exp_gap(&s.churn, sc->fail_rate), SIM_EV_CHURN, 0, 0);
	if (sc->sample_ns > 0)
		push(&s, sc->sample_ns, SIM_EV_SAMPLE, 0, 0);
	sim_adversary_start(&s, &s.adv);

	sim_event ev;
	loop_t0 = wall_now();
	while (!s.oom && sim_evq_peek_time(&s.q) <= sc->duration_ns && sim_evq_pop(&s.q, &ev)) {
		if (ev.t > sc->duration_ns)
			break;
		s.now = ev.t;
		s.st.events++;
		dispatch(&s, &ev);
		if (o->progress && (s.st.events & 0xffff) == 0)
			progress(&s, t0, &last);
	}
	if (o->progress)
		fprintf(stderr, "\r%70s\r", "");
	if (s.oom) {
		snprintf(err, errlen, "out of memory at simulated time %.6fs", (double)s.now * 1e-9);
		goto out;
	}
	s.now = sc->duration_ns;
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
