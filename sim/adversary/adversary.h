/* adversary.h: the Dolev-Yao adversary's single point of contact with the simulated network:
 * every datagram that leaves a node passes through sim_adversary_hook before the network
 * model sees it. It owns attack strategy only; it never reaches into a node's state.
 */
#ifndef SIM_ADVERSARY_H
#define SIM_ADVERSARY_H

#include <stddef.h>
#include <stdint.h>

#include "../rng.h"
#include "../scenario.h"
#include "themis.h"

struct sim;

/* A datagram on its way into the network. The hook may rewrite data (up to cap bytes), len
 * and dst; src is where it claims to come from. A hook that modifies the datagram sets tag
 * (see sim_adv_log) so the driver can report what the receiver did with it. */
typedef struct sim_dgram {
	uint32_t from;          /* sending node index */
	themis_addr src, dst;
	uint8_t *data;
	size_t len, cap;
	uint32_t tag;           /* 0: untouched; else 1 + index into the adversary's log */
} sim_dgram;

typedef enum sim_adv_verdict {
	SIM_ADV_PASS,           /* the (possibly modified) datagram goes on */
	SIM_ADV_DROP,           /* the adversary removed it */
} sim_adv_verdict;

/* What an attack datagram is, for the summary's accepted counts. */
typedef enum sim_adv_class {
	SIM_ADV_OTHER,          /* delayed original: its acceptance is no failure */
	SIM_ADV_FORGED,         /* tampered, reflected, rewritten or built by the adversary */
	SIM_ADV_REPLAYED,       /* a copy of a datagram an honest node already sent */
	SIM_ADV_FLOOD,          /* a flood HELLO from a spoofed source */
	SIM_ADV_ORIGINAL,       /* the untouched original of REPLAYED copies: no attacks row, its
				   acceptance only counts towards its message's acceptances */
} sim_adv_class;

/* One adversary action whose outcome is reported when the receiver has processed it. A
 * message the adversary copies is its original's entry and one entry per copy; the copies
 * name the original's, where the acceptances of the whole message are counted. */
typedef struct sim_adv_log {
	const char *action;     /* static string: "replay", "flip:tag", ... */
	char target[16];        /* the receiving node, "nN" */
	uint8_t cls;            /* sim_adv_class */
	uint32_t original;      /* REPLAYED: the tag of its original's entry (0: none) */
	uint32_t accepted;      /* ORIGINAL: acceptances of the message so far, any copy */
} sim_adv_log;

typedef enum sim_adv_kind {
	SIM_ADVK_NONE, SIM_ADVK_DROP, SIM_ADVK_DELAY, SIM_ADVK_DUPLICATE, SIM_ADVK_REPLAY,
	SIM_ADVK_TAMPER, SIM_ADVK_REFLECT, SIM_ADVK_MITM, SIM_ADVK_CROSS, SIM_ADVK_FLOOD,
} sim_adv_kind;

typedef struct sim_adversary {
	const sim_scenario *sc;
	sim_rng rng;            /* the adversary's own stream (run seed, "adversary") */
	uint64_t seen;          /* datagrams observed */
	sim_adv_kind kind;
	int packet;             /* wire type to match, 0 = any */
	uint32_t actions;       /* datagrams acted on (at most sc->adv_max) */
	sim_adv_log *log;
	uint32_t nlog, logcap;
	/* the adversary's own identity (mitm, hello_flood), derived from the run seed */
	uint8_t pk[32], sk[64], id[32], net[32];
	uint8_t other_net[32];  /* cross_network */
	uint64_t flood_sent;
	/* hello_flood accounting at the victim */
	uint64_t spoofed_bytes_in, spoofed_bytes_out;
	uint64_t forgeries_accepted, replays_accepted;
} sim_adversary;

void sim_adversary_init(sim_adversary *a, const sim_scenario *sc, uint64_t seed);
void sim_adversary_free(sim_adversary *a);
/* Called once the nodes exist: schedules the adversary's own timed actions (hello_flood). */
void sim_adversary_start(struct sim *s, sim_adversary *a);
/* A SIM_EV_ADVERSARY event fired. */
void sim_adversary_tick(struct sim *s, sim_adversary *a, uint64_t now);

/* Sees every datagram at the moment it leaves its node (now). To inject, call sim_inject;
 * to report what the honest side did, sim_attack_record (both in advsim.h, the adversary's
 * one interface to the simulator). */
sim_adv_verdict sim_adversary_hook(struct sim *s, sim_adversary *a, uint64_t now, sim_dgram *d);

/* The driver delivered a tagged datagram of len bytes to node `node`; before and after are
 * that node's counters around its recv, effect the number of datagrams and events the node
 * produced in response. Writes the attacks row with the outcome. */
void sim_adversary_delivered(struct sim *s, sim_adversary *a, uint32_t tag, uint32_t node,
			     size_t len, const themis_counters *before,
			     const themis_counters *after, unsigned effect);

/* ---- shared between the adversary's files (not for the driver) ---- */

/* 1 + log index for a new action, or 0 when out of memory. */
uint32_t adv_log_new(sim_adversary *a, const char *action, sim_adv_class cls,
		     const themis_addr *to);
/* A row for an action with no receiver to wait for ("dropped by adversary"). */
void adv_record_now(struct sim *s, const sim_adversary *a, const char *action, const themis_addr *to,
		    const char *outcome);
/* Inject a copy of d from src to dst after delay, tagged for the outcome report; original:
 * for a REPLAYED copy, the tag adv_original gave the datagram it copies, else 0. */
int adv_send(struct sim *s, sim_adversary *a, const char *action, sim_adv_class cls,
	     const themis_addr *src, const themis_addr *dst, const uint8_t *data, size_t len,
	     uint64_t delay, uint32_t original);
/* Tags d, which goes on untouched, as the original of the copies about to be made, so its
 * own acceptance is counted with theirs. Returns the tag, or 0 when memory ran out. */
uint32_t adv_original(struct sim *s, sim_adversary *a, sim_dgram *d);

/* replay.c */
void adv_replay(struct sim *s, sim_adversary *a, sim_dgram *d);
void adv_cross_network(struct sim *s, sim_adversary *a, const sim_dgram *d);
/* tamper.c: flips one bit of the configured field and returns the action name
 * ("flip:tag", ...), or NULL when that field does not exist in this packet type. */
const char *adv_tamper(sim_adversary *a, sim_dgram *d);
/* forge.c */
void adv_identity(sim_adversary *a, uint64_t seed);
int adv_mitm(struct sim *s, sim_adversary *a, const sim_dgram *d);
void adv_flood_one(struct sim *s, sim_adversary *a);
int adv_is_spoofed(const themis_addr *addr);

#endif
