#!/bin/sh
# summary.sh BUILD: what themis-sim tells its user around a run. The summary shows every drop
# reason that happened (the MITM run is stopped by bad_key drops) and a dash, not "0.0%", for
# an operation that never ran; a second run into a database says so, naming the database and
# the new run id; --progress writes plain lines when stderr is not a terminal. Exit 1 on the
# first failed check.
BUILD=${1:-build}
sim="$BUILD/themis-sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-summary.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "summary: FAILED: $*"; sed 's/^/    /' "$tmp/out" 2>/dev/null; exit 1; }

# 1. Every non-zero drop reason, under its counter's name.
"$sim" scenarios/attacks/mitm.ini --db "$tmp/m.db" > "$tmp/out" 2>&1 || fail "mitm run"
n=$(sqlite3 "$tmp/m.db" "SELECT value FROM summary WHERE name = 'drops_bad_key'" | cut -d. -f1)
[ "${n:-0}" -gt 0 ] || fail "the mitm run has no bad_key drops to show"
grep -q "^  drops:.* bad_key $n\(,\|$\)" "$tmp/out" || fail "the summary does not show bad_key $n"

# 2. Operations that never ran: a dash, never a success rate of 0 of 0.
"$sim" scenarios/teaching/join3.ini --db "$tmp/j.db" > "$tmp/out" 2>&1 || fail "join3 run"
grep -q "^  pings 0 (—)" "$tmp/out" || fail "no pings: want 'pings 0 (—)'"
grep -q "stores 0 (—), registers 0 (—), discovers 0 (—)" "$tmp/out" || fail "no stores: want a dash"
grep -q "joins 5 (100.0% ok)" "$tmp/out" || fail "joins that ran lost their rate"
! grep -q " 0 (0\.0%\| 0: 0\.0%\|success 0\.0%" "$tmp/out" || fail "a rate of 0 of 0 shown as 0.0%"
grep -q "^  drops: none$" "$tmp/out" || fail "a run without drops: want 'drops: none'"

# 3. A second run into the same database says so; the first does not.
! grep -q "already held" "$tmp/out" || fail "the first run into a new database warned"
"$sim" scenarios/teaching/join3.ini --db "$tmp/j.db" > /dev/null 2> "$tmp/out" || fail "second join3 run"
grep -q "^themis-sim: warning: $tmp/j.db already held 1 run (1 with this scenario, seed and parameters.*appended as run_id 2\." "$tmp/out" ||
	fail "a second identical run into $tmp/j.db: no warning naming the database and run_id 2"
"$sim" scenarios/teaching/join3.ini --seed 9 --db "$tmp/j.db" > /dev/null 2> "$tmp/out" || fail "third join3 run"
grep -q "^themis-sim: note: $tmp/j.db already held 2 runs; this run was appended as run_id 3\." "$tmp/out" ||
	fail "a run with another seed: no note naming the database and run_id 3"
"$sim" scenarios/teaching/join3.ini --quiet --db "$tmp/j.db" > /dev/null 2> "$tmp/out" || fail "quiet run"
[ ! -s "$tmp/out" ] || fail "--quiet (sweeps append on purpose) still printed something"

# 4. --progress into a file: plain lines, the last one at 100%.
"$sim" scenarios/teaching/join3.ini --progress --quiet --db "$tmp/p.db" > /dev/null 2> "$tmp/out" || fail "progress run"
grep -q "^themis-sim: progress [0-9.]*s of 20.000s simulated" "$tmp/out" || fail "--progress to a file printed no line"
tail -n 1 "$tmp/out" | grep -q "(100%)" || fail "--progress: the last line is not the end of the run"
! grep -q "$(printf '\r')" "$tmp/out" || fail "--progress to a file wrote carriage returns"
echo "summary: ok (drop reasons, dashes, second run into a database, plain progress lines)"
