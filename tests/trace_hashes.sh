#!/bin/sh
# A refactor check: the output before and after a change that must not change behaviour is
# identical (sh tests/trace_hashes.sh build > before; ...; diff before after). Every
# scenario file runs (about 45 s in all), the randomized churn ones with four more seeds.
# Usage: sh tests/trace_hashes.sh [BUILD]
# Prints, for every scenario under scenarios/ (with and without [expect]), its trace hash and its
# summary rows, but the wall-clock ones (wall_seconds, events_per_second, peak_rss_kb), from the
# database the run writes. Scenarios in SKIP (too long for a refactor check) are listed, not run.
BUILD=${1:-build}
SKIP=${SKIP:-}
sim="$BUILD/themis-sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-hashes.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
run() { # FILE [ARGS...]
	f=$1; shift
	db="$tmp/run.db"; rm -f "$db"
	"$sim" "$f" --quiet --db "$db" "$@" >"$tmp/out" 2>&1; rc=$?
	echo "== $f $*: exit $rc"
	sqlite3 "$db" "SELECT run_id, seed, sim_end_ns, events, trace_hash FROM runs ORDER BY run_id;" 2>/dev/null
	sqlite3 "$db" "SELECT run_id, name, printf('%.17g', value) FROM summary WHERE name NOT IN ('wall_seconds','events_per_second','peak_rss_kb') ORDER BY run_id, rowid;" 2>/dev/null
	sqlite3 "$db" "SELECT count(*), total(ok), total(hops), total(msgs), total(bytes) FROM ops;" 2>/dev/null
	sqlite3 "$db" "SELECT count(*), total(value) FROM metrics;" 2>/dev/null
	sqlite3 "$db" "SELECT kind, action, outcome, count(*) FROM attacks GROUP BY 1,2,3 ORDER BY 1,2,3;" 2>/dev/null
}
for f in $(find scenarios -name '*.ini' | LC_ALL=C sort); do
	case " $SKIP " in *" $f "*) echo "== $f: skipped (long)"; continue;; esac
	run "$f"
done
# The randomized churn scenarios with a few more seeds: more paths through join, leave, heal.
for f in scenarios/churn/campaign.ini scenarios/churn/mixed.ini scenarios/churn/partition.ini scenarios/churn/leave.ini; do
	for seed in 2 3 4 5; do run "$f" --seed $seed; done
done
