#!/bin/sh
# ring20.sh: twenty nodes in one themisd (--nodes 20) form a ring on 127.0.0.1; a service
# registered on one node is discovered from another; the owner of a stored name leaves
# gracefully and the name is still found; SIGTERM leaves within the bound and exits 0;
# --metrics wrote the simulator's schema with mode 'udp'.
. tests/net/lib.sh
net_init ring20 "$1"
S=$WORK/d.sock
start_daemon d --network ring20 --listen 127.0.0.1:21000 --nodes 20 --state "$WORK/state" \
	--control "$S" --stabilize 100 --metrics "$WORK/m.db"
wait_until 30 joined "$S" 20 || fail "20 nodes did not form a ring within 30 s"
ok "20 nodes joined, each has a predecessor"

th "$S" --node 5 register web >/dev/null || fail "register web on node 5"
id5=$(node_id "$S" 5)
out=$(th "$S" --json --node 12 discover web) || fail "discover web from node 12: $out"
[ "$(jget "$out" '$.chosen.id')" = "$id5" ] || fail "discover chose $(jget "$out" '$.chosen.id'), not node 5"
ok "register on node 5, discover from node 12 (hops $(jget "$out" '$.hops'))"

th "$S" --node 3 store config >/dev/null || fail "store config on node 3"
id3=$(node_id "$S" 3)
out=$(th "$S" --json --node 17 find config) || fail "find config"
owner=$(jget "$out" '$.owner.id')
[ "$(jget "$out" '$.records[0].node.id')" = "$id3" ] || fail "find config: no record of node 3"
# the owner leaves gracefully: its object table goes to its successor
oi=$(th "$S" id | grep -n "^$owner " | cut -d: -f1)
oi=$((oi - 1))
[ "$oi" -ge 0 ] || fail "owner $owner is not one of ours"
asker=17; [ "$oi" = 17 ] && asker=9
th "$S" --node "$oi" leave >/dev/null || fail "leave of node $oi"
out=$(th "$S" --json --node $asker find config) || fail "find config after leave: $out"
[ "$(jget "$out" '$.records[0].node.id')" = "$id3" ] || fail "record lost when node $oi left: $out"
[ "$(jget "$out" '$.owner.id')" != "$owner" ] || fail "the node that left still owns config"
ok "owner (node $oi) left gracefully; config still found at the new owner"

# the lookup runs between two nodes still in the ring: the owner that left may be either one
from=2; [ "$oi" = 2 ] && from=9
tgt=5; [ "$oi" = 5 ] && tgt=6
idt=$(node_id "$S" $tgt)
out=$(th "$S" --json --node $from lookup --trace "$idt") || fail "lookup --trace: $out"
[ "$(jget "$out" '$.owner.id')" = "$idt" ] || fail "lookup --trace: owner is not node $tgt"
nh=$(printf "select json_array_length('%s', '\$.trace');\n" "$out" | sqlite3)
[ "$nh" -ge 1 ] && [ "$nh" = "$(jget "$out" '$.hops')" ] || fail "lookup --trace: $nh hop lines for $(jget "$out" '$.hops') hops"
[ -n "$(jget "$out" "\$.trace[$((nh - 1))].node.addr")" ] || fail "lookup --trace: hop without address"
ok "lookup --trace from node $from to node $tgt: $nh hop(s), each with id, address, progress, rtt"

kill -TERM "$PID_d"
t=0
while kill -0 "$PID_d" 2>/dev/null; do
	sleep 0.1; t=$((t + 1))
	[ "$t" -gt 40 ] && fail "themisd still running 4 s after SIGTERM"
done
wait "$PID_d"; rc=$?
[ "$rc" = 0 ] || fail "themisd exited $rc after SIGTERM"
grep -q "left the ring" "$WORK/d.log" || fail "no graceful leave logged"
ok "SIGTERM: every node left, exit 0"

[ "$(sqlite3 "$WORK/m.db" "select mode from runs")" = udp ] || fail "metrics: runs.mode"
n=$(sqlite3 "$WORK/m.db" "select count(*) from ops where kind in ('register','discover','find','store','leave','join')")
[ "$n" -ge 24 ] || fail "metrics: only $n ops rows"
sqlite3 "$WORK/m.db" "select value from summary where name = 'lookup_success_rate'" | grep -q '^1' ||
	fail "metrics: lookup_success_rate"
ok "metrics: $n ops rows and the summary rows"
