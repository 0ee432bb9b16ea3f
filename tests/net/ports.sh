#!/bin/sh
# ports.sh: a UDP port that is in use stops a daemon at start with one clear line (exit 1),
# before it binds its control socket: a second daemon on the same --listen port, one whose
# --nodes range overlaps another's, and a port held by another program. The first daemon
# keeps its port and keeps answering.
. tests/net/lib.sh
net_init ports "$1"
A=$WORK/a.sock
start_daemon a --network ports --listen 127.0.0.1:26300 --nodes 4 --state "$WORK/a" --control "$A" --stabilize 100
wait_until 20 joined "$A" 4 || fail "daemon a did not start"

# the same port as a's node 0
timeout 10 "$BUILD/themisd" --network ports --listen 127.0.0.1:26300 --state "$WORK/b" \
	--control "$WORK/b.sock" 2>"$WORK/e"
[ $? = 1 ] || fail "a second daemon on port 26300: want exit 1"
[ "$(wc -l <"$WORK/e")" = 1 ] || fail "same port: not one line: $(cat "$WORK/e")"
grep -q "UDP port 26300 is already in use" "$WORK/e" || fail "same port: $(cat "$WORK/e")"
[ -e "$WORK/b.sock" ] && fail "same port: the control socket was bound anyway"

# a range that overlaps a's 26300..26303 at 26302 (its node 0 at 26299 is free)
timeout 10 "$BUILD/themisd" --network ports --listen 127.0.0.1:26299 --nodes 8 --state "$WORK/c" \
	--control "$WORK/c.sock" 2>"$WORK/e"
[ $? = 1 ] || fail "an overlapping --nodes range: want exit 1"
[ "$(wc -l <"$WORK/e")" = 1 ] || fail "overlap: not one line: $(cat "$WORK/e")"
grep -q -- "--nodes 8: UDP port 26300 (node 1, 127.0.0.1:26300) is already in use" "$WORK/e" ||
	fail "overlap: $(cat "$WORK/e")"
[ -e "$WORK/c.sock" ] && fail "overlap: the control socket was bound anyway"
ok "a port in use, and an overlapping --nodes range, stop the start in one line"

# a wildcard bind of the same port is refused too
timeout 10 "$BUILD/themisd" --network ports --listen 0.0.0.0:26303 --state "$WORK/d" \
	--control "$WORK/d.sock" 2>"$WORK/e"
[ $? = 1 ] && grep -q "UDP port 26303 is already in use" "$WORK/e" || fail "wildcard: $(cat "$WORK/e")"
# another program's port (a daemon's UDP socket is as good as any other)
kill -0 "$PID_a" || fail "daemon a died"
wait_until 10 joined "$A" 4 || fail "daemon a no longer answers"
th "$A" --node 3 register p >/dev/null && th "$A" --node 1 discover p >/dev/null ||
	fail "daemon a lost its traffic"
ok "the first daemon keeps its ports and its traffic"
