/* schedule.c: the line-oriented sections of a scenario: [events] ("at TIME VERB nA ...")
 * and [expect] ("NAME OP VALUE"). New verbs for the DHT operations are added to the verb
 * table here; the driver (sim.c) dispatches on sim_verb. It never runs anything.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "scenario.h"

/* [events] verbs: name, number of node arguments. */
static const struct {
	const char *name;
	sim_verb verb;
	int nargs;
} verbs[] = {
	{ "ping", SIM_VERB_PING, 2 },
	{ "fail", SIM_VERB_FAIL, 1 },
	{ "recover", SIM_VERB_RECOVER, 1 },
};

static int parse_node(const char *s, uint32_t *out)
{
	uint64_t v;
	if (s[0] != 'n' || ini_u64(s + 1, &v) || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int sim_schedule_action(sim_scenario *sc, char *s, int line, char *msg, size_t msglen)
{
	char *tok[8];
	int n = ini_tokenize(s, tok, 6);
	sim_action a = { .line = line };
	if (n < 3 || strcmp(tok[0], "at")) {
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
	if (n - 3 != verbs[i].nargs) {
		snprintf(msg, msglen, "'%s' takes %d node argument%s", verbs[i].name, verbs[i].nargs,
			 verbs[i].nargs == 1 ? "" : "s");
		return -1;
	}
	for (int j = 0; j < verbs[i].nargs; j++) {
		uint32_t *dst = j == 0 ? &a.node : &a.peer;
		if (parse_node(tok[3 + j], dst)) {
			snprintf(msg, msglen, "bad node '%s' (expected nI, e.g. n3)", tok[3 + j]);
			return -1;
		}
	}
	sim_action *na = realloc(sc->actions, (sc->nactions + 1) * sizeof *na);
	if (!na) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	sc->actions = na;
	sc->actions[sc->nactions++] = a;
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
	sim_expect *ne = realloc(sc->expects, (sc->nexpects + 1) * sizeof *ne);
	if (!ne) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	sc->expects = ne;
	sc->expects[sc->nexpects++] = e;
	return 0;
}
