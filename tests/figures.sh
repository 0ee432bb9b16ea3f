#!/bin/sh
# Tests analysis/figures.sh: a database from two scenario runs, the same with a few synthetic
# DHT rows (so every figure's gnuplot script runs whatever the simulator records today), and an
# empty database (every figure skipped, still exit 0). Exit 1 on the first failed check.
set -eu
BUILD=${1:-build}
sim="$BUILD/themis-sim"
# KEEP=1 keeps the scratch directory (databases, figures) for a look.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-figures.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT

fail() { echo "figures: FAILED: $*"; exit 1; }

# figures DB OUT: runs the driver; a query or gnuplot error is a bug in a figure, never a
# "no data" skip, so it fails the test.
figures() {
	sh analysis/figures.sh "$1" "$2" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "figures.sh $1 exited non-zero"; }
	if grep -E 'query failed|gnuplot failed' "$tmp/log"; then fail "a figure script is broken ($1)"; fi
	[ -s "$2/report.md" ] || fail "no $2/report.md"
}
# made OUT: every figure the driver says it made has a non-empty PNG and SVG.
check_made() {
	for png in $(sed -n 's/^figure [a-z_]*: \(.*\.png\)$/\1/p' "$tmp/log"); do
		[ -s "$png" ] || fail "$png missing or empty"
		[ -s "${png%.png}.svg" ] || fail "${png%.png}.svg missing or empty"
	done
}

# 1. Two scenario runs (each appends its runs row). Their [expect] sections hold, so exit 0.
db="$tmp/two.db"
"$sim" scenarios/teaching/ping.ini --quiet --db "$db" > /dev/null || fail "ping.ini run"
"$sim" scenarios/attacks/tamper.ini --quiet --db "$db" > /dev/null || fail "tamper.ini run"
figures "$db" "$tmp/two"
check_made
for s in $(sqlite3 "$db" "SELECT scenario FROM runs"); do
	grep -q "| $s |" "$tmp/two/report.md" || fail "report.md does not mention run $s"
done
# Both runs have successful pings and the tamper run has drops and attacks rows: these three
# figures exist whatever else the simulator records.
for f in latency_cdf drops attacks; do
	[ -s "$tmp/two/$f.png" ] || fail "$f.png not made from ping + tamper runs"
done

# 2. The same with synthetic DHT rows and a security-off copy of the ping run, so the hops
# histogram and the security overhead figure are drawn too.
cp "$db" "$tmp/dht.db"
sqlite3 "$tmp/dht.db" "
	INSERT INTO runs (scenario, seed, mode, security, trace_hash, wall_s)
	  SELECT scenario, seed, mode, 'off', 'synthetic', wall_s FROM runs WHERE scenario = 'ping';
	INSERT INTO summary SELECT max(run_id), 'ping_rtt_p50_ns', 2e7 FROM runs;
	INSERT INTO runs (scenario, seed, mode, security, params, trace_hash, wall_s)
	  SELECT scenario, seed + 1, mode, security,
	         replace(params, 'churn.fail_share=0' || char(10), 'churn.fail_share=0.25' || char(10)),
	         'synthetic', wall_s FROM runs WHERE scenario = 'ping' AND security = 'on';
	INSERT INTO summary SELECT max(run_id), 'lookups', 40 FROM runs;
	INSERT INTO summary SELECT run_id, 'lookup_latency_p50_ns', 3e7 FROM runs;
	WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < 40)
	INSERT INTO ops SELECT r.run_id, 1000 + x, 'n0', CASE WHEN x % 4 THEN 'find' ELSE 'store' END,
	  'k', x * 1000000, x * 1000000 + (10 + x) * 1000000, 1, x % 5, 3, 300, ''
	  FROM i, (SELECT run_id FROM runs) r;
	INSERT INTO metrics SELECT run_id, t_ns, 'all', 'ring_size', value FROM metrics WHERE name = 'nodes_up';"
figures "$tmp/dht.db" "$tmp/dht"
check_made
for f in latency_cdf hops_hist hops_vs_failed drops attacks security_overhead; do
	[ -s "$tmp/dht/$f.png" ] || fail "$f.png not made from the database with DHT rows"
done

# Curves are labelled by what differs between the runs, never by run number alone: the
# scenario, and within a scenario the settings its runs differ in (the ping copies differ in
# seed and security, the tamper run is alone in its scenario).
! grep -q '#[0-9]' "$tmp/two/data/latency_cdf.labels" || fail "latency_cdf labels curves by run number: $(cat "$tmp/two/data/latency_cdf.labels")"
grep -q 'ping,security=on,seed=2' "$tmp/dht/data/latency_cdf.labels" || fail "latency_cdf labels do not name the seed and security the ping runs differ in: $(cat "$tmp/dht/data/latency_cdf.labels")"
grep -qw 'attack-tamper:ping' "$tmp/dht/data/latency_cdf.labels" || fail "latency_cdf labels name settings the tamper run shares with no other run of its scenario: $(cat "$tmp/dht/data/latency_cdf.labels")"
# Labels compare the runs a figure draws, not every run of the database: in a ping and a
# tamper run next to a churn scenario at two node counts, the hop histogram (only the churn
# runs have lookups) says N=32 and N=48, not the scenario, security or seed the other runs
# differ in, and the latency CDF labels the ping run "ping".
db="$tmp/mix.db"
cp "$tmp/two.db" "$db"
for n in 32 48; do
	"$sim" scenarios/churn/campaign.ini --quiet --db "$db" --set nodes.count=$n > /dev/null || fail "campaign.ini N=$n run"
done
figures "$db" "$tmp/mix"
[ "$(head -n 1 "$tmp/mix/data/hops_hist.dat")" = '"label" "N=32" "N=48"' ] ||
	fail "hops_hist labels compare against runs it does not draw: $(head -n 1 "$tmp/mix/data/hops_hist.dat")"
grep -qw 'ping:ping' "$tmp/mix/data/latency_cdf.labels" || fail "latency_cdf labels the ping run by more than its scenario: $(cat "$tmp/mix/data/latency_cdf.labels")"
grep -qw 'nodes_up:churn-campaign,N=48' "$tmp/mix/data/timeseries.labels" || fail "timeseries labels: $(cat "$tmp/mix/data/timeseries.labels")"
# The hop histogram knows each run's node count (its 0.5 log2 N line).
grep -q 'N=' "$tmp/dht/data/hops_hist.dat" || fail "hops_hist columns do not carry the node count"
# A run without pings draws no pings panel; a 0/1 state is drawn as steps.
"$sim" scenarios/teaching/join3.ini --quiet --db "$tmp/np.db" > /dev/null || fail "join3 run"
figures "$tmp/np.db" "$tmp/np"
! grep -q 'pings_done' "$tmp/np/data/timeseries.labels" || fail "timeseries: a pings panel for a run without pings"
grep -q 'with steps' analysis/timeseries.gp || fail "timeseries: 0/1 values not drawn as steps"

# The latency CDF's tick labels never collide and carry their unit, over seven decades (one
# run whose finds took 0.05 ms .. 20 s) as within one (20 .. 35 ms, where decade ticks alone
# would leave at most one label). The labels are read from the SVG: the row of centred texts
# with the most members is the x axis; a character of the 11-point font is taken as 7 units
# wide (a digit of DejaVu Sans is 0.64 em), and neighbours need half a character between them.
xticks() { # SVG: "x label" per x tick label
	awk '/<g transform="translate\(/ && /text-anchor="middle"/ {
		s = $0; sub(/.*translate\(/, "", s); split(s, xy, /[,)]/)
		getline t; if (t !~ /<text>/) next
		sub(/.*<text>/, "", t); sub(/<\/text>.*/, "", t)
		y = xy[2]; n[y]++; lx[y, n[y]] = xy[1]; lt[y, n[y]] = t }
	END { for (y in n) if (b == "" || n[y] > n[b]) b = y
	      for (i = 1; i <= n[b]; i++) print lx[b, i], lt[b, i] }' "$1"
}
synthetic_latencies() { # DB MS FACTOR COUNT: finds that took MS * FACTOR^k ms, k < COUNT
	sqlite3 "$1" < analysis/schema.sql
	sqlite3 "$1" "INSERT INTO runs (run_id, scenario, seed, mode, security) VALUES (1, 'synthetic', 1, 'sim', 'on');
		WITH RECURSIVE i(k, ns) AS (SELECT 0, $2 * 1e6 UNION ALL SELECT k + 1, ns * $3 FROM i WHERE k + 1 < $4)
		INSERT INTO ops (run_id, op_id, kind, t_start_ns, t_end_ns, ok) SELECT 1, k, 'find', 0, CAST(ns AS INTEGER), 1 FROM i;"
}
synthetic_latencies "$tmp/wide.db" 0.05 1.5 32
synthetic_latencies "$tmp/narrow.db" 20 1.02 30
for w in wide narrow "$tmp/mix"; do
	case $w in /*) out=$w ;; *) figures "$tmp/$w.db" "$tmp/$w"; out=$tmp/$w ;; esac
	xticks "$out/latency_cdf.svg" > "$tmp/ticks"
	[ "$(wc -l < "$tmp/ticks")" -ge 2 ] || fail "latency_cdf ($w): fewer than two x tick labels: $(cat "$tmp/ticks")"
	grep -qvE '^[0-9.]+ [0-9.]+ (ms|s)$' "$tmp/ticks" && fail "latency_cdf ($w): a tick label without ms or s: $(grep -vE ' (ms|s)$' "$tmp/ticks" | head -n 1)"
	sort -n "$tmp/ticks" | awk -v w="$w" '
		{ x = $1; $1 = ""; l = length($0) - 1 }
		NR > 1 && x - px < (l + pl) / 2 * 7 + 3.5 { printf "labels %s and %s overlap (%s)\n", plab, $0, w; bad = 1 }
		{ px = x; pl = l; plab = $0 }
		END { exit bad }' || fail "latency_cdf: x tick labels collide"
done

# Axes of counts have whole-number ticks a 1-2-5 step apart ("%.0f" over 0.5-steps printed
# "0 0 1 1 2"; a step of a sixth of the range gave 0 115 230): the y tick labels of a panel
# (right-aligned numbers in one column, falling down the page) must be integers with one
# step of 1, 2 or 5 times a power of ten. On a log axis (drops) they must be integers.
yticks() { # SVG: "x y label" per right-aligned numeric label
	awk '/<g transform="translate\(/ && /text-anchor="end"/ {
		s = $0; sub(/.*translate\(/, "", s); split(s, xy, /[,)]/)
		getline t; if (t !~ /<text>/) next
		sub(/.*<text>/, "", t); sub(/<\/text>.*/, "", t)
		sub(/^ +/, "", t); if (t ~ /^-?[0-9.e+x^]+$/) print xy[1], xy[2], t }' "$1"
}
count_ticks() { # SVG FIGURE [log]
	yticks "$1" | sort -k1,1n -k2,2n | awk -v fig="$2" -v logaxis="${3:-}" '
		function bad(m) { printf "%s: %s\n", fig, m; err = 1 }
		$3 !~ /^-?[0-9]+$/ { bad("tick label " $3 " is not a whole number"); next }
		logaxis != "" { next }
		{ v = $3 + 0; y = $2 + 0 }
		# a new axis: another column, a rise, or a gap down the page wider than a tick step
		$1 != px || v > pv || (dy != "" && y - py > 1.5 * dy) { px = $1; pv = v; py = y; step = ""; dy = ""; next }
		v == pv { bad("tick label " v " twice on one axis"); next }
		{ d = pv - v; dy = y - py; pv = v; py = y
		  if (step == "") { step = d; m = d; while (m >= 10 && m % 10 == 0) m /= 10
		                    if (m != 1 && m != 2 && m != 5) bad("tick step " d " is not 1, 2 or 5 x 10^k") }
		  else if (d != step) bad("uneven ticks (" step " then " d ")") }
		END { exit err }'
}
synthetic_latencies "$tmp/small.db" 20 1.5 5
sqlite3 "$tmp/small.db" "UPDATE ops SET hops = op_id % 3;
	INSERT INTO summary VALUES (1, 'drops_bad_mac', 3), (1, 'drops_rate_limited', 2000000);"
# ... and a security-off twin whose lookups are slower; neither run pinged (summary 0)
sqlite3 "$tmp/small.db" "INSERT INTO runs (run_id, scenario, seed, mode, security) VALUES (2, 'synthetic', 1, 'sim', 'off');
	INSERT INTO summary VALUES (1, 'lookup_latency_p50_ns', 6e6), (2, 'lookup_latency_p50_ns', 5e6),
	  (1, 'ping_rtt_p50_ns', 0), (2, 'ping_rtt_p50_ns', 0), (1, 'pings', 0), (2, 'pings', 0);"
figures "$tmp/small.db" "$tmp/small"
# No empty panel: the security overhead figure compares lookups only, no pair of empty ping bars.
grep -q 'lookup_p50' "$tmp/small/data/security_overhead.dat" || fail "security_overhead: no lookup bars"
! grep -q 'ping_rtt' "$tmp/small/data/security_overhead.dat" || fail "security_overhead: ping bars for runs without pings"
count_ticks "$tmp/small/hops_hist.svg" "hops_hist (two lookups at most per bar)" || fail "hops_hist: count ticks"
count_ticks "$tmp/small/drops.svg" "drops" log || fail "drops: count ticks"
count_ticks "$tmp/dht/hops_vs_failed.svg" "hops_vs_failed" || fail "hops_vs_failed: count ticks"
count_ticks "$tmp/mix/timeseries.svg" "timeseries" || fail "timeseries: count ticks"

# 3. An empty database: every figure is skipped with its reason, the report still lists them.
sqlite3 "$tmp/empty.db" < analysis/schema.sql
figures "$tmp/empty.db" "$tmp/empty"
grep -q 'skipped' "$tmp/empty/report.md" || fail "empty database: no skipped figure in report.md"
[ -z "$(ls "$tmp/empty"/*.png 2>/dev/null)" ] || fail "empty database produced a PNG"

echo "figures: ok (two runs, synthetic DHT rows, empty database)"
