#!/bin/sh
# partition.sh: two daemons of five nodes each, in two network namespaces on one bridge, form
# one ring. The second's link is cut (ip link set down: datagrams vanish, no ICMP) for CUT
# seconds, 30 by default (PARTITION_CUT=N to change it); each side becomes a ring of its own
# and stores a record meanwhile. When the link is back: one ideal ring of ten again within
# 60 s, and every record, stored before or during the cut, is found from both daemons. Then
# the first daemon, which was started without --bootstrap, dies (SIGKILL) and is started
# again without it: it rejoins the ring through the peers its state directory remembers,
# instead of starting a ring of its own, and finds what the other daemon stores. Needs root and `ip`; otherwise prints why it did not
# run (docs/dht.md, Partitions and ring unification).
. tests/net/lib.sh
net_init partition "$1"
CUT=${PARTITION_CUT:-30}
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	echo "skip partition: needs root and iproute2 (ip) to create network namespaces"
	exit 0
fi
tag=tp$$
BR=br$tag
EXTRA_CLEANUP="for i in 1 2; do ip netns del $tag-\$i 2>/dev/null; done; ip link del $BR 2>/dev/null"
if ! ip link add "$BR" type bridge 2>"$WORK/e"; then
	echo "skip partition: cannot create a bridge here ($(head -1 "$WORK/e"))"
	exit 0
fi
ip link set "$BR" up
for i in 1 2; do
	ns=$tag-$i
	ip netns add "$ns" || fail "ip netns add"
	ip link add "v$tag$i" type veth peer name eth0 netns "$ns" || fail "veth"
	ip link set "v$tag$i" master "$BR" up
	ip netns exec "$ns" ip addr add "10.78.0.$i/24" dev eth0
	ip netns exec "$ns" ip link set eth0 up
	ip netns exec "$ns" ip link set lo up
done

# daemon I [ARGS...]: themisd in namespace I, five nodes on 10.78.0.I:7000..7004
daemon() {
	i=$1; shift
	ip netns exec "$tag-$i" "$BUILD/themisd" --network part --listen "10.78.0.$i:7000" --nodes 5 \
		--state "$WORK/s$i" --control "$WORK/c$i.sock" --stabilize 200 "$@" 2>>"$WORK/d$i.log" &
	DAEMON_PIDS="$DAEMON_PIDS $!"
	eval "PID_$i=$!"
}

# ideal_ring SOCKET...: the nodes of these daemons form one ideal ring: every node joined,
# its successor list exactly the next min(4, n - 1) nodes in id order (m = 256: a position is
# the whole id), its predecessor the previous one.
ideal_ring() {
	for s in "$@"; do
		th "$s" status | awk '$1 == "node" && $5 != "joined" { print "out" }'
		th "$s" id | awk -v d="$s" '{ print "map", d "/" NR - 1, $1 }'
		th "$s" peers | awk -v d="$s" '{ print d "/" $2, $3, $4, $5 }'
	done | awk '
	$1 == "out" { exit 1 }
	$1 == "map" { id[$2] = $3; ids[++n] = $3; next }
	$2 == "predecessor" { pred[$1] = $3; next }
	$2 == "successor" { succ[$1, $3] = $4; ns[$1]++; next }
	END {
		if (n == 0) exit 1
		# hex ids of one length: string order is numeric order
		for (i = 2; i <= n; i++) for (j = i; j > 1 && ids[j] < ids[j - 1]; j--) {
			t = ids[j]; ids[j] = ids[j - 1]; ids[j - 1] = t
		}
		for (i = 1; i <= n; i++) rank[ids[i]] = i
		want = n - 1 < 4 ? n - 1 : 4
		for (k in id) {
			r = rank[id[k]]
			if (ns[k] != want) exit 1
			if (pred[k] != ids[(r + n - 2) % n + 1]) exit 1
			for (j = 0; j < want; j++)
				if (succ[k, j] != ids[(r + j) % n + 1]) exit 1
		}
		exit 0
	}'
}

# found SOCKET NAME STORER_ID: a find of NAME from node 3 of that daemon returns STORER_ID's record
found() {
	out=$(th "$1" --json --node 3 find "$2") || return 1
	printf %s "$out" | grep -q "\"id\":\"$3\""
}

C1=$WORK/c1.sock; C2=$WORK/c2.sock
daemon 1
wait_until 20 joined "$C1" 5 || fail "daemon 1 did not form its ring"
id1=$(node_id "$C1" 0)
daemon 2 --bootstrap "$id1@10.78.0.1:7000"
wait_until 30 ideal_ring "$C1" "$C2" || fail "two daemons did not form one ideal ring"
ok "two daemons in two namespaces, ten nodes, one ideal ring"

th "$C1" --node 1 store before-1 >/dev/null || fail "store before-1"
th "$C2" --node 1 store before-2 >/dev/null || fail "store before-2"
s11=$(node_id "$C1" 1); s21=$(node_id "$C2" 1); s12=$(node_id "$C1" 2); s22=$(node_id "$C2" 2)
t0=$(date +%s)
ip link set "v${tag}2" down
# each side on its own: once its five nodes are an ideal ring of their own, it takes stores
wait_until "$CUT" ideal_ring "$C1" || fail "daemon 1 alone did not become a ring of its own in $CUT s"
wait_until "$CUT" ideal_ring "$C2" || fail "daemon 2 alone did not become a ring of its own in $CUT s"
th "$C1" --node 2 store during-1 >/dev/null || fail "store during-1 (the cut side's own ring)"
th "$C2" --node 2 store during-2 >/dev/null || fail "store during-2 (the cut side's own ring)"
left=$((CUT - ($(date +%s) - t0)))
[ "$left" -gt 0 ] && sleep "$left"
ip link set "v${tag}2" up
t1=$(date +%s)
ok "link of daemon 2 cut for $(($t1 - t0)) s; each side was a ring of its own and took a store"
wait_until 60 ideal_ring "$C1" "$C2" || fail "no single ideal ring 60 s after the cut ended"
ok "one ideal ring of ten again $(($(date +%s) - t1)) s after the cut ended"
for c in "$C1" "$C2"; do
	for r in "before-1 $s11" "before-2 $s21" "during-1 $s12" "during-2 $s22"; do
		set -- $r
		wait_until 10 found "$c" "$1" "$2" || fail "$(basename "$c" .sock) does not find $1"
	done
done
ok "every record, stored before or during the cut on either side, found from both daemons"

kill -KILL "$PID_1"
wait "$PID_1" 2>/dev/null
[ -s "$WORK/s1/peers" ] || fail "daemon 1 kept no peers in its state directory"
[ "$(stat -c %a "$WORK/s1/peers")" = 600 ] || fail "the peers file is not mode 0600"
t2=$(date +%s)
daemon 1
wait_until 30 ideal_ring "$C1" "$C2" || fail "daemon 1, restarted without --bootstrap, did not rejoin the ring"
grep -q "a peer remembered in the state directory" "$WORK/d1.log" ||
	fail "daemon 1 did not say it joined through a remembered peer"
ok "daemon 1 killed and restarted without --bootstrap: back in one ideal ring of ten in $(($(date +%s) - t2)) s"
# (records its nodes held died with it: their storers put them back at their next refresh)
th "$C2" --node 4 store after-restart >/dev/null || fail "store after-restart"
wait_until 10 found "$C1" after-restart "$(node_id "$C2" 4)" || fail "restarted daemon 1 does not find after-restart"
ok "a record stored from daemon 2 is found from the restarted daemon 1"
