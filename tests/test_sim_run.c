/* test_sim_run.c: whole runs of the simulator: determinism (same seed, same trace hash and
 * summary and database rows; another seed, another hash), the golden trace hash, [expect]
 * pass and fail, pcap read back, [churn] fail_share's choice of nodes, and the command line's
 * exit statuses and messages.
 */
#include "testutil.h"

#include <libgen.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "cpu.h"
#include "rng.h"
#include "sim.h"
#include "themis.h"

static char sim_bin[PATH_MAX];   /* BUILD/themis-sim next to BUILD/tests/ */
static char tmpdir[] = "/tmp/themis-sim-run-XXXXXX";
static const char *ping_ini = "scenarios/teaching/ping.ini";

static void load(sim_scenario *sc, const char *path, uint64_t seed)
{
	char err[SIM_ERR_MAX];
	assert_int_equal(sim_scenario_init(sc), 0);
	if (sim_scenario_load(sc, path, err, sizeof err))
		fail_msg("%s", err);
	sc->seed = seed;
	if (sim_scenario_finish(sc, err, sizeof err))
		fail_msg("%s", err);
}

static void run(const char *path, uint64_t seed, const char *db, const char *pcap, sim_summary *out)
{
	sim_scenario sc;
	char err[SIM_ERR_MAX];
	load(&sc, path, seed);
	sim_opts o = { .db_path = db, .pcap_path = pcap };
	if (sim_run(&sc, &o, out, err, sizeof err))
		fail_msg("%s", err);
	sim_scenario_free(&sc);
}

static void same_seed_same_run(void **state)
{
	(void)state;
	char db[PATH_MAX];
	snprintf(db, sizeof db, "%s/det.db", tmpdir);
	sim_summary a, b, c;
	run(ping_ini, 1, db, NULL, &a);
	run(ping_ini, 1, db, NULL, &b);
	run(ping_ini, 2, db, NULL, &c);
	assert_string_equal(a.trace_hash, b.trace_hash);
	assert_string_not_equal(a.trace_hash, c.trace_hash);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.rows[i].name, b.rows[i].name);
		if (!sim_summary_is_wall(a.rows[i].name) && a.rows[i].value != b.rows[i].value)
			fail_msg("%s differs: %g vs %g", a.rows[i].name, a.rows[i].value, b.rows[i].value);
	}
	assert_true(b.run_id == a.run_id + 1);

	/* the database holds the same deterministic rows for both runs */
	sqlite3 *h;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	static const char *const q[] = {
		"SELECT count(*) FROM (SELECT name, value FROM summary WHERE run_id = ?1 EXCEPT "
		"SELECT name, value FROM summary WHERE run_id = ?2) WHERE name NOT IN "
		"('wall_seconds', 'events_per_second', 'peak_rss_kb')",
		"SELECT count(*) FROM (SELECT op_id, node, kind, target, t_start_ns, t_end_ns, ok, msgs "
		"FROM ops WHERE run_id = ?1 EXCEPT SELECT op_id, node, kind, target, t_start_ns, t_end_ns, "
		"ok, msgs FROM ops WHERE run_id = ?2)",
		"SELECT count(*) FROM (SELECT t_ns, node, name, value FROM metrics WHERE run_id = ?1 EXCEPT "
		"SELECT t_ns, node, name, value FROM metrics WHERE run_id = ?2)",
		"SELECT (SELECT trace_hash FROM runs WHERE run_id = ?1) != (SELECT trace_hash FROM runs WHERE run_id = ?2)",
	};
	for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(h, q[i], -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_int64(st, 1, a.run_id);
		sqlite3_bind_int64(st, 2, b.run_id);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		if (sqlite3_column_int(st, 0) != 0)
			fail_msg("query %zu: runs differ", i);
		sqlite3_finalize(st);
	}
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(*) FROM ops WHERE run_id = ? AND kind = 'ping' AND ok = 1",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, a.run_id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 5);
	sqlite3_finalize(st);
	sqlite3_close(h);
	sim_summary_free(&a);
	sim_summary_free(&b);
	sim_summary_free(&c);
}

static void golden_trace_hash(void **state)
{
	(void)state;
	/* refresh (after an intended change of behaviour): see scenarios/README.md, Golden trace */
	FILE *f = fopen("tests/golden/ping.txt", "r");
	assert_non_null(f);
	char want[80] = "";
	assert_non_null(fgets(want, sizeof want, f));
	fclose(f);
	want[strcspn(want, "\n")] = 0;
	sim_summary s;
	run(ping_ini, 1, NULL, NULL, &s);
	if (strcmp(s.trace_hash, want))
		fail_msg("trace hash of %s seed 1 is %s, golden file says %s", ping_ini, s.trace_hash, want);
	sim_summary_free(&s);
}

static void expect_pass_and_fail(void **state)
{
	(void)state;
	sim_scenario sc;
	char err[SIM_ERR_MAX];
	sim_summary s;
	load(&sc, ping_ini, 1);
	sim_opts o = { 0 };
	assert_int_equal(sim_run(&sc, &o, &s, err, sizeof err), 0);
	FILE *out = tmpfile();
	assert_non_null(out);
	assert_int_equal(sim_expect_check(&sc, &s, out), 0);
	/* change two expectations so they fail, and ask for a wrong trace hash */
	sc.expects[0].value = 6;
	sc.expects[1].op = SIM_LT;
	memset(sc.trace_hash, 'a', 64);
	sc.trace_hash[64] = 0;
	assert_int_equal(sim_expect_check(&sc, &s, out), 3);
	rewind(out);
	char buf[2048] = "";
	size_t n = fread(buf, 1, sizeof buf - 1, out);
	buf[n] = 0;
	fclose(out);
	assert_non_null(strstr(buf, "ping.ini:24: expect failed: pings == 6 (actual 5)"));
	assert_non_null(strstr(buf, "ping.ini:25: expect failed: ping_success_rate < 1 (actual 1)"));
	assert_non_null(strstr(buf, "expect failed: trace_hash == aaaa"));
	sim_summary_free(&s);
	sim_scenario_free(&sc);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void pcap_read_back(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/ping.pcap", tmpdir);
	sim_summary s;
	run("scenarios/teaching/ping-loss.ini", 3, NULL, path, &s);
	const double *dg = sim_summary_get(&s, "datagrams");
	assert_non_null(dg);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t hdr[24], rec[16], pkt[2048];
	assert_int_equal(fread(hdr, 1, sizeof hdr, f), sizeof hdr);
	assert_int_equal(rd32(hdr), 0xa1b23c4du);
	assert_int_equal(rd32(hdr + 20), 101);
	uint64_t count = 0, last = 0;
	while (fread(rec, 1, sizeof rec, f) == sizeof rec) {
		uint32_t len = rd32(rec + 8);
		assert_int_equal(len, rd32(rec + 12));
		assert_true(len >= 28 + 4 && len <= 28 + THEMIS_MAX_PACKET);
		assert_int_equal(fread(pkt, 1, len, f), len);
		assert_int_equal((uint32_t)(pkt[2] << 8 | pkt[3]), len);        /* IPv4 total length */
		assert_int_equal((uint32_t)(pkt[24] << 8 | pkt[25]), len - 20); /* UDP length */
		assert_int_equal(pkt[28], 1);                                    /* THEMIS version */
		uint64_t t = (uint64_t)rd32(rec) * 1000000000u + rd32(rec + 4);
		assert_true(t >= last); /* records in simulated-time order */
		last = t;
		count++;
	}
	fclose(f);
	assert_true(count > 0);
	assert_int_equal(count, (uint64_t)*dg);
	assert_int_equal(count, s.pcap_records);
	sim_summary_free(&s);

	/* tshark, when installed, must read the file as IPv4/UDP */
	if (system("command -v tshark >/dev/null 2>&1") != 0) {
		printf("pcap_read_back: tshark not installed, skipping the tshark check\n");
		return;
	}
	char cmd[PATH_MAX + 128];
	snprintf(cmd, sizeof cmd, "tshark -r '%s' -T fields -e udp.dstport 2>/dev/null | grep -c '^7000$'", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	unsigned long seen = 0;
	assert_int_equal(fscanf(p, "%lu", &seen), 1);
	pclose(p);
	assert_int_equal(seen, count);
}

/* The CPU model: crypto work reported by the counters becomes simulated time, so the same
 * pings take longer, and the cost function is exactly the documented sum. */
static void cpu_model_adds_time(void **state)
{
	(void)state;
	sim_scenario sc;
	char err[SIM_ERR_MAX];
	sim_summary plain, busy;
	load(&sc, ping_ini, 1);
	sim_opts o = { 0 };
	assert_int_equal(sim_run(&sc, &o, &plain, err, sizeof err), 0);
	sc.cpu.enabled = 1;
	assert_int_equal(sim_run(&sc, &o, &busy, err, sizeof err), 0);
	double p0 = *sim_summary_get(&plain, "ping_rtt_p50_ns");
	double p1 = *sim_summary_get(&busy, "ping_rtt_p50_ns");
	/* a handshake signs, verifies and does DH on both sides: well over 100us of CPU */
	assert_true(p1 > p0 + 100000);
	assert_true(p1 < p0 + 2000000);
	assert_int_equal(*sim_summary_get(&busy, "ping_success_rate"), 1);
	sim_summary_free(&plain);
	sim_summary_free(&busy);

	themis_counters a = { 0 }, b = { 0 };
	b.cpu_sign = 1;
	b.cpu_verify = 2;
	b.cpu_dh = 3;
	b.cpu_keygen = 4;
	b.cpu_hash = 5;
	b.cpu_aead = 6;
	b.cpu_aead_bytes = 1000;
	sim_cpu_costs c = { .enabled = 1, .sign = 1, .verify = 10, .dh = 100, .keygen = 1000,
			    .hash = 10000, .aead_fixed = 100000, .aead_per_byte = 0.5, .per_message = 7 };
	assert_int_equal(sim_cpu_charge(&c, &a, &b), 7 + 1 + 20 + 300 + 4000 + 50000 + 600000 + 500);
	sim_scenario_free(&sc);
}

/* Runs the CLI with args (a shell fragment); returns its exit status and its output in out. */
static int cli(const char *args, char *out, size_t outlen)
{
	char cmd[4 * PATH_MAX], path[PATH_MAX];
	snprintf(path, sizeof path, "%s/cli.out", tmpdir);
	snprintf(cmd, sizeof cmd, "%s %s >'%s' 2>&1", sim_bin, args, path);
	int st = system(cmd);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(out, 1, outlen - 1, f) : 0;
	out[n] = 0;
	if (f)
		fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void command_line(void **state)
{
	(void)state;
	char out[8192], args[3 * PATH_MAX], ini[PATH_MAX];
	if (access(sim_bin, X_OK) != 0) {
		printf("command_line: %s not built, skipping\n", sim_bin);
		return;
	}
	assert_int_equal(cli("--help", out, sizeof out), 0);
	assert_non_null(strstr(out, "usage: themis-sim SCENARIO.ini"));
	assert_int_equal(cli("--version", out, sizeof out), 0);
	assert_non_null(strstr(out, THEMIS_VERSION));
	assert_int_equal(cli("", out, sizeof out), 2);
	assert_int_equal(cli("x.ini --frobnicate", out, sizeof out), 2);
	assert_non_null(strstr(out, "unknown option '--frobnicate'"));

	snprintf(args, sizeof args, "%s --quiet --db %s/cli.db", ping_ini, tmpdir);
	assert_int_equal(cli(args, out, sizeof out), 0);
	assert_string_equal(out, "");

	snprintf(args, sizeof args, "%s --quiet --db %s/cli.db --set network.loss=1", ping_ini, tmpdir);
	assert_int_equal(cli(args, out, sizeof out), 1);
	assert_non_null(strstr(out, "scenarios/teaching/ping.ini:25: expect failed: ping_success_rate == 1 (actual 0)"));

	snprintf(args, sizeof args, "%s --db %s/cli.db --set run.nope=1", ping_ini, tmpdir);
	assert_int_equal(cli(args, out, sizeof out), 2);
	assert_string_equal(out, "--set: unknown key 'nope' in [run]\n");

	snprintf(ini, sizeof ini, "%s/bad.ini", tmpdir);
	FILE *f = fopen(ini, "w");
	assert_non_null(f);
	fputs("[run]\nname = bad\n[nodes]\ncount = 4\n[events]\nat 1s ping n0 n7\n", f);
	fclose(f);
	snprintf(args, sizeof args, "%s --db %s/cli.db", ini, tmpdir);
	assert_int_equal(cli(args, out, sizeof out), 2);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s:6: node n7 does not exist ([nodes] count = 4)\n", ini);
	assert_string_equal(out, want);

	f = fopen(ini, "w");
	assert_non_null(f);
	fputs("[run]\nname = bad\n[expect]\nlookups_per_fortnight > 1\n", f);
	fclose(f);
	assert_int_equal(cli(args, out, sizeof out), 2);
	snprintf(want, sizeof want, "%s:4: unknown summary value 'lookups_per_fortnight'", ini);
	assert_non_null(strstr(out, want));

	/* --db defaults to results/<name>.db under the working directory */
	char abs_bin[PATH_MAX], abs_ini[PATH_MAX], cmd[4 * PATH_MAX];
	assert_non_null(realpath(sim_bin, abs_bin));
	assert_non_null(realpath(ping_ini, abs_ini));
	snprintf(cmd, sizeof cmd, "cd %s && %s %s --quiet --seed 4", tmpdir, abs_bin, abs_ini);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s/results/ping.db", tmpdir);
	assert_int_equal(access(cmd, R_OK), 0);

	/* --trace - prints one line per message with simulated time */
	snprintf(args, sizeof args, "%s --quiet --db %s/cli.db --trace -", ping_ini, tmpdir);
	assert_int_equal(cli(args, out, sizeof out), 0);
	assert_non_null(strstr(out, "[   0.100000] n0 -> n1 HELLO idx="));
	assert_non_null(strstr(out, "n0 OP_DONE ping n1 ok"));
}

/* [churn] fail_share with r = succ_len, read back from the trace's FAIL lines: never r ring
 * neighbours in a row fail (every live node keeps a live successor in its list), whatever the
 * seed, and the share asked for is met when the rule allows it. */
static void fail_share_run(uint64_t seed, uint32_t r, const char *share, uint32_t want_exact,
			   uint32_t want_most)
{
	enum { N = 30 };
	char ini[PATH_MAX], text[512], line[256];
	snprintf(ini, sizeof ini, "%s/share.ini", tmpdir);
	snprintf(text, sizeof text,
		 "[run]\nname = share\nduration = 2s\nm = 64\nsecurity = off\nsample_interval = 0\n"
		 "succ_len = %u\n[nodes]\ncount = %d\njoin = static\n[churn]\nfail_share = %s\n"
		 "fail_at = 1s\n", r, N, share);
	FILE *f = fopen(ini, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);

	FILE *tr = tmpfile();
	assert_non_null(tr);
	sim_scenario sc;
	char err[SIM_ERR_MAX];
	load(&sc, ini, seed);
	sim_opts o = { .trace = tr };
	sim_summary sum;
	if (sim_run(&sc, &o, &sum, err, sizeof err))
		fail_msg("%s", err);
	sim_summary_free(&sum);

	int down[N] = { 0 };
	uint32_t failed = 0, node;
	rewind(tr);
	while (fgets(line, sizeof line, tr)) {
		char *p = strchr(line, ']');
		if (p && sscanf(p + 1, " n%u FAIL", &node) == 1 && strstr(p, " FAIL")) {
			assert_true(node < N);
			assert_false(down[node]);
			down[node] = 1;
			failed++;
		}
	}
	fclose(tr);

	/* the ring order, from the identities the run gave the nodes (as --positions) */
	uint8_t net[THEMIS_ID_LEN], seedb[THEMIS_SEED_LEN], pk[THEMIS_PK_LEN], id[THEMIS_ID_LEN];
	uint8_t pos[N][THEMIS_ID_LEN];
	uint32_t order[N];
	assert_true(sodium_init() >= 0);
	themis_net_hash(sc.network, net);
	for (uint32_t i = 0; i < N; i++) {
		sim_rng_derive(seedb, seed, SIM_RNG_IDENTITY, i);
		themis_pk_from_seed(seedb, pk);
		themis_id_from_pk(pk, net, id);
		themis_ring_pos(id, sc.m, pos[i]);
		uint32_t k = i;
		for (; k > 0 && memcmp(pos[order[k - 1]], pos[i], THEMIS_ID_LEN) > 0; k--)
			order[k] = order[k - 1];
		order[k] = i;
	}
	sim_scenario_free(&sc);
	for (uint32_t k = 0; k < N; k++) {
		uint32_t run = 0;
		while (run < N && down[order[(k + run) % N]])
			run++;
		if (run >= r)
			fail_msg("seed %llu: %u ring neighbours in a row failed (r = %u)",
				 (unsigned long long)seed, run, r);
	}
	if (want_exact)
		assert_int_equal(failed, want_exact);
	assert_true(failed <= want_most);
}

static void fail_share_keeps_a_live_successor(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 8; seed++) {
		fail_share_run(seed, 2, "30%", 9, 9);      /* r = 2: no two neighbours */
		fail_share_run(seed, 4, "25%", 8, 8);      /* 7.5 rounds to 8 */
		fail_share_run(seed, 3, "60%", 0, 18);     /* more than the rule may allow */
	}
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	(void)argc;
	char self[PATH_MAX];
	snprintf(self, sizeof self, "%s", argv[0]);
	/* argv[0] is BUILD/tests/test_sim_run: the CLI is BUILD/themis-sim */
	snprintf(sim_bin, sizeof sim_bin, "%s/../themis-sim", dirname(self));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_same_run),
		cmocka_unit_test(golden_trace_hash),
		cmocka_unit_test(expect_pass_and_fail),
		cmocka_unit_test(pcap_read_back),
		cmocka_unit_test(cpu_model_adds_time),
		cmocka_unit_test(command_line),
		cmocka_unit_test(fail_share_keeps_a_live_successor),
	};
	return cmocka_run_group_tests_name("sim_run", tests, setup, teardown);
}
