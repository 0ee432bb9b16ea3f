/* outcome.c: what the honest side did with each datagram the adversary touched, judged only
 * from the receiver's public drop counters around its recv; writes the attacks row and the
 * accepted-forgery and accepted-replay counts. It never looks inside a node.
 *
 * A replay accepted is a second acceptance of one message: a copy the adversary made, or the
 * original it copied, accepted when that message (the original or any of its copies, at any
 * node) was accepted before. A copy that overtakes its delayed original and is accepted first
 * is the message's one acceptance; the original that then arrives is dropped as a replay
 * (drops_replay), and nothing was accepted twice.
 */
#include "adversary.h"
#include "advsim.h"

#include <stdio.h>

void sim_adversary_delivered(struct sim *s, sim_adversary *a, uint32_t tag, uint32_t node,
			     size_t len, const themis_counters *before,
			     const themis_counters *after, unsigned effect)
{
	if (tag == 0 || tag > a->nlog)
		return;
	sim_adv_log *e = &a->log[tag - 1];
	char outcome[48] = "accepted";
	int dropped = 0;
	/* recv handles one datagram, so at most one reason moves; report the first that did */
	for (int r = 0; r < THEMIS_DROP__COUNT && !dropped; r++) {
		if (after->drops[r] != before->drops[r]) {
			snprintf(outcome, sizeof outcome, "dropped:%s", themis_drop_name((themis_drop)r));
			dropped = 1;
		}
	}
	if (!dropped && !effect)
		snprintf(outcome, sizeof outcome, "ignored"); /* accepted, but nothing came of it */
	switch ((sim_adv_class)e->cls) {
	case SIM_ADV_FORGED:
		/* a forgery counts only if it got through every check and made the node act */
		if (!dropped && effect)
			sim_adv_accepted(s, 0);
		break;
	case SIM_ADV_REPLAYED:
	case SIM_ADV_ORIGINAL: {
		/* the message's acceptances are counted at its original's entry */
		uint32_t orig = e->cls == SIM_ADV_ORIGINAL ? tag : e->original;
		sim_adv_log *m = orig && orig <= a->nlog ? &a->log[orig - 1] : e;
		if (!dropped && m->accepted++ > 0)
			sim_adv_accepted(s, 1);
		if (e->cls == SIM_ADV_ORIGINAL)
			return; /* the untouched original is no attack: no row */
		break;
	}
	case SIM_ADV_FLOOD:
		if (node == a->sc->adv_target_node)
			a->spoofed_bytes_in += len;
		break;
	case SIM_ADV_OTHER:
		break;
	}
	char tn[16];
	snprintf(tn, sizeof tn, "n%u", node);
	sim_attack_record(s, a->sc->adversary, e->action, tn, outcome);
}
