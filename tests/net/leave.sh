#!/bin/sh
# leave.sh: six single-node daemons form a ring; the two daemons after one node in the ring
# stop answering (SIGSTOP: their sockets stay open, so no ICMP port-unreachable gives them
# away, as with hosts that lost power), and that node's daemon gets SIGTERM. Its leave must
# still end well inside themisd's 2 s bound: the later successors were probed while the first
# handoff waited, so the records go to the first live successor after one req_timeout, not
# one per dead node (docs/dht.md, Leave).
. tests/net/lib.sh
net_init leave "$1"
start_daemon d0 --network leave --listen 127.0.0.1:25000 --nodes 1 --state "$WORK/d0" \
	--control "$WORK/d0.sock" --stabilize 100
# a lone node has no predecessor yet: wait for its control socket only
wait_until 10 th "$WORK/d0.sock" id || fail "d0 did not start"
id0=$(node_id "$WORK/d0.sock" 0)
for i in 1 2 3 4 5; do
	start_daemon "d$i" --network leave --listen "127.0.0.1:$((25000 + 10 * i))" --nodes 1 \
		--state "$WORK/d$i" --control "$WORK/d$i.sock" --stabilize 100 \
		--bootstrap "$id0@127.0.0.1:25000"
done
for i in 1 2 3 4 5; do
	wait_until 30 joined "$WORK/d$i.sock" 1 || fail "d$i did not join"
done
ok "six single-node daemons form one ring"

# ring order: ids sorted (a position is the id's leading bits); L leaves, S1 and S2 follow it
for i in 0 1 2 3 4 5; do echo "$(node_id "$WORK/d$i.sock" 0) $i"; done | sort >"$WORK/order"
L=$(sed -n 1p "$WORK/order" | cut -d' ' -f2)
S1=$(sed -n 2p "$WORK/order" | cut -d' ' -f2)
S2=$(sed -n 3p "$WORK/order" | cut -d' ' -f2)
id1=$(sed -n 2p "$WORK/order" | cut -d' ' -f1)
id2=$(sed -n 3p "$WORK/order" | cut -d' ' -f1)
# L's successor list names S1 then S2 (stabilization has run far enough)
succ_ok() {
	th "$WORK/d$L.sock" peers | awk -v a="$id1" -v b="$id2" '
		$3 == "successor" && $4 == 0 && $5 == a { x = 1 }
		$3 == "successor" && $4 == 1 && $5 == b { y = 1 }
		END { exit !(x && y) }'
}
wait_until 20 succ_ok || fail "d$L's successors are not d$S1 then d$S2"

eval "kill -STOP \$PID_d$S1 \$PID_d$S2"
eval "kill -TERM \$PID_d$L"
eval "wait \$PID_d$L"
rc=$?
[ "$rc" = 0 ] || fail "d$L exited $rc after SIGTERM"
grep -q "did not finish leaving" "$WORK/d$L.log" && fail "d$L's leave overran the bound: $(grep -h 'did not finish' "$WORK/d$L.log")"
line=$(grep -h "leave op .* ok in" "$WORK/d$L.log") || fail "d$L logged no successful leave"
ms=$(echo "$line" | sed -n 's/.* ok in \([0-9.]*\) ms.*/\1/p')
awk -v ms="$ms" 'BEGIN { exit !(ms < 2000) }' || fail "d$L's leave took $ms ms"
ok "two successors stopped; the leave ended ok in $ms ms, within the 2 s bound"
