/* test_sim_event.c: the event queue's ordering contract: by time, ties in scheduling order,
 * a large random load pops sorted, pops interleaved
 * with pushes always take the least pending event (checked against a plain list), also when
 * the kinds with a lane of their own (deliveries, timers) come mostly in order and sometimes
 * not, mixed with other kinds; the next-three guess names what pops next.
 */
#include "testutil.h"

#include <stdlib.h>

#include "event.h"

static void orders_by_time(void **state)
{
	(void)state;
	sim_evq q;
	sim_evq_init(&q);
	uint64_t times[] = { 50, 10, 40, 20, 30 };
	for (int i = 0; i < 5; i++)
		assert_true(sim_evq_push(&q, times[i], SIM_EV_SAMPLE, (uint32_t)i, 0) > 0);
	sim_event ev;
	uint64_t last = 0;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(sim_evq_pop(&q, &ev), 1);
		assert_true(ev.t >= last);
		last = ev.t;
	}
	assert_int_equal(sim_evq_pop(&q, &ev), 0);
	sim_evq_free(&q);
}

static void ties_follow_scheduling_order(void **state)
{
	(void)state;
	sim_evq q;
	sim_evq_init(&q);
	/* interleave two times so the heap shape differs from insertion order */
	for (uint32_t i = 0; i < 1000; i++)
		sim_evq_push(&q, i % 2 ? 7 : 3, SIM_EV_SAMPLE, i, 0);
	sim_event ev;
	uint32_t prev3 = 0, prev7 = 0;
	int first3 = 1, first7 = 1;
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(sim_evq_pop(&q, &ev), 1);
		if (i < 500) {
			assert_int_equal(ev.t, 3);
			assert_true(first3 || ev.a > prev3);
			prev3 = ev.a;
			first3 = 0;
		} else {
			assert_int_equal(ev.t, 7);
			assert_true(first7 || ev.a > prev7);
			prev7 = ev.a;
			first7 = 0;
		}
	}
	sim_evq_free(&q);
}

static void random_load_pops_sorted(void **state)
{
	(void)state;
	sim_evq q;
	sim_evq_init(&q);
	uint64_t s[2] = { 42, 0 };
	uint8_t r[8];
	for (int i = 0; i < 100000; i++) {
		test_rand(s, r, sizeof r);
		sim_evq_push(&q, r[0] | (uint64_t)r[1] << 8, SIM_EV_SAMPLE, 0, 0);
	}
	sim_event ev;
	uint64_t lt = 0, ls = 0;
	size_t n = 0;
	while (sim_evq_pop(&q, &ev)) {
		assert_true(ev.t > lt || (ev.t == lt && ev.seq > ls) || n == 0);
		lt = ev.t;
		ls = ev.seq;
		n++;
	}
	assert_int_equal(n, 100000);
	sim_evq_free(&q);
}

/* The steady state of a run: each pop followed by a few pushes at or after its time (many of
 * them at the same instant), the heap never emptied. Every pop must be the least pending
 * (t, seq), which a plain list of the pending events finds by a scan. */
static void interleaved_pops_take_the_least(void **state)
{
	(void)state;
	enum { START = 300, STEPS = 40000, CAP = 2000 };
	sim_evq q;
	uint64_t pend_t[CAP], pend_s[CAP];
	size_t np = 0;
	uint64_t s[2] = { 7, 0 };
	uint8_t r[4];
	sim_evq_init(&q);
	for (int i = 0; i < START; i++) {
		test_rand(s, r, sizeof r);
		pend_t[np] = r[0] % 64;
		pend_s[np] = sim_evq_push(&q, pend_t[np], SIM_EV_SAMPLE, 0, 0);
		np++;
	}
	for (int step = 0; step < STEPS; step++) {
		sim_event ev;
		assert_int_equal(sim_evq_pop(&q, &ev), 1);
		size_t best = 0;
		for (size_t i = 1; i < np; i++)
			if (pend_t[i] < pend_t[best] || (pend_t[i] == pend_t[best] && pend_s[i] < pend_s[best]))
				best = i;
		assert_int_equal(ev.t, pend_t[best]);
		assert_int_equal(ev.seq, pend_s[best]);
		pend_t[best] = pend_t[--np];
		pend_s[best] = pend_s[np];
		test_rand(s, r, sizeof r);
		int pushes = np < START / 2 ? 2 : np > CAP - 3 ? 0 : r[0] % 3;
		for (int k = 0; k < pushes; k++) {
			pend_t[np] = ev.t + (r[1 + k] & 1 ? r[3] % 16 : 0);
			pend_s[np] = sim_evq_push(&q, pend_t[np], SIM_EV_SAMPLE, 0, 0);
			assert_true(pend_s[np] != 0);
			np++;
		}
	}
	assert_int_equal(sim_evq_len(&q), np);
	sim_evq_free(&q);
}

static void event_is_small(void **state)
{
	(void)state;
	assert_true(sizeof(sim_event) <= 32);
}

static void lanes_keep_the_order(void **state)
{
	(void)state;
	sim_evq q;
	sim_evq_init(&q);
	uint64_t s[2] = { 7, 0 };
	uint8_t r[8];
	uint64_t now = 0, reserved = 0;
	size_t pushed = 0, popped = 0;
	sim_event ev;
	uint64_t lt = 0, ls = 0;
	/* a simulation in miniature: pop one, push a few (a delivery a constant 10 ahead, now
	 * and then a random one; a timer 100 ahead, some with a sequence number reserved
	 * earlier; other kinds at random) */
	for (int i = 0; i < 20000; i++) {
		test_rand(s, r, sizeof r);
		sim_evq_push(&q, now + 10, SIM_EV_DELIVER, 1, 0);
		sim_evq_push(&q, now + (r[0] & 1 ? 10 : r[1]), SIM_EV_DELIVER, 2, 0);
		if (r[2] % 3 == 0) {
			uint64_t seq = reserved ? reserved : sim_evq_reserve(&q);
			reserved = r[3] & 1 ? sim_evq_reserve(&q) : 0;
			sim_evq_push_seq(&q, now + 100, SIM_EV_TIMER, 3, 0, seq);
		}
		sim_evq_push(&q, now + r[4], (r[5] & 1) ? SIM_EV_SAMPLE : SIM_EV_TIMER, 4, 0);
		pushed += 3 + (r[2] % 3 == 0);
		const sim_event *up[3];
		sim_evq_upcoming_n(&q, up, 3);
		/* the guess is in order (the pointers are valid until the next pop) and its first
		 * is the least event */
		for (int k = 1; k < 3; k++)
			assert_true(!up[k] || up[k - 1]->t < up[k]->t ||
				    (up[k - 1]->t == up[k]->t && up[k - 1]->seq < up[k]->seq));
		sim_event want = *up[0];
		assert_int_equal(sim_evq_pop(&q, &ev), 1);
		assert_true(want.t < ev.t || (want.t == ev.t && want.seq <= ev.seq));
		assert_true(ev.t > lt || (ev.t == lt && ev.seq > ls) || popped == 0);
		lt = ev.t;
		ls = ev.seq;
		now = ev.t;
		popped++;
	}
	while (sim_evq_pop(&q, &ev)) {
		assert_true(ev.t > lt || (ev.t == lt && ev.seq > ls));
		lt = ev.t;
		ls = ev.seq;
		popped++;
	}
	assert_int_equal(popped, pushed);
	assert_int_equal(sim_evq_len(&q), 0);
	assert_int_equal(sim_evq_peek_time(&q), UINT64_MAX);
	sim_evq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(orders_by_time),
		cmocka_unit_test(ties_follow_scheduling_order),
		cmocka_unit_test(random_load_pops_sorted),
		cmocka_unit_test(interleaved_pops_take_the_least),
		cmocka_unit_test(event_is_small),
		cmocka_unit_test(lanes_keep_the_order),
	};
	return cmocka_run_group_tests_name("sim_event", tests, NULL, NULL);
}
