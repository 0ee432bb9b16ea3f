/* test_dht.c: small rings of real nodes on the virtual clock (tnet.h): joins, the ring after
 * quiescence checked against a global view (valid and ideal), finds that return the true
 * successor, stores and their handoff on join and leave, silent failures and re-store, and
 * register/discover with fail-over.
 */
#include "tring.h"

#define NET "dht-test"
#define SEC 1000000000ull

static unsigned ring_m = 16;
static uint32_t succ_len = 3;
static uint64_t ring_ttl = 30 * SEC;
static int ring_replicate = 1;

static void dht_cfg(themis_config *c)
{
	c->m = ring_m;
	c->succ_len = succ_len;
	c->ttl_ns = ring_ttl;
	c->replicate = ring_replicate;
	c->max_peers = 64;
}

/* Indexes of live joined nodes sorted by ring position. */
static int sorted_live(tnet *t, int *idx)
{
	return tring_sorted_live(t, idx);
}

/* The ring is ideal: every live node's successor list is exactly the next r live nodes and
 * its predecessor the previous one. */
static int ring_ideal(tnet *t)
{
	int idx[TNET_MAX_NODES], k = sorted_live(t, idx);

	return tring_ideal(t, idx, k, succ_len);
}

/* The node responsible for target: the first live node at or after its position. */
static int true_owner(tnet *t, const uint8_t target[32])
{
	int idx[TNET_MAX_NODES], k = sorted_live(t, idx);
	uint8_t pos[32];

	themis_ring_pos(target, ring_m, pos);
	for (int a = 0; a < k; a++)
		if (memcmp(t->node[idx[a]]->ring.self_pos, pos, 32) >= 0)
			return idx[a];
	return idx[0];
}

static tnet *ring_of(int count)
{
	tnet *t = tnet_new();
	themis_peer boot;

	for (int i = 0; i < count; i++)
		tnet_add(t, NET, dht_cfg);
	assert_true(themis_join(t->node[0], NULL, t->now) > 0);
	tnet_peer(t, 0, &boot);
	for (int i = 1; i < count; i++) {
		assert_true(themis_join(t->node[i], &boot, t->now) > 0);
		tnet_pump(t);
		tnet_advance(t, SEC / 2);
	}
	tnet_advance(t, 20 * SEC);
	for (int i = 0; i < count; i++) {
		themis_ring_info ri;
		themis_node_ring(t->node[i], &ri);
		assert_int_equal(ri.joined, 1);
	}
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

static void find_from(tnet *t, int from, const uint8_t target[32], themis_event *ev)
{
	assert_true(themis_find(t->node[from], target, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 5 * SEC);
	assert_true(last_done(t, from, THEMIS_OP_FIND, ev));
}

static void test_join_three_then_ideal(void **state)
{
	(void)state;
	tnet *t = ring_of(3);
	assert_true(ring_ideal(t));
	tnet_del(t);
}

static void test_ring_of_twelve_finds_true_owner(void **state)
{
	(void)state;
	tnet *t = ring_of(12);
	uint64_t rs[2] = { 99, 0 };

	assert_true(ring_ideal(t));
	for (int q = 0; q < 40; q++) {
		uint8_t key[32];
		themis_event ev;
		test_rand(rs, key, sizeof key);
		int from = q % 12;
		find_from(t, from, key, &ev);
		assert_int_equal(ev.ok, 1);
		assert_memory_equal(ev.owner.id, themis_node_id(t->node[true_owner(t, key)]), 32);
	}
	tnet_del(t);
}

/* Two nodes joining the same gap before anyone stabilizes. */
static void test_two_join_same_gap(void **state)
{
	(void)state;
	tnet *t = tnet_new();
	themis_peer boot;

	for (int i = 0; i < 5; i++)
		tnet_add(t, NET, dht_cfg);
	themis_join(t->node[0], NULL, t->now);
	tnet_peer(t, 0, &boot);
	themis_join(t->node[1], &boot, t->now);
	themis_join(t->node[2], &boot, t->now);
	tnet_pump(t);
	themis_join(t->node[3], &boot, t->now);
	themis_join(t->node[4], &boot, t->now);
	tnet_pump(t);
	tnet_advance(t, 30 * SEC);
	assert_true(ring_ideal(t));
	tnet_del(t);
}

static void test_store_find_and_handoff(void **state)
{
	(void)state;
	tnet *t = ring_of(6);
	uint8_t obj[32];
	themis_event ev;

	themis_obj_id("check", 0, obj);
	assert_true(themis_store(t->node[1], obj, "v1", t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_true(last_done(t, 1, THEMIS_OP_STORE, &ev));
	assert_int_equal(ev.ok, 1);
	find_from(t, 4, obj, &ev);
	assert_int_equal(ev.ok, 1);
	assert_int_equal(ev.nrec, 1);
	assert_memory_equal(ev.rec[0].node.id, themis_node_id(t->node[1]), 32);
	assert_string_equal(ev.rec[0].tag, "v1");

	/* New nodes join: whichever becomes the owner receives the record by update. */
	themis_peer boot;
	tnet_peer(t, 0, &boot);
	for (int i = 0; i < 4; i++) {
		int j = tnet_add(t, NET, dht_cfg);
		themis_join(t->node[j], &boot, t->now);
		tnet_pump(t);
		tnet_advance(t, 3 * SEC);
	}
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	int owner = true_owner(t, obj);
	themis_record rec[4];
	assert_int_equal(themis_node_records(t->node[owner], obj, rec, 4, t->now), 1);
	find_from(t, 2, obj, &ev);
	assert_int_equal(ev.nrec, 1);
	assert_memory_equal(ev.owner.id, themis_node_id(t->node[owner]), 32);
	tnet_del(t);
}

/* A store whose owner our successor list names goes straight to it; when that list is stale
 * the wrong node refuses (ST_NOT_RESPONSIBLE) and the store looks up properly and lands. */
static void test_store_shortcut_stale_successor(void **state)
{
	(void)state;
	tnet *t = ring_of(6);
	int idx[TNET_MAX_NODES], k = sorted_live(t, idx);
	uint8_t obj[32];
	themis_record rec[4];
	themis_event ev;
	int owner, a = -1, wrong = -1;

	themis_obj_id("shortcut", 0, obj);
	owner = true_owner(t, obj);
	for (int j = 0; j < k; j++)
		if (idx[j] == owner) {
			a = idx[(j + k - 1) % k];        /* the owner's predecessor */
			wrong = idx[(j + 1) % k];        /* and its successor */
		}
	/* a forgets the owner: its successor list now starts at the owner's successor, which
	 * the object's position falls before. */
	assert_int_not_equal(ring_remove(&t->node[a]->ring, themis_node_id(t->node[owner])), 0);
	assert_memory_equal(t->node[a]->ring.succ[0].id, themis_node_id(t->node[wrong]), 32);
	uint64_t refused = themis_node_counters_ref(t->node[wrong])->stores_refused;

	assert_true(themis_store(t->node[a], obj, NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, SEC / 10);   /* well before a's next stabilize could repair its list */
	assert_true(last_done(t, a, THEMIS_OP_STORE, &ev));
	assert_int_equal(ev.ok, 1);
	/* One refusal at the wrong node proves the STORE went there without a FIND first (a
	 * FIND would have been pointed at the owner, its predecessor). */
	assert_int_equal(themis_node_counters_ref(t->node[wrong])->stores_refused, refused + 1);
	assert_int_equal(themis_node_records(t->node[owner], obj, rec, 4, t->now), 1);
	assert_int_equal(themis_node_records(t->node[wrong], obj, rec, 4, t->now), 0);
	tnet_del(t);
}

static void test_leave_without_loss(void **state)
{
	(void)state;
	tnet *t = ring_of(6);
	uint8_t obj[32];
	themis_event ev;

	themis_obj_id("leave-me", 0, obj);
	themis_store(t->node[2], obj, NULL, t->now);
	tnet_pump(t);
	tnet_advance(t, SEC);
	int owner = true_owner(t, obj);
	if (owner == 2) {   /* the storer itself must not be the one leaving */
		themis_obj_id("leave-me-too", 0, obj);
		themis_store(t->node[2], obj, NULL, t->now);
		tnet_pump(t);
		tnet_advance(t, SEC);
		owner = true_owner(t, obj);
	}
	assert_true(themis_leave(t->node[owner], t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_true(last_done(t, owner, THEMIS_OP_LEAVE, &ev));
	assert_int_equal(ev.ok, 1);
	themis_ring_info ri;
	themis_node_ring(t->node[owner], &ri);
	assert_int_equal(ri.joined, 0);
	assert_int_equal(ri.records, 0);
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	int next = true_owner(t, obj);
	themis_record rec[4];
	assert_int_equal(themis_node_records(t->node[next], obj, rec, 4, t->now), 1);
	find_from(t, (owner + 1) % 6 == 2 ? 3 : (owner + 1) % 6, obj, &ev);
	assert_int_equal(ev.nrec, 1);
	tnet_del(t);
}

/* Stores, from node `storer`, an object whose owner is node `owner`: the first name of the form
 * "PREFIX-k" that lands there. Fills obj. */
static void store_owned_by(tnet *t, int storer, int owner, const char *prefix, uint8_t obj[32])
{
	char name[64];

	for (int k = 0;; k++) {
		snprintf(name, sizeof name, "%s-%d", prefix, k);
		themis_obj_id(name, 0, obj);
		if (true_owner(t, obj) == owner)
			break;
	}
	assert_true(themis_store(t->node[storer], obj, NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, SEC);
	themis_record rec[4];
	assert_int_equal(themis_node_records(t->node[owner], obj, rec, 4, t->now), 1);
}

/* Three neighbours leave at the same instant (the virtual nodes of one daemon on SIGTERM):
 * the first two hand their records to a node that is leaving too, which refuses them and
 * names its successors; every record ends at the first node after them that stays. */
static void test_neighbours_leave_together(void **state)
{
	(void)state;
	tnet *t = ring_of(8);
	int idx[TNET_MAX_NODES], k = sorted_live(t, idx);
	uint8_t obj[3][32];
	themis_event ev;

	assert_int_equal(k, 8);
	int a = idx[1], b = idx[2], c = idx[3], stay = idx[4], storer = idx[6];
	store_owned_by(t, storer, a, "with-a", obj[0]);
	store_owned_by(t, storer, b, "with-b", obj[1]);
	store_owned_by(t, storer, c, "with-c", obj[2]);
	assert_true(themis_leave(t->node[a], t->now) > 0);
	assert_int_equal(themis_leave(t->node[a], t->now), THEMIS_ESTATE);   /* one at a time */
	assert_true(themis_leave(t->node[b], t->now) > 0);
	assert_true(themis_leave(t->node[c], t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, SEC);
	int leavers[3] = { a, b, c };
	for (int i = 0; i < 3; i++) {
		themis_ring_info ri;
		assert_true(last_done(t, leavers[i], THEMIS_OP_LEAVE, &ev));
		assert_int_equal(ev.ok, 1);
		themis_node_ring(t->node[leavers[i]], &ri);
		assert_int_equal(ri.joined, 0);
		assert_int_equal(ri.records, 0);
	}
	for (int i = 0; i < 3; i++) {
		themis_record rec[4];
		assert_int_equal(themis_node_records(t->node[stay], obj[i], rec, 4, t->now), 1);
	}
	tnet_advance(t, 10 * SEC);
	assert_true(ring_ideal(t));
	for (int i = 0; i < 3; i++) {
		find_from(t, idx[0], obj[i], &ev);
		assert_int_equal(ev.ok, 1);
		assert_int_equal(ev.nrec, 1);
	}
	tnet_del(t);
}

/* A ring of at most r members (STOPSELF in tests/verify/ring.pml): two of four nodes leave, one
 * after the other, with r = 3. The two left each build their list from the other's, which
 * comes round past themselves; what follows there came from their own list, so a list that
 * only skipped itself kept a node that left for ever (it circulated between the two, and no
 * failure path ever ran for it). The list must end where it comes round: each of the two
 * ends with the other alone. Both pairs of leavers: neighbours, and two nodes apart. */
static void two_of_four_leave(int first, int second)
{
	tnet *t = ring_of(4);
	int idx[TNET_MAX_NODES], k = sorted_live(t, idx);
	int leavers[2] = { idx[first], idx[second] };
	themis_event ev;

	assert_int_equal(k, 4);
	for (int i = 0; i < 2; i++) {
		assert_true(themis_leave(t->node[leavers[i]], t->now) > 0);
		tnet_pump(t);
		tnet_advance(t, 2 * SEC);
		assert_true(last_done(t, leavers[i], THEMIS_OP_LEAVE, &ev));
		assert_int_equal(ev.ok, 1);
	}
	tnet_advance(t, 20 * SEC);
	k = sorted_live(t, idx);
	assert_int_equal(k, 2);
	for (int a = 0; a < 2; a++) {
		themis_ring_info ri;
		themis_node_ring(t->node[idx[a]], &ri);
		assert_int_equal(ri.nsucc, 1);   /* the other one, and no node that left */
	}
	assert_true(ring_ideal(t));
	tnet_del(t);
}

static void test_two_of_four_leave_lists_stop_at_self(void **state)
{
	(void)state;
	two_of_four_leave(0, 1);
	two_of_four_leave(1, 3);
}

/* The race of a leave with the leaver's own last UPDATE: L sends its periodic UPDATE to its
 * successor S, then begins to leave, and the UPDATE reaches S only after L's handoff (held back
 * here by the tap, as a slow or reordered datagram would be). S has adopted L's predecessor
 * and taken L's records; the late UPDATE must not make S take L back as predecessor and hand
 * the records back to it, or L leaves the ring with them and nobody holds them until the
 * storer's next refresh (t/2, long after this test ends). */
static int hold_on, hold_from, hold_to, nheld;
static tpkt held[8];

static int tap_hold(void *ctx, tpkt *p)
{
	(void)ctx;
	if (!hold_on || p->from != hold_from || p->to != hold_to || nheld == 8)
		return 0;
	held[nheld++] = *p;
	return 1;
}

static void test_leave_beats_its_own_late_update(void **state)
{
	(void)state;
	tnet *t = ring_of(6);
	int idx[TNET_MAX_NODES], k = sorted_live(t, idx);
	uint8_t obj[32];
	themis_event ev;
	themis_ring_info ri;
	themis_record rec[4];

	assert_int_equal(k, 6);
	int pred = idx[1], l = idx[2], s = idx[3], storer = idx[5];
	store_owned_by(t, storer, l, "late-update", obj);
	/* Hold every datagram from L to S over one stabilize period: L's UPDATE is among them. */
	hold_on = 1;
	hold_from = l;
	hold_to = s;
	nheld = 0;
	t->tap = tap_hold;
	tnet_advance(t, t->node[l]->hot.stabilize_ns + 1);
	hold_on = 0;
	assert_true(nheld > 0);
	assert_true(themis_leave(t->node[l], t->now) > 0);
	tnet_pump(t);
	/* S has L's records and L's predecessor; now the held UPDATE arrives. */
	assert_int_equal(themis_node_records(t->node[s], obj, rec, 4, t->now), 1);
	for (int i = 0; i < nheld; i++)
		tnet_deliver(t, &held[i]);
	tnet_pump(t);
	tnet_advance(t, 3 * SEC);
	assert_true(last_done(t, l, THEMIS_OP_LEAVE, &ev));
	assert_int_equal(ev.ok, 1);
	themis_node_ring(t->node[l], &ri);
	assert_int_equal(ri.joined, 0);
	assert_int_equal(ri.records, 0);
	themis_node_ring(t->node[s], &ri);
	assert_int_equal(ri.has_pred, 1);
	assert_memory_equal(ri.pred.id, themis_node_id(t->node[pred]), 32);
	assert_int_equal(themis_node_records(t->node[s], obj, rec, 4, t->now), 1);
	find_from(t, idx[0], obj, &ev);
	assert_int_equal(ev.ok, 1);
	assert_int_equal(ev.nrec, 1);
	t->tap = NULL;
	tnet_del(t);
}

/* A node that is leaving sends no ring maintenance: while its handoff goes unanswered (the
 * successor's answers are held back) for longer than a stabilize period, it sends no UPDATE
 * (which would wait for the same held answers) and starts no finger lookup. */
static void test_leaving_node_sends_no_maintenance(void **state)
{
	(void)state;
	tnet *t = ring_of(6);
	int idx[TNET_MAX_NODES];

	assert_int_equal(sorted_live(t, idx), 6);
	int l = idx[2], s = idx[3];
	hold_on = 1;
	hold_from = s;
	hold_to = l;
	nheld = 0;
	t->tap = tap_hold;
	assert_true(themis_leave(t->node[l], t->now) > 0);
	tnet_pump(t);
	for (int i = 0; i < 6; i++) {
		tnet_advance(t, t->node[l]->hot.stabilize_ns / 4);
		assert_int_equal(t->node[l]->stabilizing, 0);
		assert_int_equal(t->node[l]->fixing, 0);
	}
	hold_on = 0;
	t->tap = NULL;
	tnet_del(t);
}

/* The records a node hands to a joiner travel in its answer to the joiner's first UPDATE; that
 * answer is lost here (the tap drops the successor's next datagram to the joiner). The joiner
 * sends its UPDATE again (same req_id) and must get the same records, which left the
 * successor's table with the first answer: nothing waits for the storer's refresh. */
static int drop_next_on, drop_next_from, drop_next_to;

static int tap_drop_next(void *ctx, tpkt *p)
{
	(void)ctx;
	if (!drop_next_on || p->from != drop_next_from || p->to != drop_next_to)
		return 0;
	drop_next_on = 0;
	return 1;
}

static void test_lost_handoff_answer_is_sent_again(void **state)
{
	(void)state;
	ring_ttl = 600 * SEC;   /* no refresh during the test */
	tnet *t = ring_of(5);
	uint8_t obj[24][32];
	themis_peer boot;
	themis_record rec[4];
	int moved = 0;

	for (int i = 0; i < 24; i++) {
		char name[32];
		snprintf(name, sizeof name, "handed-%d", i);
		themis_obj_id(name, 0, obj[i]);
		assert_true(themis_store(t->node[i % 5], obj[i], NULL, t->now) > 0);
		tnet_pump(t);
		tnet_advance(t, SEC / 10);
	}
	int c = tnet_add(t, NET, dht_cfg);
	tnet_peer(t, 0, &boot);
	assert_true(themis_join(t->node[c], &boot, t->now) > 0);
	t->tap = tap_drop_next;
	/* the join completes within the pump; the first datagram from the successor to the
	 * joiner after that is the answer to its UPDATE */
	tnet_pump(t);
	themis_ring_info ri;
	themis_node_ring(t->node[c], &ri);
	assert_int_equal(ri.joined, 1);
	drop_next_from = tnet_index(t, &ri.succ[0].addr);
	drop_next_to = c;
	drop_next_on = 1;
	tnet_advance(t, 5 * SEC);
	assert_int_equal(drop_next_on, 0);   /* a datagram was dropped */
	for (int i = 0; i < 24; i++) {
		int owner = true_owner(t, obj[i]);
		assert_int_equal(themis_node_records(t->node[owner], obj[i], rec, 4, t->now), 1);
		moved += owner == c;
	}
	assert_true(moved > 0);   /* the joiner did take over some of them */
	t->tap = NULL;
	ring_ttl = 30 * SEC;
	tnet_del(t);
}

/* A successor whose record table is full takes none of a leaving node's batch and says so
 * (ST_FULL): the leaver keeps every record, stays in the ring and counts them as unplaced;
 * its records are still found at it. */
static void cap_records(themis_config *c)
{
	dht_cfg(c);
	c->max_records = 2;
}

/* A settled ring of five nodes that hold two records each; idx gets them in ring order. */
static void capped_ring(tnet *t, int *idx)
{
	themis_peer boot;

	for (int i = 0; i < 5; i++)
		tnet_add(t, NET, cap_records);
	assert_true(themis_join(t->node[0], NULL, t->now) > 0);
	tnet_peer(t, 0, &boot);
	for (int i = 1; i < 5; i++) {
		assert_true(themis_join(t->node[i], &boot, t->now) > 0);
		tnet_pump(t);
		tnet_advance(t, SEC / 2);
	}
	tnet_advance(t, 20 * SEC);
	assert_int_equal(sorted_live(t, idx), 5);
}

static void test_leave_to_full_successor_keeps_records(void **state)
{
	(void)state;
	tnet *t = tnet_new();
	int idx[TNET_MAX_NODES];
	uint8_t obj[3][32];
	themis_event ev;
	themis_ring_info ri;
	themis_record rec[4];

	capped_ring(t, idx);
	int l = idx[1], s = idx[2];
	/* S full (two records), L holding one */
	store_owned_by(t, idx[4], s, "full-a", obj[0]);
	store_owned_by(t, idx[0], s, "full-b", obj[1]);
	store_owned_by(t, idx[4], l, "kept", obj[2]);
	uint64_t refused = themis_node_counters_ref(t->node[s])->handoffs_refused;
	assert_true(themis_leave(t->node[l], t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_true(last_done(t, l, THEMIS_OP_LEAVE, &ev));
	assert_int_equal(ev.ok, 0);
	assert_int_equal(themis_node_counters_ref(t->node[s])->handoffs_refused, refused + 1);
	assert_int_equal(themis_node_counters_ref(t->node[l])->records_unplaced, 1);
	themis_node_ring(t->node[l], &ri);
	assert_int_equal(ri.joined, 1);
	assert_int_equal(themis_node_records(t->node[l], obj[2], rec, 4, t->now), 1);
	assert_int_equal(themis_node_records(t->node[s], obj[2], rec, 4, t->now), 0);
	tnet_advance(t, 5 * SEC);
	assert_true(ring_ideal(t));
	find_from(t, idx[3], obj[2], &ev);
	assert_int_equal(ev.ok, 1);
	assert_int_equal(ev.nrec, 1);
	tnet_del(t);
}

/* A store its owner refuses for lack of room fails, and its OP_DONE says why (the daemon
 * names the cap from it): THEMIS_REFUSED_FULL. */
static void test_store_refused_full_says_so(void **state)
{
	(void)state;
	tnet *t = tnet_new();
	int idx[TNET_MAX_NODES];
	uint8_t obj[3][32];
	themis_event ev;

	capped_ring(t, idx);
	int s = idx[2], storer = idx[4];
	store_owned_by(t, storer, s, "fill-a", obj[0]);
	store_owned_by(t, idx[0], s, "fill-b", obj[1]);
	/* a third object owned by s: its table holds two records, its cap */
	for (int k = 0;; k++) {
		char name[32];
		snprintf(name, sizeof name, "over-%d", k);
		themis_obj_id(name, 0, obj[2]);
		if (true_owner(t, obj[2]) == s)
			break;
	}
	int64_t op = themis_store(t->node[storer], obj[2], NULL, t->now);
	assert_true(op > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_true(last_done(t, storer, THEMIS_OP_STORE, &ev));
	assert_int_equal((int64_t)ev.op_id, op);
	assert_int_equal(ev.ok, 0);
	assert_int_equal(ev.refused, THEMIS_REFUSED_FULL);
	tnet_del(t);
}

/* On a ring of count nodes, the node after the first leaves while the ndead nodes after it
 * are down (silently: their packets vanish): the leave must end ok within bound of simulated
 * time, and the record it owned must be at the first live node after the dead ones. */
static void leave_past_dead(int count, int ndead, const char *prefix, uint64_t bound)
{
	tnet *t = ring_of(count);
	int idx[TNET_MAX_NODES], k = sorted_live(t, idx);
	uint8_t obj[32];
	themis_event ev;

	assert_int_equal(k, count);
	int d = idx[1], next = idx[2 + ndead];
	store_owned_by(t, idx[count - 1], d, prefix, obj);
	for (int i = 0; i < ndead; i++)
		t->down[idx[2 + i]] = 1;
	uint64_t t0 = t->now;
	assert_true(themis_leave(t->node[d], t->now) > 0);
	tnet_pump(t);
	while (!last_done(t, d, THEMIS_OP_LEAVE, &ev) && t->now - t0 < 10 * SEC)
		tnet_advance(t, SEC / 10);
	assert_true(last_done(t, d, THEMIS_OP_LEAVE, &ev));
	assert_int_equal(ev.ok, 1);
	assert_true(ev.t_end_ns - t0 <= bound);
	themis_record rec[4];
	assert_int_equal(themis_node_records(t->node[next], obj, rec, 4, t->now), 1);
	tnet_del(t);
}

/* A leave whose successor died silently a moment ago: the LEAVE to it fails within one
 * req_timeout (not the failure detector's seconds of retries and handshakes) and the records
 * go to the next successor, so a daemon's bounded shutdown still hands them over. */
static void test_leave_past_dead_successor(void **state)
{
	themis_config c;

	(void)state;
	themis_config_default(&c);
	leave_past_dead(6, 1, "past-dead", c.req_timeout_ns);
}

/* A leave whose successor answers at once sends its two LEAVEs and nothing else: the
 * liveness probes are for a handoff that goes unanswered (each probe to a node without a
 * session would cost a handshake, on the leaver's time). */
static void test_leave_answered_sends_no_probe(void **state)
{
	(void)state;
	tnet *t = ring_of(6);
	int idx[TNET_MAX_NODES];
	themis_event ev;

	assert_int_equal(sorted_live(t, idx), 6);
	int d = idx[2];
	assert_true(themis_leave(t->node[d], t->now) > 0);
	tnet_pump(t);   /* zero latency, no clock advance: only answers */
	assert_true(last_done(t, d, THEMIS_OP_LEAVE, &ev));
	assert_int_equal(ev.ok, 1);
	assert_int_equal(ev.msgs, 2);   /* LEAVE_TO_SUCC, LEAVE_TO_PRED; probes would count */
	tnet_del(t);
}

/* Two successors in a row died silently (two daemons stopped at once, say): the later
 * successors were probed while the LEAVE to the first waited (from req_timeout /
 * LEAVE_PROBE_DIV on, when it had no answer), so the records reach the first live one about
 * one req_timeout after the start, not one req_timeout per dead successor, and a daemon's
 * bounded shutdown still hands them over. */
static void test_leave_past_two_dead_successors(void **state)
{
	themis_config c;

	(void)state;
	themis_config_default(&c);
	leave_past_dead(7, 2, "past-two-dead", c.req_timeout_ns + c.req_timeout_ns / LEAVE_PROBE_DIV);
}

/* A requester cut off from the leaver's predecessor P (the tap drops its packets to P) asks
 * PP, the node before P, whose successor list still names the leaver D: PP's FIND_SUCC names
 * D and, as a backup, D's successor S. D answers FIND_GONE and the lookup goes on to S, the new
 * owner, at once. Without the backup the lookup would have no candidate but P and would wait
 * for it to time out (the rare "find right after a leave" failure of tests/net/ring20.sh). */
static int drop_to_p_from_r;
static int drop_r, drop_p;

static int tap_drop_r_to_p(void *ctx, tpkt *p)
{
	(void)ctx;
	return drop_to_p_from_r && p->from == drop_r && p->to == drop_p;
}

static void test_find_right_after_leave_uses_backup_owner(void **state)
{
	(void)state;
	tnet *t = ring_of(8);
	int idx[TNET_MAX_NODES], k, at = 0;
	uint8_t obj[32];
	themis_event ev;

	/* the object's owner D = s[at]; R = s[at-4] stores it, PP = s[at-2], P = s[at-1] */
	k = sorted_live(t, idx);
	assert_int_equal(k, 8);
	themis_obj_id("after-leave", 0, obj);
	int d = true_owner(t, obj);
	while (idx[at] != d)
		at++;
	themis_store(t->node[idx[(at + 4) % 8]], obj, NULL, t->now);
	tnet_pump(t);
	tnet_advance(t, SEC);
	int r = idx[(at + 4) % 8], pp = idx[(at + 6) % 8], p = idx[(at + 7) % 8], s = idx[(at + 1) % 8];
	assert_true(themis_leave(t->node[d], t->now) > 0);
	tnet_pump(t);   /* the leave completes; no timer runs, so nobody has stabilized */
	assert_true(last_done(t, d, THEMIS_OP_LEAVE, &ev));
	assert_int_equal(ev.ok, 1);
	/* PP still names D as a successor: the stale view this test is about */
	themis_ring_info ri;
	themis_node_ring(t->node[pp], &ri);
	int names_d = 0;
	for (uint32_t i = 0; i < ri.nsucc; i++)
		names_d |= memcmp(ri.succ[i].id, themis_node_id(t->node[d]), 32) == 0;
	assert_true(names_d);

	dht_node_failed(t->node[r], themis_node_id(t->node[p]), t->now);
	drop_r = r;
	drop_p = p;
	drop_to_p_from_r = 1;
	t->tap = tap_drop_r_to_p;
	int before = t->nev[r];
	assert_true(themis_find(t->node[r], obj, t->now) > 0);
	tnet_pump(t);   /* zero latency and no clock advance: only answers, no timeout */
	assert_true(last_done(t, r, THEMIS_OP_FIND, &ev));
	assert_true(t->nev[r] > before);
	assert_int_equal(ev.ok, 1);
	assert_memory_equal(ev.owner.id, themis_node_id(t->node[s]), 32);
	assert_int_equal(ev.nrec, 1);
	drop_to_p_from_r = 0;
	t->tap = NULL;
	tnet_del(t);
}

static void test_silent_failure_heals_and_restore(void **state)
{
	(void)state;
	tnet *t = ring_of(8);
	uint8_t obj[32];
	themis_event ev;

	themis_obj_id("survivor", 0, obj);
	int storer = 0;
	themis_store(t->node[storer], obj, NULL, t->now);
	tnet_pump(t);
	tnet_advance(t, SEC);
	int owner = true_owner(t, obj);
	if (owner == storer) {
		storer = 1;
		themis_store(t->node[storer], obj, NULL, t->now);
		tnet_pump(t);
		tnet_advance(t, SEC);
	}
	t->down[owner] = 1;             /* the owner dies silently, with its copy */
	tnet_advance(t, 40 * SEC);      /* failure detection, stabilization, re-store at t/2 */
	assert_true(ring_ideal(t));
	int next = true_owner(t, obj);
	assert_true(next != owner);
	themis_record rec[4];
	assert_int_equal(themis_node_records(t->node[next], obj, rec, 4, t->now), 1);
	find_from(t, (storer + 2) % 8 == owner ? (storer + 3) % 8 : (storer + 2) % 8, obj, &ev);
	assert_int_equal(ev.ok, 1);
	assert_int_equal(ev.nrec, 1);
	tnet_del(t);
}

/* Successor-list replication: the owner of a record and the next `dead - 1` nodes after it
 * fail silently at once. With a ttl of ten minutes no refresh comes during the test, so only a
 * copy can answer: with replication on, the node after them has one (the owner sent it on when
 * it stored the record) and a find returns the record as soon as the ring has healed; in the
 * paper's mode (replicate off) the record is gone until the storer's refresh. */
static int find_after_run_fails(int dead, int replicate)
{
	ring_ttl = 600 * SEC;
	ring_replicate = replicate;
	tnet *t = ring_of(9);
	int idx[TNET_MAX_NODES], k = sorted_live(t, idx);
	uint8_t obj[32];
	themis_event ev;
	themis_record rec[4];

	assert_int_equal(k, 9);
	int owner = idx[3], storer = idx[0], asker = idx[8];
	store_owned_by(t, storer, owner, "copied", obj);
	tnet_advance(t, 2 * SEC);   /* a stabilize round or two: the copies are in place */
	if (replicate) {
		for (int i = 1; i <= (int)succ_len; i++) {
			themis_ring_info ri;
			themis_node_ring(t->node[idx[3 + i]], &ri);
			assert_int_equal(ri.copies, 1);
		}
	}
	for (int i = 0; i < dead; i++)
		t->down[idx[3 + i]] = 1;
	tnet_advance(t, 20 * SEC);   /* failure detection and stabilization; no refresh yet */
	assert_true(ring_ideal(t));
	int next = true_owner(t, obj);
	assert_int_equal(next, idx[3 + dead]);
	find_from(t, asker, obj, &ev);
	assert_int_equal(ev.ok, 1);
	assert_memory_equal(ev.owner.id, themis_node_id(t->node[next]), 32);
	int found = ev.nrec;
	if (replicate)   /* the copies went into the new owner's own table */
		assert_int_equal(themis_node_records(t->node[next], obj, rec, 4, t->now), 1);
	ring_ttl = 30 * SEC;
	ring_replicate = 1;
	tnet_del(t);
	return found;
}

static void test_replicas_survive_owner_failure(void **state)
{
	(void)state;
	assert_int_equal(find_after_run_fails(1, 1), 1);
}

/* succ_len consecutive nodes, the owner first: the last successor holding a copy answers. */
static void test_replicas_survive_r_consecutive_failures(void **state)
{
	(void)state;
	assert_int_equal(find_after_run_fails((int)succ_len, 1), 1);
}

/* The paper's mode keeps one copy: the same failure loses it until the storer's refresh. */
static void test_paper_mode_loses_copy_until_refresh(void **state)
{
	(void)state;
	assert_int_equal(find_after_run_fails(1, 0), 0);
}

static void test_expiry_without_refresh(void **state)
{
	(void)state;
	tnet *t = ring_of(4);
	uint8_t obj[32];
	themis_record rec[4];

	themis_obj_id("ephemeral", 0, obj);
	themis_store(t->node[1], obj, NULL, t->now);
	tnet_pump(t);
	tnet_advance(t, SEC);
	int owner = true_owner(t, obj);
	assert_int_equal(themis_node_records(t->node[owner], obj, rec, 4, t->now), 1);
	t->down[1] = 1;                 /* the storer stops refreshing */
	tnet_advance(t, 40 * SEC);      /* > t = 30 s */
	owner = true_owner(t, obj);
	assert_int_equal(themis_node_records(t->node[owner], obj, rec, 4, t->now), 0);
	tnet_del(t);
}

static void ignore_answer(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	(void)n, (void)op_id, (void)p, (void)resp, (void)now;
}

/* Keeping an association alive costs no public-key work after the first store: every
 * refresh re-sends the same signed bytes and the owner, recognising them, only extends
 * their life. A copy of the record sent by anyone else neither keeps it alive nor brings it
 * back. */
static void test_refresh_reuses_signature(void **state)
{
	(void)state;
	tnet *t = ring_of(5);
	uint8_t obj[32];
	themis_record rec[4];

	themis_obj_id("kept-alive", 0, obj);
	assert_true(themis_store(t->node[1], obj, NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, SEC);
	int owner = true_owner(t, obj);
	assert_int_not_equal(owner, 1);
	assert_int_equal(themis_node_counters_ref(t->node[1])->records_signed, 1);
	assert_int_equal(themis_node_counters_ref(t->node[owner])->records_verified, 1);

	tnet_advance(t, 100 * SEC);   /* t = 30 s: six refreshes, three lifetimes */
	assert_int_equal(true_owner(t, obj), owner);
	assert_int_equal(themis_node_records(t->node[owner], obj, rec, 4, t->now), 1);
	assert_int_equal(themis_node_counters_ref(t->node[1])->records_signed, 1);
	assert_int_equal(themis_node_counters_ref(t->node[owner])->records_verified, 1);

	/* A requester verifies a record once; finding it again costs a hash, not a verification. */
	themis_event ev;
	int reader = owner == 4 ? 3 : 4;
	find_from(t, reader, obj, &ev);
	assert_int_equal(ev.ok, 1);
	assert_int_equal(ev.nrec, 1);
	assert_int_equal(themis_node_counters_ref(t->node[reader])->records_verified, 1);
	find_from(t, reader, obj, &ev);
	assert_int_equal(ev.nrec, 1);
	assert_int_equal(themis_node_counters_ref(t->node[reader])->records_verified, 1);

	/* The storer stops; another node keeps sending the owner the very same record, which
	 * it refuses (a STORE carries its sender's own association): the record expires and
	 * stays gone. */
	store_record held;
	int more;
	assert_int_equal(store_get(t->node[owner]->store, obj, t->now, 0, &held, 1, &more), 1);
	t->down[1] = 1;
	int other = owner == 2 ? 3 : 2;
	uint64_t refused = themis_node_counters_ref(t->node[owner])->stores_refused;
	for (int i = 0; i < 5; i++) {
		msg_store ms = { .ttl_ns = 30 * SEC, .rec = held };
		uint8_t body[8 + MSG_RECORD_MAX];
		int len = msg_store_encode(body, sizeof body, &ms);
		assert_true(len > 0);
		assert_int_equal(req_send(t->node[other], themis_node_id(t->node[owner]), &t->addr[owner],
					  MSG_STORE, body, (size_t)len, ignore_answer, 0, t->now), 0);
		tnet_pump(t);
		tnet_advance(t, 10 * SEC);
	}
	assert_int_equal(themis_node_records(t->node[owner], obj, rec, 4, t->now), 0);
	assert_int_equal(themis_node_counters_ref(t->node[owner])->stores_refused, refused + 5);
	tnet_del(t);
}

static void test_register_discover_failover(void **state)
{
	(void)state;
	tnet *t = ring_of(10);
	themis_event ev;

	assert_true(themis_register(t->node[3], "check", NULL, t->now) > 0);
	assert_true(themis_register(t->node[7], "check", "canary", t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_true(last_done(t, 3, THEMIS_OP_REGISTER, &ev));
	assert_int_equal(ev.ok, 1);
	assert_true(themis_discover(t->node[0], "check", NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_true(last_done(t, 0, THEMIS_OP_DISCOVER, &ev));
	assert_int_equal(ev.ok, 1);
	assert_int_equal(ev.nrec, 2);
	assert_true(ev.chosen >= 0);
	/* Prefer the canary: it is picked. */
	assert_true(themis_discover(t->node[1], "check", "canary", t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_true(last_done(t, 1, THEMIS_OP_DISCOVER, &ev));
	assert_int_equal(ev.ok, 1);
	assert_memory_equal(ev.peer, themis_node_id(t->node[7]), 32);
	/* The canary dies: discover fails over to the other instance. */
	t->down[7] = 1;
	assert_true(themis_discover(t->node[2], "check", "canary", t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 20 * SEC);
	assert_true(last_done(t, 2, THEMIS_OP_DISCOVER, &ev));
	assert_int_equal(ev.ok, 1);
	assert_memory_equal(ev.peer, themis_node_id(t->node[3]), 32);
	tnet_del(t);
}

static int last_status = -100;

static void keep_status(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	(void)op_id, (void)p, (void)now;
	last_status = req_status(n, resp);
}

/* Node `from` sends `owner` a STORE of rec as it is; returns the owner's status. */
static int send_store(tnet *t, int from, int owner, const store_record *rec)
{
	msg_store ms = { .ttl_ns = 30 * SEC, .rec = *rec };
	uint8_t body[8 + MSG_RECORD_MAX];
	int len = msg_store_encode(body, sizeof body, &ms);

	assert_true(len > 0);
	last_status = -100;
	assert_int_equal(req_send(t->node[from], themis_node_id(t->node[owner]), &t->addr[owner], MSG_STORE,
				  body, (size_t)len, keep_status, 0, t->now), 0);
	tnet_pump(t);
	tnet_advance(t, SEC);
	return last_status;
}

/* How many instances of svc each replica's owner gives out, and whether node i is one. */
static int instances(tnet *t, const char *svc, int i, int *has_i)
{
	themis_record rec[8];
	uint8_t obj[32];
	int n = -1;

	*has_i = 0;
	for (uint8_t r = 0; r <= t->node[0]->cfg.k; r++) {
		themis_obj_id(svc, r, obj);
		int owner = true_owner(t, obj);
		int k = (int)themis_node_records(t->node[owner], obj, rec, 8, t->now);
		if (n >= 0 && k != n)
			return -1;   /* the replicas disagree */
		n = k;
		for (int j = 0; j < k; j++)
			if (!memcmp(rec[j].node.id, themis_node_id(t->node[i]), 32))
				*has_i = 1;
	}
	return n;
}

/* deregister: the instance leaves discovery at once, through a tombstone signed by its own
 * identity; its old registration cannot come back; a forged or unsigned tombstone is
 * refused; registering again brings it back. */
static void test_deregister_tombstone(void **state)
{
	(void)state;
	tnet *t = ring_of(8);
	themis_event ev;
	int has;
	uint8_t obj[32];

	assert_true(themis_register(t->node[3], "svc", NULL, t->now) > 0);
	assert_true(themis_register(t->node[5], "svc", NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_int_equal(instances(t, "svc", 3, &has), 2);
	assert_true(has);

	/* node 3's registration as the owner of replica 0 holds it, to replay later */
	themis_obj_id("svc", 0, obj);
	int owner = true_owner(t, obj);
	store_record old[4];
	int more, nold = (int)store_get(t->node[owner]->store, obj, t->now, 0, old, 4, &more);
	int oi = -1;
	for (int j = 0; j < nold; j++)
		if (!memcmp(old[j].id, themis_node_id(t->node[3]), 32))
			oi = j;
	assert_true(oi >= 0);

	uint64_t t0 = t->now;
	assert_true(themis_deregister(t->node[3], "svc", t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_true(last_done(t, 3, THEMIS_OP_DEREGISTER, &ev));
	assert_int_equal(ev.ok, 1);
	assert_string_equal(themis_op_name(ev.op), "deregister");
	assert_true(t->now - t0 < 30 * SEC / 2);   /* long before the record would expire */
	assert_int_equal(instances(t, "svc", 3, &has), 1);
	assert_false(has);
	find_from(t, 0, obj, &ev);
	assert_int_equal(ev.ok, 1);
	assert_int_equal(ev.nrec, 1);
	assert_memory_equal(ev.rec[0].node.id, themis_node_id(t->node[5]), 32);
	/* The old registration, sent again by its own storer, is stale: the tombstone is newer. */
	if (owner != 3) {
		assert_int_equal(send_store(t, 3, owner, &old[oi]), ST_STALE);
		assert_int_equal(instances(t, "svc", 3, &has), 1);
		assert_false(has);
	}
	/* no more refreshes: still gone after several lifetimes (the tombstone
	 * itself is forgotten after t, when the record it replaced would have expired) */
	tnet_advance(t, 100 * SEC);
	assert_int_equal(instances(t, "svc", 3, &has), 1);
	assert_false(has);


	/* Forged tombstones for node 5: unsigned, signed by another key, or a registration's
	 * signature with the tombstone flag set; each sent by node 5's own session. */
	themis_obj_id("svc", 0, obj);
	owner = true_owner(t, obj);
	nold = (int)store_get(t->node[owner]->store, obj, t->now, 0, old, 4, &more);
	assert_int_equal(nold, 1);
	if (owner != 5) {
		store_record f = old[0];
		f.tomb = 1;
		f.tag_len = 0;
		f.expiry += 1000;
		memset(f.sig, 0, sizeof f.sig);
		assert_int_equal(send_store(t, 5, owner, &f), ST_BAD_SIG);
		store_record_sign(&f, t->node[6]->self.sk, NULL);
		assert_int_equal(send_store(t, 5, owner, &f), ST_BAD_SIG);
		f = old[0];
		f.tomb = 1;
		f.tag_len = 0;
		assert_int_equal(send_store(t, 5, owner, &f), ST_BAD_SIG);
		/* and a genuine tombstone of node 5's, sent by another node: not its own */
		f = old[0];
		f.tomb = 1;
		f.expiry += 1000;
		store_record_sign(&f, t->node[5]->self.sk, NULL);
		int other = owner == 6 ? 7 : 6;
		assert_int_equal(send_store(t, other, owner, &f), ST_BAD_RECORD);
		assert_int_equal(instances(t, "svc", 5, &has), 1);
		assert_true(has);
	}

	/* Registering again: a newer record replaces the tombstone. */
	assert_true(themis_register(t->node[3], "svc", NULL, t->now) > 0);
	tnet_pump(t);
	tnet_advance(t, 2 * SEC);
	assert_int_equal(instances(t, "svc", 3, &has), 2);
	assert_true(has);
	tnet_del(t);
}

static uint8_t chosen_seed[32];

static void seed_cfg(themis_config *c)
{
	dht_cfg(c);
	c->m = 8;
	memcpy(c->seed, chosen_seed, 32);
}

/* Two identities whose ids share a position on an 8-bit ring cannot both join. */
static void test_collision_refused(void **state)
{
	(void)state;
	uint8_t seeds[2][32], pk[32], id[32], net[32];
	int found = 0, first_pos[256];

	memset(first_pos, -1, sizeof first_pos);
	themis_net_hash(NET, net);
	for (int s = 0; s < 256 * 4 && found < 2; s++) {   /* pigeonhole: found within 257 */
		uint8_t seed[32] = { (uint8_t)s, (uint8_t)(s >> 8), 0xc0 };
		themis_pk_from_seed(seed, pk);
		themis_id_from_pk(pk, net, id);
		if (first_pos[id[0]] >= 0) {
			uint8_t other[32] = { (uint8_t)first_pos[id[0]], (uint8_t)(first_pos[id[0]] >> 8), 0xc0 };
			memcpy(seeds[0], other, 32);
			memcpy(seeds[1], seed, 32);
			found = 2;
		}
		first_pos[id[0]] = s;
	}
	assert_int_equal(found, 2);
	tnet *t = tnet_new();
	memcpy(chosen_seed, seeds[0], 32);
	int a = tnet_add(t, NET, seed_cfg);
	memcpy(chosen_seed, seeds[1], 32);
	int b = tnet_add(t, NET, seed_cfg);
	assert_memory_equal(t->node[a]->ring.self_pos, t->node[b]->ring.self_pos, 32);
	themis_peer boot;
	themis_event ev;
	themis_join(t->node[a], NULL, t->now);
	tnet_peer(t, a, &boot);
	themis_join(t->node[b], &boot, t->now);
	tnet_pump(t);
	tnet_advance(t, 5 * SEC);
	assert_true(last_done(t, b, THEMIS_OP_JOIN, &ev));
	assert_int_equal(ev.ok, 0);
	themis_ring_info ri;
	themis_node_ring(t->node[b], &ri);
	assert_int_equal(ri.joined, 0);
	tnet_del(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_three_then_ideal),
		cmocka_unit_test(test_ring_of_twelve_finds_true_owner),
		cmocka_unit_test(test_two_join_same_gap),
		cmocka_unit_test(test_store_find_and_handoff),
		cmocka_unit_test(test_store_shortcut_stale_successor),
		cmocka_unit_test(test_leave_without_loss),
		cmocka_unit_test(test_neighbours_leave_together),
		cmocka_unit_test(test_two_of_four_leave_lists_stop_at_self),
		cmocka_unit_test(test_leave_beats_its_own_late_update),
		cmocka_unit_test(test_leaving_node_sends_no_maintenance),
		cmocka_unit_test(test_leave_to_full_successor_keeps_records),
		cmocka_unit_test(test_lost_handoff_answer_is_sent_again),
		cmocka_unit_test(test_store_refused_full_says_so),
		cmocka_unit_test(test_leave_past_dead_successor),
		cmocka_unit_test(test_leave_answered_sends_no_probe),
		cmocka_unit_test(test_leave_past_two_dead_successors),
		cmocka_unit_test(test_find_right_after_leave_uses_backup_owner),
		cmocka_unit_test(test_silent_failure_heals_and_restore),
		cmocka_unit_test(test_replicas_survive_owner_failure),
		cmocka_unit_test(test_replicas_survive_r_consecutive_failures),
		cmocka_unit_test(test_paper_mode_loses_copy_until_refresh),
		cmocka_unit_test(test_expiry_without_refresh),
		cmocka_unit_test(test_refresh_reuses_signature),
		cmocka_unit_test(test_register_discover_failover),
		cmocka_unit_test(test_deregister_tombstone),
		cmocka_unit_test(test_collision_refused),
	};
	return cmocka_run_group_tests_name("dht", tests, NULL, NULL);
}
