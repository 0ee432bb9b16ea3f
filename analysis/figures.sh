#!/bin/sh
# figures.sh DB [OUTDIR]: turns one results database (analysis/schema.sql; the simulator's and
# the daemon's) into PNG and SVG figures and a short report.md. Each figure is a query,
# analysis/<fig>.sql, returning "series x y" rows (or "series label y" for bar charts), and a
# gnuplot script, analysis/<fig>.gp; this driver only splits series and runs them.
set -eu
[ $# -ge 1 ] || { echo "usage: sh analysis/figures.sh DB [OUTDIR]" >&2; exit 2; }
DB=$1
OUT=${2:-results/figures/$(basename "$DB" .db)}
HERE=$(dirname "$0")
for tool in sqlite3 gnuplot awk; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "figures: $tool not found; run: sudo apt-get install -y sqlite3 gnuplot-nox" >&2
		exit 2
	}
done
[ -f "$DB" ] || { echo "figures: no database $DB (run build/themis-sim SCENARIO.ini --db $DB)" >&2; exit 2; }
mkdir -p "$OUT/data"

q() { sqlite3 -batch -separator ' ' "$DB" "$1"; }

# One figure: split the query's rows into one data file per series, then plot them all.
# Returns 1 (and says why in the report) when the database has no rows for it.
figure() {
	name=$1
	sqlite3 -batch -separator ' ' "$DB" <"$HERE/$name.sql" >"$OUT/data/$name.rows"
	if [ ! -s "$OUT/data/$name.rows" ]; then
		echo "- $name: no data in this database (skipped)" >>"$OUT/skipped.txt"
		return 1
	fi
	rm -f "$OUT/data/$name"-*.dat
	awk -v dir="$OUT/data" -v fig="$name" '{
		s = $1; gsub(/[^A-Za-z0-9_.-]/, "_", s)
		f = dir "/" fig "-" s ".dat"
		$1 = ""; sub(/^ /, ""); print > f
	}' "$OUT/data/$name.rows"
	files=$(ls "$OUT/data/$name"-*.dat | tr '\n' ' ')
	titles=$(for f in $files; do basename "$f" .dat | sed "s/^$name-//"; done | tr '\n' ' ')
	for term in png svg; do
		if [ $term = png ]; then t="pngcairo noenhanced size 900,560 font 'Sans,11'"; else t="svg noenhanced size 900,560 font 'Sans,11' background rgb 'white'"; fi
		gnuplot -e "set terminal $t; set output '$OUT/$name.$term'; files='$files'; titles='$titles'" "$HERE/$name.gp"
	done
	return 0
}

: >"$OUT/skipped.txt"
{
	echo "# Results: $(basename "$DB")"
	echo
	echo "| run | scenario | seed | mode | security | events | wall s | trace hash |"
	echo "|---|---|---|---|---|---|---|---|"
	q "SELECT run_id, scenario, seed, mode, security, events, printf('%.2f', wall_s), substr(trace_hash, 1, 16)
	   FROM runs ORDER BY run_id" | awk '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
	echo
	echo "Headline values (summary table):"
	echo
	echo "| run | name | value |"
	echo "|---|---|---|"
	q "SELECT run_id, name, printf('%.6g', value) FROM summary WHERE name IN ('lookups',
	   'lookup_success_rate', 'lookup_hops_mean', 'lookup_latency_p50_ns', 'lookup_latency_p99_ns',
	   'stores', 'store_success_rate', 'discovers', 'ring_valid', 'ring_ideal', 'objects_lost',
	   'wrong_owner_results', 'ghost_records_accepted', 'forgeries_accepted', 'replays_accepted',
	   'pings', 'ping_success_rate', 'handshakes') ORDER BY run_id, name" |
		awk '{ printf "| %s | %s | %s |\n", $1, $2, $3 }'
	echo
} >"$OUT/report.md"

caption_latency_cdf="Cumulative distribution of operation latency (successful operations), one curve per run and kind."
caption_hops="How many hops lookups took, per run."
caption_drops="Datagrams each run's nodes dropped, by reason: what the attacks ran into."
caption_timeseries="Time series sampled during the run (sum over nodes)."
for fig in latency_cdf hops drops timeseries; do
	if figure "$fig"; then
		eval "cap=\$caption_$fig"
		printf '## %s\n\n%s\n\n![%s](%s.png)\n\n' "$fig" "$cap" "$fig" "$fig" >>"$OUT/report.md"
	fi
done
if [ -s "$OUT/skipped.txt" ]; then
	{ echo "Skipped:"; echo; cat "$OUT/skipped.txt"; } >>"$OUT/report.md"
fi
rm -f "$OUT/skipped.txt"
echo "figures: $OUT/report.md"
