#!/bin/sh
# kill.sh: three daemons form one ring (the second bootstraps by a local ADDR:PORT, its id
# learned over the first's control socket; the third by ID@ADDR:PORT). A service registered
# on the first is discovered after the second daemon dies by SIGKILL (no leave at all).
. tests/net/lib.sh
net_init kill "$1"
A=$THEMIS_RUNTIME_DIR/themisd-22000.sock
start_daemon a --network kill --listen 127.0.0.1:22000 --nodes 6 --state "$WORK/a" --stabilize 100
wait_until 20 joined "$A" 6 || fail "daemon a did not form its ring"
ida=$(node_id "$A" 0)
B=$WORK/b.sock; C=$WORK/c.sock
start_daemon b --network kill --listen 127.0.0.1:22100 --nodes 6 --state "$WORK/b" --stabilize 100 \
	--control "$B" --bootstrap 127.0.0.1:22000
start_daemon c --network kill --listen 127.0.0.1:22200 --nodes 6 --state "$WORK/c" --stabilize 100 \
	--control "$C" --bootstrap "$ida@127.0.0.1:22000"
wait_until 30 joined "$B" 6 || fail "daemon b did not join through 127.0.0.1:22000"
wait_until 30 joined "$C" 6 || fail "daemon c did not join through ID@127.0.0.1:22000"
grep -q "joining through" "$WORK/b.log" || fail "b did not log its resolved bootstrap"
ok "18 nodes in 3 daemons; b learned the bootstrap id over a's control socket"
sleep 1   # a few stabilization rounds so every daemon's nodes are in the others' fingers

th "$A" --node 2 register pay >/dev/null || fail "register pay"
ida2=$(node_id "$A" 2)
out=$(th "$C" --json --node 4 discover pay) || fail "discover before the kill: $out"
[ "$(jget "$out" '$.chosen.id')" = "$ida2" ] || fail "discover chose another instance"
kill -KILL "$PID_b"
ok "pay registered on a/2 and discovered from c/4; daemon b killed with SIGKILL"

# ring_healed: over the twelve live nodes (daemons a and c), following first successors visits
# every one exactly once and comes back, and every predecessor is a live node: one ring again,
# with no pointer left to a node of the killed daemon.
ring_healed() {
	{ th "$A" id | awk '{ print "self a" NR - 1, $1 }'
	  th "$C" id | awk '{ print "self c" NR - 1, $1 }'
	  th "$A" peers | awk '{ print "a" $2, $3, $4, $5 }'
	  th "$C" peers | awk '{ print "c" $2, $3, $4, $5 }'
	} | awk '
	$1 == "self" { id[$2] = $3; live[$3] = 1; n++; next }
	$2 == "successor" && $3 == 0 { succ[$1] = $4 }
	$2 == "predecessor" { pred[$1] = $3 }
	END {
		for (k in id) {
			if (!(succ[k] in live) || !(pred[k] in live)) exit 1
			key[id[k]] = k
			start = id[k]
		}
		cur = start
		for (i = 0; i < n; i++) {
			if (seen[cur]++) exit 1
			cur = succ[key[cur]]
		}
		exit (cur == start ? 0 : 1)
	}'
}

# the ring repairs itself around six dead nodes; discover must succeed through the
# replicas that survive (k + 1 object ids on different owners)
found=0
for i in 0 1 2 3 4 5; do
	if wait_until 15 sh -c "'$BUILD/themis' --control '$C' --json --node $i discover pay | grep -q '$ida2'"; then
		found=$((found + 1))
	fi
done
[ "$found" -ge 5 ] || fail "discover after the kill succeeded from $found of 6 nodes of c"
# from a as well, with the same patience: a replica whose owner died is back once its owner's
# successor has taken over and the storer's next refresh (t/2) has put the record there
wait_until 35 sh -c "'$BUILD/themis' --control '$A' --json --node 5 discover pay | grep -q '$ida2'" ||
	fail "discover from a/5 after the kill"
ok "discover still succeeds after SIGKILL ($found/6 from c, and from a)"
wait_until 30 ring_healed || fail "the ring of the twelve live nodes did not heal"
ok "the ring healed: one cycle over the twelve live nodes, no pointer to the dead daemon"
