#!/bin/sh
# Runs every test binary and fuzz-corpus replay in BUILD (default build) and ends with one
# summary line "tests: N passed, N failed". Exit status 1 when any failed.
BUILD=${1:-build}
pass=0; fail=0; failed=""
for t in "$BUILD"/tests/test_* "$BUILD"/fuzz/replay_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	case "$name" in
	replay_*) "$t" "tests/fuzz/corpus/${name#replay_fuzz_}" ;;
	*) "$t" ;;
	esac
	if [ $? -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $name"; fi
done
if [ -x "$BUILD/themis-sim" ] && [ -f tests/scenarios.sh ]; then
	if sh tests/scenarios.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed scenarios"; fi
fi
# The figures need gnuplot and the sqlite3 CLI (both in `make deps`) and a simulator for data.
if [ -x "$BUILD/themis-sim" ] && [ -f tests/figures.sh ]; then
	if sh tests/figures.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed figures"; fi
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
