/* test_lookup.c: the iterative find (core/dht/lookup.c) on oracle rings of real nodes on the
 * virtual clock (tnet.h), with no finger ever refreshed: when the nodes a lookup would ask
 * first are dead, or the new owner has not noticed its predecessor died, the lookup still ends
 * at the true owner, as long as every node keeps a live successor; and a claim of ownership
 * that rests on a stand-in predecessor is checked against the nodes the asker knows.
 */
#include "tnet.h"

#include "node.h"
/* the DHT layer's internals, which this white-box test reaches into */
#include "dht.h"
#include "heal.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "relocate.h"
#include "replica.h"
#include "req.h"

#define NET "lookup-test"
#define SEC 1000000000ull

enum { M = 16, R = 3, N = 20 };

static void lookup_cfg(themis_config *c)
{
	c->m = M;
	c->succ_len = R;
	c->max_peers = 64;
	/* nothing repairs the tables: only the lookup itself learns who is dead */
	c->stabilize_ns = 0;
	c->fix_fingers_ns = 0;
	c->check_pred_ns = 0;
}

/* The default repair (stabilize every second, the predecessor checked every two) but no
 * finger refresh: the tables name the dead until the failure detectors notice. */
static void repair_cfg(themis_config *c)
{
	lookup_cfg(c);
	c->stabilize_ns = 1 * SEC;
	c->check_pred_ns = 2 * SEC;
}

/* The same without the predecessor check: a node notices its predecessor's death only
 * through the node before it (its update, then the ping before a predecessor is replaced),
 * several seconds after a lookup may have reached it. */
static void notify_only_cfg(themis_config *c)
{
	repair_cfg(c);
	c->check_pred_ns = 0;
}

static const uint8_t *pos_of(tnet *t, int i)
{
	return t->node[i]->ring.self_pos;
}

/* n nodes whose tables an oracle set: successors, predecessor, and as fingers every other node
 * (ring_finger_add keeps Chord's successor(self + 2^i) of them). ring[] gets the node indexes
 * in position order. */
static tnet *oracle_ring_cfg(int n, int ring[], void (*cfg)(themis_config *))
{
	tnet *t = tnet_new();
	themis_peer peers[TNET_MAX_NODES];

	for (int i = 0; i < n; i++)
		tnet_add(t, NET, cfg);
	for (int i = 0; i < n; i++) {
		int k = i;
		for (; k > 0 && memcmp(pos_of(t, ring[k - 1]), pos_of(t, i), 32) > 0; k--)
			ring[k] = ring[k - 1];
		ring[k] = i;
	}
	for (int a = 0; a < n; a++) {
		assert_true(a == 0 || memcmp(pos_of(t, ring[a - 1]), pos_of(t, ring[a]), 32) < 0);
		tnet_peer(t, ring[a], &peers[a]);
	}
	for (int a = 0; a < n; a++) {
		themis_peer succ[R], fingers[TNET_MAX_NODES];
		int nf = 0;
		for (int k = 0; k < R; k++)
			succ[k] = peers[(a + 1 + k) % n];
		for (int k = 1; k < n; k++)
			fingers[nf++] = peers[(a + k) % n];
		assert_int_equal(themis_node_set_ring(t->node[ring[a]], succ, R, &peers[(a + n - 1) % n],
						      fingers, (size_t)nf), 0);
	}
	return t;
}

static tnet *oracle_ring(int n, int ring[])
{
	return oracle_ring_cfg(n, ring, lookup_cfg);
}

/* The first live node at or after target's position. */
static int true_owner(tnet *t, const int ring[], int n, const uint8_t target[32])
{
	uint8_t pos[32];
	themis_ring_pos(target, M, pos);
	for (int a = 0; a < n; a++)
		if (!t->down[ring[a]] && memcmp(pos_of(t, ring[a]), pos, 32) >= 0)
			return ring[a];
	for (int a = 0; a < n; a++)
		if (!t->down[ring[a]])
			return ring[a];
	return -1;
}

/* No R ring neighbours in a row are down: every node keeps a live successor in its list. */
static int every_node_keeps_a_live_successor(tnet *t, const int ring[], int n)
{
	for (int a = 0; a < n; a++) {
		int run = 0;
		while (run < n && t->down[ring[(a + run) % n]])
			run++;
		if (run >= R)
			return 0;
	}
	return 1;
}

/* Finds target from node i, lets the clock run until it is done, returns its OP_DONE. */
static themis_event find_done(tnet *t, int i, const uint8_t target[32])
{
	int64_t op = themis_find(t->node[i], target, t->now);
	assert_true(op > 0);
	for (int s = 0; s < 600; s++) {
		tnet_advance(t, SEC);
		for (int k = 0; k < t->nev[i]; k++)
			if (t->ev[i][k].kind == THEMIS_EV_OP_DONE && t->ev[i][k].op_id == (uint64_t)op)
				return t->ev[i][k];
	}
	fail_msg("the find never ended");
	themis_event none;
	memset(&none, 0, sizeof none);
	return none;
}

/* The trace: a lookup asked its four first candidates (the nodes its own tables name
 * closest before the target), all dead, and then failed while its successors were alive. */
static void test_first_candidates_dead_successors_alive(void **state)
{
	(void)state;
	int ring[N], tried = 0;

	for (int far = N - 2; far >= N / 2; far--) {
		tnet *t = oracle_ring(N, ring);
		themis_node *a = t->node[ring[0]];
		uint8_t target[32], pos[32];
		ring_node first[4];

		/* a target just past the node `far` steps round the ring from the asker */
		memcpy(target, themis_node_id(t->node[ring[far]]), 32);
		target[M / 8 - 1] ^= 1;
		themis_ring_pos(target, M, pos);
		if (memcmp(pos, pos_of(t, ring[far]), 32) <= 0) {
			tnet_del(t);
			continue;
		}
		size_t k = ring_closest_preceding(&a->ring, pos, NULL, 0, first, 4);
		assert_int_equal(k, 4);
		for (size_t j = 0; j < k; j++) {
			const ring_node *rn = &first[j];
			for (int i = 0; i < N; i++)
				if (memcmp(themis_node_id(t->node[i]), rn->id, 32) == 0)
					t->down[i] = 1;
		}
		int succ_alive = 1;
		for (int s = 1; s <= R; s++)
			succ_alive &= !t->down[ring[s]];
		int owner = true_owner(t, ring, N, target);
		if (!succ_alive || !every_node_keeps_a_live_successor(t, ring, N) || owner == ring[0]) {
			tnet_del(t);
			continue;
		}
		tried++;
		themis_event ev = find_done(t, ring[0], target);
		assert_int_equal(ev.ok, 1);
		assert_memory_equal(ev.owner.id, themis_node_id(t->node[owner]), 32);
		tnet_del(t);
	}
	assert_true(tried >= 2);   /* the ring gave the case more than once */
}

/* The owner of the target died; the node after it owns the target now but does not know
 * yet (its predecessor pointer still names the dead one until its check fails), so it does
 * not claim the target and sends the lookup round the ring instead. The lookup waits for it
 * rather than give up. */
static void test_owner_whose_predecessor_died(void **state)
{
	(void)state;
	for (int k = 2; k < N; k += 5) {
		int ring[N];
		tnet *t = oracle_ring_cfg(N, ring, notify_only_cfg);
		int dead = ring[k], owner = ring[(k + 1) % N], asker = ring[(k + N / 2) % N];
		uint8_t target[32];

		memcpy(target, themis_node_id(t->node[dead]), 32);   /* owned by the dead node */
		t->down[dead] = 1;
		assert_int_equal(true_owner(t, ring, N, target), owner);
		themis_event ev = find_done(t, asker, target);
		assert_int_equal(ev.ok, 1);
		assert_memory_equal(ev.owner.id, themis_node_id(t->node[owner]), 32);
		tnet_del(t);
	}
}

/* The same with the asker as the new owner: its own predecessor died, and the nodes before
 * the target name the dead one (or, once they noticed, the asker, whom they never name to
 * itself). The lookup ends at the asker once its own tables agree. */
static void test_asker_whose_predecessor_died(void **state)
{
	(void)state;
	for (int k = 1; k < N; k += 5) {
		int ring[N];
		tnet *t = oracle_ring_cfg(N, ring, repair_cfg);
		int dead = ring[k], asker = ring[(k + 1) % N];
		uint8_t target[32];

		memcpy(target, themis_node_id(t->node[dead]), 32);
		t->down[dead] = 1;
		assert_int_equal(true_owner(t, ring, N, target), asker);
		themis_event ev = find_done(t, asker, target);
		assert_int_equal(ev.ok, 1);
		assert_memory_equal(ev.owner.id, themis_node_id(t->node[asker]), 32);
		tnet_del(t);
	}
}

/* A node without a predecessor answers for the stretch back to a stand-in, the nearest node
 * it knows behind it (dht_responsible), which may lie far behind its real predecessor. Such a
 * claim (FIND_OWNER naming no predecessor) is not taken when the asker knows a node between
 * the target and the claimant: that node is asked, and it is the owner. */
static void test_stand_in_claim_checked(void **state)
{
	(void)state;
	int ring[N];
	tnet *t = oracle_ring(N, ring);
	int asker = ring[3], owner = ring[4], claimant = ring[5];
	themis_node *a = t->node[asker];
	uint8_t target[32];

	/* the asker's successor list skips the owner (it still knows it as a finger), and the
	 * claimant lost its predecessor */
	ring_node list[R];
	for (int j = 0; j < R; j++)
		ring_node_make(&list[j], themis_node_id(t->node[ring[5 + j]]), &t->addr[ring[5 + j]]);
	ring_set_successors(&a->ring, NULL, list, R);
	assert_non_null(ring_find_id(&a->ring, themis_node_id(t->node[owner])));
	t->node[claimant]->ring.has_pred = 0;

	memcpy(target, themis_node_id(t->node[owner]), 32);
	themis_event ev = find_done(t, asker, target);
	assert_int_equal(ev.ok, 1);
	assert_memory_equal(ev.owner.id, themis_node_id(t->node[owner]), 32);
	tnet_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_candidates_dead_successors_alive),
		cmocka_unit_test(test_owner_whose_predecessor_died),
		cmocka_unit_test(test_asker_whose_predecessor_died),
		cmocka_unit_test(test_stand_in_claim_checked),
	};
	return cmocka_run_group_tests_name("lookup", tests, NULL, NULL);
}
