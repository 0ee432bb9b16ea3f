/* audit_nonce.c: built with the whole core compiled with THEMIS_NONCE_AUDIT, so every AEAD
 * seal reports its (key, counter). Across a long two-way run with rekeys, retransmissions,
 * losses and crossing handshakes, no (key, nonce) pair may ever be used twice.
 */
#include "tnet.h"

#include "crypto.h"

enum { SET_BITS = 20, SET_SIZE = 1 << SET_BITS };

/* Open-addressing set of (first 8 key bytes, counter); 0/0 marks an empty cell. */
static struct { uint64_t k, c; } *set;
static uint64_t seals, duplicates;

void themis_nonce_audit(const uint8_t key[CR_KEY_LEN], uint64_t ctr)
{
	uint64_t k = 0;
	for (int i = 0; i < 8; i++)
		k = k << 8 | key[i];
	k |= 1;   /* never 0, so 0 can mark an empty cell */
	uint64_t h = (k ^ (ctr * 0x9e3779b97f4a7c15ull)) & (SET_SIZE - 1);
	seals++;
	while (set[h].k) {
		if (set[h].k == k && set[h].c == ctr) {
			duplicates++;
			return;
		}
		h = (h + 1) & (SET_SIZE - 1);
	}
	set[h].k = k;
	set[h].c = ctr;
}

static void audit_cfg(themis_config *c)
{
	c->rekey_after_msgs = 64;
	c->rekey_after_ns = 30ull * 1000000000ull;
	c->max_pending = 4096;
}

/* Drops every 13th datagram, so retransmissions and handshake retries happen. */
static int tap_lossy(void *ctx, tpkt *p)
{
	(void)p;
	unsigned *n = ctx;
	return ++*n % 13 == 0;
}

static void test_no_nonce_reuse(void **state)
{
	(void)state;
	tnet *t = tnet_new();
	unsigned count = 0;
	themis_peer pa, pb;
	int a = tnet_add(t, "audit", audit_cfg), b = tnet_add(t, "audit", audit_cfg);

	set = calloc(SET_SIZE, sizeof *set);
	assert_non_null(set);
	t->tap = tap_lossy;
	t->tap_ctx = &count;
	tnet_peer(t, a, &pa);
	tnet_peer(t, b, &pb);
	for (int round = 0; round < 3000; round++) {
		themis_ping(t->node[a], &pb, t->now);
		if (round % 3 == 0)
			themis_ping(t->node[b], &pa, t->now);   /* both directions, crossing at times */
		tnet_pump(t);
		tnet_advance(t, round % 50 == 0 ? 2000000000ull : 1000000ull);
	}
	tnet_advance(t, 60ull * 1000000000ull);
	themis_counters ca;
	themis_node_counters(t->node[a], &ca);
	print_message("seals %llu, rekeys %llu, handshakes %llu\n", (unsigned long long)seals,
		      (unsigned long long)ca.rekeys, (unsigned long long)ca.handshakes_ok);
	assert_true(seals > 5000);
	assert_true(ca.rekeys > 20);
	assert_int_equal(duplicates, 0);
	free(set);
	tnet_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_nonce_reuse),
	};
	return cmocka_run_group_tests_name("nonce_audit", tests, NULL, NULL);
}
