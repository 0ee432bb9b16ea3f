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
	/* each query parenthesized: clang warns about concatenated literals in an array */
	static const char *const q[] = {
		("SELECT count(*) FROM (SELECT name, value FROM summary WHERE run_id = ?1 EXCEPT "
		"SELECT name, value FROM summary WHERE run_id = ?2) WHERE name NOT IN "
		"('wall_seconds', 'events_per_second', 'peak_rss_kb')"),
		("SELECT count(*) FROM (SELECT op_id, node, kind, target, t_start_ns, t_end_ns, ok, msgs "
		"FROM ops WHERE run_id = ?1 EXCEPT SELECT op_id, node, kind, target, t_start_ns, t_end_ns, "
		"ok, msgs FROM ops WHERE run_id = ?2)"),
		("SELECT count(*) FROM (SELECT t_ns, node, name, value FROM metrics WHERE run_id = ?1 EXCEPT "
		"SELECT t_ns, node, name, value FROM metrics WHERE run_id = ?2)"),
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
	snprintf(cmd, sizeof cmd, "tshark -r '%s' -T fields -e udp.dstport 2>/dev/null | grep -c '^7474$'", path);
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

/* Observers (the ring checker however often it runs, settle, samples) never change the run:
 * the same scenario and seed give the same trace hash, the same `events` and the same value
 * for every summary row but the ones named observer rows. churn-refresh.ini has joins,
 * failures, leaves, stores and finds, checks after every event and an [events] check. */
static void observers_leave_the_run_alone(void **state)
{
	(void)state;
	static const char *const variants[][2] = {
		{ NULL, NULL },
		{ "run.check_every_event=off", NULL },
		{ "run.check_every_event=off", "run.check_interval=100ms" },
		{ "run.check_interval=1s", "run.settle=1s" },
		{ "run.settle=0s", "run.sample_interval=0" },
		{ "run.sample_interval=10ms", "run.check_interval=7ms" },
	};
	const char *path = "scenarios/teaching/churn-refresh.ini";
	sim_summary first;
	for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
		sim_scenario sc;
		char err[SIM_ERR_MAX];
		sim_summary s;
		assert_int_equal(sim_scenario_init(&sc), 0);
		if (sim_scenario_load(&sc, path, err, sizeof err))
			fail_msg("%s", err);
		for (int k = 0; k < 2 && variants[v][k]; k++)
			if (sim_scenario_set(&sc, variants[v][k], err, sizeof err))
				fail_msg("%s", err);
		if (sim_scenario_finish(&sc, err, sizeof err))
			fail_msg("%s", err);
		sim_opts o = { 0 };
		if (sim_run(&sc, &o, v ? &s : &first, err, sizeof err))
			fail_msg("%s", err);
		sim_scenario_free(&sc);
		if (v == 0)
			continue;
		if (strcmp(s.trace_hash, first.trace_hash))
			fail_msg("variant %zu (%s %s): trace hash %s, without it %s", v, variants[v][0],
				 variants[v][1] ? variants[v][1] : "", s.trace_hash, first.trace_hash);
		assert_int_equal(s.n, first.n);
		for (size_t i = 0; i < s.n; i++) {
			const char *name = s.rows[i].name;
			assert_string_equal(name, first.rows[i].name);
			if (!sim_summary_is_wall(name) && !sim_summary_is_observer(name) &&
			    s.rows[i].value != first.rows[i].value)
				fail_msg("variant %zu: %s is %g, without it %g", v, name, s.rows[i].value,
					 first.rows[i].value);
		}
		/* the variants do change what the observers saw */
		if (v == 1)
			assert_true(*sim_summary_get(&s, "ring_checks") < *sim_summary_get(&first, "ring_checks"));
		sim_summary_free(&s);
	}
	assert_true(*sim_summary_get(&first, "observer_events") > 0);
	sim_summary_free(&first);
}

/* Writes text into tmpdir/name and returns the path (static buffer). */
static const char *write_ini(const char *name, const char *text)
{
	static char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* One integer from the database: query with ?1 bound to run_id. */
static long long db_int(const char *db, const char *query, int64_t run_id)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, query, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, run_id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* replays_accepted counts second acceptances of one message, nothing else. With jitter a
 * duplicate often overtakes its original: it is accepted, the original dropped as a replay,
 * and that is no replay accepted. Without security (PLAIN has no anti-replay) and with a
 * fixed latency, the original always arrives first and every copy that gets through is a
 * second acceptance: the count is exactly the copies the attacks table shows accepted. */
static void replays_accepted_means_twice(void **state)
{
	(void)state;
	static const char base[] =
		"[run]\nname = dup\nduration = 5s\nm = 8\n%s\n"
		"[network]\nlatency = constant\nlatency_mean = 10ms\n%s\n"
		"[nodes]\ncount = 4\n[workload]\nping_rate = 100\nstop = 4s\n"
		"[adversary]\nkind = duplicate\npacket = any\nrate = 0.5\n";
	static const char *const accepted_copies =
		"SELECT count(*) FROM attacks WHERE run_id = ?1 AND action = 'duplicate' AND "
		"outcome NOT LIKE 'dropped:%'";
	char text[1024], db[PATH_MAX];
	snprintf(db, sizeof db, "%s/dup.db", tmpdir);
	sim_summary s;

	snprintf(text, sizeof text, base, "", "jitter = 5ms");
	run(write_ini("dup-jitter.ini", text), 3, db, NULL, &s);
	assert_true(db_int(db, accepted_copies, s.run_id) > 50);   /* copies overtook originals */
	assert_true(*sim_summary_get(&s, "drops_replay") > 50);     /* ... which were then dropped */
	assert_int_equal(*sim_summary_get(&s, "replays_accepted"), 0);
	assert_int_equal(*sim_summary_get(&s, "ping_success_rate"), 1);
	sim_summary_free(&s);

	snprintf(text, sizeof text, base, "security = off", "");
	run(write_ini("dup-plain.ini", text), 3, db, NULL, &s);
	long long twice = db_int(db, accepted_copies, s.run_id);
	assert_true(twice > 50);
	assert_int_equal(*sim_summary_get(&s, "replays_accepted"), twice);
	sim_summary_free(&s);
}


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

/* Runs outside Chord's assumptions are flagged: assumption_violations and one line naming
 * what broke, when first. Positions on this 8-bit ring (seed 1): n3 0x00, n0 0x24, n2 0x4e,
 * n5 0x7f, n4 0xd1, n6 0xf2, n1 0xfa; r = 2. */
static void assumptions_flagged(void **state)
{
	(void)state;
	static const char base[] =
		"[run]\nname = assume\nseed = 1\nduration = 20s\nm = 8\nsucc_len = 2\n"
		"check_interval = 500ms\nsettle = 6s\n[network]\nlatency_mean = 5ms\n"
		"[nodes]\ncount = 7\njoin = sequential 300ms\nreq_timeout = 300ms\nreq_attempts = 3\n"
		"hs_retry = 300ms\nhs_attempts = 3\nstabilize = 500ms\nfix_fingers = 250ms\n"
		"check_pred = 1s\n[events]\n%s";
	char text[2048];
	sim_summary s;

	/* the ring forms (fewer than r + 1 members on the way) and stays: nothing to flag */
	snprintf(text, sizeof text, base, "");
	run(write_ini("assume.ini", text), 1, NULL, NULL, &s);
	assert_int_equal(*sim_summary_get(&s, "assumption_violations"), 0);
	assert_string_equal(s.assumptions, "");
	sim_summary_free(&s);

	/* n0's whole successor list (n2, n5) fails at once */
	snprintf(text, sizeof text, base, "at 8s fail n2\nat 8s fail n5\n");
	run(write_ini("assume.ini", text), 1, NULL, NULL, &s);
	assert_int_equal(*sim_summary_get(&s, "assumption_violations"), 1);
	if (!strstr(s.assumptions, "no live node in its successor list (first at 8.000000s: n0; 1 time)"))
		fail_msg("report: %s", s.assumptions);
	assert_null(strstr(s.assumptions, "r + 1"));
	sim_summary_free(&s);

	/* five of seven fail: two live members, r + 1 = 3 */
	snprintf(text, sizeof text, base,
		 "at 8s fail n1\nat 8s fail n2\nat 8s fail n3\nat 8s fail n4\nat 8s fail n5\n");
	run(write_ini("assume.ini", text), 1, NULL, NULL, &s);
	assert_true(*sim_summary_get(&s, "assumption_violations") >= 1);
	if (!strstr(s.assumptions, "fewer than r + 1 live members (first at 8.000000s: 2 live, r + 1 = 3; 1 time)"))
		fail_msg("report: %s", s.assumptions);
	sim_summary_free(&s);

	/* the CLI says so on stderr, with --quiet too */
	char out[4096], args[2 * PATH_MAX];
	if (access(sim_bin, X_OK) == 0) {
		snprintf(args, sizeof args, "%s/assume.ini --quiet --db %s/assume.db", tmpdir, tmpdir);
		assert_int_equal(cli(args, out, sizeof out), 0);
		char want[PATH_MAX + 64];
		snprintf(want, sizeof want, "themis-sim: warning: %s/assume.ini: the run left Chord's assumptions: ",
			 tmpdir);
		if (strncmp(out, want, strlen(want)) || strchr(out, '\n') != out + strlen(out) - 1)
			fail_msg("CLI said: %s", out);
	}
}

/* Churn with the default min_members keeps r + 1 live members, leaves under way included:
 * here two leaves a second used to be asked while the ring stood at r + 2, and both went
 * through (seed 1: first at 17.5 s, six times). */
static void churn_keeps_r_plus_1(void **state)
{
	(void)state;
	static const char text[] =
		"[run]\nname = churn-r1\nduration = 60s\nm = 16\nsucc_len = 2\ncheck_interval = 200ms\n"
		"[network]\nlatency_mean = 5ms\n"
		"[nodes]\ncount = 8\njoin = sequential 300ms\nreq_timeout = 300ms\nreq_attempts = 3\n"
		"hs_retry = 300ms\nhs_attempts = 3\nstabilize = 500ms\nfix_fingers = 250ms\ncheck_pred = 1s\n"
		"[churn]\nfail_rate = 1\nleave_rate = 2\njoin_rate = 2\ndowntime = 2s\nstart = 5s\n";
	const char *path = write_ini("churn-r1.ini", text);
	for (uint64_t seed = 1; seed <= 4; seed++) {
		sim_summary s;
		run(path, seed, NULL, NULL, &s);
		assert_true(*sim_summary_get(&s, "leaves") > 50);
		if (strstr(s.assumptions, "fewer than r + 1"))
			fail_msg("seed %llu: %s", (unsigned long long)seed, s.assumptions);
		sim_summary_free(&s);
	}
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Too little memory for the nodes is reported as such, with how far the run got and what it
 * would take, not as a configuration the core refused. The address space is capped with
 * ulimit -v in the child shell; 100,000 nodes need about 150 MB, the cap allows 117 MB. */
static void out_of_memory_says_so(void **state)
{
	(void)state;
#ifdef UNDER_ASAN
	printf("out_of_memory_says_so: AddressSanitizer reserves terabytes of address space, "
	       "a capped one cannot start it: skipped\n");
	return;
#else
	if (access(sim_bin, X_OK) != 0) {
		printf("out_of_memory_says_so: %s not built, skipping\n", sim_bin);
		return;
	}
	const char *ini = write_ini("big.ini", "[run]\nname = big\nduration = 1ms\nsample_interval = 0\n"
					      "[nodes]\ncount = 100000\n");
	char cmd[4 * PATH_MAX], path[PATH_MAX], out[2048];
	snprintf(path, sizeof path, "%s/oom.out", tmpdir);
	snprintf(cmd, sizeof cmd, "ulimit -v 120000 && exec %s %s --threads 1 --quiet --db %s/big.db >'%s' 2>&1",
		 sim_bin, ini, tmpdir, path);
	int st = system(cmd);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = 0;
	fclose(f);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 2);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "themis-sim: %s: out of memory after ", ini);
	unsigned made = 0, total = 0, used = 0, all = 0;
	if (strncmp(out, want, strlen(want)) ||
	    sscanf(out + strlen(want), "%u of %u nodes (%u MB in use; all 100000 would ask about %u MB)",
		   &made, &total, &used, &all) != 4)
		fail_msg("got: %s", out);
	assert_true(made > 0 && made < total);
	assert_int_equal(total, 100000);
	assert_true(used > 0 && used <= 120);
	assert_true(all > used);
#endif
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
	char want[PATH_MAX + 128];
	snprintf(want, sizeof want, "%s:6: node n7 does not exist ([nodes] count = 4)\n", ini);
	assert_string_equal(out, want);

	/* an empty or comment-only file is an error naming the file, not a default run */
	f = fopen(ini, "w");
	assert_non_null(f);
	fputs("# nothing but a comment\n\n", f);
	fclose(f);
	assert_int_equal(cli(args, out, sizeof out), 2);
	snprintf(want, sizeof want, "%s: empty scenario: no [section] (a scenario needs at least one, e.g. [run])\n",
		 ini);
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
		cmocka_unit_test(replays_accepted_means_twice),
		cmocka_unit_test(observers_leave_the_run_alone),
		cmocka_unit_test(assumptions_flagged),
		cmocka_unit_test(churn_keeps_r_plus_1),
		cmocka_unit_test(out_of_memory_says_so),
		cmocka_unit_test(command_line),
		cmocka_unit_test(fail_share_keeps_a_live_successor),
	};
	return cmocka_run_group_tests_name("sim_run", tests, setup, teardown);
}
