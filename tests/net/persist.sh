#!/bin/sh
# persist.sh: a registration made through the CLI survives a restart of its daemon: the daemon
# keeps it in its state directory and registers it again once its node has joined, so the
# service is still discovered after the records of the first run would have expired; one
# deregistered (`themis deregister`) is taken off the list and not registered again.
. tests/net/lib.sh
net_init persist "$1"
A=$WORK/a.sock; B=$WORK/b.sock
start_daemon a --network persist --listen 127.0.0.1:26800 --nodes 3 --state "$WORK/a" --control "$A" --stabilize 100
wait_until 20 joined "$A" 3 || fail "daemon a"
ida=$(node_id "$A" 0)
start_daemon b --network persist --listen 127.0.0.1:26810 --nodes 3 --state "$WORK/b" --control "$B" \
	--stabilize 100 --bootstrap "$ida@127.0.0.1:26800"
wait_until 30 joined "$B" 3 || fail "daemon b"
th "$B" --node 1 register pay >/dev/null || fail "register pay"
th "$B" --node 2 register ledger >/dev/null || fail "register ledger"
grep -qx "1 pay" "$WORK/b/registrations" && grep -qx "2 ledger" "$WORK/b/registrations" ||
	fail "registrations not kept: $(cat "$WORK/b/registrations" 2>&1)"
ok "two registrations kept in the state directory"
th "$B" --node 2 deregister ledger >/dev/null || fail "deregister ledger"
grep -qx "2 ledger" "$WORK/b/registrations" && fail "ledger still kept after its deregistration"
grep -qx "1 pay" "$WORK/b/registrations" || fail "pay no longer kept after ledger's deregistration"
ok "a deregistration takes the service off the list"

kill -TERM "$PID_b"
wait_until 10 sh -c "! kill -0 $PID_b" || fail "daemon b did not stop"
start_daemon b2 --network persist --listen 127.0.0.1:26810 --nodes 3 --state "$WORK/b" --control "$B" \
	--stabilize 100 --bootstrap "$ida@127.0.0.1:26800"
wait_until 30 joined "$B" 3 || fail "daemon b after its restart"
wait_until 10 grep -q "node 1: registering pay again" "$WORK/b2.log" || fail "pay not registered again"
grep -q "ledger" "$WORK/b2.log" && fail "ledger, taken off the list, was registered again"
# (status counts the k + 1 objects of each registered service)
regs=$(jget "$(th "$B" --json --node 1 status)" '$.nodes[0].registrations')
[ -n "$regs" ] && [ "$regs" -gt 0 ] || fail "node 1 holds no registration after the restart"
idb1=$(node_id "$B" 1)
wait_until 20 sh -c "'$BUILD/themis' --control '$A' --json discover pay | grep -q '$idb1'" ||
	fail "pay not discovered after the restart"
ok "after a restart pay is registered again and discovered; ledger is not"
