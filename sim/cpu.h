/* cpu.h: the per-node CPU model: turns the crypto work a node reports (themis_counters) into
 * simulated busy time, and measures this machine's real costs (--calibrate). It never
 * decides what a node does, only how long doing it takes.
 */
#ifndef SIM_CPU_H
#define SIM_CPU_H

#include <stdint.h>
#include <stdio.h>

#include "scenario.h"
#include "themis.h"

/* Simulated nanoseconds for the work done between two counter snapshots of one node (one
 * input): each operation's cost times how often it ran, plus the fixed per-message cost. */
uint64_t sim_cpu_charge(const sim_cpu_costs *c, const themis_counters *before,
			const themis_counters *after);

/* Measures sign, verify, dh, keygen, hash and AEAD costs with libsodium (median of several
 * rounds) into *c. Takes about a second. Returns 0, or -1 when libsodium cannot start. */
int sim_cpu_calibrate(sim_cpu_costs *c);
/* Writes c as a ready-to-paste [cpu] section. */
void sim_cpu_print(FILE *out, const sim_cpu_costs *c);

#endif
