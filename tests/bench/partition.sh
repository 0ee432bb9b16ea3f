#!/bin/sh
# partition.sh: how long after a partition the ring is one ideal ring again, against the
# number of nodes and the partition's length (docs/dht.md, Partitions and ring unification).
# Each run is scenarios/bench/partition-sweep.ini: an oracle ring of N nodes, nodes
# 0..N/2-1 cut from N/2..N-1 (interleaved positions) from 10 s for L seconds, a light workload
# until 15 s after the cut, then 45 s more. One line per (N, L): runs, how many ended as one
# ideal ring, heal_ns (from the end of the cut to the first of the ideal checks that last to
# the end; the checker runs every 100 ms) min / median / max, objects lost, and finds started
# 5 s or more after the cut that named a wrong owner or failed.
# Usage: sh tests/bench/partition.sh [BUILD] [DB] [SEEDS] [SIZES] [LENGTHS]
#   defaults: build results/partition.db 3 "50 500 5000" "1.5 8 30"
BUILD=${1:-build}
DB=${2:-results/partition.db}
SEEDS=${3:-3}
SIZES=${4:-"50 500 5000"}
LENGTHS=${5:-"1.5 8 30"}
sim="$BUILD/themis-sim"
ini=scenarios/bench/partition-sweep.ini
[ -x "$sim" ] || { echo "partition.sh: $sim not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "partition.sh: needs the sqlite3 CLI" >&2; exit 1; }
mkdir -p "$(dirname "$DB")"

for n in $SIZES; do
	for l in $LENGTHS; do
		half=$((n / 2))
		end=$(awk -v l="$l" 'BEGIN { print 10 + l }')
		seed=1
		while [ "$seed" -le "$SEEDS" ]; do
			"$sim" "$ini" --seed "$seed" --quiet --db "$DB" \
				--set run.name="partition-$n-$l" --set nodes.count="$n" \
				--set "network.partition=10s..${end}s 0-$((half - 1)) | $half-$((n - 1))" \
				--set run.duration="$(awk -v e="$end" 'BEGIN { print e + 60 }')s" \
				--set workload.stop="$(awk -v e="$end" 'BEGIN { print e + 15 }')s" >/dev/null 2>&1
			[ $? -le 1 ] || { echo "partition.sh: $sim failed (N=$n, L=$l s, seed $seed)" >&2; exit 1; }
			seed=$((seed + 1))
		done
		sqlite3 "$DB" "
		WITH r AS (SELECT run_id, sim_end_ns FROM runs WHERE scenario = 'partition-$n-$l'
			   ORDER BY run_id DESC LIMIT $SEEDS),
		h AS (SELECT s.value AS v, row_number() OVER (ORDER BY s.value) AS k, count(*) OVER () AS c
		      FROM summary s JOIN r USING (run_id) WHERE s.name = 'heal_ns')
		SELECT printf('N=%-5d L=%4.1f s: %d runs, one ideal ring in %d, heal min %.1f s median %.1f s max %.1f s, objects lost %d, late finds %d of which wrong or failed %d',
			$n, $l, (SELECT count(*) FROM r),
			(SELECT count(*) FROM summary s JOIN r USING (run_id) WHERE s.name = 'ring_ideal' AND s.value = 1),
			(SELECT min(v) / 1e9 FROM h), (SELECT v / 1e9 FROM h WHERE k = (c + 1) / 2),
			(SELECT max(v) / 1e9 FROM h),
			(SELECT sum(s.value) FROM summary s JOIN r USING (run_id) WHERE s.name = 'objects_lost'),
			(SELECT count(*) FROM ops o JOIN r USING (run_id) WHERE o.kind = 'find'
			 AND o.t_start_ns >= ($end + 5) * 1e9),
			(SELECT count(*) FROM ops o JOIN r USING (run_id) WHERE o.kind = 'find'
			 AND o.t_start_ns >= ($end + 5) * 1e9 AND (o.ok = 0 OR o.detail LIKE '%WRONG-OWNER%')));"
	done
done
