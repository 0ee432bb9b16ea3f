/* schedule.c: the line-oriented sections of a scenario: [events] ("at TIME VERB nA ...")
 * and [expect] ("NAME OP VALUE"). The verb table is here; the driver (sim.c) dispatches on
 * sim_verb. It never runs anything.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "scenario.h"

/* [events] verbs: name, and the words after the verb (nodes written nI): the fewest and the
 * most, and how the line reads (for error messages). */
static const struct {
	const char *name;
	sim_verb verb;
	int min, max;
	const char *usage;
} verbs[] = {
	{ "ping", SIM_VERB_PING, 2, 2, "ping nA nB" },
	{ "fail", SIM_VERB_FAIL, 1, 2, "fail nA [+K]" },
	{ "recover", SIM_VERB_RECOVER, 1, 1, "recover nA" },
	{ "join", SIM_VERB_JOIN, 1, 3, "join nA [via nB]" },
	{ "leave", SIM_VERB_LEAVE, 1, 1, "leave nA" },
	{ "store", SIM_VERB_STORE, 2, 3, "store nA NAME [TAG]" },
	{ "find", SIM_VERB_FIND, 2, 2, "find nA NAME|0xKEY" },
	{ "register", SIM_VERB_REGISTER, 2, 3, "register nA SERVICE [TAG]" },
	{ "discover", SIM_VERB_DISCOVER, 2, 3, "discover nA SERVICE [TAG]" },
	{ "check", SIM_VERB_CHECK, 0, 0, "check" },
};

static int parse_node(const char *s, uint32_t *out)
{
	uint64_t v;
	if (s[0] != 'n' || ini_u64(s + 1, &v) || v > UINT32_MAX - 2)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and 1..64 hex digits: the leading bits of a key, the rest zero (on an 8-bit ring,
 * 0x3f is position 63). */
static int parse_key(const char *s, uint8_t key[32])
{
	size_t n = strlen(s + 2);
	memset(key, 0, 32);
	if (n == 0 || n > 64)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = hexval((unsigned char)s[2 + i]);
		if (v < 0)
			return -1;
		key[i / 2] |= (uint8_t)(i % 2 ? v : v << 4);
	}
	return 0;
}

static int copy_word(char *dst, size_t cap, const char *src, const char *what, char *msg, size_t msglen)
{
	if (strlen(src) >= cap) {
		snprintf(msg, msglen, "%s '%s' is too long (at most %zu characters)", what, src, cap - 1);
		return -1;
	}
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* The words after the verb into a; errors name what was expected. */
static int parse_args(sim_action *a, size_t v, char **arg, int nargs, char *msg, size_t msglen)
{
	const char *word = a->verb == SIM_VERB_REGISTER || a->verb == SIM_VERB_DISCOVER ? "service" : "name";
	uint64_t k;

	if (a->verb == SIM_VERB_CHECK)
		return 0;
	if (parse_node(arg[0], &a->node)) {
		snprintf(msg, msglen, "bad node '%s' (expected nI, e.g. n3)", arg[0]);
		return -1;
	}
	switch (a->verb) {
	case SIM_VERB_PING:
		if (parse_node(arg[1], &a->peer)) {
			snprintf(msg, msglen, "bad node '%s' (expected nI, e.g. n3)", arg[1]);
			return -1;
		}
		return 0;
	case SIM_VERB_FAIL:
		/* "+K": and the K live members after nA in ring order, at the same instant */
		if (nargs == 2 && (arg[1][0] != '+' || ini_u64(arg[1] + 1, &k) || k == 0 || k > 1000000)) {
			snprintf(msg, msglen, "bad run '%s' (expected +K, K from 1 to 1000000: the K members "
				 "after nA fail with it)", arg[1]);
			return -1;
		}
		a->run = nargs == 2 ? (uint32_t)k : 0;
		return 0;
	case SIM_VERB_JOIN:
		a->peer = SIM_NODE_ANY;
		if (nargs == 1)
			return 0;
		if (nargs != 3 || strcmp(arg[1], "via") || parse_node(arg[2], &a->peer)) {
			snprintf(msg, msglen, "expected '%s'", verbs[v].usage);
			return -1;
		}
		return 0;
	case SIM_VERB_FIND:
		if (!strncmp(arg[1], "0x", 2)) {
			if (parse_key(arg[1], a->key)) {
				snprintf(msg, msglen, "bad key '%s' (expected 0x and 1 to 64 hex digits)", arg[1]);
				return -1;
			}
			a->has_key = 1;
		}
		return copy_word(a->arg, sizeof a->arg, arg[1], word, msg, msglen);
	case SIM_VERB_STORE:
	case SIM_VERB_REGISTER:
	case SIM_VERB_DISCOVER:
		if (copy_word(a->arg, sizeof a->arg, arg[1], word, msg, msglen))
			return -1;
		if (nargs == 3 && copy_word(a->tag, sizeof a->tag, arg[2], "tag", msg, msglen))
			return -1;
		return 0;
	default:
		return 0;
	}
}

int sim_schedule_action(sim_scenario *sc, char *s, int line, char *msg, size_t msglen)
{
	char *tok[8];
	int n = ini_tokenize(s, tok, 7);
	sim_action a = { .line = line };
	if (n < 3 || n > 7 || strcmp(tok[0], "at")) {
		snprintf(msg, msglen, "expected 'at TIME VERB ARGS...' (e.g. at 1s ping n0 n3)");
		return -1;
	}
	int r = sim_parse_duration(tok[1], &a.t);
	if (r) {
		snprintf(msg, msglen, "bad time '%s' (expected e.g. 1.5s, 200ms)", tok[1]);
		return -1;
	}
	size_t i, nv = sizeof verbs / sizeof verbs[0];
	for (i = 0; i < nv && strcmp(tok[2], verbs[i].name); i++)
		;
	if (i == nv) {
		char known[128] = "";
		for (size_t k = 0; k < nv; k++) {
			size_t used = strlen(known);
			snprintf(known + used, sizeof known - used, "%s%s", k ? " " : "", verbs[k].name);
		}
		snprintf(msg, msglen, "unknown verb '%s' (known: %s)", tok[2], known);
		return -1;
	}
	a.verb = verbs[i].verb;
	if (n - 3 < verbs[i].min || n - 3 > verbs[i].max) {
		if (verbs[i].min == verbs[i].max && verbs[i].min > 0 && a.verb != SIM_VERB_FIND)
			snprintf(msg, msglen, "'%s' takes %d node argument%s", verbs[i].name, verbs[i].min,
				 verbs[i].min == 1 ? "" : "s");
		else
			snprintf(msg, msglen, "expected '%s'", verbs[i].usage);
		return -1;
	}
	if (parse_args(&a, i, tok + 3, n - 3, msg, msglen))
		return -1;
	if (sim_grow((void **)&sc->actions, &sc->actionscap, sc->nactions + 1, sizeof *sc->actions)) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	sc->actions[sc->nactions++] = a;
	return 0;
}

int sim_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return -1;
		ncap *= 2;
	}
	void *na = realloc(*arr, ncap * elem);
	if (!na)
		return -1;
	*arr = na;
	*cap = ncap;
	return 0;
}

static const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=" };

const char *sim_cmp_name(sim_cmp op)
{
	return (unsigned)op < 6 ? cmp_names[op] : "?";
}

int sim_cmp_eval(sim_cmp op, double x, double y)
{
	switch (op) {
	case SIM_EQ: return x == y;
	case SIM_NE: return x != y;
	case SIM_LT: return x < y;
	case SIM_LE: return x <= y;
	case SIM_GT: return x > y;
	case SIM_GE: return x >= y;
	}
	return 0;
}

int sim_schedule_expect(sim_scenario *sc, char *s, int line, char *msg, size_t msglen)
{
	char *tok[4];
	int n = ini_tokenize(s, tok, 3);
	sim_expect e = { .line = line };
	if (n != 3) {
		snprintf(msg, msglen, "expected 'NAME OP VALUE' (e.g. ping_success_rate >= 0.99)");
		return -1;
	}
	size_t len = strlen(tok[0]);
	int ok = len > 0 && len < sizeof e.name;
	for (size_t i = 0; ok && i < len; i++)
		ok = islower((unsigned char)tok[0][i]) || isdigit((unsigned char)tok[0][i]) || tok[0][i] == '_';
	if (!ok) {
		snprintf(msg, msglen, "bad summary name '%s'", tok[0]);
		return -1;
	}
	memcpy(e.name, tok[0], len + 1);
	int i;
	for (i = 0; i < 6 && strcmp(tok[1], cmp_names[i]); i++)
		;
	if (i == 6) {
		snprintf(msg, msglen, "bad comparison '%s' (expected == != < <= > >=)", tok[1]);
		return -1;
	}
	e.op = (sim_cmp)i;
	if (ini_double(tok[2], &e.value)) {
		snprintf(msg, msglen, "bad value '%s': expected a number", tok[2]);
		return -1;
	}
	if (sim_grow((void **)&sc->expects, &sc->expectscap, sc->nexpects + 1, sizeof *sc->expects)) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	sc->expects[sc->nexpects++] = e;
	return 0;
}
