/* event.h: the simulator's event queue, ordered by (time, sequence number) so that events
 * due at the same instant run in the order they were scheduled: a binary heap, and beside it
 * two first-in first-out lanes for the kinds that mostly arrive already in order (deliveries
 * after a constant latency, timers a constant timeout ahead). It owns event storage and
 * ordering only; it never interprets what an event means.
 */
#ifndef SIM_EVENT_H
#define SIM_EVENT_H

#include <stddef.h>
#include <stdint.h>

/* What an event asks the simulator to do. The queue only stores the tag. */
typedef enum sim_ev_kind {
	SIM_EV_DELIVER = 1, /* a: destination node, b: packet slot */
	SIM_EV_TRANSMIT,    /* a: sending node, b: packet slot (leaves after a busy period) */
	SIM_EV_TIMER,       /* a: node; valid only while it is that node's armed timer */
	SIM_EV_READY,       /* a: node; its busy period ended, take the next queued input */
	SIM_EV_ACTION,      /* a: index into the scenario's [events] schedule */
	SIM_EV_WORKLOAD,    /* a workload tick ([workload]); a: 0 ping, else a sim_verb (DHT) */
	SIM_EV_CHURN,       /* a: 0 fail a random node, 1 recover node b, 2 a join, 3 a leave,
			       4 fail_share of the members at once */
	SIM_EV_SAMPLE,      /* periodic metrics sample */
	SIM_EV_ADVERSARY,   /* the adversary's own timed action (hello_flood) */
	SIM_EV_JOIN,        /* a: node that joins by the [nodes] join pattern */
	SIM_EV_CHECK,       /* the periodic ring check ([run] check_interval) */
} sim_ev_kind;

/* 32 bytes: small enough that a heap of millions stays cache friendly. */
typedef struct sim_event {
	uint64_t t;     /* simulated time, ns */
	uint64_t seq;   /* scheduling order; unique per queue */
	uint32_t a, b;  /* meaning depends on kind */
	uint8_t kind;   /* sim_ev_kind */
	uint8_t pad[7];
} sim_event;

/* Events in (t, seq) order, oldest first: a ring of cap (a power of two) slots. */
typedef struct sim_evlane {
	sim_event *buf;
	size_t head, len, cap;
} sim_evlane;

enum { SIM_EVQ_LANES = 2 };

typedef struct sim_evq {
	sim_event *heap;
	size_t len, cap;
	/* An event goes to its kind's lane when it sorts after the lane's last one, else to the
	 * heap; a pop takes the least of the heap's top and the lanes' heads. The order is the
	 * same as one heap's ((t, seq) is unique), at a fraction of the cost for most events. */
	sim_evlane lane[SIM_EVQ_LANES];
	uint64_t next_seq;
} sim_evq;

void sim_evq_init(sim_evq *q);
void sim_evq_free(sim_evq *q);
/* Schedules an event; returns its sequence number (> 0), or 0 when memory ran out. */
uint64_t sim_evq_push(sim_evq *q, uint64_t t, sim_ev_kind kind, uint32_t a, uint32_t b);
/* A sequence number for an event to be pushed later (sim_evq_push_seq): the event then sorts
 * among same-time events as if it had been pushed now. */
uint64_t sim_evq_reserve(sim_evq *q);
/* Schedules an event with a sequence number from sim_evq_reserve (each used at most once);
 * returns seq, or 0 when memory ran out. */
uint64_t sim_evq_push_seq(sim_evq *q, uint64_t t, sim_ev_kind kind, uint32_t a, uint32_t b, uint64_t seq);
/* Removes the earliest event into *ev; returns 1, or 0 when the queue is empty. */
int sim_evq_pop(sim_evq *q, sim_event *ev);
/* A guess at the next n events (out[0]: the next one, exact; the following ones as the queue
 * stands, unless something is pushed before them; past the heap's first three the heap is not
 * looked at, so the guess may then name a later event); out[k] NULL when there are not that
 * many. For cache hints only. */
void sim_evq_upcoming_n(const sim_evq *q, const sim_event **out, int n);
/* Time of the earliest event; UINT64_MAX when empty. */
uint64_t sim_evq_peek_time(const sim_evq *q);
static inline size_t sim_evq_len(const sim_evq *q)
{
	return q->len + q->lane[0].len + q->lane[1].len;
}

#endif
