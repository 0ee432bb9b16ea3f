/* transmit.c: the path of a datagram from a node's outbox to the receiving node's inbox:
 * packet slots, the adversary hook, the network model, the trace, the pcap. It never feeds a
 * node (sim.c and simnode.c do) and never looks inside a datagram beyond its public header.
 */
#include "simint.h"

#include <stdlib.h>
#include <string.h>

/* ---- packet slots ---- */

uint32_t sim_pkt_alloc(struct sim *s)
{
	if (s->free_pkt != SIM_NODE_NONE) {
		uint32_t i = s->free_pkt;
		s->free_pkt = sim_pkt_at(s, i)->next_free;
		return i;
	}
	if ((s->npkts & ((1u << SIM_PKT_CHUNK_BITS) - 1)) == 0) {
		/* the first slot of a new chunk; the chunks before stay where they are */
		uint32_t c = s->npkts >> SIM_PKT_CHUNK_BITS;
		if (c == (UINT32_MAX >> SIM_PKT_CHUNK_BITS)) {
			s->oom = 1;   /* the next slot number would be SIM_NODE_NONE */
			return SIM_NODE_NONE;
		}
		sim_pkt **nt = realloc(s->pkt_chunk, (c + 1) * sizeof *nt);
		if (!nt) {
			s->oom = 1;
			return SIM_NODE_NONE;
		}
		s->pkt_chunk = nt;
		nt[c] = aligned_alloc(_Alignof(sim_pkt), sizeof(sim_pkt) << SIM_PKT_CHUNK_BITS);
		if (!nt[c]) {
			s->oom = 1;
			return SIM_NODE_NONE;
		}
	}
	return s->npkts++;
}

void sim_pkt_free(struct sim *s, uint32_t i)
{
	sim_pkt_at(s, i)->next_free = s->free_pkt;
	s->free_pkt = i;
}

void sim_pkts_free(struct sim *s)
{
	/* the chunks that hold a slot handed out: one per 1 << SIM_PKT_CHUNK_BITS, rounded up */
	uint32_t chunks = (uint32_t)(((uint64_t)s->npkts + (1u << SIM_PKT_CHUNK_BITS) - 1) >>
				     SIM_PKT_CHUNK_BITS);
	for (uint32_t k = 0; k < chunks; k++)
		free(s->pkt_chunk[k]);
	free(s->pkt_chunk);
	s->pkt_chunk = NULL;
	s->npkts = 0;
	s->free_pkt = SIM_NODE_NONE;
}

void sim_push(struct sim *s, uint64_t t, sim_ev_kind kind, uint32_t a, uint32_t b)
{
	if (sim_evq_push(&s->q, t, kind, a, b) == 0)
		s->oom = 1;
}


/* ---- transmission: adversary hook, then network model ---- */

static void deliver_later(struct sim *s, uint32_t slot, uint64_t at)
{
	sim_push(s, at, SIM_EV_DELIVER, sim_pkt_at(s, slot)->to, slot);
}

/* A datagram that is on the wire at time now: routed, traced, captured, scheduled. */
void sim_route(struct sim *s, uint32_t slot, uint64_t now)
{
	sim_pkt *p = sim_pkt_at(s, slot);
	uint32_t to;
	if (sim_node_of(&p->dst, s->sc->port, s->count, &to)) {
		s->st.unroutable++;
		sim_trace_dgram(&s->tr, now, SIM_TR_UNROUTABLE, p->from, SIM_NODE_NONE, p->data, p->len);
		sim_pkt_free(s, slot);
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
		sim_pkt_free(s, slot);
		return;
	}
	p->sent = sim_trace_dgram(&s->tr, now, SIM_TR_SEND, p->from, to, p->data, p->len);
	if (copies == 2) {
		uint32_t dup = sim_pkt_alloc(s);
		if (dup != SIM_NODE_NONE) {
			*sim_pkt_at(s, dup) = *p;
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
void sim_transmit(struct sim *s, uint32_t slot, uint64_t now)
{
	sim_pkt *p = sim_pkt_at(s, slot);
	if (p->from != SIM_NODE_NONE && !s->nodes[p->from].up) {
		/* a failed node is silent: what it had queued never leaves */
		s->st.down_drops++;
		sim_trace_dgram(&s->tr, now, SIM_TR_DOWN, p->from, SIM_NODE_NONE, p->data, p->len);
		sim_pkt_free(s, slot);
		return;
	}
	sim_dgram d = { .from = p->from, .src = p->src, .dst = p->dst, .data = p->data,
			.len = p->len, .cap = sizeof p->data };
	if (sim_adversary_hook(s, &s->adv, now, &d) == SIM_ADV_DROP) {
		s->st.adv_dropped++;
		sim_trace_dgram(&s->tr, now, SIM_TR_ADV_DROP, p->from, SIM_NODE_NONE, p->data, p->len);
		sim_pkt_free(s, slot);
		return;
	}
	p->dst = d.dst;
	p->tag = d.tag;
	p->len = (uint16_t)(d.len <= sizeof p->data ? d.len : sizeof p->data);
	uint32_t to;
	if (p->from != SIM_NODE_NONE && sim_pkt_type(p->data, p->len) == 1 &&
	    !sim_node_of(&p->dst, s->sc->port, s->count, &to))
		hs_note_hello(s, p->from, to, now);
	sim_route(s, slot, now);
}

int sim_inject(struct sim *s, const themis_addr *src, const themis_addr *dst,
	       const uint8_t *data, size_t len, uint64_t delay, uint32_t tag)
{
	if (len > THEMIS_MAX_PACKET)
		return -1;
	uint32_t slot = sim_pkt_alloc(s);
	if (slot == SIM_NODE_NONE)
		return -1;
	sim_pkt *p = sim_pkt_at(s, slot);
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
		sim_route(s, slot, s->now);
	else
		sim_push(s, s->now + delay, SIM_EV_TRANSMIT, SIM_NODE_NONE, slot);
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

