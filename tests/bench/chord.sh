#!/bin/sh
# chord.sh: the "static ring" workload (scenarios/bench/chord-static.ini) at the sizes the
# usual DHT simulators are measured with, one result row each in DB (benchlib's bench table,
# written with the sqlite3 CLI) and one printed line each:
#   chord_10k_100k_wall, chord_100k_1m_wall, chord_100k_1m_rss_mb, chord_1m_1m_wall,
#   chord_1m_1m_rss_mb, chord_hops_vs_half_log2n_<N> (N = 1k, 10k, 100k, 1M),
#   chord_msgs_per_s, chord_secure_10k_vs_estimate.
# Baselines were measured on the development machine with the same workload: PeerSim's Chord
# 2.1 s (N = 10k, L = 100k) and 34 s / 2.1 GB (N = 100k, L = 1M); SimGrid 7.3 s and 186 s /
# 2.2 GB. The million-node run needs about 8 GB free and is skipped (with the reason) when
# the machine has less.
# Usage: sh tests/bench/chord.sh [BUILD] [DB]
BUILD=${1:-build}
DB=${2:-results/bench.db}
sim="$BUILD/themis-sim"
ini=scenarios/bench/chord-static.ini
[ -x "$sim" ] || { echo "chord.sh: $sim not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "chord.sh: needs the sqlite3 CLI" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-chord.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$(dirname "$DB")"
sqlite3 "$DB" "CREATE TABLE IF NOT EXISTS bench(at TEXT, name TEXT, value REAL, unit TEXT,
	baseline TEXT, baseline_value REAL, ratio REAL, goal TEXT, ok INTEGER)" || exit 1

# record NAME VALUE UNIT BASELINE BASELINE_VALUE GOAL OK: one row and one line, as benchlib's
# bench_record does (ratio = value / baseline_value, NULL without a baseline).
record() {
	ratio=NULL
	[ "$5" != 0 ] && ratio=$(awk -v v="$2" -v b="$5" 'BEGIN { printf "%.6g", v / b }')
	sqlite3 -cmd ".timeout 5000" "$DB" "INSERT INTO bench VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),
		'$1', $2, '$3', '$4', $5, $ratio, '$6', $7)" || exit 1
	if [ "$ratio" = NULL ]; then
		printf '%s: %.4g %s (baseline %s) goal %s %s\n' "$1" "$2" "$3" "$4" "$6" \
			"$([ "$7" = 1 ] && echo OK || echo FAIL)"
	else
		printf '%s: %.2f x (value %.4g %s vs baseline %.4g %s) goal %s %s\n' "$1" "$ratio" \
			"$2" "$3" "$5" "$3" "$6" "$([ "$7" = 1 ] && echo OK || echo FAIL)"
	fi
}

# run TAG N L [extra --set ...]: the workload with N nodes and L finds over 100 s; the wall
# time is the whole process (setup, run and database included). Sets wall, and the summary
# values are read with val.
run() {
	tag=$1 n=$2 l=$3
	shift 3
	t0=$(date +%s.%N)
	# huge pages for glibc's heap: fewer TLB misses on large rings (scenarios/README.md)
	GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1} \
	"$sim" "$ini" --set nodes.count="$n" --set workload.find_rate=$((l / 100)) "$@" \
		--db "$tmp/$tag.db" --quiet >"$tmp/$tag.out" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	if [ $rc -ne 0 ]; then
		echo "chord.sh: run $tag (N = $n, L = $l) failed (exit $rc):" >&2
		sed 's/^/    /' "$tmp/$tag.out" >&2
		exit 1
	fi
	echo "$wall" >"$tmp/$tag.wall"
}
val() { sqlite3 "$tmp/$1.db" "SELECT value FROM summary WHERE name = '$2'"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }' && echo 1 || echo 0; }

# every run must find every key: a fast wrong answer is no result
check_success() {
	s=$(val "$1" lookup_success_rate)
	if ! awk -v s="$s" 'BEGIN { exit !(s == 1) }'; then
		echo "chord.sh: run $1: lookup_success_rate $s, not 1" >&2
		exit 1
	fi
}

hops() {
	h=$(val "$1" lookup_hops_mean)
	r=$(awk -v h="$h" -v n="$2" 'BEGIN { printf "%.6g", h / (0.5 * log(n) / log(2)) }')
	ok=$(awk -v r="$r" 'BEGIN { print (r >= 0.9 && r <= 1.1) ? 1 : 0 }')
	record "chord_hops_vs_half_log2n_$2" "$r" ratio none 0 "0.9 <= value <= 1.1" "$ok"
}

run 10k 10000 100000
check_success 10k
off10k=$(cat "$tmp/10k.wall")
record chord_10k_100k_wall "$off10k" s peersim_chord 2.1 info 1

run 100k 100000 1000000
check_success 100k
w=$(cat "$tmp/100k.wall")
record chord_100k_1m_wall "$w" s peersim_chord 34 "value <= 8" "$(le "$w" 8)"
rss=$(awk -v k="$(val 100k peak_rss_kb)" 'BEGIN { printf "%.1f", k / 1024 }')
record chord_100k_1m_rss_mb "$rss" MB peersim_chord 2150 "value <= 512" "$(le "$rss" 512)"
mps=$(awk -v d="$(val 100k datagrams)" -v w="$w" 'BEGIN { printf "%.0f", d / w }')
record chord_msgs_per_s "$mps" msgs/s none 0 "value >= 2000000" "$(le 2000000 "$mps")"

avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo 2>/dev/null)
if [ -n "$avail_kb" ] && [ "$avail_kb" -ge $((8 * 1024 * 1024)) ]; then
	run 1m 1000000 1000000
	check_success 1m
	w=$(cat "$tmp/1m.wall")
	record chord_1m_1m_wall "$w" s none 0 "value <= 90" "$(le "$w" 90)"
	rss=$(awk -v k="$(val 1m peak_rss_kb)" 'BEGIN { printf "%.1f", k / 1024 }')
	record chord_1m_1m_rss_mb "$rss" MB none 0 "value <= 4096" "$(le "$rss" 4096)"
	have1m=1
else
	echo "chord_1m_1m_wall: skipped: $((${avail_kb:-0} / 1024)) MB available, the million-node run needs 8192"
	have1m=0
fi

run 1k 1000 10000
check_success 1k
hops 1k 1000
hops 10k 10000
hops 100k 100000
[ "$have1m" = 1 ] && hops 1m 1000000

# Security on: the same 10k run with real crypto, against the security-off time plus one
# measured handshake per session the run established (bench_lower's handshake_cpu_vs_floor,
# the latest row; measured now when the database has none).
hs_us=$(sqlite3 "$DB" "SELECT value FROM bench WHERE name = 'handshake_cpu_vs_floor' ORDER BY at DESC, rowid DESC LIMIT 1")
if [ -z "$hs_us" ] && [ -x "$BUILD/bench/bench_lower" ]; then
	"$BUILD/bench/bench_lower" "$DB" >/dev/null || exit 1
	hs_us=$(sqlite3 "$DB" "SELECT value FROM bench WHERE name = 'handshake_cpu_vs_floor' ORDER BY at DESC, rowid DESC LIMIT 1")
fi
[ -n "$hs_us" ] || { echo "chord.sh: no handshake cost (run build/bench/bench_lower first)" >&2; exit 1; }
run sec10k 10000 100000 --set run.security=on
check_success sec10k
w=$(cat "$tmp/sec10k.wall")
hs=$(val sec10k handshakes)
est=$(awk -v o="$off10k" -v h="$hs" -v c="$hs_us" 'BEGIN { printf "%.3f", o + h * c * 1e-6 }')
echo "chord_secure_10k: ${w} s with $hs handshakes at $hs_us us each; estimate $off10k s + $hs x $hs_us us = $est s"
record chord_secure_10k_vs_estimate "$w" s security_off_plus_handshakes "$est" info 1
