#!/bin/sh
# eva.sh: Frama-C's value analysis (EVA) of the packet decoders (core/channel/wire.c), the message
# decoders (core/dht/msg.c) and the replay window (core/channel/replay.c), each from its driver in this
# directory (eva_*.c), which feeds it arbitrary bytes (or counters) of bounded length.
# Prints one line per file: "eva FILE: N alarm(s) in T s", then each alarm. Every alarm must
# be one of the false positives listed (and explained) in eva_expected.txt; a new alarm, or
# an expected one that went away, fails (exit 1), so the list is re-examined whenever the
# analysed code changes. docs/verify.md explains each expected alarm.
cd "$(dirname "$0")/../.." || exit 2
command -v frama-c >/dev/null || { echo "eva: frama-c not installed (make verify installs frama-c-base)"; exit 2; }
out=${TMPDIR:-/tmp}/themis-eva.$$
mkdir -p "$out" || exit 2
trap 'rm -rf "$out"' EXIT
# precision 5 with every return value split: each decoder's success and failure are kept
# apart, so "the struct is filled when it returns 0" is seen; more precision finds nothing more.
opts="-eva -eva-precision 5 -eva-split-return full -eva-no-show-progress"
status=0
: > "$out/all"
for f in wire msg replay; do
	src=core/channel/$f.c
	[ $f = msg ] && src=core/dht/msg.c
	t0=$(date +%s.%N)
	frama-c -cpp-extra-args="-Icore -Icore/channel -Icore/dht -Icore/include" $opts "tests/verify/eva_$f.c" "$src" \
		> "$out/$f.log" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	if [ $rc -ne 0 ] || ! grep -q "ANALYSIS SUMMARY" "$out/$f.log"; then
		echo "eva $f: frama-c failed (exit $rc)"; tail -20 "$out/$f.log"; status=1; continue
	fi
	if grep -q "errors and warnings have been raised" "$out/$f.log" &&
	   ! grep -q "0 errors    0 warnings" "$out/$f.log" &&
	   grep -A3 "errors and warnings have been raised" "$out/$f.log" | grep -q "[1-9][0-9]* errors"; then
		echo "eva $f: frama-c reported errors"; status=1
	fi
	# "[eva:alarm] FILE:LINE: Warning: " then the alarm on the next line: keep the file and the
	# alarm text (not the line number, which moves with unrelated edits)
	awk -v f="$f" '/^\[eva:alarm\]/ { split($2, a, ":"); file = a[1]; getline; sub(/^ +/, ""); print f ": " file ": " $0 }' \
		"$out/$f.log" | sort -u > "$out/$f.alarms"
	n=$(grep -c "" "$out/$f.alarms")
	printf "eva %s: %d alarm(s) in %s s (%s)\n" "$f" "$n" "$(awk -v a="$t0" -v b="$t1" "BEGIN { printf \"%.1f\", b - a }")" \
		"$(grep -o '[0-9]* statements reached (out of [0-9]*)' "$out/$f.log" | head -1)"
	sed 's/^/  /' "$out/$f.alarms"
	cat "$out/$f.alarms" >> "$out/all"
done
grep -v '^#' tests/verify/eva_expected.txt | grep -v '^$' | sort -u > "$out/expected"
sort -u "$out/all" > "$out/got"
if ! cmp -s "$out/expected" "$out/got"; then
	echo "eva: alarms differ from tests/verify/eva_expected.txt (< expected, > found):"
	diff "$out/expected" "$out/got" | grep '^[<>]'
	status=1
fi
[ $status -eq 0 ] && echo "eva: ok (every alarm is a known false positive)" || echo "eva: FAILED"
exit $status
