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
# The core's layers call one way: the secure channel names nothing of the DHT.
if [ -f tests/layers.sh ]; then
	if sh tests/layers.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed layers"; fi
fi
if [ -x "$BUILD/themis-sim" ] && [ -f tests/scenarios.sh ]; then
	if sh tests/scenarios.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed scenarios"; fi
fi
# What --trace prints: the DHT messages inside DATA, whole lines, an unchanged hash.
if [ -x "$BUILD/themis-sim" ] && [ -f tests/trace.sh ]; then
	if sh tests/trace.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed trace"; fi
fi
# Every shipped scenario under a few seeds other than its own (a student changes the seed
# first); `sh tests/anyseed.sh build 20 20` is the long check.
if [ -x "$BUILD/themis-sim" ] && [ -f tests/anyseed.sh ]; then
	if sh tests/anyseed.sh "$BUILD" 2 1; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed anyseed"; fi
fi
# What themis-sim tells its user: drop reasons, dashes, a second run into a database, progress.
if [ -x "$BUILD/themis-sim" ] && [ -f tests/summary.sh ]; then
	if sh tests/summary.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed summary"; fi
fi
# The pcap files in Wireshark: nothing taken for another protocol, analysis/themis.lua names
# every packet (skipped, saying so, without tshark).
if [ -x "$BUILD/themis-sim" ] && [ -f tests/pcap.sh ]; then
	if sh tests/pcap.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed pcap"; fi
fi
# The figures pipeline on a small database of two runs (analysis/figures.sh).
if [ -x "$BUILD/themis-sim" ] && [ -f tests/figures.sh ]; then
	if sh tests/figures.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed figures"; fi
fi
# The simulator's helper threads change nothing: the same results with 1 and 2 threads.
if [ -x "$BUILD/themis-sim" ] && [ -f tests/threads.sh ]; then
	if sh tests/threads.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed threads"; fi
fi
# A short slice of the churn campaign (make churn runs the long one): ring correctness
# under churn is the DHT's central promise, so every test run checks a few seeds of it.
if [ -x "$BUILD/themis-sim" ] && [ -f tests/churn_campaign.sh ]; then
	if sh tests/churn_campaign.sh "$BUILD" 8; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed churn"; fi
	# and of the graceful-leave campaign: no record lost by any leave
	if sh tests/churn_campaign.sh "$BUILD" 8 1 scenarios/churn/leave.ini; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed leave-campaign"; fi
	# and of the partition campaign: the two rings a partition leaves merge into one
	if sh tests/churn_campaign.sh "$BUILD" 4 1 scenarios/churn/partition.ini; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed partition"; fi
fi
# A slice of the mixed campaign (make campaign runs 1,000 seeds): every failure class at once.
if [ -x "$BUILD/themis-sim" ] && [ -f tests/mixed_campaign.sh ]; then
	if sh tests/mixed_campaign.sh "$BUILD" 6; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed mixed-campaign"; fi
	# seeds that once failed: 519 and 796 lost a record a handoff answer carried into a
	# partition (the handoff is confirmed now, core/dht/memo.c); 188 dropped a live successor whose
	# answers the network lost three times in a row (core/dht/req.c: no verdict on a peer heard
	# from meanwhile, once)
	for seed in 519 796 188; do
		if sh tests/mixed_campaign.sh "$BUILD" 1 $seed; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed mixed-seed-$seed"; fi
	done
fi
# The ring maintenance model (docs/verify.md): one configuration searched over every
# interleaving by Spin; make verify runs them all.
if [ -f tests/verify/run.sh ]; then
	if sh tests/verify/run.sh short; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed spin"; fi
fi
# make install into a temporary prefix: pkg-config linking, the installed simulator and
# figures, the man pages against --help, and make uninstall.
if [ -x "$BUILD/themisd" ] && [ -f tests/install.sh ]; then
	if timeout 300 sh tests/install.sh "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed install"; fi
fi
# Network tests (tests/net/*.sh): real daemons on loopback (and network namespaces when
# root), each bounded by timeout so a hung daemon fails the test instead of the run.
if [ -x "$BUILD/themisd" ]; then
	for s in tests/net/*.sh; do
		name=$(basename "$s" .sh)
		[ "$name" = lib ] && continue
		if timeout 120 sh "$s" "$BUILD"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed net/$name"; fi
	done
fi
[ -n "$failed" ] && echo "failed:$failed"
echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
