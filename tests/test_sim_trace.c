/* test_sim_trace.c: the trace hash's contract (sim/trace.c): the same records give the same
 * hash; a change in any field of a record, in the bytes of a datagram, in the order of
 * records, or in which sending an arrival names, gives another; record numbers count every
 * record; and --trace prints a sending and a drop at a failed receiver, never a delivery.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "trace.h"

static const uint8_t PKT[40] = { 1, 5, 0, 0, 'p', 'l', 'a', 'i', 'n' };

/* Sends PKT from node 1 to node 2 at 10 ns and delivers it at 20 ns; variant v changes one
 * thing. Returns the final hash in hex. */
static void run(int v, char hex[65])
{
	sim_trace tr;
	uint8_t pkt[sizeof PKT];
	memcpy(pkt, PKT, sizeof pkt);
	if (v == 1)
		pkt[20] ^= 1;   /* one bit of the bytes */
	sim_trace_init(&tr, NULL);
	sim_trace_note_text(&tr, 0, 1, "start", 5);
	uint64_t sent = sim_trace_dgram(&tr, 10, SIM_TR_SEND, 1, 2, pkt, sizeof pkt);
	assert_int_equal(sent, 1);   /* the note was record 0 */
	uint64_t other = sim_trace_dgram(&tr, 10, SIM_TR_SEND, 1, 3, pkt, sizeof pkt);
	assert_int_equal(other, 2);
	if (v == 2)
		sent = other;   /* the arrival names the other sending */
	sim_trace_arrival(&tr, v == 3 ? 21 : 20, SIM_TR_DELIVER, 1, v == 4 ? 3 : 2, pkt, sizeof pkt,
			  sent);
	if (v == 5)
		sim_trace_note_text(&tr, 30, 2, "done", 4);
	assert_int_equal(tr.records, v == 5 ? 5 : 4);
	sim_trace_final(&tr, hex);
}

static void hash_depends_on_every_field(void **state)
{
	(void)state;
	char h[6][65], again[65];
	for (int v = 0; v < 6; v++)
		run(v, h[v]);
	run(0, again);
	assert_string_equal(h[0], again);
	assert_int_equal(strlen(h[0]), 64);
	for (int a = 0; a < 6; a++)
		for (int b = a + 1; b < 6; b++)
			if (!strcmp(h[a], h[b]))
				fail_msg("variants %d and %d hash the same", a, b);
}

static void order_matters(void **state)
{
	(void)state;
	sim_trace x, y;
	char hx[65], hy[65];
	sim_trace_init(&x, NULL);
	sim_trace_init(&y, NULL);
	sim_trace_note_text(&x, 5, 1, "a", 1);
	sim_trace_note_text(&x, 5, 1, "b", 1);
	sim_trace_note_text(&y, 5, 1, "b", 1);
	sim_trace_note_text(&y, 5, 1, "a", 1);
	sim_trace_final(&x, hx);
	sim_trace_final(&y, hy);
	assert_string_not_equal(hx, hy);
}

static void prints_sendings_and_drops_not_deliveries(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	sim_trace tr;
	sim_trace_init(&tr, f);
	uint64_t sent = sim_trace_dgram(&tr, 1000, SIM_TR_SEND, 1, 2, PKT, sizeof PKT);
	sim_trace_arrival(&tr, 2000, SIM_TR_DELIVER, 1, 2, PKT, sizeof PKT, sent);
	sim_trace_arrival(&tr, 3000, SIM_TR_DOWN, 1, 2, PKT, sizeof PKT, sent);
	fclose(f);
	assert_non_null(strstr(buf, "n1 -> n2 "));
	assert_non_null(strstr(buf, "DROPPED(node down)"));
	int lines = 0;
	for (char *c = buf; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 2);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_depends_on_every_field),
		cmocka_unit_test(order_matters),
		cmocka_unit_test(prints_sendings_and_drops_not_deliveries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
