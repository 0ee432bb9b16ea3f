#!/bin/sh
# control.sh: the control socket against clients the CLI never is (tests/net/ctlclient.pl):
#  - one that shuts down its writing side after an asynchronous request (as `socat -` does)
#    still gets its reply; a NUL byte before the newline, or a request that is not UTF-8, gets
#    an error answer;
#  - clients that ask for a large reply and never read it are dropped, and the daemon answers
#    other clients meanwhile;
#  - at most 64 connections; one that sends no request within 10 s is told so and closed;
#  - when the daemon runs out of descriptors, accept failures rest the listener (one warning
#    a second at most) instead of spinning, and it answers again once descriptors are free.
. tests/net/lib.sh
net_init control "$1"
CC="perl tests/net/ctlclient.pl"
A=$WORK/a.sock
# 320 nodes: their JSON status (about 240 KB) is more than a unix socket buffers unread
start_daemon a --network ctl --listen 127.0.0.1:26700 --nodes 320 --state "$WORK/a" --control "$A"
wait_until 90 sh -c "'$BUILD/themis' --control '$A' --json status | grep -q '\"joined\":320,'" ||
	fail "daemon a did not join its 320 nodes"

out=$($CC "$A" halfclose 'text 7 find x\n')
echo "$out" | head -2 | tr '\n' ' ' | grep -q '^OK op find ok' || fail "half-closed client: '$out'"
out=$($CC "$A" ask 'text - id\0junk\n')
[ "$out" = "ERR bad request: a NUL byte in the request line" ] || fail "NUL byte: '$out'"
out=$($CC "$A" ask 'json 3 register \xff\xfe\n')
[ "$out" = "ERR bad request: the request line is not UTF-8" ] || fail "not UTF-8: '$out'"
ok "half-closed client answered; NUL byte and non-UTF-8 requests answered with an error"

$CC "$A" hold 3 8 'json - status\n' >"$WORK/hold.out" &
HOLD=$!
sleep 1
th "$A" --timeout 3 status >/dev/null || fail "status while three clients do not read"
th "$A" --timeout 3 --node 5 find y >/dev/null || fail "find while three clients do not read"
wait "$HOLD"
[ "$(grep -c 'dropped a client that read nothing of its status reply' "$WORK/a.log")" = 3 ] ||
	fail "the clients that did not read were not dropped: $(grep -c dropped "$WORK/a.log")"
ok "three clients that do not read their replies: dropped; the daemon answered others meanwhile"

$CC "$A" hold 70 12 >"$WORK/cap.out"
full=$(grep -c "ERR too many control connections (the cap is 64)" "$WORK/cap.out")
idle=$(grep -c "ERR no request line within 10 s" "$WORK/cap.out")
[ "$full" = 6 ] && [ "$idle" = 64 ] || fail "cap and idle timeout: $full over the cap, $idle timed out: $(sort "$WORK/cap.out" | uniq -c)"
th "$A" status >/dev/null || fail "status after the idle connections"
ok "64 connections at most; idle ones time out after 10 s"

# out of descriptors: 20 in all leaves room for a few clients only
B=$WORK/b.sock
sh -c "ulimit -n 20 && exec '$BUILD/themisd' --network ctl2 --listen 127.0.0.1:27100 --nodes 2 \
	--state '$WORK/b' --control '$B'" 2>"$WORK/b.log" &
DAEMON_PIDS="$DAEMON_PIDS $!"
wait_until 20 sh -c "'$BUILD/themis' --control '$B' --json status | grep -q '\"joined\":2,'" || fail "daemon b"
$CC "$B" hold 30 4 >"$WORK/fd.out"
n=$(grep -c "cannot accept a connection: Too many open files; the control socket rests for 1 s" "$WORK/b.log")
[ "$n" -ge 1 ] && [ "$n" -le 6 ] || fail "accept without descriptors: $n warnings in 4 s"
wait_until 5 th "$B" status || fail "daemon b does not answer once descriptors are free"
ok "out of descriptors: accept rests ($n warning(s) in 4 s), then the daemon answers again"
