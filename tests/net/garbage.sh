#!/bin/sh
# garbage.sh: random, truncated, oversized, wrong-network and replayed datagrams from a raw
# UDP socket. The daemon keeps serving and `themis status --json` shows each drop.
. tests/net/lib.sh
net_init garbage "$1"
S=$WORK/d.sock
start_daemon d --network junk --listen 127.0.0.1:23000 --nodes 3 --state "$WORK/s" --control "$S" --stabilize 100
wait_until 20 joined "$S" 3 || fail "ring of 3 did not form"
id0=$(node_id "$S" 0)
"$BUILD/net/udpjunk" 127.0.0.1:23000 junk "$id0" >/dev/null || fail "udpjunk"
sleep 0.5
kill -0 "$PID_d" || fail "themisd died on garbage"
st=$(th "$S" --json --node 0 status) || fail "status after garbage"
mal=$(jget "$st" '$.nodes[0].counters.drops.malformed')
rep=$(jget "$st" '$.nodes[0].counters.drops.replay')
wn=$(jget "$st" '$.nodes[0].counters.drops.wrong_network')
[ "$mal" -ge 28 ] || fail "malformed drops $mal < 28 (20 random, 7 truncated, 1 oversized)"
[ "$rep" -ge 1 ] || fail "replayed HELLO not counted ($rep)"
[ "$wn" -ge 1 ] || fail "wrong-network HELLO not counted ($wn)"
ok "drops counted: malformed $mal, replay $rep, wrong_network $wn"
th "$S" --node 1 register svc >/dev/null || fail "register after garbage"
th "$S" --node 2 discover svc >/dev/null || fail "discover after garbage"
ok "daemon keeps serving: register and discover after the garbage"
