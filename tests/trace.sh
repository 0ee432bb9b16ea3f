#!/bin/sh
# trace.sh BUILD: what --trace prints for a reader following Chord. Every DATA line names the
# DHT message inside it; a member without a successor reads "successor is none"; with the trace
# and the summary on one stream, no summary line lands inside a trace line; and printing the
# trace changes no trace hash. Exit 1 on the first failed check.
BUILD=${1:-build}
sim="$BUILD/themis-sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-trace.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "trace: FAILED: $*"; exit 1; }

# 1. join3: joins, finds and stabilization, every DATA sent opened and named.
"$sim" scenarios/teaching/join3.ini --db "$tmp/a.db" --trace - > "$tmp/join3" 2>&1 || fail "join3 run"
for m in "FIND req=" "FIND_R req=" "JOIN req=" "JOIN_R req=" "UPDATE req=" "UPDATE_R req=" "GET_SUCC req="; do
	grep -q " DATA idx=[0-9a-f]* ctr=[0-9]* [0-9]*B $m" "$tmp/join3" || fail "join3: no DATA line naming $m"
done
unnamed=$(grep ' DATA idx=' "$tmp/join3" | grep -cv 'B [A-Z_]* req=[0-9a-f]\{6\}')
[ "$unnamed" -eq 0 ] || fail "join3: $unnamed DATA lines without the message inside"
grep -q 'FIND_R req=[0-9a-f]* [A-Z]* nodes: n[0-9]' "$tmp/join3" || fail "join3: a FIND_R does not name its nodes"

# 2. store-handoff: stores, their answers and replication.
"$sim" scenarios/teaching/store-handoff.ini --quiet --db "$tmp/b.db" --trace "$tmp/store" || fail "store-handoff run"
for m in "STORE req=[0-9a-f]* object=0x" "STORE_R req=[0-9a-f]* OK" "REPLICATE req="; do
	grep -q " DATA .*B $m" "$tmp/store" || fail "store-handoff: no DATA line naming $m"
done

# 3. security off: PLAIN lines name their frame the same way.
"$sim" scenarios/teaching/join3.ini --set run.security=off --quiet --db "$tmp/c.db" --trace "$tmp/plain" ||
	fail "join3 without security"
grep -q ' PLAIN ctr=[0-9]* [0-9]*B FIND req=' "$tmp/plain" || fail "PLAIN lines do not name the frame"

# 4. A member with no successor at all is "none", never n-1.
"$sim" scenarios/teaching/join-then-fail.ini --quiet --db "$tmp/d.db" --trace "$tmp/jtf" || fail "join-then-fail run"
grep -q "successor is none, should be n" "$tmp/jtf" || fail "join-then-fail: no 'successor is none' line"
! grep -q "successor is n-" "$tmp/jtf" || fail "a missing successor printed as a negative node"

# 5. Trace and summary on one stream: the trace lines all come first and every one is whole
# (begins with its time stamp), then the summary.
awk '
	/^\[/ { if (summary) { print "trace line after the summary: " $0; bad = 1; exit 1 } next }
	/^themis-sim: / { summary = 1; next }
	/^  / && summary { next }
	{ print "line cut or out of place: " $0; bad = 1; exit 1 }
	END { if (!summary && !bad) { print "no summary"; exit 1 } }' "$tmp/join3" || fail "summary and trace interleaved"

# 6. The hash is over the protocol's records, not the printed lines.
with=$(sed -n 's/.*trace_hash \([0-9a-f]*\)$/\1/p' "$tmp/join3")
"$sim" scenarios/teaching/join3.ini --db "$tmp/e.db" > "$tmp/plainrun" 2>&1 || fail "join3 without trace"
without=$(sed -n 's/.*trace_hash \([0-9a-f]*\)$/\1/p' "$tmp/plainrun")
[ -n "$with" ] && [ "$with" = "$without" ] || fail "trace hash with --trace ($with) differs from without ($without)"
echo "trace: ok (messages named in DATA and PLAIN, 'none' successor, whole lines, hash unchanged)"
