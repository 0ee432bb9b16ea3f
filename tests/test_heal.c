/* test_heal.c: partitions on the virtual clock (tnet.h). An orphan (a node cut off from every
 * node it knew) says so instead of answering as the owner of the whole ring, and rejoins once
 * it can; two rings that a partition made merge again into one ideal ring with every record
 * written on either side findable from both; a node told of a member of another ring
 * (themis_node_remember, what a daemon does with the peers it remembers) merges the rings.
 * Records that a partition left far from their owner reach it by lookup, and a store that
 * failed while its node was cut off goes out when the node is back in a ring.
 */
#include "tring.h"

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

#define NET "heal-test"
#define SEC 1000000000ull

enum { SUCC_LEN = 3 };

static void heal_cfg(themis_config *c)
{
	c->m = 16;
	c->succ_len = SUCC_LEN;
	c->ttl_ns = 600 * SEC;   /* no refresh during a test: records move by handoff alone */
	c->max_peers = 64;
}

/* The partition: group[i] is node i's side; nothing passes between sides while cut. */
static struct {
	int cut;
	int group[TNET_MAX_NODES];
} part;

static int partition_tap(void *ctx, tpkt *p)
{
	(void)ctx;
	return part.cut && p->to >= 0 && part.group[p->from] != part.group[p->to];
}

static void cut(tnet *t, int on)
{
	part.cut = on;
	t->tap = partition_tap;
}

/* Every node that is up is joined, and the ring over them is ideal: each successor list is
 * exactly the next r nodes by position, each predecessor the previous one. */
static int one_ideal_ring(tnet *t)
{
	int idx[TNET_MAX_NODES], k, up = 0;

	for (int i = 0; i < t->n; i++) {
		themis_ring_info ri;
		if (t->down[i])
			continue;
		up++;
		themis_node_ring(t->node[i], &ri);
		if (!ri.joined || ri.orphaned)
			return 0;
	}
	k = tring_sorted_live(t, idx);
	return k == up && tring_ideal(t, idx, k, SUCC_LEN);
}

/* A ring of the nodes first .. first + count - 1, joined one after the other through first. */
static void form_ring(tnet *t, int first, int count)
{
	themis_peer boot;

	assert_true(themis_join(t->node[first], NULL, t->now) > 0);
	tnet_peer(t, first, &boot);
	for (int i = first + 1; i < first + count; i++) {
		assert_true(themis_join(t->node[i], &boot, t->now) > 0);
		tnet_pump(t);
		tnet_advance(t, SEC / 2);
	}
	tnet_advance(t, 20 * SEC);
}

/* Advances the clock a second at a time until node i is an orphan (at most limit seconds);
 * returns 1 when it became one. */
static int until_orphaned(tnet *t, int i, int limit)
{
	themis_ring_info ri;

	for (int k = 0; k < limit; k++) {
		tnet_advance(t, SEC);
		themis_node_ring(t->node[i], &ri);
		if (ri.orphaned)
			return 1;
	}
	return 0;
}

static tnet *nodes(int count)
{
	tnet *t = tnet_new();

	for (int i = 0; i < count; i++)
		tnet_add(t, NET, heal_cfg);
	memset(&part, 0, sizeof part);
	return t;
}

static int last_done(tnet *t, int i, themis_op_kind kind, themis_event *out)
{
	for (int k = t->nev[i] - 1; k >= 0; k--) {
		if (t->ev[i][k].kind == THEMIS_EV_OP_DONE && t->ev[i][k].op == kind) {
			*out = t->ev[i][k];
			return 1;
		}
	}
	return 0;
}

/* A find from node i: 1 when it ended ok and returned a record of storer s. */
static int finds_record(tnet *t, int i, const uint8_t obj[32], int s)
{
	themis_event ev;

	if (themis_find(t->node[i], obj, t->now) <= 0)
		return 0;
	tnet_pump(t);
	tnet_advance(t, 5 * SEC);
	if (!last_done(t, i, THEMIS_OP_FIND, &ev) || !ev.ok)
		return 0;
	for (uint32_t r = 0; r < ev.nrec; r++)
		if (memcmp(ev.rec[r].node.id, themis_node_id(t->node[s]), 32) == 0)
			return 1;
	return 0;
}

/* Node 0 is cut off from all the others: every successor, finger and its predecessor fail.
 * It must not go on as a ring of one that owns every key and holds no record ("ok, no
 * records"); it reports itself orphaned and not joined, and once the network is back it is
 * a member of the one ring again, its finds right. */
static void test_orphan_knows_it_and_rejoins(void **state)
{
	(void)state;
	tnet *t = nodes(5);
	themis_ring_info ri;
	uint8_t obj[32];
	themis_event ev;

	form_ring(t, 0, 5);
	assert_true(one_ideal_ring(t));
	themis_obj_id("kept-by-the-others", 0, obj);
	assert_true(themis_store(t->node[1], obj, NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);

	for (int i = 1; i < 5; i++)
		part.group[i] = 1;
	cut(t, 1);
	assert_true(until_orphaned(t, 0, 60));
	themis_node_ring(t->node[0], &ri);
	assert_int_equal(ri.joined, 0);
	assert_int_equal(ri.nsucc, 0);
	/* no answer "ok, no records" from a node that knows no ring */
	assert_int_equal(themis_find(t->node[0], obj, t->now), THEMIS_ESTATE);

	cut(t, 0);
	tnet_advance(t, 60 * SEC);
	themis_node_ring(t->node[0], &ri);
	assert_int_equal(ri.orphaned, 0);
	assert_true(one_ideal_ring(t));
	assert_true(finds_record(t, 0, obj, 1));
	assert_true(last_done(t, 0, THEMIS_OP_FIND, &ev));
	tnet_del(t);
}

/* An orphan that has just rejoined and leaves at once stays out: nothing of its orphan
 * state may later start a ring of its own for a node that left. */
static void test_rejoined_orphan_that_leaves_stays_out(void **state)
{
	(void)state;
	tnet *t = nodes(4);
	themis_ring_info ri;

	form_ring(t, 0, 4);
	for (int i = 1; i < 4; i++)
		part.group[i] = 1;
	cut(t, 1);
	assert_true(until_orphaned(t, 0, 60));
	cut(t, 0);
	themis_node_ring(t->node[0], &ri);
	for (int k = 0; k < 6000 && !ri.joined; k++) {   /* the moment it is back */
		tnet_advance(t, SEC / 100);
		themis_node_ring(t->node[0], &ri);
	}
	assert_int_equal(ri.joined, 1);
	assert_true(themis_leave(t->node[0], t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 60 * SEC);
	themis_node_ring(t->node[0], &ri);
	assert_int_equal(ri.joined, 0);
	assert_int_equal(ri.orphaned, 0);
	tnet_del(t);
}

/* A ring of two cut in half: each node loses its only successor and both are orphans,
 * each probing a node that answers it is in no ring. They must not wait for each other until
 * an orphan's give-up time (30 stabilization periods): the one with the smaller id starts a
 * ring and the other rejoins through it well before. */
static void test_two_orphans_do_not_wait_for_each_other(void **state)
{
	(void)state;
	tnet *t = nodes(2);
	themis_ring_info b;

	form_ring(t, 0, 2);
	assert_true(one_ideal_ring(t));
	part.group[1] = 1;
	cut(t, 1);
	assert_true(until_orphaned(t, 0, 60));
	themis_node_ring(t->node[1], &b);
	assert_int_equal(b.orphaned, 1);
	cut(t, 0);
	tnet_advance(t, 12 * SEC);
	assert_true(one_ideal_ring(t));
	tnet_del(t);
}

/* Eight nodes, cut into two sides of four for 30 s: each side goes on as a ring of its own
 * and takes stores. After the cut, one ideal ring, and every record, written before or
 * during the cut on either side, is found from both sides. */
static void test_partition_rings_merge(void **state)
{
	(void)state;
	tnet *t = nodes(8);
	uint8_t obj[6][32];
	int storer[6];
	char name[16];

	form_ring(t, 0, 8);
	assert_true(one_ideal_ring(t));
	for (int i = 0; i < 8; i++)
		part.group[i] = i % 2;
	/* object 0 before the cut; 1..5 during it, from both sides */
	for (int o = 0; o < 6; o++) {
		snprintf(name, sizeof name, "obj-%d", o);
		themis_obj_id(name, 0, obj[o]);
		storer[o] = o;
	}
	assert_true(themis_store(t->node[0], obj[0], NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	cut(t, 1);
	tnet_advance(t, 15 * SEC);   /* both sides have declared the other dead */
	for (int o = 1; o < 6; o++) {
		assert_true(themis_store(t->node[storer[o]], obj[o], NULL, t->now) > 0);
		tnet_pump(t);
		tnet_advance(t, 2 * SEC);
	}
	tnet_advance(t, 5 * SEC);
	assert_false(one_ideal_ring(t));
	cut(t, 0);
	tnet_advance(t, 90 * SEC);
	assert_true(one_ideal_ring(t));
	for (int o = 0; o < 6; o++) {
		assert_true(finds_record(t, 2, obj[o], storer[o]));
		assert_true(finds_record(t, 5, obj[o], storer[o]));
	}
	tnet_del(t);
}

/* The index of the node of t that is the true owner of obj (the first live joined node at or
 * after its position); *at gets its place in idx, the nodes in ring order. */
static int owner_of(tnet *t, const uint8_t obj[32], int *idx, int *at)
{
	uint8_t pos[32];
	int k = tring_sorted_live(t, idx);

	themis_ring_pos(obj, 16, pos);
	for (int a = 0; a < k; a++)
		if (memcmp(t->node[idx[a]]->ring.self_pos, pos, 32) >= 0) {
			*at = a;
			return idx[a];
		}
	*at = 0;
	return idx[0];
}

static int holds(tnet *t, int i, const uint8_t obj[32])
{
	themis_record rec[4];
	return themis_node_records(t->node[i], obj, rec, 4, t->now) > 0;
}

/* A record that sits half a ring past its owner (as a store made during a partition leaves
 * it, through a node whose only successor was far away) reaches the owner within a few
 * stabilize periods, by lookup: the handoff alone walks it back one node per period. */
static void test_far_record_reaches_owner_by_lookup(void **state)
{
	(void)state;
	tnet *t = nodes(20);
	int idx[TNET_MAX_NODES], at;
	uint8_t obj[32];
	store_record rec[4];
	int more;

	form_ring(t, 0, 20);
	assert_true(one_ideal_ring(t));
	themis_obj_id("far-away", 0, obj);
	assert_true(themis_store(t->node[3], obj, NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, SEC);
	int owner = owner_of(t, obj, idx, &at);
	assert_true(holds(t, owner, obj));
	/* move it from the owner's table to the node ten places on */
	int far = idx[(at + 10) % 20];
	size_t k = store_get(t->node[owner]->store, obj, t->now, 0, rec, 4, &more);
	assert_int_equal(k, 1);
	assert_int_equal(store_remove(t->node[owner]->store, obj, rec[0].id), 1);
	assert_int_equal(store_put(pub_table(t->node[far]), &rec[0]), STORE_OK);
	assert_false(holds(t, owner, obj));
	tnet_advance(t, 4 * SEC);   /* four stabilize periods */
	assert_true(holds(t, owner, obj));
	assert_false(holds(t, far, obj));
	assert_int_equal(themis_node_counters_ref(t->node[far])->records_relocated, 1);
	assert_true(finds_record(t, 7, obj, 3));
	tnet_del(t);
}

/* Node 0 stores while it is being cut off from every other node: the store cannot land and
 * fails once node 0 knows it is out of the ring. When it is back in the ring the record goes
 * out at once, not at the retry t/8 later (75 s here). */
static void test_store_failed_while_cut_off_lands_on_rejoin(void **state)
{
	(void)state;
	tnet *t = nodes(6);
	uint8_t obj[32];
	themis_event ev;

	form_ring(t, 0, 6);
	for (int i = 0; i < 6; i++)
		part.group[i] = i == 0;
	themis_obj_id("while-cut", 0, obj);
	cut(t, 1);
	assert_true(themis_store(t->node[0], obj, NULL, t->now) > 0);
	assert_true(until_orphaned(t, 0, 30));
	tnet_advance(t, 20 * SEC);
	assert_true(last_done(t, 0, THEMIS_OP_STORE, &ev));
	assert_false(ev.ok);
	cut(t, 0);
	tnet_advance(t, 30 * SEC);
	assert_true(one_ideal_ring(t));
	assert_true(finds_record(t, 3, obj, 0));
	tnet_del(t);
}

/* Two rings that never knew each other (a daemon started without a bootstrap): told of one
 * member of the other ring, a node merges them into one ideal ring. */
static void test_remembered_peer_merges_rings(void **state)
{
	(void)state;
	tnet *t = nodes(8);
	themis_peer other;

	form_ring(t, 0, 4);
	form_ring(t, 4, 4);
	assert_false(one_ideal_ring(t));
	tnet_peer(t, 6, &other);
	assert_int_equal(themis_node_remember(t->node[1], &other, 1, t->now), 0);
	tnet_advance(t, 90 * SEC);
	assert_true(one_ideal_ring(t));
	tnet_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orphan_knows_it_and_rejoins),
		cmocka_unit_test(test_rejoined_orphan_that_leaves_stays_out),
		cmocka_unit_test(test_two_orphans_do_not_wait_for_each_other),
		cmocka_unit_test(test_partition_rings_merge),
		cmocka_unit_test(test_remembered_peer_merges_rings),
		cmocka_unit_test(test_far_record_reaches_owner_by_lookup),
		cmocka_unit_test(test_store_failed_while_cut_off_lands_on_rejoin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
