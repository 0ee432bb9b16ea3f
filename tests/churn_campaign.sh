#!/bin/sh
# The randomized churn campaign: scenarios/churn/campaign.ini (or INI, e.g.
# scenarios/churn/partition.ini) over SEEDS seeds (default 40) with BUILD/themis-sim. Each seed
# must pass the scenario's [expect] lines: for campaign.ini no ring violation after the settle
# time, an ideal ring at the end, no object lost, no ghost record. Prints one line per failing
# seed (with the failed expectations) and a total; exit 1 when any failed.
# Usage: tests/churn_campaign.sh [BUILD] [SEEDS] [FIRST] [INI]
BUILD=${1:-build}
SEEDS=${2:-40}
FIRST=${3:-1}
ini=${4:-scenarios/churn/campaign.ini}
sim="$BUILD/themis-sim"
what=$(basename "$ini" .ini)
[ "$what" = campaign ] && what="churn campaign" || what="churn $what"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-churn.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
seed=$FIRST
last=$((FIRST + SEEDS - 1))
while [ "$seed" -le "$last" ]; do
	n=$((n + 1))
	if ! "$sim" "$ini" --seed "$seed" --quiet --db "$tmp/campaign.db" >"$tmp/out" 2>&1; then
		echo "$what: seed $seed FAILED (reproduce: $sim $ini --seed $seed --trace -)"
		sed 's/^/    /' "$tmp/out"
		fail=$((fail + 1))
	fi
	seed=$((seed + 1))
done
# the whole campaign in one table: violations, lookups, losses per seed
sqlite3 "$tmp/campaign.db" "SELECT '$what: ' || count(*) || ' runs, ring violations ' ||
	sum(CASE WHEN name = 'ring_violations' THEN value END) || ', objects lost ' ||
	sum(CASE WHEN name = 'objects_lost' THEN value END) || ', lookups ' ||
	sum(CASE WHEN name = 'lookups' THEN value END) || ' (' ||
	round(100.0 * avg(CASE WHEN name = 'lookup_success_rate' THEN value END), 2) || '% ok, wrong owner ' ||
	sum(CASE WHEN name = 'wrong_owner_results' THEN value END) || ' during churn)' ||
	coalesce(', one ideal ring at most ' || round(max(CASE WHEN name = 'heal_ns' THEN value END) / 1e9, 2) ||
		 ' s after the partition', '')
	FROM summary" 2>/dev/null | sed 's/ [0-9]* runs/ '"$n"' runs/'
echo "$what: $n seeds, $fail failed"
[ "$fail" -eq 0 ]
