#!/bin/sh
# Runs every scenario under scenarios/ that has an [expect] section with BUILD/themis-sim
# (quietly, databases in a temporary directory) and prints one line per scenario. Scenario
# files are tests: exit 1 when any of them exits non-zero.
BUILD=${1:-build}
sim="$BUILD/themis-sim"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-scenarios.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
for f in $(find scenarios -name '*.ini' | LC_ALL=C sort); do
	grep -q '^[[:space:]]*\[expect\]' "$f" || continue
	n=$((n + 1))
	db="$tmp/$(echo "$f" | tr '/' '_').db"
	if "$sim" "$f" --quiet --db "$db" >"$tmp/out" 2>&1; then
		echo "scenario $f: ok"
	else
		rc=$?
		echo "scenario $f: FAILED (exit $rc)"
		sed 's/^/    /' "$tmp/out"
		fail=1
	fi
done
echo "scenarios: $n run"
exit $fail
