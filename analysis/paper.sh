#!/bin/sh
# paper.sh [BUILD]: reproduces the paper's experiments that a simulator can (section 9.2,
# Figure 4: find latency and throughput against the number of nodes, THEMIS against the
# vanilla baseline) into results/paper/paper.db, then draws them with figures.sh and the
# paper_* figures. Same seed, same numbers on any machine (wall-clock columns excepted).
set -eu
BUILD=${1:-build}
OUT=results/paper
DB=$OUT/paper.db
HERE=$(dirname "$0")
mkdir -p "$OUT"
rm -f "$DB"
for n in 10 25 50 100 200 400; do
	for sec in off on; do
		printf 'paper: find-vs-nodes, %4d nodes, security %-3s ... ' "$n" "$sec"
		"$BUILD/themis-sim" scenarios/paper/find-vs-nodes.ini --set nodes.count=$n \
			--set run.security=$sec --db "$DB" --quiet
		sqlite3 "$DB" "SELECT printf('p50 %.3f ms, p99 %.3f ms', max(CASE name WHEN 'lookup_latency_p50_ns' THEN value END) / 1e6,
			max(CASE name WHEN 'lookup_latency_p99_ns' THEN value END) / 1e6)
			FROM summary WHERE run_id = (SELECT max(run_id) FROM runs)"
	done
done
sh "$HERE/figures.sh" "$DB" "$OUT" >/dev/null
for fig in paper_find_latency paper_find_throughput; do
	sqlite3 -batch -separator ' ' "$DB" <"$HERE/$fig.sql" >"$OUT/data/$fig.rows"
	rm -f "$OUT/data/$fig"-*.dat
	awk -v dir="$OUT/data" -v fig="$fig" '{ f = dir "/" fig "-" $1 ".dat"; $1 = ""; sub(/^ /, ""); print > f }' \
		"$OUT/data/$fig.rows"
	files=$(ls "$OUT/data/$fig"-*.dat | tr '\n' ' ')
	titles=$(for f in $files; do basename "$f" .dat | sed "s/^$fig-//"; done | tr '\n' ' ')
	gnuplot -e "set terminal pngcairo noenhanced size 900,560 font 'Sans,11'; set output '$OUT/$fig.png'; files='$files'; titles='$titles'" "$HERE/$fig.gp"
	printf '## %s\n\n![%s](%s.png)\n\n' "$fig" "$fig" "$fig" >>"$OUT/report.md"
done
echo "paper: figures and report in $OUT/report.md"
