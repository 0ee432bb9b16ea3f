#!/bin/sh
# The mixed campaign: scenarios/churn/mixed.ini over SEEDS seeds (default 40) from FIRST, each
# on a ring of its own size (16 to 200 nodes, three quarters of them members at the start) and
# with a partition of its own length (1 to 8 s, from 14 s) in the middle of the churn.
# Every seed must pass the scenario's [expect] lines (no ring violation once settled, an ideal
# ring, no object lost, no ghost record). Prints one line per failing seed with the command
# that reproduces it, then a total; exit 1 when any failed.
# Usage: tests/mixed_campaign.sh [BUILD] [SEEDS] [FIRST]
BUILD=${1:-build}
SEEDS=${2:-40}
FIRST=${3:-1}
sim="$BUILD/themis-sim"
ini=scenarios/churn/mixed.ini
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-mixed.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
seed=$FIRST
last=$((FIRST + SEEDS - 1))
while [ "$seed" -le "$last" ]; do
	n=$((n + 1))
	count=$((16 + (seed * 7919) % 185))
	members=$((count * 3 / 4))
	# a partition of the node indexes in two halves (so each side holds nodes from all over
	# the ring), 1 to 8 s long, while the churn goes on
	half=$((count / 2))
	cut=$((1 + (seed * 104729) % 8))
	set -- --seed "$seed" --set nodes.count=$count --set nodes.members=$members \
		--set "network.partition=14s..$((14 + cut))s 0-$((half - 1)) | $half-$((count - 1))"
	if ! "$sim" "$ini" "$@" --quiet --db "$tmp/mixed.db" >"$tmp/out" 2>&1; then
		echo "mixed: seed $seed FAILED (reproduce: $sim $ini $* --trace -)"
		sed 's/^/    /' "$tmp/out"
		fail=$((fail + 1))
	fi
	seed=$((seed + 1))
done
sqlite3 "$tmp/mixed.db" "SELECT 'mixed: ' || count(DISTINCT run_id) || ' runs, ' ||
	sum(CASE WHEN name = 'failures' THEN value END) || ' failures, ' ||
	sum(CASE WHEN name = 'leaves' THEN value END) || ' leaves, ' ||
	sum(CASE WHEN name = 'joins' THEN value END) || ' joins; ring violations ' ||
	sum(CASE WHEN name = 'ring_violations' THEN value END) || ', objects lost ' ||
	sum(CASE WHEN name = 'objects_lost' THEN value END) || ', wrong owners ' ||
	sum(CASE WHEN name = 'wrong_owner_results' THEN value END) || ', ghost records ' ||
	sum(CASE WHEN name = 'ghost_records_accepted' THEN value END) || ', lookups ' ||
	sum(CASE WHEN name = 'lookups' THEN value END) || ' (' ||
	round(100.0 * avg(CASE WHEN name = 'lookup_success_rate' THEN value END), 2) || '% ok)'
	FROM summary" 2>/dev/null
echo "mixed: $n seeds, $fail failed"
[ "$fail" -eq 0 ]
