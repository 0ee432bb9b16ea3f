#!/bin/sh
# figures.sh: two simulator runs into one database, then analysis/figures.sh: every figure
# with data is drawn as a non-empty PNG and SVG, and the report names both runs.
BUILD=${1:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-figures.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL figures: $*"; exit 1; }
"$BUILD/themis-sim" scenarios/teaching/store-handoff.ini --db "$tmp/r.db" --quiet >/dev/null 2>&1 || fail "store-handoff run"
"$BUILD/themis-sim" scenarios/attacks/tamper.ini --db "$tmp/r.db" --quiet >/dev/null 2>&1 || fail "tamper run"
sh analysis/figures.sh "$tmp/r.db" "$tmp/out" >/dev/null || fail "figures.sh exited non-zero"
for f in latency_cdf hops drops; do
	[ -s "$tmp/out/$f.png" ] && [ -s "$tmp/out/$f.svg" ] || fail "$f.png/.svg missing or empty"
	grep -q "($f.png)" "$tmp/out/report.md" || fail "report.md does not show $f"
done
grep -q "| store-handoff |" "$tmp/out/report.md" || fail "report.md lacks the store-handoff run"
grep -q "| attack-tamper |" "$tmp/out/report.md" || fail "report.md lacks the tamper run"
echo "ok   figures: latency CDF, hops, drops drawn (PNG + SVG) and both runs in report.md"
