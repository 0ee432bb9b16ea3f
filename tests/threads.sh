#!/bin/sh
# threads.sh: the simulator's helper threads (key derivation of large rings, the database
# writer) never change a result. Each scenario below runs with --threads 1 (everything on one
# thread) and with --threads 2; the trace hash, the summary (the wall-clock and memory values
# excepted), and the ops, attacks and metrics rows must be identical, and so must the exit
# status. The static ring runs at 20,000 nodes, above the size where keys are derived on
# several threads (sim/spawn.c); the others cover churn, an attack and periodic samples.
# Usage: sh tests/threads.sh [BUILD]
BUILD=${1:-build}
sim="$BUILD/themis-sim"
[ -x "$sim" ] || { echo "threads.sh: $sim not built" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "threads.sh: needs the sqlite3 CLI" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-threads.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Everything a run wrote that must not depend on the machine, in a fixed order.
dump() {
	sqlite3 "$1" "SELECT trace_hash, events, sim_end_ns FROM runs;
		SELECT name, value FROM summary
		 WHERE name NOT IN ('wall_seconds', 'events_per_second', 'peak_rss_kb') ORDER BY rowid;
		SELECT op_id, node, kind, target, t_start_ns, t_end_ns, ok, hops, msgs, bytes, detail
		  FROM ops ORDER BY rowid;
		SELECT * FROM attacks ORDER BY rowid;
		SELECT * FROM metrics ORDER BY rowid;"
}

fail=0
check() {
	name=$1
	shift
	for t in 1 2; do
		"$sim" "$@" --threads $t --quiet --db "$tmp/$t.db" >"$tmp/$t.out" 2>&1
		echo $? >"$tmp/$t.rc"
		dump "$tmp/$t.db" >"$tmp/$t.txt" || { echo "threads $name: cannot read $tmp/$t.db"; fail=1; return; }
		rm -f "$tmp/$t.db"
	done
	if cmp -s "$tmp/1.rc" "$tmp/2.rc" && cmp -s "$tmp/1.txt" "$tmp/2.txt"; then
		echo "threads $name: same results with 1 and 2 threads ($(wc -l <"$tmp/1.txt") rows, hash $(head -c 16 "$tmp/1.txt"))"
	else
		echo "threads $name: DIFFERENT results with 1 and 2 threads (exit $(cat "$tmp/1.rc") / $(cat "$tmp/2.rc"))"
		diff "$tmp/1.txt" "$tmp/2.txt" | head -5 | sed 's/^/    /'
		fail=1
	fi
}

check static-20k scenarios/bench/chord-static.ini --set nodes.count=20000 --set workload.find_rate=200
check churn scenarios/churn/campaign.ini --seed 3
check mitm scenarios/attacks/mitm.ini
check showcase scenarios/showcase.ini
check ping-cpu scenarios/teaching/ping-cpu.ini
exit $fail
