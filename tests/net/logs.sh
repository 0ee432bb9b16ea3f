#!/bin/sh
# logs.sh: log lines start with an ISO 8601 time; under the systemd journal (JOURNAL_STREAM
# naming stderr) with a syslog priority instead; an unknown THEMIS_LOG is refused in one line.
. tests/net/lib.sh
net_init logs "$1"
D=$BUILD/themisd
# a ring of one node has no predecessor: joined is all there is to wait for
up() { s=$(th "$1" --json status) && [ "$(jget "$s" '$.joined')" = 1 ]; }
THEMIS_LOG=verbose $D --network logs --listen 127.0.0.1:26600 --state "$WORK/x" 2>"$WORK/e"
[ $? = 2 ] || fail "THEMIS_LOG=verbose: want exit 2"
[ "$(wc -l <"$WORK/e")" = 1 ] && grep -q "THEMIS_LOG=verbose: unknown level; want error, warn, info or debug" "$WORK/e" ||
	fail "THEMIS_LOG=verbose: $(cat "$WORK/e")"
ok "an unknown THEMIS_LOG is refused"

start_daemon a --network logs --listen 127.0.0.1:26600 --state "$WORK/a" --control "$WORK/a.sock"
wait_until 20 up "$WORK/a.sock" || fail "daemon a"
head -1 "$WORK/a.log" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2} themisd\[[0-9]+\] info: ' ||
	fail "not an ISO 8601 time: $(head -1 "$WORK/a.log")"
ok "log lines start with an ISO 8601 time"

# the journal (a wildcard --listen, for a warning): JOURNAL_STREAM is the device and inode of the stream stderr is connected to
: >"$WORK/j.log"
JOURNAL_STREAM=$(stat -c '%d:%i' "$WORK/j.log") THEMIS_LOG=debug "$D" --network logs \
	--listen 0.0.0.0:26610 --state "$WORK/j" --control "$WORK/j.sock" 2>>"$WORK/j.log" &
DAEMON_PIDS="$DAEMON_PIDS $!"; J=$!
wait_until 20 up "$WORK/j.sock" || fail "daemon j"
kill -TERM "$J"
wait_until 10 sh -c "! kill -0 $J" || fail "daemon j did not stop"
grep -q '^<6>info: node 0: id ' "$WORK/j.log" || fail "no <6> info line: $(head -2 "$WORK/j.log")"
grep -q '^<4>warn: --listen 0.0.0.0:26610: a wildcard address' "$WORK/j.log" || fail "no <4> warn line"
grep -v '^<[3467]>' "$WORK/j.log" | grep -q . && fail "a line without a priority: $(grep -v '^<[3467]>' "$WORK/j.log" | head -1)"
ok "under the journal every line starts with its syslog priority"
