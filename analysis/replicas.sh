#!/bin/sh
# replicas.sh [BUILD] [SEEDS]: successor-list replication against the paper's single copy.
# scenarios/teaching/rack-failure.ini with K = 1 .. 5 consecutive nodes failing at once
# (succ_len = 3), replicate on and off, SEEDS seeds each (default 10), into
# results/replicas/replicas.db; prints one line per (mode, K) with the objects lost (mean and
# worst over the seeds) and the traffic of the whole run (datagrams and bytes, mean), and writes
# the same table to results/replicas/table.md. The traffic difference between the modes is
# the cost of keeping the copies.
set -eu
BUILD=${1:-build}
SEEDS=${2:-10}
OUT=results/replicas
DB=$OUT/replicas.db
INI=scenarios/teaching/rack-failure.ini
mkdir -p "$OUT"
rm -f "$DB"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-replicas.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for k in 1 2 3 4 5; do
	if [ "$k" -eq 1 ]; then run=""; else run=" +$((k - 1))"; fi
	sed "s/^at 15s fail n5 +2\$/at 15s fail n5$run/" "$INI" >"$tmp/k$k.ini"
	grep -q "^at 15s fail n5$run\$" "$tmp/k$k.ini" || { echo "replicas: $INI has no 'at 15s fail n5 +2' line" >&2; exit 2; }
	for mode in on off; do
		seed=1
		while [ "$seed" -le "$SEEDS" ]; do
			rc=0
			"$BUILD/themis-sim" "$tmp/k$k.ini" --seed "$seed" --set run.replicate=$mode \
				--set run.name=k$k-$mode --db "$DB" --quiet >/dev/null 2>&1 || rc=$?
			[ "$rc" -le 1 ] || { echo "replicas: themis-sim failed (exit $rc) for K=$k, replicate=$mode, seed $seed" >&2; exit 2; }
			seed=$((seed + 1))
		done
	done
done
{
	echo "| replicate | failed at once | objects lost (mean) | objects lost (worst) | datagrams (mean) | bytes (mean) |"
	echo "|---|---|---|---|---|---|"
	sqlite3 -separator ' | ' "$DB" "
		SELECT substr(r.scenario, instr(r.scenario, '-') + 1), substr(r.scenario, 2, instr(r.scenario, '-') - 2),
		       printf('%.2f', avg(CASE s.name WHEN 'objects_lost' THEN s.value END)),
		       printf('%d', max(CASE s.name WHEN 'objects_lost' THEN s.value END)),
		       printf('%.0f', avg(CASE s.name WHEN 'datagrams' THEN s.value END)),
		       printf('%.0f', avg(CASE s.name WHEN 'bytes' THEN s.value END))
		FROM runs r JOIN summary s USING (run_id)
		GROUP BY r.scenario ORDER BY 1 DESC, 2" | sed 's/^/| /; s/$/ |/'
} >"$OUT/table.md"
cat "$OUT/table.md"
