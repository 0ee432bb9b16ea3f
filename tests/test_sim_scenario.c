/* test_sim_scenario.c: the strict INI reader: a good file with every kind of value, and one
 * table row per kind of bad file, each with the exact "FILE:LINE: message" it must give.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "scenario.h"

static const char good[] =
	"# a comment\n"
	"[run]\n"
	"name = good  ; trailing comment\n"
	"seed = 7\n"
	"duration = 2.5s\n"
	"m = 8\n"
	"security = off\n"
	"\n"
	"[network]\n"
	"latency = uniform\n"
	"latency_min = 1ms\n"
	"latency_max = 3ms\n"
	"loss = 5%\n"
	"duplicate = 0.25\n"
	"partition = 1s..2s 0-1 | 2-3\n"
	"partition = 2s..2500ms 0 | 3\n"
	"[cpu]\n"
	"enabled = yes\n"
	"aead_per_byte = 0.75\n"
	"[nodes]\n"
	"count = 4\n"
	"[events]\n"
	"at 1s ping n0 n3\n"
	"at 1500ms fail n2\n"
	"at 2s recover n2\n"
	"[expect]\n"
	"ping_success_rate >= 0.5\n"
	"pings == 1\n";

static void parses_good_file(void **state)
{
	(void)state;
	sim_scenario sc;
	char err[SIM_ERR_MAX] = "";
	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, "good.ini", good, err, sizeof err), 0);
	assert_int_equal(sim_scenario_finish(&sc, err, sizeof err), 0);
	assert_string_equal(sc.name, "good");
	assert_int_equal(sc.seed, 7);
	assert_int_equal(sc.duration_ns, 2500000000ull);
	assert_int_equal(sc.m, 8);
	assert_int_equal(sc.security, 0);
	assert_int_equal(sc.latency, SIM_LAT_UNIFORM);
	assert_int_equal(sc.latency_min_ns, 1000000);
	assert_true(sc.loss > 0.0499 && sc.loss < 0.0501);
	assert_int_equal(sc.npartitions, 2);
	assert_int_equal(sc.partitions[1].b_lo, 3);
	assert_int_equal(sc.partitions[1].end, 2500000000ull);
	assert_int_equal(sc.cpu.enabled, 1);
	assert_int_equal(sc.nactions, 3);
	assert_int_equal(sc.actions[0].verb, SIM_VERB_PING);
	assert_int_equal(sc.actions[0].peer, 3);
	assert_int_equal(sc.actions[1].t, 1500000000ull);
	assert_int_equal(sc.nexpects, 2);
	assert_int_equal(sc.expects[0].op, SIM_GE);
	assert_int_equal(sc.expects[1].line, 28);
	char *params = sim_scenario_params(&sc);
	assert_non_null(params);
	assert_non_null(strstr(params, "run.seed=7\n"));
	assert_non_null(strstr(params, "network.partition=1000000000ns..2000000000ns 0-1 | 2-3\n"));
	free(params);
	sim_scenario_free(&sc);
}

static const char good_dht[] =
	"[run]\nm = 8\nsucc_len = 3\nsigned_records = off\nsettle = 5s\n"
	"[nodes]\ncount = 6\njoin = sequential 250ms\nbootstrap = n2\nstabilize = 300ms\n"
	"[workload]\nfind_rate = 2\nkeys = names\nnames = 10\narrivals = constant\n"
	"[events]\nat 1s join n5 via n1\nat 1s join n4\nat 2s store n1 alpha v2\n"
	"at 3s find n2 0x3f\nat 3s find n2 alpha\nat 4s register n3 web canary\nat 5s discover n0 web\n"
	"at 6s leave n1\nat 7s check\n";

/* The DHT keys and verbs land where the driver reads them; static rings switch maintenance
 * off unless the file asks for it. */
static void parses_dht_file(void **state)
{
	(void)state;
	sim_scenario sc;
	char err[SIM_ERR_MAX] = "";
	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, "dht.ini", good_dht, err, sizeof err), 0);
	assert_int_equal(sim_scenario_finish(&sc, err, sizeof err), 0);
	assert_int_equal(sc.succ_len, 3);
	assert_int_equal(sc.signed_records, 0);
	assert_int_equal(sc.join, SIM_JOIN_SEQUENTIAL);
	assert_int_equal(sc.join_interval_ns, 250000000ull);
	assert_int_equal(sc.bootstrap_node, 2);
	assert_int_equal(sc.members, 6);
	assert_int_equal(sc.stabilize_ns, 300000000ull);
	assert_int_equal(sc.key_names, 1);
	assert_int_equal(sc.poisson, 0);
	assert_int_equal(sc.nactions, 9);
	assert_int_equal(sc.actions[0].verb, SIM_VERB_JOIN);
	assert_int_equal(sc.actions[0].peer, 1);
	assert_int_equal(sc.actions[1].peer, SIM_NODE_ANY);
	assert_string_equal(sc.actions[2].arg, "alpha");
	assert_string_equal(sc.actions[2].tag, "v2");
	assert_int_equal(sc.actions[3].has_key, 1);
	assert_int_equal(sc.actions[3].key[0], 0x3f);
	assert_int_equal(sc.actions[3].key[1], 0);
	assert_int_equal(sc.actions[4].has_key, 0);
	assert_int_equal(sc.actions[5].verb, SIM_VERB_REGISTER);
	assert_string_equal(sc.actions[5].tag, "canary");
	assert_int_equal(sc.actions[7].verb, SIM_VERB_LEAVE);
	assert_int_equal(sc.actions[8].verb, SIM_VERB_CHECK);
	sim_scenario_free(&sc);

	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, "s.ini", "[nodes]\njoin = static\ncheck_pred = 1s\n", err,
					    sizeof err), 0);
	assert_int_equal(sim_scenario_finish(&sc, err, sizeof err), 0);
	assert_int_equal(sc.stabilize_ns, 0);
	assert_int_equal(sc.fix_fingers_ns, 0);
	assert_int_equal(sc.check_pred_ns, 1000000000ull);
	sim_scenario_free(&sc);
}

static const struct {
	const char *text, *err;
} bad[] = {
	{ "[run]\n[bogus]\n", "bad.ini:2: unknown section [bogus]" },
	{ "[run]\nname = x\nfrobnicate = 1\n", "bad.ini:3: unknown key 'frobnicate' in [run]" },
	{ "[network]\nloss = lots\n", "bad.ini:2: bad value 'lots' for loss" },
	{ "[network]\nloss = 1.5\n", "bad.ini:2: out of range: loss" },
	{ "[nodes]\ncount = 0\n", "bad.ini:2: out of range: count = 0" },
	{ "[nodes]\ncount = 99999999999999999999999\n", "bad.ini:2: out of range: count" },
	{ "[run]\n\nseed\n", "bad.ini:3: missing '=' (expected key = value)" },
	{ "[run]\nseed = 1\nseed = 2\n", "bad.ini:3: duplicate key 'seed' (first set on line 2)" },
	{ "[run]\nduration = 10\n", "bad.ini:2: bad value '10' for duration" },
	{ "[run]\nduration = 10 parsecs\n", "bad.ini:2: bad value '10 parsecs' for duration" },
	{ "[run]\nsecurity = maybe\n", "bad.ini:2: bad value 'maybe' for security: expected on or off" },
	{ "name = x\n", "bad.ini:1: text before the first [section]" },
	{ "[run]\n[run]\n", "bad.ini:2: duplicate section [run] (first on line 1)" },
	{ "[run\n", "bad.ini:1: bad section header" },
	{ "[events]\nat 1s dance n1\n", "bad.ini:2: unknown verb 'dance'" },
	{ "[events]\nat soon ping n0 n1\n", "bad.ini:2: bad time 'soon'" },
	{ "[events]\nat 1s ping n0\n", "bad.ini:2: 'ping' takes 2 node arguments" },
	{ "[events]\nat 1s ping n0 x1\n", "bad.ini:2: bad node 'x1'" },
	{ "[events]\nping n0 n1\n", "bad.ini:2: expected 'at TIME VERB ARGS...'" },
	{ "[expect]\npings ~= 3\n", "bad.ini:2: bad comparison '~='" },
	{ "[expect]\npings == many\n", "bad.ini:2: bad value 'many'" },
	{ "[expect]\npings\n", "bad.ini:2: expected 'NAME OP VALUE'" },
	{ "[network]\npartition = 1s..2s 0-1\n", "bad.ini:2: bad partition" },
	{ "[network]\npartition = 3s..2s 0 | 1\n", "bad.ini:2: bad partition time range" },
	{ "[network]\nlatency = wormhole\n", "bad.ini:2: bad value 'wormhole' for latency" },
	{ "[adversary]\nkind = martian\n", "bad.ini:2: unknown adversary kind 'martian'" },
	{ "[adversary]\npacket = ping\n", "bad.ini:2: unknown adversary packet 'ping'" },
	{ "[adversary]\nfield = crc\n", "bad.ini:2: unknown adversary field 'crc'" },
	{ "[adversary]\nrate = 1.5\n", "bad.ini:2: " },
	{ "[adversary]\ncount = 0\n", "bad.ini:2: out of range: count = 0" },
	{ "[run]\ntrace_hash = xyz\n", "bad.ini:2: bad value for trace_hash" },
	{ "[run]\nm = 7\n", "bad.ini:2: out of range: m = 7" },
	{ "[run]\nname = a/b\n", "bad.ini:2: bad value for name" },
	{ "[events]\nat 1s join n1 through n0\n", "bad.ini:2: expected 'join nA [via nB]'" },
	{ "[events]\nat 1s join n1 via\n", "bad.ini:2: expected 'join nA [via nB]'" },
	{ "[events]\nat 1s join n1 via x0\n", "bad.ini:2: expected 'join nA [via nB]'" },
	{ "[events]\nat 1s leave\n", "bad.ini:2: 'leave' takes 1 node argument" },
	{ "[events]\nat 1s leave n1 n2\n", "bad.ini:2: 'leave' takes 1 node argument" },
	{ "[events]\nat 1s store n1\n", "bad.ini:2: expected 'store nA NAME [TAG]'" },
	{ "[events]\nat 1s store n1 a b c\n", "bad.ini:2: expected 'store nA NAME [TAG]'" },
	{ "[events]\nat 1s store n1 obj 12345678901234567\n", "bad.ini:2: tag '12345678901234567' is too long" },
	{ "[events]\nat 1s find n1\n", "bad.ini:2: expected 'find nA NAME|0xKEY'" },
	{ "[events]\nat 1s find n1 0xzz\n", "bad.ini:2: bad key '0xzz'" },
	{ "[events]\nat 1s find n1 0x\n", "bad.ini:2: bad key '0x'" },
	{ "[events]\nat 1s find x1 alpha\n", "bad.ini:2: bad node 'x1'" },
	{ "[events]\nat 1s register n1\n", "bad.ini:2: expected 'register nA SERVICE [TAG]'" },
	{ "[events]\nat 1s discover n1 web canary extra\n", "bad.ini:2: expected 'discover nA SERVICE [TAG]'" },
	{ "[events]\nat 1s check n1\n", "bad.ini:2: expected 'check'" },
	{ "[nodes]\njoin = sometimes\n", "bad.ini:2: bad value for join: expected none" },
	{ "[nodes]\njoin = sequential\n", "bad.ini:2: bad value for join: 'sequential' needs an interval" },
	{ "[nodes]\njoin = static 1s\n", "bad.ini:2: bad value for join: 'static' takes no argument" },
	{ "[workload]\narrivals = bursty\n", "bad.ini:2: bad value 'bursty' for arrivals" },
	{ "[workload]\nkeys = zipf\n", "bad.ini:2: bad value 'zipf' for keys" },
	{ "[run]\nsucc_len = 17\n", "bad.ini:2: out of range: succ_len = 17" },
	{ "[run]\nsigned_records = perhaps\n", "bad.ini:2: bad value 'perhaps' for signed_records" },
	{ "[nodes]\npositions = 3, 40, 40\n", "bad.ini:2: position 40 appears twice in positions (nodes n1 and n2)" },
	{ "[nodes]\npositions = 3, forty\n", "bad.ini:2: bad position 'forty' in positions" },
	{ "[nodes]\npositions = 3,, 4\n", "bad.ini:2: bad position '' in positions" },
	{ "[nodes]\npositions = 0x\n", "bad.ini:2: bad position '0x' in positions" },
	{ "[nodes]\npositions = \n", "bad.ini:2: positions is empty" },
	{ "", "bad.ini: empty scenario: no [section]" },
	{ "# only a comment\n\n   ; and another\n", "bad.ini: empty scenario: no [section]" },
};

static void rejects_bad_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sim_scenario sc;
		char err[SIM_ERR_MAX] = "";
		assert_int_equal(sim_scenario_init(&sc), 0);
		int rc = sim_scenario_parse(&sc, "bad.ini", bad[i].text, err, sizeof err);
		if (rc != -1 || strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
			fail_msg("case %zu: got rc %d '%s', want '%s'", i, rc, err, bad[i].err);
		sim_scenario_free(&sc);
	}
}

/* Errors found once the whole file is read still name the line that caused them. */
static const struct {
	const char *text, *err;
} bad_late[] = {
	{ "[nodes]\ncount = 4\n[events]\nat 1s ping n0 n9\n", "late.ini:4: node n9 does not exist" },
	{ "[events]\nat 1s ping n1 n1\n", "late.ini:2: a node cannot ping itself" },
	{ "[run]\nduration = 5s\n[events]\nat 6s fail n1\n", "late.ini:4: event after the end of the run" },
	{ "[network]\npartition = 1s..2s 0-2 | 2-3\n", "late.ini:2: partition sides overlap" },
	{ "[network]\npartition = 1s..2s 0-1 | 2-30\n", "late.ini:2: partition names node 30" },
	{ "[network]\nlatency = uniform\nlatency_min = 9ms\nlatency_max = 1ms\n",
	  "late.ini:3: latency_min is larger than latency_max" },
	{ "[network]\nlatency = matrix\n", "late.ini:2: latency = matrix needs matrix_file" },
	{ "[nodes]\ncount = 4\n[adversary]\ntarget = n4\n", "late.ini:4: target must be 'any'" },
	{ "[adversary]\ntarget = nx\n", "late.ini:2: target must be 'any'" },
	{ "[adversary]\nto = -1\n", "late.ini:2: to must be 'same'" },
	{ "[adversary]\nkind = hello_flood\n", "late.ini:2: mitm and hello_flood need a victim" },
	{ "[adversary]\nstart = 5s\nstop = 1s\n", "late.ini:2: start is after stop" },
	{ "[nodes]\ncount = 4\n[events]\nat 1s join n1 via n7\n", "late.ini:4: node n7 does not exist" },
	{ "[events]\nat 1s join n1 via n1\n", "late.ini:2: a node cannot join via itself" },
	{ "[nodes]\ncount = 4\n[events]\nat 1s store n4 x\n", "late.ini:4: node n4 does not exist" },
	{ "[nodes]\ncount = 4\nbootstrap = n9\n", "late.ini:3: bootstrap must be an existing node" },
	{ "[nodes]\ncount = 4\nmembers = 2\nbootstrap = n3\njoin = parallel\n",
	  "late.ini:4: bootstrap must be one of the first `members` nodes" },
	{ "[run]\ncheck_interval = 10us\n", "late.ini:2: check_interval must be 0 (off) or at least 1ms" },
	{ "[run]\nm = 8\n[nodes]\ncount = 4\npositions = 3, 40, 77\n",
	  "late.ini:5: positions lists 3 positions for 4 nodes ([nodes] count)" },
	{ "[nodes]\npositions = 3, 40, 77, 300\n[run]\nm = 8\n",
	  "late.ini:2: position 300 (node n3) is outside the ring: m = 8 allows 0 to 255" },
	{ "[nodes]\npositions = 3, 40, 77, 99\n", "late.ini:2: positions need m <= 12 (m = 256)" },
};

static void rejects_inconsistent_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_late / sizeof bad_late[0]; i++) {
		sim_scenario sc;
		char err[SIM_ERR_MAX] = "";
		assert_int_equal(sim_scenario_init(&sc), 0);
		assert_int_equal(sim_scenario_parse(&sc, "late.ini", bad_late[i].text, err, sizeof err), 0);
		int rc = sim_scenario_finish(&sc, err, sizeof err);
		if (rc != -1 || strncmp(err, bad_late[i].err, strlen(bad_late[i].err)) != 0)
			fail_msg("case %zu: got rc %d '%s', want '%s'", i, rc, err, bad_late[i].err);
		sim_scenario_free(&sc);
	}
}

static void set_overrides(void **state)
{
	(void)state;
	sim_scenario sc;
	char err[SIM_ERR_MAX] = "";
	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, "s.ini", "[run]\nseed = 3\n", err, sizeof err), 0);
	assert_int_equal(sim_scenario_set(&sc, "run.seed=9", err, sizeof err), 0);
	assert_int_equal(sc.seed, 9);
	assert_int_equal(sim_scenario_set(&sc, "network.loss = 0.1", err, sizeof err), 0);
	assert_int_equal(sim_scenario_set(&sc, "nope.seed=1", err, sizeof err), -1);
	assert_string_equal(err, "--set: unknown section [nope]");
	assert_int_equal(sim_scenario_set(&sc, "run.nope=1", err, sizeof err), -1);
	assert_string_equal(err, "--set: unknown key 'nope' in [run]");
	assert_int_equal(sim_scenario_set(&sc, "run.seed", err, sizeof err), -1);
	assert_string_equal(err, "--set: expected section.key=value, got 'run.seed'");
	assert_int_equal(sim_scenario_set(&sc, "nodes.count=-1", err, sizeof err), -1);
	assert_string_equal(strncmp(err, "--set: bad value '-1' for count", 31) == 0 ? "ok" : err, "ok");
	assert_int_equal(sim_scenario_set(&sc, "nodes.count=2", err, sizeof err), 0);
	assert_int_equal(sim_scenario_set(&sc, "network.partition=1s..2s 0 | 5", err, sizeof err), 0);
	assert_int_equal(sim_scenario_finish(&sc, err, sizeof err), -1);
	assert_string_equal(err, "--set: partition names node 5 but there are only 2 nodes");
	sim_scenario_free(&sc);
}

/* [churn] min_members defaults to succ_len + 1 (Chord's r + 1 live members); a smaller value
 * the scenario asks for is kept but warned about, with its line, while churn is on. */
static void min_members_follows_r(void **state)
{
	(void)state;
	sim_scenario sc;
	char err[SIM_ERR_MAX] = "", warn[SIM_ERR_MAX];
	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, "c.ini", "[run]\nsucc_len = 6\n[churn]\nfail_rate = 1\n",
					    err, sizeof err), 0);
	assert_int_equal(sim_scenario_finish(&sc, err, sizeof err), 0);
	assert_int_equal(sc.churn_min, 7);
	assert_int_equal(sim_scenario_warning(&sc, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	sim_scenario_free(&sc);

	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, "c.ini", "[churn]\nleave_rate = 1\nmin_members = 2\n",
					    err, sizeof err), 0);
	assert_int_equal(sim_scenario_finish(&sc, err, sizeof err), 0);
	assert_int_equal(sc.churn_min, 2);
	assert_int_equal(sim_scenario_warning(&sc, warn, sizeof warn), 1);
	assert_string_equal(warn, "c.ini:3: warning: min_members = 2 is below succ_len + 1 = 5: churn may "
			    "take the ring outside Chord's assumptions (see assumption_violations)");
	assert_int_equal(sim_scenario_set(&sc, "churn.min_members=5", err, sizeof err), 0);
	assert_int_equal(sim_scenario_warning(&sc, warn, sizeof warn), 0);
	assert_int_equal(sim_scenario_set(&sc, "churn.min_members=4", err, sizeof err), 0);
	assert_int_equal(sim_scenario_warning(&sc, warn, sizeof warn), 1);
	assert_int_equal(strncmp(warn, "--set: warning: min_members = 4", 31), 0);
	/* without churn nothing takes the ring down but the scenario's own events */
	assert_int_equal(sim_scenario_set(&sc, "churn.leave_rate=0", err, sizeof err), 0);
	assert_int_equal(sim_scenario_warning(&sc, warn, sizeof warn), 0);
	sim_scenario_free(&sc);
}

/* Long [events] and [expect] sections (and many partitions) grow their arrays geometrically:
 * at most twice what they hold, so n lines cost O(n) copying (one realloc per line was
 * quadratic: 40,000 lines took minutes under AddressSanitizer, whose realloc always copies). */
static void long_sections_grow_geometrically(void **state)
{
	(void)state;
	enum { N = 5000, P = 300 };
	size_t cap = 64 + (size_t)N * 40 + (size_t)P * 40;
	char *text = malloc(cap), err[SIM_ERR_MAX] = "";
	assert_non_null(text);
	size_t len = (size_t)snprintf(text, cap, "[run]\nduration = 1000s\n[nodes]\ncount = 4\n[network]\n");
	for (int i = 0; i < P; i++)
		len += (size_t)snprintf(text + len, cap - len, "partition = %ds..%ds 0 | 1\n", i + 1, i + 2);
	len += (size_t)snprintf(text + len, cap - len, "[events]\n");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "at %dms ping n0 n1\n", i + 1);
	len += (size_t)snprintf(text + len, cap - len, "[expect]\n");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "pings >= %d\n", i);
	assert_true(len < cap);
	sim_scenario sc;
	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, "long.ini", text, err, sizeof err), 0);
	assert_int_equal(sc.nactions, N);
	assert_int_equal(sc.nexpects, N);
	assert_int_equal(sc.npartitions, P);
	assert_int_equal(sc.actions[N - 1].t, (uint64_t)N * 1000000);
	assert_true(sc.expects[N - 1].value == N - 1);
	assert_int_equal(sc.partitions[P - 1].start, (uint64_t)P * 1000000000);
	assert_true(sc.actionscap >= N && sc.actionscap < 2 * N);
	assert_true(sc.expectscap >= N && sc.expectscap < 2 * N);
	assert_true(sc.partitionscap >= P && sc.partitionscap < 2 * P);
	sim_scenario_free(&sc);
	free(text);
}

static void durations(void **state)
{
	(void)state;
	uint64_t ns;
	assert_int_equal(sim_parse_duration("10s", &ns), 0);
	assert_int_equal(ns, 10000000000ull);
	assert_int_equal(sim_parse_duration("500ms", &ns), 0);
	assert_int_equal(ns, 500000000ull);
	assert_int_equal(sim_parse_duration("2m", &ns), 0);
	assert_int_equal(ns, 120000000000ull);
	assert_int_equal(sim_parse_duration("1.5us", &ns), 0);
	assert_int_equal(ns, 1500);
	assert_int_equal(sim_parse_duration("0", &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(sim_parse_duration("5", &ns), -1);
	assert_int_equal(sim_parse_duration("-1s", &ns), -1);
	assert_int_equal(sim_parse_duration("1.s", &ns), -1);
	assert_int_equal(sim_parse_duration("99999999999999h", &ns), -2);
}

/* Hostile input must give an error or a scenario, never a crash (run under ASan too). */
static void survives_garbage(void **state)
{
	(void)state;
	uint64_t s[2] = { 7, 0 };
	static const char alphabet[] = "[]=#; \n\tabcdefghijklmnoprstuvwxyz0123456789.-|%_";
	for (int round = 0; round < 2000; round++) {
		char text[512];
		uint8_t r[sizeof text];
		test_rand(s, r, sizeof r);
		size_t n = r[0] % (sizeof text - 1);
		for (size_t i = 0; i < n; i++)
			text[i] = alphabet[r[i + 1] % (sizeof alphabet - 1)];
		text[n] = 0;
		sim_scenario sc;
		char err[SIM_ERR_MAX];
		assert_int_equal(sim_scenario_init(&sc), 0);
		if (sim_scenario_parse(&sc, "g.ini", text, err, sizeof err) == 0)
			(void)sim_scenario_finish(&sc, err, sizeof err);
		sim_scenario_free(&sc);
	}
}

static void matrix_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/themis-sim-matrix-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], ini[256];
	snprintf(path, sizeof path, "%s/lat.txt", dir);
	snprintf(ini, sizeof ini, "%s/m.ini", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("# from\\to\n1 20\n20, 2\n", f);
	fclose(f);
	sim_scenario sc;
	char err[SIM_ERR_MAX] = "";
	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, ini, "[network]\nlatency = matrix\nmatrix_file = lat.txt\n",
					    err, sizeof err), 0);
	assert_int_equal(sim_scenario_finish(&sc, err, sizeof err), 0);
	assert_int_equal(sc.groups, 2);
	assert_true(sc.matrix_ms[1] == 20.0 && sc.matrix_ms[3] == 2.0);
	sim_scenario_free(&sc);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("1 2\n3\n", f);
	fclose(f);
	assert_int_equal(sim_scenario_init(&sc), 0);
	assert_int_equal(sim_scenario_parse(&sc, ini, "[network]\nlatency = matrix\nmatrix_file = lat.txt\n",
					    err, sizeof err), 0);
	assert_int_equal(sim_scenario_finish(&sc, err, sizeof err), -1);
	assert_non_null(strstr(err, "lat.txt:2: row has 1 values, expected 2"));
	sim_scenario_free(&sc);
	remove(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_good_file),
		cmocka_unit_test(parses_dht_file),
		cmocka_unit_test(rejects_bad_files),
		cmocka_unit_test(rejects_inconsistent_files),
		cmocka_unit_test(set_overrides),
		cmocka_unit_test(min_members_follows_r),
		cmocka_unit_test(long_sections_grow_geometrically),
		cmocka_unit_test(durations),
		cmocka_unit_test(survives_garbage),
		cmocka_unit_test(matrix_file),
	};
	return cmocka_run_group_tests_name("sim_scenario", tests, NULL, NULL);
}
