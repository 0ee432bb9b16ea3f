/* event.c: the event queue: a binary heap of sim_event keyed by (t, seq), beside two lanes
 * for events that arrive in order (event.h).
 */
#include "event.h"

#include <stdlib.h>
#include <string.h>

void sim_evq_init(sim_evq *q)
{
	memset(q, 0, sizeof *q);
	q->next_seq = 1;
}

void sim_evq_free(sim_evq *q)
{
	free(q->heap);
	for (int l = 0; l < SIM_EVQ_LANES; l++)
		free(q->lane[l].buf);
	memset(q, 0, sizeof *q);
}

/* (t, seq) as one number: comparisons are then an arithmetic result, not branches the
 * processor mispredicts half the time in a heap of random times. */
static inline unsigned __int128 key_of(const sim_event *e)
{
	return ((unsigned __int128)e->t << 64) | e->seq;
}

static inline int before(const sim_event *x, const sim_event *y)
{
	return key_of(x) < key_of(y);
}

/* Puts ev into the heap from the hole at i upwards: parents after it move down until its
 * place is found (a push starts at the new last slot, a pop at the leaf its hole sank to). */
static inline void rise(sim_evq *q, size_t i, const sim_event *ev)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!before(ev, &q->heap[p]))
			break;
		q->heap[i] = q->heap[p];
		i = p;
	}
	q->heap[i] = *ev;
}

uint64_t sim_evq_push(sim_evq *q, uint64_t t, sim_ev_kind kind, uint32_t a, uint32_t b)
{
	return sim_evq_push_seq(q, t, kind, a, b, q->next_seq++);
}

uint64_t sim_evq_reserve(sim_evq *q)
{
	return q->next_seq++;
}

/* ---- lanes ---- */

static inline const sim_event *lane_at(const sim_evlane *l, size_t i)
{
	return &l->buf[(l->head + i) & (l->cap - 1)];
}

/* The lane of a kind, or -1: deliveries (a constant latency after their send, in order
 * unless latency varies) and timers (mostly a constant timeout after their request). */
static inline int lane_of(sim_ev_kind kind)
{
	return kind == SIM_EV_DELIVER ? 0 : kind == SIM_EV_TIMER ? 1 : -1;
}

/* Appends ev when it sorts after the lane's last event; 1 when taken, 0 when not (the heap
 * takes it), -1 when out of memory. */
static int lane_push(sim_evlane *l, const sim_event *ev)
{
	if (l->len && before(ev, lane_at(l, l->len - 1)))
		return 0;
	if (l->len == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 256;
		sim_event *nb = malloc(ncap * sizeof *nb);
		if (!nb)
			return -1;
		for (size_t i = 0; i < l->len; i++)
			nb[i] = *lane_at(l, i);
		free(l->buf);
		l->buf = nb;
		l->head = 0;
		l->cap = ncap;
	}
	l->buf[(l->head + l->len) & (l->cap - 1)] = *ev;
	l->len++;
	return 1;
}

uint64_t sim_evq_push_seq(sim_evq *q, uint64_t t, sim_ev_kind kind, uint32_t a, uint32_t b, uint64_t seq)
{
	int lane = lane_of(kind);
	if (lane >= 0) {
		sim_event lev = { .t = t, .seq = seq, .a = a, .b = b, .kind = (uint8_t)kind };
		int rc = lane_push(&q->lane[lane], &lev);
		if (rc < 0)
			return 0;
		if (rc > 0)
			return seq;
	}
	if (q->len == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 256;
		sim_event *nh = realloc(q->heap, ncap * sizeof *nh);
		if (!nh)
			return 0;
		q->heap = nh;
		q->cap = ncap;
	}
	sim_event ev = { .t = t, .seq = seq, .a = a, .b = b, .kind = (uint8_t)kind };
	rise(q, q->len++, &ev);
	return ev.seq;
}

/* Takes the root. The hole it leaves goes down to a leaf along the lesser children, one
 * comparison a level, and the last event fills it from there, rising: it came from the
 * bottom, so it seldom rises far. Sifting it down from the root instead cost two comparisons
 * a level (Floyd's variant; the order popped is the same, (t, seq) being unique). */
static void pop_top(sim_evq *q, sim_event *ev)
{
	*ev = q->heap[0];
	size_t n = --q->len, i = 0, c;
	if (n == 0)
		return;
	sim_event last = q->heap[n];
	while ((c = 2 * i + 1) < n) {
		c += c + 1 < n && before(&q->heap[c + 1], &q->heap[c]);
		q->heap[i] = q->heap[c];
		i = c;
	}
	rise(q, i, &last);
}

/* Where the least event is: a lane number, SIM_EVQ_LANES for the heap, -1 when empty. */
static int least(const sim_evq *q)
{
	const sim_event *best = q->len ? &q->heap[0] : NULL;
	int at = best ? SIM_EVQ_LANES : -1;
	for (int l = 0; l < SIM_EVQ_LANES; l++) {
		const sim_evlane *ln = &q->lane[l];
		if (ln->len && (!best || before(lane_at(ln, 0), best))) {
			best = lane_at(ln, 0);
			at = l;
		}
	}
	return at;
}

int sim_evq_pop(sim_evq *q, sim_event *ev)
{
	int at = least(q);

	if (at < 0)
		return 0;
	if (at == SIM_EVQ_LANES) {
		pop_top(q, ev);
	} else {
		sim_evlane *l = &q->lane[at];
		*ev = l->buf[l->head];
		l->head = (l->head + 1) & (l->cap - 1);
		l->len--;
	}
	return 1;
}

/* The heap's own k-th next event (k <= 2), or NULL. */
static const sim_event *heap_upcoming(const sim_evq *q, int k)
{
	if (k == 0)
		return q->len ? &q->heap[0] : NULL;
	if (q->len < 2)
		return NULL;
	/* the second is the smaller child of the root; the third the smallest of the other
	 * child and the second's two children */
	size_t second = q->len > 2 && before(&q->heap[2], &q->heap[1]) ? 2 : 1;
	if (k == 1)
		return &q->heap[second];
	size_t cand[3] = { 3 - second, 2 * second + 1, 2 * second + 2 }, best = 0;
	for (int c = 0; c < 3; c++)
		if (cand[c] < q->len && (!best || before(&q->heap[cand[c]], &q->heap[best])))
			best = cand[c];
	return best ? &q->heap[best] : NULL;
}

/* The i-th next event of source src (a lane, or SIM_EVQ_LANES for the heap), or NULL. */
static const sim_event *source_at(const sim_evq *q, int src, size_t i)
{
	if (src == SIM_EVQ_LANES)
		return heap_upcoming(q, (int)i);
	return i < q->lane[src].len ? lane_at(&q->lane[src], i) : NULL;
}

void sim_evq_upcoming_n(const sim_evq *q, const sim_event **out, int n)
{
	/* a three-way merge of the sorted sources, n steps deep: each step takes the least of
	 * the sources' current heads and moves that source on (the heap only through its
	 * first three: past them the guess may skip a heap event) */
	size_t at[SIM_EVQ_LANES + 1] = { 0 };
	const sim_event *head[SIM_EVQ_LANES + 1];
	for (int src = 0; src <= SIM_EVQ_LANES; src++)
		head[src] = source_at(q, src, 0);
	for (int k = 0; k < n; k++) {
		int best = -1;
		for (int src = 0; src <= SIM_EVQ_LANES; src++)
			if (head[src] && (best < 0 || before(head[src], head[best])))
				best = src;
		out[k] = best >= 0 ? head[best] : NULL;
		if (best >= 0 && k < n - 1)
			head[best] = best == SIM_EVQ_LANES && at[best] >= 2 ? NULL :
				     source_at(q, best, ++at[best]);
	}
}

uint64_t sim_evq_peek_time(const sim_evq *q)
{
	int at = least(q);
	if (at < 0)
		return UINT64_MAX;
	return at == SIM_EVQ_LANES ? q->heap[0].t : lane_at(&q->lane[at], 0)->t;
}
