#!/bin/sh
# run.sh [short]: Spin checks of the ring maintenance model (tests/verify/ring.pml; what it
# covers and what it leaves out: docs/verify.md). Every configuration below is searched
# exhaustively (every interleaving, every message order; no bitstate approximation) and
# must end as expected: "pass" (no assertion fails, the search completes) or "loss" (the
# model without the leave fixes: Spin must find a run that loses a record). One line per
# configuration, "spin NAME: ok (...)" or "spin NAME: FAILED (...)", then "spin: ok" or
# "spin: FAILED"; exit 1 when any failed. "short" runs the few configurations that take a
# few seconds each (tests/run.sh); the full list is `make verify`.
# SPIN_MEM (MB, default 4096) bounds each search's memory; SPIN_KEEP=1 keeps the work
# directory (pan, trails) for a look with spin -t.
cd "$(dirname "$0")/../.." || exit 2
command -v spin >/dev/null && command -v gcc >/dev/null ||
	{ echo "spin: spin or gcc not installed (make verify installs them)"; exit 2; }
mode=${1:-full}
mem=${SPIN_MEM:-4096}
work=$(mktemp -d "${TMPDIR:-/tmp}/themis-spin.XXXXXX") || exit 2
[ -n "$SPIN_KEEP" ] && echo "spin: work directory $work" || trap 'rm -rf "$work"' EXIT
status=0

# check NAME EXPECT SPIN-DEFINES...
check() {
	name=$1; expect=$2; shift 2
	d="$work/$name"
	mkdir -p "$d" && cp tests/verify/ring.pml "$d/" || return
	t0=$(date +%s)
	if ! (cd "$d" && spin -a "$@" ring.pml > spin.log 2>&1 &&
	      gcc -O1 -w -DSAFETY -DNOFAIR -DNOREDUCE -DCOLLAPSE -DMEMLIM="$mem" -o pan pan.c > cc.log 2>&1); then
		echo "spin $name: FAILED (the model does not build)"; cat "$d/spin.log" "$d/cc.log" | head -20
		status=1; return
	fi
	t1=$(date +%s)
	(cd "$d" && ./pan -m20000000 -w26 -c1 > pan.log 2>&1)
	t2=$(date +%s)
	log="$d/pan.log"
	errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$log")
	stored=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$log")
	trans=$(sed -n 's/^ *\([0-9.e+]*\) transitions.*/\1/p' "$log")
	what="$stored states, $trans transitions, search $((t2 - t1)) s, build $((t1 - t0)) s"
	if grep -q "max search depth too small\|reached -DMEMLIM bound\|Search not completed" "$log" &&
	   [ "$errors" = 0 ]; then
		echo "spin $name: FAILED (search incomplete: $what)"; grep -m3 "depth too small\|MEMLIM\|not completed" "$log"
		status=1
	elif [ "$expect" = pass ] && [ "$errors" = 0 ]; then
		echo "spin $name: ok ($what)"
	elif [ "$expect" = loss ] && grep -q "assertion violated (viol==0)" "$log"; then
		echo "spin $name: ok (found the record loss, as expected without the fixes; $what)"
	else
		echo "spin $name: FAILED (expected $expect; $what)"
		grep -m3 "violated\|pan:" "$log"
		status=1
	fi
}

# The leave race without the leave fixes (the current code): a record is lost.
check nofix-4 loss -DNN=4 -DLEAVES=1 -DFIX1=0 -DFIX2=0 -DFIX3=0
# Four nodes, one leave, the fixes.
check leave-4 pass -DNN=4 -DLEAVES=1
if [ "$mode" != short ]; then
	check leave2-4 pass -DNN=4 -DLEAVES=2
	check join-leave-4 pass -DNN=4 -DINITMEM=7 -DJOINS=1 -DLEAVES=1
	check crash-leave-4 pass -DNN=4 -DCRASHES=1 -DLEAVES=1
	check leave-5 pass -DNN=5 -DLEAVES=1
	check join-5 pass -DNN=5 -DINITMEM=15 -DJOINS=1
fi
[ $status -eq 0 ] && echo "spin: ok" || echo "spin: FAILED"
exit $status
