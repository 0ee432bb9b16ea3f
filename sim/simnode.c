/* simnode.c: one simulated node as the driver sees it: inputs fed one at a time through
 * themis.h, the CPU model's busy periods and FIFO, timers, failures, and the node's events
 * turned into ops rows and trace lines. It never reaches into the core's internals.
 */
#include "simint.h"

#include "cpu.h"

#include <stdlib.h>
#include <string.h>

/* ---- ids and names ---- */

int sim_idx_cmp(const void *x, const void *y)
{
	return memcmp(((const sim_idx *)x)->id, ((const sim_idx *)y)->id, THEMIS_ID_LEN);
}

uint32_t sim_node_of_id(const struct sim *s, const uint8_t *id)
{
	sim_idx key;
	memcpy(key.id, id, THEMIS_ID_LEN);
	const sim_idx *hit = bsearch(&key, s->by_id, s->count, sizeof key, sim_idx_cmp);
	return hit ? hit->node : SIM_NODE_NONE;
}

static void peer_name(const struct sim *s, const uint8_t *id, char *out, size_t n)
{
	uint32_t j = sim_node_of_id(s, id);
	char hex[17];
	if (j != SIM_NODE_NONE)
		snprintf(out, n, "n%u", j);
	else
		snprintf(out, n, "id:%s", themis_hex(id, 8, hex));
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
	/* a DHT operation's end names no peer: skip the name, a binary search over every id
	 * (one cache miss per level on a large ring) for each of a million finds */
	if (ev->kind == THEMIS_EV_OP_DONE && ev->op != THEMIS_OP_PING) {
		sim_dht_done(s, i, ev);
		return;
	}
	peer_name(s, ev->peer, peer, sizeof peer);
	switch (ev->kind) {
	case THEMIS_EV_OP_DONE:
		sim_trace_note(&s->tr, s->now, i, "OP_DONE ping %s %s rtt=%lluus msgs=%u", peer,
			       ev->ok ? "ok" : "FAILED",
			       (unsigned long long)((ev->t_end_ns - ev->t_start_ns) / 1000), ev->msgs);
		ping_done(s, i, peer, ev->t_start_ns, ev->t_end_ns, ev->ok, ev->msgs, NULL);
		break;
	case THEMIS_EV_SESSION_UP:
		sim_trace_note(&s->tr, s->now, i, "SESSION_UP %s", peer);
		hs_finish(s, i, sim_node_of_id(s, ev->peer), 1);
		break;
	case THEMIS_EV_HANDSHAKE_FAILED:
		sim_trace_note(&s->tr, s->now, i, "HANDSHAKE_FAILED %s", peer);
		hs_finish(s, i, sim_node_of_id(s, ev->peer), 0);
		break;
	case THEMIS_EV_LOOKUP_HOP:
		sim_trace_note(&s->tr, s->now, i, "HOP %s %s", peer, ev->ok ? "progress" : "no-progress");
		break;
	}
}

/* ---- one input into one node ---- */

/* The nodes' send callback: the datagram goes straight into a packet slot (no outbox copy, no
 * allocation in the core), and process() transmits the slots in order once the node has
 * reacted. Only process() feeds nodes, so s->sender is the node that is sending. */
void sim_node_send(void *ctx, const themis_addr *to, const uint8_t *pkt, size_t len)
{
	struct sim *s = ctx;
	if (s->sender == SIM_NODE_NONE || len > THEMIS_MAX_PACKET)
		return;   /* cannot happen: the core emits no more, and only inside process() */
	if (s->nsent == s->sentcap) {
		uint32_t ncap = s->sentcap ? s->sentcap * 2 : 16;
		uint32_t *ns = realloc(s->sent, ncap * sizeof *ns);
		if (!ns) {
			s->oom = 1;
			return;
		}
		s->sent = ns;
		s->sentcap = ncap;
	}
	uint32_t slot = sim_pkt_alloc(s);
	if (slot == SIM_NODE_NONE)
		return;
	sim_pkt *p = sim_pkt_at(s, slot);
	p->from = s->sender;
	p->dst = *to;
	p->tag = 0;
	p->len = (uint16_t)len;
	memcpy(p->data, pkt, len);
	sim_addr_of(s->sender, s->sc->port, &p->src);
	s->sent[s->nsent++] = slot;
}

/* Timers, lazily. Every request a node sends moves its deadline (now + the request timeout)
 * and its answer removes it again, so pushing an event for each new deadline filled the queue
 * with stale timers (most of a large static ring's heap, each popped for nothing). Instead a
 * node has at most one wake-up event in the queue that counts: a deadline at or after it
 * pushes nothing, and the wake-up, when it comes first, pushes the deadline then. The armed
 * deadline keeps the sequence number it was given when computed, so same-time events run in
 * exactly the order eager pushing gave them, and the trace is the same. */
static void wake_at(struct sim *s, uint32_t i, uint64_t t, uint64_t seq)
{
	sim_node *n = &s->nodes[i];
	n->wake_at = t;
	n->wake_seq = sim_evq_push_seq(&s->q, t, SIM_EV_TIMER, i, 0, seq);
	if (!n->wake_seq)
		s->oom = 1;
}

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
	n->timer_seq = sim_evq_reserve(&s->q);
	/* a wake-up at or before d (it has the smaller sequence number) pushes d when it runs */
	if (!n->wake_seq || n->wake_at > d)
		wake_at(s, i, d, n->timer_seq);
}

int sim_node_wake(struct sim *s, uint32_t i, uint64_t seq)
{
	sim_node *n = &s->nodes[i];
	if (seq != n->wake_seq || !n->up)
		return 0;   /* stale: a nearer deadline replaced it, or the node failed */
	n->wake_seq = 0;
	n->wake_at = UINT64_MAX;
	if (!n->timer_seq)
		return 0;   /* nothing due any more */
	if (seq != n->timer_seq) {
		wake_at(s, i, n->timer_at, n->timer_seq);   /* the deadline moved later */
		return 0;
	}
	n->timer_seq = 0;
	n->timer_at = UINT64_MAX;
	return 1;
}

void sim_node_arm(struct sim *s, uint32_t i)
{
	arm_timer(s, i, s->now);
}

static void process(struct sim *s, uint32_t i, sim_input in, uint64_t now)
{
	sim_node *n = &s->nodes[i];
	const sim_cpu_costs *cpu = &s->sc->cpu;
	const themis_counters *cnt = themis_node_counters_ref(n->tn);
	themis_counters c0, r0, r1;
	uint64_t drops0[THEMIS_DROP__COUNT];
	uint32_t tag = 0, sent = 0, evs = 0;
	size_t tlen = 0;
	/* counters before and after: drops to show in the trace, and with the CPU model the
	 * time to charge. Only what is needed is copied: this runs for every input. */
	memcpy(drops0, cnt->drops, sizeof drops0);
	if (cpu->enabled)
		c0 = *cnt;

	s->sender = i;   /* sim_node_send: what the node sends now is node i's */
	switch ((sim_input_kind)in.kind) {
	case SIM_IN_DELIVER: {
		sim_pkt *p = sim_pkt_at(s, in.arg);
		sim_trace_arrival(&s->tr, now, SIM_TR_DELIVER, p->from, i, p->data, p->len, p->sent);
		/* a datagram the adversary touched: its outcome is what the receiver's drop
		 * counters say about this one recv (reported below, once the node has reacted) */
		tag = p->tag;
		tlen = p->len;
		if (tag)
			themis_node_counters(n->tn, &r0);
		themis_node_recv(n->tn, &p->src, p->data, p->len, now);
		if (tag)
			themis_node_counters(n->tn, &r1);
		sim_pkt_free(s, in.arg);
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
	case SIM_IN_OP:
		sim_dht_start(s, i, in.arg, now);
		break;
	}
	s->sender = SIM_NODE_NONE;

	uint64_t leave = now;
	if (cpu->enabled)
		leave = now + sim_cpu_charge(cpu, &c0, cnt);
	/* one compare for the usual case, no drop at all */
	if (memcmp(cnt->drops, drops0, sizeof drops0) != 0)
		for (int r = 0; r < THEMIS_DROP__COUNT; r++)
			if (cnt->drops[r] != drops0[r])
				sim_trace_note(&s->tr, now, i, "DROP %s", themis_drop_name((themis_drop)r));
	n->busy_until = leave;

	/* everything the node sent leaves at the end of its busy period */
	sent = s->nsent;
	for (uint32_t k = 0; k < sent; k++) {
		if (leave == now)
			sim_transmit(s, s->sent[k], now);
		else
			sim_push(s, leave, SIM_EV_TRANSMIT, i, s->sent[k]);
	}
	s->nsent = 0;
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
		sim_push(s, leave, SIM_EV_READY, i, 0);
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
void sim_node_input(struct sim *s, uint32_t i, sim_input in, uint64_t now)
{
	sim_node *n = &s->nodes[i];
	if (n->qlen > 0 || now < n->busy_until) {
		if (enqueue(s, n, in)) {
			if (in.kind == SIM_IN_DELIVER)
				sim_pkt_free(s, in.arg);
			if (in.kind == SIM_IN_OP)
				sim_dht_dropped(s, i, in.arg);
			return;
		}
		/* the first waiting input: wake the node when its busy period ends */
		if (n->qlen == 1)
			sim_push(s, n->busy_until, SIM_EV_READY, i, 0);
		return;
	}
	process(s, i, in, now);
}

void sim_node_ready(struct sim *s, uint32_t i, uint64_t now)
{
	sim_node *n = &s->nodes[i];
	if (n->qlen == 0 || now < n->busy_until)
		return;
	sim_input in = n->q[n->qhead];
	n->qhead = (n->qhead + 1) % n->qcap;
	n->qlen--;
	process(s, i, in, now);
}

void sim_node_fail(struct sim *s, uint32_t i)
{
	sim_node *n = &s->nodes[i];
	if (!n->up)
		return;
	int was_live = sim_ring_live(s, i);
	n->up = 0;
	s->st.failures++;
	sim_trace_note(&s->tr, s->now, i, "FAIL");
	sim_dht_membership(s, i, was_live);
	/* queued inputs die with the node; its timer goes stale */
	while (n->qlen > 0) {
		sim_input in = n->q[n->qhead];
		n->qhead = (n->qhead + 1) % n->qcap;
		n->qlen--;
		if (in.kind == SIM_IN_DELIVER)
			sim_pkt_free(s, in.arg);
		if (in.kind == SIM_IN_OP)
			sim_dht_dropped(s, i, in.arg);
	}
	n->timer_seq = 0;
	n->timer_at = UINT64_MAX;
	n->wake_seq = 0;
	n->wake_at = UINT64_MAX;
	n->busy_until = 0;
}

void sim_node_recover(struct sim *s, uint32_t i)
{
	sim_node *n = &s->nodes[i];
	if (n->up)
		return;
	n->up = 1;
	s->st.recoveries++;
	sim_trace_note(&s->tr, s->now, i, "RECOVER");
	sim_dht_membership(s, i, 0);
	/* the node's clock jumped: let it run whatever expired while it was silent */
	sim_node_input(s, i, (sim_input){ .kind = SIM_IN_TIMER }, s->now);
}

void sim_ping_input(struct sim *s, uint32_t i, uint32_t peer)
{
	s->st.pings++;
	if (!s->nodes[i].up) {
		char tn[16];
		snprintf(tn, sizeof tn, "n%u", peer);
		sim_trace_note(&s->tr, s->now, i, "ping %s refused: node down", tn);
		ping_done(s, i, tn, s->now, s->now, 0, 0, "node down");
		return;
	}
	sim_node_input(s, i, (sim_input){ .kind = SIM_IN_PING, .arg = peer }, s->now);
}

