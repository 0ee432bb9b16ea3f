#!/bin/sh
# signals.sh: SIGHUP is logged and ignored; every other signal that stops the daemon (TERM,
# INT, QUIT, USR1, USR2, ALRM, and a real-time one) makes each node leave the ring first, says
# so on its last line, and removes the control socket.
. tests/net/lib.sh
net_init signals "$1"
A=$WORK/a.sock
start_daemon a --network sig --listen 127.0.0.1:26400 --nodes 3 --state "$WORK/a" --control "$A" --stabilize 100
wait_until 20 joined "$A" 3 || fail "daemon a did not start"
kill -HUP "$PID_a"
sleep 0.5
kill -0 "$PID_a" || fail "SIGHUP ended the daemon"
grep -q "signal Hangup: nothing to reload; still running" "$WORK/a.log" || fail "SIGHUP not logged"
joined "$A" 3 || fail "after SIGHUP the daemon no longer answers"
ok "SIGHUP: logged, the daemon goes on"

port=26410
for sig in TERM INT QUIT USR1 USR2 ALRM RTMIN+2; do
	S=$WORK/$port.sock
	# the daemon of this round joins through a, so its nodes hand their records to a's
	start_daemon s$port --network sig --listen 127.0.0.1:$port --nodes 2 --state "$WORK/s$port" \
		--control "$S" --stabilize 100 --bootstrap "$(node_id "$A" 0)@127.0.0.1:26400"
	wait_until 20 joined "$S" 2 || fail "daemon for SIG$sig did not join"
	eval "pid=\$PID_s$port"
	kill -s "$sig" "$pid" 2>/dev/null || kill "-$sig" "$pid" || fail "cannot send SIG$sig"
	wait_until 10 sh -c "! kill -0 $pid" || fail "SIG$sig did not end the daemon"
	log=$WORK/s$port.log
	grep -q "every node leaves the ring, then the daemon stops" "$log" || fail "SIG$sig: no leave announced"
	grep -q "shutdown: all 2 node(s) left the ring" "$log" || fail "SIG$sig: $(grep shutdown "$log")"
	[ -e "$S" ] && fail "SIG$sig left the control socket behind"
	port=$((port + 10))
done
ok "TERM, INT, QUIT, USR1, USR2, ALRM, RTMIN+2: graceful leave, control socket removed"
