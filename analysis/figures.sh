#!/bin/sh
# figures.sh DB OUTDIR: turns one results database (analysis/schema.sql) into figures and a report.
# Owns the driver only: each figure is analysis/<fig>.sql (query + "-- key: value" metadata) and
# analysis/<fig>.gp (gnuplot, terminal-independent); see docs/analysis.md.
set -eu

usage() { echo "usage: sh analysis/figures.sh DB OUTDIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
DB=$1
OUT=$2
HERE=$(dirname "$0")

# The figures, in report order. Adding one = adding its .sql and .gp and its name here.
FIGS="latency_cdf hops_hist hops_vs_failed drops attacks timeseries security_overhead"

for tool in sqlite3 gnuplot awk; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "figures: $tool not found; run: sudo apt-get install -y sqlite3 gnuplot-nox" >&2
		exit 2
	}
done
[ -f "$DB" ] || { echo "figures: no database $DB (run build/themis-sim SCENARIO.ini --db $DB first)" >&2; exit 2; }
mkdir -p "$OUT/data"

# gnuplot-nox normally has pngcairo; the libgd png terminal is the fallback (plainer fonts).
# noenhanced: labels are scenario and metric names, where "_" must not mean subscript.
if gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo; then
	PNGTERM="pngcairo noenhanced font 'Sans,11'"
else
	PNGTERM="png noenhanced"
fi
SVGTERM="svg noenhanced font 'Sans,11' background rgb 'white'"

# meta FILE KEY: the value of a "-- KEY: value" line in a figure's .sql.
meta() { sed -n "s/^-- $2: //p" "$1" | head -n 1; }

# q SQL: run a query in the database with the figure separator, no header.
q() { sqlite3 -batch -separator ' ' "$DB" "$1"; }

# Shapes: a figure's query returns long rows; the driver turns them into what gnuplot plots.
# series: "label x y ..." rows ordered by label -> one block per label (gnuplot `index`),
#         separated by two blank lines; the labels go to gnuplot as the string `labels`.
to_series() { # RAW DAT LABELS
	awk -v lab="$3" '
	{ l = $1; gsub(/[\047"]/, "_", l) }
	l != prev { if (NR > 1) printf "\n\n"; printf "%s%s", (n++ ? " " : ""), l > lab; prev = l }
	{ $1 = ""; sub(/^ /, ""); print }
	END { printf "\n" > lab }' "$1" > "$2"
}
# matrix: "row_rank row col_rank col value" rows (ranks dense from 1) -> a table with a header
#         line ("label" col1 col2 ...) and one line per row; missing cells are NaN.
to_matrix() { # RAW DAT
	awk '
	{ r = $1 + 0; c = $3 + 0; row[r] = $2; col[c] = $4; v[r, c] = $5
	  if (r > nr) nr = r; if (c > nc) nc = c }
	END {
		printf "\"label\""; for (c = 1; c <= nc; c++) printf " \"%s\"", col[c]; printf "\n"
		for (r = 1; r <= nr; r++) {
			printf "\"%s\"", row[r]
			for (c = 1; c <= nc; c++) printf " %s", ((r, c) in v) ? v[r, c] : "NaN"
			printf "\n"
		}
	}' "$1" > "$2"
}

# The report: runs, key summary values, then one section per figure.
REPORT="$OUT/report.md"
{
	echo "# Results: $(basename "$DB")"
	echo
	echo "Database \`$DB\`, figures made $(date -u +%Y-%m-%dT%H:%M:%SZ) by \`analysis/figures.sh\`."
	echo
	echo "## Runs"
	echo
	echo "| run | scenario | seed | mode | security | trace_hash | wall_s |"
	echo "|---|---|---|---|---|---|---|"
	q "SELECT run_id, scenario, seed, mode, security, trace_hash, printf('%.3f', wall_s)
	   FROM runs ORDER BY run_id" 2>/dev/null |
		awk '{ printf "| %s | %s | %s | %s | %s | `%s` | %s |\n", $1, $2, $3, $4, $5, substr($6, 1, 16), $7 }'
	echo
	echo "trace_hash: first 16 hex digits; the same scenario and seed give the same hash on any machine."
	echo
} > "$REPORT"

# Key summary values: the headline names (docs/interface.md) that at least one run has, one column
# each; *_ns values are shown in ms so the table stays narrow.
KEYS="lookups lookup_success_rate lookup_hops_mean lookup_latency_p50_ns lookup_latency_p99_ns
stores store_success_rate pings ping_success_rate ping_rtt_p50_ns ping_rtt_p99_ns handshakes
handshakes_failed forgeries_accepted replays_accepted ghost_records_accepted wrong_owner_results
objects_lost ring_valid ring_ideal"
inlist=$(printf "'%s'," $KEYS); inlist=${inlist%,}
present=$(q "SELECT DISTINCT name FROM summary WHERE name IN ($inlist)" 2>/dev/null || true)
cols=""
for k in $KEYS; do
	case " $(echo $present) " in *" $k "*) cols="$cols $k" ;; esac
done
if [ -n "$cols" ]; then
	{
		echo "## Key summary values"
		echo
		printf "| run |"; for k in $cols; do
			case $k in *_ns) printf " %s (ms) |" "${k%_ns}" ;; *) printf " %s |" "$k" ;; esac
		done; echo
		printf "|---|"; for k in $cols; do printf -- "---|"; done; echo
		# One query per run keeps the SQL simple; databases hold tens of runs, not millions.
		for r in $(q "SELECT run_id FROM runs ORDER BY run_id"); do
			printf "| %s |" "$r"
			for k in $cols; do
				case $k in *_ns) expr="printf('%.3f', value / 1e6)" ;; *) expr="printf('%g', value)" ;; esac
				v=$(q "SELECT $expr FROM summary WHERE run_id = $r AND name = '$k' LIMIT 1")
				printf " %s |" "${v:--}"
			done
			echo
		done
		echo
	} >> "$REPORT"
fi
echo "## Figures" >> "$REPORT"
echo >> "$REPORT"

made=0; skipped=0
for fig in $FIGS; do
	sql="$HERE/$fig.sql"; gp="$HERE/$fig.gp"
	title=$(meta "$sql" title); caption=$(meta "$sql" caption)
	shape=$(meta "$sql" shape); needs=$(meta "$sql" needs); size=$(meta "$sql" size)
	raw="$OUT/data/$fig.raw"; dat="$OUT/data/$fig.dat"; lab="$OUT/data/$fig.labels"
	rm -f "$OUT/$fig.png" "$OUT/$fig.svg" "$lab"
	why=""
	# A query error (an old database without a table, say) skips the figure; it never stops
	# the others.
	# runlabel.sql comes first: it gives every figure the labels of the runs it draws.
	if ! cat "$HERE/runlabel.sql" "$sql" | sqlite3 -batch -separator ' ' "$DB" > "$raw" 2> "$OUT/data/$fig.err"; then
		why="query failed: $(head -n 1 "$OUT/data/$fig.err")"
	elif [ ! -s "$raw" ]; then
		why="no data: needs $needs"
	fi
	if [ -z "$why" ]; then
		labels=""; n=0; ncols=0
		case $shape in
		series)
			to_series "$raw" "$dat" "$lab"
			labels=$(cat "$lab"); n=$(echo $labels | wc -w) ;;
		matrix)
			to_matrix "$raw" "$dat"
			ncols=$(awk 'NR == 1 { print NF - 1 }' "$dat")
			# the column names, one word each, for a figure that reads them (hops_hist)
			labels=$(awk 'NR == 1 { for (i = 2; i <= NF; i++) { gsub(/"/, "", $i); printf "%s%s", (i > 2 ? " " : ""), $i } }' "$dat") ;;
		*)	cp "$raw" "$dat" ;;
		esac
		vars="datafile='$dat'; labels='$labels'; n=$n; ncols=$ncols"
		for ext in png svg; do
			if [ $ext = png ]; then term=$PNGTERM; else term=$SVGTERM; fi
			if ! gnuplot -e "set terminal $term size ${size:-1000,620}; set output '$OUT/$fig.$ext'; $vars" \
				"$HERE/style.gp" "$gp" 2> "$OUT/data/$fig.gperr"; then
				why="gnuplot failed: $(grep -v '^ *$' "$OUT/data/$fig.gperr" | tail -n 1)"
				break
			fi
		done
	fi
	if [ -n "$why" ]; then
		rm -f "$OUT/$fig.png" "$OUT/$fig.svg"
		echo "figure $fig: skipped ($why)"
		printf -- "- **%s** (\`%s\`): skipped: %s.\n\n" "$title" "$fig" "$why" >> "$REPORT"
		skipped=$((skipped + 1))
	else
		echo "figure $fig: $OUT/$fig.png"
		printf "### %s\n\n![%s](%s.png)\n\n%s ([SVG](%s.svg), data \`data/%s.dat\`)\n\n" \
			"$title" "$title" "$fig" "$caption" "$fig" "$fig" >> "$REPORT"
		made=$((made + 1))
	fi
done
echo "figures: $made made, $skipped skipped; report: $REPORT"
