/* scenario.c: the strict INI reader for scenario files and --set overrides: known sections,
 * known keys, typed values with ranges, every error as "FILE:LINE: message". It must never
 * crash or read past its input, whatever the file holds.
 */
#include "scenario.h"

#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NS_MS = 1000000 };
#define NS_S 1000000000ull

typedef enum ktype {
	K_STR, K_U32, K_U16, K_U64, K_DUR, K_PROB, K_RATE, K_DOUBLE, K_BOOL, K_LATENCY,
	K_PARTITION, K_HASH, K_JOIN, K_ARRIVALS, K_KEYS, K_POSITIONS,
} ktype;

typedef struct keydef {
	const char *section, *key;
	ktype type;
	size_t off, size;   /* where the value lives in sim_scenario; size for strings */
	double min, max;    /* numeric range (durations in ns) */
} keydef;

#define F(field) offsetof(sim_scenario, field), sizeof(((sim_scenario *)0)->field)
#define DAY (86400.0 * 1e9)

/* Every key a scenario may set. scenarios/README.md documents each one with its default. */
static const keydef keys[] = {
	{ "run", "name", K_STR, F(name), 0, 0 },
	{ "run", "network", K_STR, F(network), 0, 0 },
	{ "run", "seed", K_U64, F(seed), 0, 18446744073709551615.0 },
	{ "run", "duration", K_DUR, F(duration_ns), 1, 365 * DAY },
	{ "run", "m", K_U32, F(m), 8, 256 },
	{ "run", "k", K_U32, F(k), 0, 64 },
	{ "run", "ttl", K_DUR, F(ttl_ns), 0, 365 * DAY },
	{ "run", "security", K_BOOL, F(security), 0, 1 },
	{ "run", "replay_window", K_U32, F(replay_window), 0, 1 << 20 },
	{ "run", "sample_interval", K_DUR, F(sample_ns), 0, 365 * DAY },
	{ "run", "trace_hash", K_HASH, F(trace_hash), 0, 0 },
	{ "run", "succ_len", K_U32, F(succ_len), 1, 16 },
	{ "run", "signed_records", K_BOOL, F(signed_records), 0, 1 },
	{ "run", "replicate", K_BOOL, F(replicate), 0, 1 },
	{ "run", "verified_cache", K_U32, F(verified_cache), 0, 1 << 20 },
	{ "run", "check_every_event", K_BOOL, F(check_every_event), 0, 1 },
	{ "run", "check_interval", K_DUR, F(check_ns), 0, 365 * DAY },
	{ "run", "settle", K_DUR, F(settle_ns), 0, 365 * DAY },

	{ "network", "latency", K_LATENCY, F(latency), 0, 0 },
	{ "network", "latency_mean", K_DUR, F(latency_ns), 0, DAY },
	{ "network", "latency_min", K_DUR, F(latency_min_ns), 0, DAY },
	{ "network", "latency_max", K_DUR, F(latency_max_ns), 0, DAY },
	{ "network", "latency_sd", K_DUR, F(latency_sd_ns), 0, DAY },
	{ "network", "jitter", K_DUR, F(jitter_ns), 0, DAY },
	{ "network", "matrix_file", K_STR, F(matrix_file), 0, 0 },
	{ "network", "loss", K_PROB, F(loss), 0, 1 },
	{ "network", "duplicate", K_PROB, F(duplicate), 0, 1 },
	{ "network", "reorder", K_PROB, F(reorder), 0, 1 },
	{ "network", "reorder_delay", K_DUR, F(reorder_delay_ns), 0, DAY },
	{ "network", "port", K_U16, F(port), 1, 65535 },
	{ "network", "partition", K_PARTITION, 0, 0, 0, 0 },

	{ "cpu", "enabled", K_BOOL, F(cpu.enabled), 0, 1 },
	{ "cpu", "sign", K_DUR, F(cpu.sign), 0, 1e9 },
	{ "cpu", "verify", K_DUR, F(cpu.verify), 0, 1e9 },
	{ "cpu", "dh", K_DUR, F(cpu.dh), 0, 1e9 },
	{ "cpu", "keygen", K_DUR, F(cpu.keygen), 0, 1e9 },
	{ "cpu", "hash", K_DUR, F(cpu.hash), 0, 1e9 },
	{ "cpu", "aead_fixed", K_DUR, F(cpu.aead_fixed), 0, 1e9 },
	{ "cpu", "aead_per_byte", K_DOUBLE, F(cpu.aead_per_byte), 0, 1e6 },
	{ "cpu", "per_message", K_DUR, F(cpu.per_message), 0, 1e9 },

	{ "nodes", "distinct_positions", K_BOOL, F(distinct_positions), 0, 1 },
	{ "nodes", "positions", K_POSITIONS, 0, 0, 0, 0 },
	{ "nodes", "count", K_U32, F(count), 1, 10000000 },
	{ "nodes", "hs_retry", K_DUR, F(hs_retry_ns), 1, DAY },
	{ "nodes", "hs_attempts", K_U32, F(hs_attempts), 1, 1000 },
	{ "nodes", "req_timeout", K_DUR, F(req_timeout_ns), 1, DAY },
	{ "nodes", "req_attempts", K_U32, F(req_attempts), 1, 1000 },
	{ "nodes", "stabilize", K_DUR, F(stabilize_ns), 0, DAY },
	{ "nodes", "fix_fingers", K_DUR, F(fix_fingers_ns), 0, DAY },
	{ "nodes", "check_pred", K_DUR, F(check_pred_ns), 0, DAY },
	{ "nodes", "bootstrap", K_STR, F(bootstrap), 0, 0 },
	{ "nodes", "join", K_JOIN, F(join), 0, 0 },
	{ "nodes", "join_start", K_DUR, F(join_start_ns), 0, 365 * DAY },
	{ "nodes", "members", K_U32, F(members), 1, 10000000 },

	{ "workload", "ping_rate", K_RATE, F(ping_rate), 0, 1e9 },
	{ "workload", "find_rate", K_RATE, F(find_rate), 0, 1e9 },
	{ "workload", "store_rate", K_RATE, F(store_rate), 0, 1e9 },
	{ "workload", "register_rate", K_RATE, F(register_rate), 0, 1e9 },
	{ "workload", "discover_rate", K_RATE, F(discover_rate), 0, 1e9 },
	{ "workload", "arrivals", K_ARRIVALS, F(poisson), 0, 0 },
	{ "workload", "keys", K_KEYS, F(key_names), 0, 0 },
	{ "workload", "names", K_U32, F(names), 1, 100000000 },
	{ "workload", "services", K_U32, F(services), 1, 1000000 },
	{ "workload", "start", K_DUR, F(workload_start_ns), 0, 365 * DAY },
	{ "workload", "stop", K_DUR, F(workload_stop_ns), 0, 365 * DAY },

	{ "churn", "fail_rate", K_RATE, F(fail_rate), 0, 1e6 },
	{ "churn", "join_rate", K_RATE, F(join_rate), 0, 1e6 },
	{ "churn", "leave_rate", K_RATE, F(leave_rate), 0, 1e6 },
	{ "churn", "min_members", K_U32, F(churn_min), 1, 10000000 },
	{ "churn", "protect", K_U32, F(churn_protect), 0, 10000000 },
	{ "churn", "spaced", K_BOOL, F(churn_spaced), 0, 1 },
	{ "churn", "downtime", K_DUR, F(downtime_ns), 0, 365 * DAY },
	{ "churn", "start", K_DUR, F(churn_start_ns), 0, 365 * DAY },
	{ "churn", "stop", K_DUR, F(churn_stop_ns), 0, 365 * DAY },
	{ "churn", "fail_share", K_PROB, F(fail_share), 0, 1 },
	{ "churn", "fail_at", K_DUR, F(fail_share_at_ns), 0, 365 * DAY },

	{ "adversary", "kind", K_STR, F(adversary), 0, 0 },
	{ "adversary", "rate", K_PROB, F(adv_rate), 0, 1 },
	{ "adversary", "target", K_STR, F(adv_target), 0, 0 },
	{ "adversary", "packet", K_STR, F(adv_packet), 0, 0 },
	{ "adversary", "start", K_DUR, F(adv_start_ns), 0, 365 * DAY },
	{ "adversary", "stop", K_DUR, F(adv_stop_ns), 0, 365 * DAY },
	{ "adversary", "delay", K_DUR, F(adv_delay_ns), 0, DAY },
	{ "adversary", "count", K_U32, F(adv_count), 1, 1000 },
	{ "adversary", "max_actions", K_U32, F(adv_max), 1, 10000000 },
	{ "adversary", "to", K_STR, F(adv_to), 0, 0 },
	{ "adversary", "field", K_STR, F(adv_field), 0, 0 },
	{ "adversary", "network", K_STR, F(adv_network), 0, 0 },
	{ "adversary", "flood_rate", K_RATE, F(adv_flood_rate), 0, 1e7 },
	{ "adversary", "sources", K_U32, F(adv_sources), 1, 1000000 },
	{ "adversary", "valid", K_BOOL, F(adv_valid), 0, 1 },
};
enum { NKEYS = sizeof keys / sizeof keys[0] };

static const char *const sections[] = {
	"run", "network", "cpu", "nodes", "workload", "churn", "adversary", "events", "expect",
};
enum { NSECTIONS = sizeof sections / sizeof sections[0] };

static const char *const latency_names[] = { "constant", "uniform", "normal", "matrix" };

/* Adversary kinds sim/adversary/ implements. */
static const char *const adversary_kinds[] = {
	"none", "drop", "delay", "duplicate", "replay", "tamper", "reflect", "mitm", "cross_network",
	"hello_flood", NULL,
};
static const char *const adv_packets[] = { "any", "hello", "reply", "confirm", "data", NULL };
static const char *const adv_fields[] = {
	"auto", "header", "idx", "ctr", "ciphertext", "tag", "sig", "pk", "e", "nonce", "id", "conf",
	NULL,
};

/* String keys whose value must be one of a fixed list. */
static const struct {
	size_t off;
	const char *what;
	const char *const *names;
} choices[] = {
	{ offsetof(sim_scenario, adversary), "adversary kind", adversary_kinds },
	{ offsetof(sim_scenario, adv_packet), "adversary packet", adv_packets },
	{ offsetof(sim_scenario, adv_field), "adversary field", adv_fields },
};

static int check_choice(size_t off, const char *v, char *msg, size_t msglen)
{
	for (size_t c = 0; c < sizeof choices / sizeof choices[0]; c++) {
		if (choices[c].off != off)
			continue;
		const char *const *n = choices[c].names;
		for (size_t i = 0; n[i]; i++)
			if (!strcmp(v, n[i]))
				return 0;
		size_t used = (size_t)snprintf(msg, msglen, "unknown %s '%s' (known:", choices[c].what, v);
		for (size_t i = 0; n[i] && used < msglen; i++)
			used += (size_t)snprintf(msg + used, msglen - used, " %s", n[i]);
		if (used < msglen)
			snprintf(msg + used, msglen - used, ")");
		return -1;
	}
	return 0;
}

int sim_scenario_init(sim_scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->key_line = calloc(NKEYS, sizeof *sc->key_line);
	if (!sc->key_line)
		return -1;
	snprintf(sc->name, sizeof sc->name, "scenario");
	snprintf(sc->network, sizeof sc->network, "themis-sim");
	snprintf(sc->adversary, sizeof sc->adversary, "none");
	sc->seed = 1;
	sc->duration_ns = 10 * NS_S;
	sc->m = 256;
	sc->k = 3;
	sc->ttl_ns = 3600 * NS_S;
	sc->security = 1;
	sc->replay_window = 2048;
	sc->sample_ns = 1 * NS_S;
	sc->succ_len = 4;
	sc->signed_records = 1;
	sc->replicate = 1;
	sc->distinct_positions = 1;
	sc->verified_cache = 4096;
	sc->settle_ns = 10 * NS_S;
	sc->latency = SIM_LAT_CONSTANT;
	sc->latency_ns = 10 * (uint64_t)NS_MS;
	sc->latency_min_ns = 5 * (uint64_t)NS_MS;
	sc->latency_max_ns = 50 * (uint64_t)NS_MS;
	sc->latency_sd_ns = 5 * (uint64_t)NS_MS;
	sc->reorder_delay_ns = 20 * (uint64_t)NS_MS;
	sc->port = 7474;   /* not 7000: Wireshark decodes 7000-7009 as AFS (RX) */
	/* Costs measured on the project's development machine with `themis-sim --calibrate`
	 * (libsodium 1.0.18, x86-64, median of three calibrations); rerun it on the machine
	 * whose numbers you want and paste its [cpu] section into the scenario. */
	sc->cpu.enabled = 0;
	sc->cpu.sign = 13700;
	sc->cpu.verify = 35800;
	sc->cpu.dh = 30700;
	sc->cpu.keygen = 28400;
	sc->cpu.hash = 470;
	sc->cpu.aead_fixed = 260;
	sc->cpu.aead_per_byte = 0.67;
	sc->cpu.per_message = 1000;
	sc->count = 4;
	sc->hs_retry_ns = 1 * NS_S;
	sc->hs_attempts = 5;
	sc->req_timeout_ns = 1 * NS_S;
	sc->req_attempts = 4;
	/* the core's own defaults (themis_config_default) */
	sc->stabilize_ns = 1 * NS_S;
	sc->fix_fingers_ns = 500 * (uint64_t)NS_MS;
	sc->check_pred_ns = 2 * NS_S;
	snprintf(sc->bootstrap, sizeof sc->bootstrap, "n0");
	sc->join = SIM_JOIN_NONE;
	sc->members = UINT32_MAX;   /* all: resolved against count by sim_scenario_finish */
	sc->poisson = 1;
	sc->names = 100;
	sc->services = 4;
	sc->churn_min = 0;   /* unless set: succ_len + 1 (sim_scenario_finish) */
	sc->workload_stop_ns = UINT64_MAX;
	sc->downtime_ns = 5 * NS_S;
	sc->churn_stop_ns = UINT64_MAX;
	sc->adv_rate = 1;
	snprintf(sc->adv_target, sizeof sc->adv_target, "any");
	snprintf(sc->adv_packet, sizeof sc->adv_packet, "any");
	sc->adv_stop_ns = UINT64_MAX;
	sc->adv_delay_ns = 100 * (uint64_t)NS_MS;
	sc->adv_count = 1;
	sc->adv_max = 1000;
	snprintf(sc->adv_to, sizeof sc->adv_to, "same");
	snprintf(sc->adv_field, sizeof sc->adv_field, "auto");
	snprintf(sc->adv_network, sizeof sc->adv_network, "other-network");
	sc->adv_flood_rate = 100;
	sc->adv_sources = 1000;
	sc->adv_valid = 1;
	sc->adv_target_node = SIM_ADV_ANY;
	sc->adv_to_node = SIM_ADV_ANY;
	return 0;
}

void sim_scenario_free(sim_scenario *sc)
{
	free(sc->matrix_ms);
	free(sc->partitions);
	free(sc->actions);
	free(sc->expects);
	free(sc->positions);
	free(sc->key_line);
	memset(sc, 0, sizeof *sc);
}

/* ---- small parsers: each returns 0 or -1 and never reads past the string ---- */

static void fmt_range(char *out, size_t n, const keydef *k)
{
	if (k->type == K_DUR) {
		if (k->max >= DAY)
			snprintf(out, n, "a duration from %gns up (e.g. 10s, 500ms, 2m)", k->min);
		else
			snprintf(out, n, "a duration in [%gns, %gns] (e.g. 250us, 10ms)", k->min, k->max);
	} else {
		snprintf(out, n, "in [%.17g, %.17g]", k->min, k->max);
	}
}

static int add_partition(sim_scenario *sc, char *v, int line, char *msg, size_t msglen)
{
	/* "5s..8s 0-9 | 10-19" */
	char *bar = strchr(v, '|');
	char *tok[3];
	if (!bar) {
		snprintf(msg, msglen, "bad partition '%s': expected 'START..END A-B | C-D'", v);
		return -1;
	}
	*bar = 0;
	char *right = ini_trim(bar + 1);
	int n = ini_tokenize(v, tok, 2);
	sim_partition p = { .line = line };
	char *dots = n == 2 ? strstr(tok[0], "..") : NULL;
	if (!dots) {
		snprintf(msg, msglen, "bad partition: expected 'START..END A-B | C-D'");
		return -1;
	}
	*dots = 0;
	if (sim_parse_duration(tok[0], &p.start) || sim_parse_duration(dots + 2, &p.end) ||
	    p.start >= p.end) {
		snprintf(msg, msglen, "bad partition time range: expected START..END with START < END");
		return -1;
	}
	if (ini_range(tok[1], &p.a_lo, &p.a_hi) || ini_range(right, &p.b_lo, &p.b_hi)) {
		snprintf(msg, msglen, "bad partition node range: expected A-B | C-D (node indexes)");
		return -1;
	}
	if (sim_grow((void **)&sc->partitions, &sc->partitionscap, sc->npartitions + 1,
		     sizeof *sc->partitions)) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	sc->partitions[sc->npartitions++] = p;
	return 0;
}

/* "none", "parallel", "static" or "sequential INTERVAL". */
static int parse_join(sim_scenario *sc, char *v, char *msg, size_t msglen)
{
	char *tok[3];
	int n = ini_tokenize(v, tok, 2);
	static const char *const words[] = { "none", "sequential", "parallel", "static" };
	for (int i = 0; n >= 1 && i < 4; i++) {
		if (strcmp(tok[0], words[i]))
			continue;
		if (i == SIM_JOIN_SEQUENTIAL) {
			uint64_t gap;
			if (n != 2 || sim_parse_duration(tok[1], &gap) || gap == 0 || gap > 365 * DAY) {
				snprintf(msg, msglen, "bad value for join: 'sequential' needs an interval (e.g. sequential 500ms)");
				return -1;
			}
			sc->join_interval_ns = gap;
		} else if (n != 1) {
			snprintf(msg, msglen, "bad value for join: '%s' takes no argument", tok[0]);
			return -1;
		}
		sc->join = (sim_join)i;
		return 0;
	}
	snprintf(msg, msglen, "bad value for join: expected none, sequential INTERVAL, parallel or static");
	return -1;
}

/* A decimal number, or hexadecimal after 0x as --positions prints them. */
static int parse_position(const char *t, uint64_t *u)
{
	if (t[0] != '0' || (t[1] != 'x' && t[1] != 'X'))
		return ini_u64(t, u);
	if (!t[2] || strlen(t + 2) > 8)
		return -1;
	*u = 0;
	for (const char *c = t + 2; *c; c++) {
		if (!isxdigit((unsigned char)*c))
			return -1;
		*u = *u << 4 | (uint64_t)(isdigit((unsigned char)*c) ? *c - '0' : (tolower((unsigned char)*c) - 'a' + 10));
	}
	return 0;
}

/* "3, 40, 77": one ring position per node, in node order, each a number of m bits (checked
 * against m and count by sim_scenario_finish, which may see them set after this line). */
static int parse_positions(sim_scenario *sc, char *v, char *msg, size_t msglen)
{
	uint32_t n = 0, *pos = NULL;
	size_t cap = 0;
	if (!*ini_trim(v)) {
		snprintf(msg, msglen, "positions is empty: expected one ring position per node (e.g. 3, 40, 77)");
		return -1;
	}
	for (char *t = v, *next; t; t = next) {
		uint64_t u;
		char *comma = strchr(t, ',');
		next = comma ? comma + 1 : NULL;
		if (comma)
			*comma = 0;
		t = ini_trim(t);
		if (parse_position(t, &u) != 0 || u > UINT32_MAX) {
			snprintf(msg, msglen, "bad position '%s' in positions: expected integers like 3, 40, 77", t);
			free(pos);
			return -1;
		}
		for (uint32_t j = 0; j < n; j++) {
			if (pos[j] == u) {
				snprintf(msg, msglen, "position %llu appears twice in positions (nodes n%u and n%u)",
					 (unsigned long long)u, j, n);
				free(pos);
				return -1;
			}
		}
		if (n == cap && sim_grow((void **)&pos, &cap, n + 1, sizeof *pos)) {
			snprintf(msg, msglen, "out of memory");
			free(pos);
			return -1;
		}
		pos[n++] = (uint32_t)u;
	}
	free(sc->positions);
	sc->positions = pos;
	sc->npositions = n;
	return 0;
}

/* Stores value v for key k; on error writes a message (without FILE:LINE) into msg. */
static int set_value(sim_scenario *sc, const keydef *k, char *v, int line, char *msg,
		     size_t msglen)
{
	char *base = (char *)sc + k->off;
	char range[128];
	uint64_t u = 0;
	double d = 0;
	int r, b;

	fmt_range(range, sizeof range, k);
	switch (k->type) {
	case K_STR:
		if (strlen(v) >= k->size) {
			snprintf(msg, msglen, "value of %s is too long (at most %zu characters)",
				 k->key, k->size - 1);
			return -1;
		}
		for (const char *p = v; *p; p++) {
			if (!isprint((unsigned char)*p)) {
				snprintf(msg, msglen, "bad value for %s: unprintable character", k->key);
				return -1;
			}
		}
		if (check_choice(k->off, v, msg, msglen))
			return -1;
		if (k->off == offsetof(sim_scenario, name) && (!*v || strchr(v, '/'))) {
			snprintf(msg, msglen, "bad value for name: must be non-empty, without '/'");
			return -1;
		}
		memcpy(base, v, strlen(v) + 1);
		return 0;
	case K_U16:
	case K_U32:
	case K_U64:
		r = ini_u64(v, &u);
		if (r == -1) {
			snprintf(msg, msglen, "bad value '%s' for %s: expected an integer %s", v, k->key, range);
			return -1;
		}
		if (r == -2 || (double)u < k->min || (double)u > k->max) {
			snprintf(msg, msglen, "out of range: %s = %s, must be %s", k->key, v, range);
			return -1;
		}
		if (k->type == K_U16)
			*(uint16_t *)(void *)base = (uint16_t)u;
		else if (k->type == K_U32)
			*(uint32_t *)(void *)base = (uint32_t)u;
		else
			*(uint64_t *)(void *)base = u;
		return 0;
	case K_DUR:
		r = sim_parse_duration(v, &u);
		if (r == -1) {
			snprintf(msg, msglen, "bad value '%s' for %s: expected %s", v, k->key, range);
			return -1;
		}
		if (r == -2 || (double)u < k->min || (double)u > k->max) {
			snprintf(msg, msglen, "out of range: %s = %s, must be %s", k->key, v, range);
			return -1;
		}
		*(uint64_t *)(void *)base = u;
		return 0;
	case K_PROB: {
		size_t n = strlen(v);
		int pct = n > 0 && v[n - 1] == '%';
		if (pct)
			v[n - 1] = 0;
		if (ini_double(v, &d)) {
			snprintf(msg, msglen, "bad value '%s' for %s: expected a probability in [0, 1] or a percentage",
				 v, k->key);
			return -1;
		}
		if (pct)
			d /= 100.0;
		if (d < 0 || d > 1) {
			snprintf(msg, msglen, "out of range: %s must be in [0, 1] (or 0%%..100%%)", k->key);
			return -1;
		}
		*(double *)(void *)base = d;
		return 0;
	}
	case K_RATE:
	case K_DOUBLE:
		if (ini_double(v, &d)) {
			snprintf(msg, msglen, "bad value '%s' for %s: expected a number %s", v, k->key, range);
			return -1;
		}
		if (d < k->min || d > k->max) {
			snprintf(msg, msglen, "out of range: %s = %s, must be %s", k->key, v, range);
			return -1;
		}
		*(double *)(void *)base = d;
		return 0;
	case K_BOOL:
		if (ini_bool(v, &b)) {
			snprintf(msg, msglen, "bad value '%s' for %s: expected on or off", v, k->key);
			return -1;
		}
		*(int *)(void *)base = b;
		return 0;
	case K_LATENCY:
		for (int i = 0; i < 4; i++) {
			if (!strcmp(v, latency_names[i])) {
				sc->latency = (sim_latency_model)i;
				return 0;
			}
		}
		snprintf(msg, msglen, "bad value '%s' for latency: expected constant, uniform, normal or matrix", v);
		return -1;
	case K_HASH: {
		size_t n = strlen(v);
		int ok = n == 0 || n == 64;
		for (size_t i = 0; ok && i < n; i++)
			ok = isdigit((unsigned char)v[i]) || (v[i] >= 'a' && v[i] <= 'f');
		if (!ok) {
			snprintf(msg, msglen, "bad value for trace_hash: expected 64 lower-case hex digits");
			return -1;
		}
		memcpy(sc->trace_hash, v, n + 1);
		return 0;
	}
	case K_PARTITION:
		return add_partition(sc, v, line, msg, msglen);
	case K_JOIN:
		return parse_join(sc, v, msg, msglen);
	case K_ARRIVALS:
		if (strcmp(v, "poisson") && strcmp(v, "constant")) {
			snprintf(msg, msglen, "bad value '%s' for arrivals: expected poisson or constant", v);
			return -1;
		}
		sc->poisson = !strcmp(v, "poisson");
		return 0;
	case K_POSITIONS:
		return parse_positions(sc, v, msg, msglen);
	case K_KEYS:
		if (strcmp(v, "uniform") && strcmp(v, "names")) {
			snprintf(msg, msglen, "bad value '%s' for keys: expected uniform or names", v);
			return -1;
		}
		sc->key_names = !strcmp(v, "names");
		return 0;
	}
	snprintf(msg, msglen, "internal: unhandled key type");
	return -1;
}

static const keydef *find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].key, key))
			return &keys[i];
	return NULL;
}

int sim_scenario_parse(sim_scenario *sc, const char *file, const char *text, char *err,
		       size_t errlen)
{
	char msg[SIM_ERR_MAX / 2];
	char line[4096];
	int lineno = 0, section = -1;
	int seen_section[NSECTIONS] = { 0 };
	const char *p = text;

	snprintf(sc->file, sizeof sc->file, "%s", file);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (n >= sizeof line)
			return ini_fail(err, errlen, file, lineno, "line too long (at most %zu characters)",
				    sizeof line - 1);
		memcpy(line, p, n);
		line[n] = 0;
		p += n + (nl ? 1 : 0);
		if (memchr(line, 0, n))
			return ini_fail(err, errlen, file, lineno, "NUL byte in line");
		ini_strip_comment(line);
		char *s = ini_trim(line);
		if (!*s)
			continue;
		if (*s == '[') {
			size_t sl = strlen(s);
			if (s[sl - 1] != ']')
				return ini_fail(err, errlen, file, lineno, "bad section header (expected [name])");
			s[sl - 1] = 0;
			char *name = ini_trim(s + 1);
			int i;
			for (i = 0; i < NSECTIONS && strcmp(name, sections[i]); i++)
				;
			if (i == NSECTIONS)
				return ini_fail(err, errlen, file, lineno,
					    "unknown section [%s] (known: run network cpu nodes workload churn adversary events expect)",
					    name);
			if (seen_section[i])
				return ini_fail(err, errlen, file, lineno, "duplicate section [%s] (first on line %d)",
					    name, seen_section[i]);
			seen_section[i] = lineno;
			section = i;
			if (!strcmp(name, "expect"))
				sc->has_expect = 1;
			continue;
		}
		if (section < 0)
			return ini_fail(err, errlen, file, lineno, "text before the first [section]");
		if (!strcmp(sections[section], "events")) {
			if (sim_schedule_action(sc, s, lineno, msg, sizeof msg))
				return ini_fail(err, errlen, file, lineno, "%s", msg);
			continue;
		}
		if (!strcmp(sections[section], "expect")) {
			if (sim_schedule_expect(sc, s, lineno, msg, sizeof msg))
				return ini_fail(err, errlen, file, lineno, "%s", msg);
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq)
			return ini_fail(err, errlen, file, lineno, "missing '=' (expected key = value)");
		*eq = 0;
		char *key = ini_trim(s), *val = ini_trim(eq + 1);
		if (!*key)
			return ini_fail(err, errlen, file, lineno, "missing key before '='");
		const keydef *k = find_key(sections[section], key);
		if (!k)
			return ini_fail(err, errlen, file, lineno, "unknown key '%s' in [%s]", key,
				    sections[section]);
		size_t ki = (size_t)(k - keys);
		if (k->type != K_PARTITION && sc->key_line[ki])
			return ini_fail(err, errlen, file, lineno, "duplicate key '%s' (first set on line %d)",
				    key, sc->key_line[ki]);
		if (set_value(sc, k, val, lineno, msg, sizeof msg))
			return ini_fail(err, errlen, file, lineno, "%s", msg);
		sc->key_line[ki] = lineno;
	}
	/* an empty file (or one of comments only) is a mistake, not a request for the defaults:
	 * a wrong path or a truncated file would otherwise run a default scenario and pass */
	if (section < 0)
		return ini_fail(err, errlen, file, 0,
				"empty scenario: no [section] (a scenario needs at least one, e.g. [run])");
	return 0;
}

int sim_scenario_load(sim_scenario *sc, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ini_fail(err, errlen, path, 0, "cannot open: %s", strerror(errno));
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0)
			break;
		if (len + 1 == cap) {
			if (cap >= (1u << 26)) {
				free(buf);
				fclose(f);
				return ini_fail(err, errlen, path, 0, "file too large");
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int rerr = ferror(f);
	fclose(f);
	if (!buf)
		return ini_fail(err, errlen, path, 0, "out of memory");
	if (rerr) {
		free(buf);
		return ini_fail(err, errlen, path, 0, "read error");
	}
	buf[len] = 0;
	if (memchr(buf, 0, len)) {
		/* report the line of the first NUL byte rather than silently truncating */
		int line = 1;
		for (size_t i = 0; buf[i]; i++)
			line += buf[i] == '\n';
		free(buf);
		return ini_fail(err, errlen, path, line, "NUL byte in line");
	}
	int r = sim_scenario_parse(sc, path, buf, err, errlen);
	free(buf);
	return r;
}

int sim_scenario_set(sim_scenario *sc, const char *assignment, char *err, size_t errlen)
{
	char buf[1024], msg[SIM_ERR_MAX / 2];
	if (strlen(assignment) >= sizeof buf)
		return ini_fail(err, errlen, "--set", 0, "assignment too long");
	memcpy(buf, assignment, strlen(assignment) + 1);
	char *eq = strchr(buf, '=');
	char *dot = strchr(buf, '.');
	if (!eq || !dot || dot > eq)
		return ini_fail(err, errlen, "--set", 0, "expected section.key=value, got '%s'", assignment);
	*dot = 0;
	*eq = 0;
	char *section = ini_trim(buf), *key = ini_trim(dot + 1), *val = ini_trim(eq + 1);
	int i;
	for (i = 0; i < NSECTIONS && strcmp(section, sections[i]); i++)
		;
	if (i == NSECTIONS)
		return ini_fail(err, errlen, "--set", 0, "unknown section [%s]", section);
	const keydef *k = find_key(section, key);
	if (!k)
		return ini_fail(err, errlen, "--set", 0, "unknown key '%s' in [%s]", key, section);
	if (set_value(sc, k, val, 0, msg, sizeof msg))
		return ini_fail(err, errlen, "--set", 0, "%s", msg);
	sc->key_line[k - keys] = -1;
	return 0;
}

static int key_line_of(const sim_scenario *sc, const char *section, const char *key)
{
	const keydef *k = find_key(section, key);
	return k ? sc->key_line[k - keys] : 0;
}

/* Errors about a key: FILE:LINE when the file set it, "--set" when an override did. */
static int fail_key(const sim_scenario *sc, char *err, size_t errlen, const char *section,
		    const char *key, const char *fmt, const char *arg)
{
	int line = key_line_of(sc, section, key);
	if (line < 0)
		return ini_fail(err, errlen, "--set", 0, fmt, arg);
	return ini_fail(err, errlen, sc->file, line, fmt, arg);
}

static int load_matrix(sim_scenario *sc, char *err, size_t errlen)
{
	char path[2 * SIM_PATH_MAX];
	const char *slash = strrchr(sc->file, '/');
	if (sc->matrix_file[0] == '/' || !slash)
		snprintf(path, sizeof path, "%s", sc->matrix_file);
	else
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - sc->file), sc->file, sc->matrix_file);
	FILE *f = fopen(path, "r");
	if (!f)
		return fail_key(sc, err, errlen, "network", "matrix_file", "cannot open matrix file '%s'",
				path);
	char line[8192];
	int lineno = 0;
	size_t rows = 0, cols = 0, cap = 0;
	double *m = NULL;
	int rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		ini_strip_comment(line);
		for (char *c = line; *c; c++)
			if (*c == ',')
				*c = ' ';
		char *tok[1025];
		int n = ini_tokenize(line, tok, 1024);
		if (n == 0)
			continue;
		if (n > 1024) {
			rc = ini_fail(err, errlen, path, lineno, "more than 1024 groups");
			break;
		}
		if (cols == 0)
			cols = (size_t)n;
		if ((size_t)n != cols) {
			rc = ini_fail(err, errlen, path, lineno, "row has %d values, expected %zu", n, cols);
			break;
		}
		if (rows == cols) {
			rc = ini_fail(err, errlen, path, lineno, "more rows than columns (the matrix must be square)");
			break;
		}
		if ((rows + 1) * cols > cap) {
			cap = cols * cols;
			double *nm = realloc(m, cap * sizeof *nm);
			if (!nm) {
				rc = ini_fail(err, errlen, path, lineno, "out of memory");
				break;
			}
			m = nm;
		}
		for (int j = 0; j < n; j++) {
			double v;
			if (ini_double(tok[j], &v) || v < 0 || v > 86400e3) {
				rc = ini_fail(err, errlen, path, lineno, "bad latency '%s' (milliseconds >= 0)", tok[j]);
				break;
			}
			m[rows * cols + (size_t)j] = v;
		}
		if (rc)
			break;
		rows++;
	}
	fclose(f);
	if (!rc && (rows == 0 || rows != cols))
		rc = ini_fail(err, errlen, path, lineno, "matrix has %zu rows and %zu columns; it must be square and non-empty",
			  rows, cols);
	if (rc) {
		free(m);
		return rc;
	}
	free(sc->matrix_ms);
	sc->matrix_ms = m;
	sc->groups = (uint32_t)rows;
	return 0;
}

/* "nN" or "N" naming an existing node, or the word meaning "no particular node". */
static int adv_node(const char *v, const char *word, uint32_t count, uint32_t *out)
{
	if (!strcmp(v, word)) {
		*out = SIM_ADV_ANY;
		return 0;
	}
	if (*v == 'n')
		v++;
	uint64_t u;
	if (ini_u64(v, &u) != 0 || u >= count)
		return -1;
	*out = (uint32_t)u;
	return 0;
}

int sim_scenario_finish(sim_scenario *sc, char *err, size_t errlen)
{
	if (sc->latency == SIM_LAT_UNIFORM && sc->latency_min_ns > sc->latency_max_ns)
		return fail_key(sc, err, errlen, "network", "latency_min", "%s",
				"latency_min is larger than latency_max");
	if (sc->latency == SIM_LAT_NORMAL && (sc->latency_min_ns > sc->latency_ns ||
					      sc->latency_ns > sc->latency_max_ns))
		return fail_key(sc, err, errlen, "network", "latency_mean", "%s",
				"normal latency: need latency_min <= latency_mean <= latency_max");
	if (sc->latency == SIM_LAT_MATRIX) {
		if (!sc->matrix_file[0])
			return fail_key(sc, err, errlen, "network", "latency", "%s",
					"latency = matrix needs matrix_file");
		if (load_matrix(sc, err, errlen))
			return -1;
	}
	/* a sample walks every node: a tiny interval would stall a large run for nothing */
	if (sc->sample_ns != 0 && sc->sample_ns < 1000000)
		return fail_key(sc, err, errlen, "run", "sample_interval", "%s",
				"sample_interval must be 0 (off) or at least 1ms");
	if (sc->workload_start_ns > sc->workload_stop_ns)
		return fail_key(sc, err, errlen, "workload", "start", "%s", "start is after stop");
	if (sc->churn_start_ns > sc->churn_stop_ns)
		return fail_key(sc, err, errlen, "churn", "start", "%s", "start is after stop");
	if (sc->fail_share > 0 && sc->fail_share_at_ns > sc->duration_ns)
		return fail_key(sc, err, errlen, "churn", "fail_at", "%s",
				"fail_at is after the end of the run ([run] duration)");
	if (sc->adv_start_ns > sc->adv_stop_ns)
		return fail_key(sc, err, errlen, "adversary", "start", "%s", "start is after stop");
	if (adv_node(sc->adv_target, "any", sc->count, &sc->adv_target_node))
		return fail_key(sc, err, errlen, "adversary", "target",
				"%s", "target must be 'any' or an existing node nN ([nodes] count)");
	if (adv_node(sc->adv_to, "same", sc->count, &sc->adv_to_node))
		return fail_key(sc, err, errlen, "adversary", "to",
				"%s", "to must be 'same' or an existing node nN ([nodes] count)");
	if ((!strcmp(sc->adversary, "mitm") || !strcmp(sc->adversary, "hello_flood")) &&
	    sc->adv_target_node == SIM_ADV_ANY)
		/* the kind's line: target itself may never have been written */
		return fail_key(sc, err, errlen, "adversary", "kind", "%s",
				"mitm and hello_flood need a victim: target = nN");
	for (size_t i = 0; i < sc->npartitions; i++) {
		const sim_partition *p = &sc->partitions[i];
		const char *f = p->line > 0 ? sc->file : "--set";
		if (p->a_hi >= sc->count || p->b_hi >= sc->count)
			return ini_fail(err, errlen, f, p->line, "partition names node %u but there are only %u nodes",
				    p->a_hi >= sc->count ? p->a_hi : p->b_hi, sc->count);
		if (!(p->a_hi < p->b_lo || p->b_hi < p->a_lo))
			return ini_fail(err, errlen, f, p->line, "partition sides overlap");
	}
	if (adv_node(sc->bootstrap, "", sc->count, &sc->bootstrap_node) || sc->bootstrap_node == SIM_ADV_ANY)
		return fail_key(sc, err, errlen, "nodes", "bootstrap", "%s",
				"bootstrap must be an existing node nN ([nodes] count)");
	if (sc->npositions) {
		char what[96];
		if (sc->m > SIM_POSITIONS_MAX_M) {
			snprintf(what, sizeof what, "positions need m <= %d (m = %u): a node's key is drawn "
				 "until its id lands there", SIM_POSITIONS_MAX_M, sc->m);
			return fail_key(sc, err, errlen, "nodes", "positions", "%s", what);
		}
		if (sc->npositions != sc->count) {
			snprintf(what, sizeof what, "positions lists %u positions for %u nodes ([nodes] count)",
				 sc->npositions, sc->count);
			return fail_key(sc, err, errlen, "nodes", "positions", "%s", what);
		}
		for (uint32_t i = 0; i < sc->npositions; i++) {
			if (sc->positions[i] >> sc->m) {
				snprintf(what, sizeof what, "position %u (node n%u) is outside the ring: m = %u "
					 "allows 0 to %u", sc->positions[i], i, sc->m, (1u << sc->m) - 1);
				return fail_key(sc, err, errlen, "nodes", "positions", "%s", what);
			}
		}
	}
	if (sc->members > sc->count)
		sc->members = sc->count;
	if (sc->bootstrap_node >= sc->members && sc->join != SIM_JOIN_NONE)
		return fail_key(sc, err, errlen, "nodes", "bootstrap", "%s",
				"bootstrap must be one of the first `members` nodes");
	/* The oracle ring is already ideal: maintenance only runs when the scenario asks. */
	if (sc->join == SIM_JOIN_STATIC) {
		if (!key_line_of(sc, "nodes", "stabilize"))
			sc->stabilize_ns = 0;
		if (!key_line_of(sc, "nodes", "fix_fingers"))
			sc->fix_fingers_ns = 0;
		if (!key_line_of(sc, "nodes", "check_pred"))
			sc->check_pred_ns = 0;
	}
	/* churn keeps Chord's r + 1 live members unless the scenario asks for fewer */
	if (!key_line_of(sc, "churn", "min_members"))
		sc->churn_min = sc->succ_len + 1;
	if (sc->check_ns != 0 && sc->check_ns < 1000000)
		return fail_key(sc, err, errlen, "run", "check_interval", "%s",
				"check_interval must be 0 (off) or at least 1ms");
	for (size_t i = 0; i < sc->nactions; i++) {
		const sim_action *a = &sc->actions[i];
		int two = a->verb == SIM_VERB_PING || (a->verb == SIM_VERB_JOIN && a->peer != SIM_NODE_ANY);
		uint32_t bad = a->node >= sc->count ? a->node : a->peer;
		if (a->verb != SIM_VERB_CHECK && (a->node >= sc->count || (two && a->peer >= sc->count)))
			return ini_fail(err, errlen, sc->file, a->line, "node n%u does not exist ([nodes] count = %u)",
				    bad, sc->count);
		if (a->verb == SIM_VERB_PING && a->node == a->peer)
			return ini_fail(err, errlen, sc->file, a->line, "a node cannot ping itself");
		if (a->verb == SIM_VERB_JOIN && a->node == a->peer)
			return ini_fail(err, errlen, sc->file, a->line, "a node cannot join via itself");
		if (a->t > sc->duration_ns)
			return ini_fail(err, errlen, sc->file, a->line, "event after the end of the run ([run] duration)");
	}
	return 0;
}

int sim_scenario_warning(const sim_scenario *sc, char *out, size_t n)
{
	out[0] = 0;
	if ((sc->fail_rate <= 0 && sc->leave_rate <= 0) || sc->churn_min >= sc->succ_len + 1)
		return 0;
	int line = key_line_of(sc, "churn", "min_members");
	char where[SIM_PATH_MAX + 16];
	if (line < 0)
		snprintf(where, sizeof where, "--set");
	else
		snprintf(where, sizeof where, "%s:%d", sc->file, line);
	snprintf(out, n, "%s: warning: min_members = %u is below succ_len + 1 = %u: churn may take the "
		 "ring outside Chord's assumptions (see assumption_violations)", where, sc->churn_min,
		 sc->succ_len + 1);
	return 1;
}

static int append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	if (*len + n + 1 > *cap) {
		size_t nc = (*cap ? *cap * 2 : 1024) + n;
		char *nb = realloc(*buf, nc);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
	return 0;
}

char *sim_scenario_params(const sim_scenario *sc)
{
	char *buf = NULL, line[SIM_PATH_MAX + 128];
	size_t len = 0, cap = 0;
	for (size_t i = 0; i < NKEYS; i++) {
		const keydef *k = &keys[i];
		const char *base = (const char *)sc + k->off;
		char val[SIM_PATH_MAX + 32];
		switch (k->type) {
		case K_STR:
			snprintf(val, sizeof val, "%s", base);
			break;
		case K_U16:
			snprintf(val, sizeof val, "%u", *(const uint16_t *)(const void *)base);
			break;
		case K_U32:
			snprintf(val, sizeof val, "%u", *(const uint32_t *)(const void *)base);
			break;
		case K_U64:
			snprintf(val, sizeof val, "%llu", (unsigned long long)*(const uint64_t *)(const void *)base);
			break;
		case K_DUR:
			snprintf(val, sizeof val, "%lluns", (unsigned long long)*(const uint64_t *)(const void *)base);
			break;
		case K_PROB:
		case K_RATE:
		case K_DOUBLE:
			snprintf(val, sizeof val, "%.17g", *(const double *)(const void *)base);
			break;
		case K_BOOL:
			snprintf(val, sizeof val, "%s", *(const int *)(const void *)base ? "on" : "off");
			break;
		case K_LATENCY:
			snprintf(val, sizeof val, "%s", latency_names[sc->latency]);
			break;
		case K_HASH:
			snprintf(val, sizeof val, "%s", sc->trace_hash);
			break;
		case K_JOIN: {
			static const char *const words[] = { "none", "sequential", "parallel", "static" };
			if (sc->join == SIM_JOIN_SEQUENTIAL)
				snprintf(val, sizeof val, "sequential %lluns", (unsigned long long)sc->join_interval_ns);
			else
				snprintf(val, sizeof val, "%s", words[sc->join]);
			break;
		}
		case K_ARRIVALS:
			snprintf(val, sizeof val, "%s", sc->poisson ? "poisson" : "constant");
			break;
		case K_KEYS:
			snprintf(val, sizeof val, "%s", sc->key_names ? "names" : "uniform");
			break;
		case K_POSITIONS:
			/* written only when set, so the params of every other run read as before */
			if (!sc->npositions)
				continue;
			if (append(&buf, &len, &cap, "nodes.positions=")) {
				free(buf);
				return NULL;
			}
			for (uint32_t j = 0; j < sc->npositions; j++) {
				snprintf(line, sizeof line, "%s%u", j ? ", " : "", sc->positions[j]);
				if (append(&buf, &len, &cap, line)) {
					free(buf);
					return NULL;
				}
			}
			if (append(&buf, &len, &cap, "\n")) {
				free(buf);
				return NULL;
			}
			continue;
		case K_PARTITION:
			for (size_t j = 0; j < sc->npartitions; j++) {
				const sim_partition *p = &sc->partitions[j];
				snprintf(line, sizeof line, "network.partition=%lluns..%lluns %u-%u | %u-%u\n",
					 (unsigned long long)p->start, (unsigned long long)p->end,
					 p->a_lo, p->a_hi, p->b_lo, p->b_hi);
				if (append(&buf, &len, &cap, line)) {
					free(buf);
					return NULL;
				}
			}
			continue;
		}
		snprintf(line, sizeof line, "%s.%s=%s\n", k->section, k->key, val);
		if (append(&buf, &len, &cap, line)) {
			free(buf);
			return NULL;
		}
	}
	return buf;
}
