#!/bin/sh
# netns.sh: three hosts as three network namespaces on one bridge (veth pairs, tc netem
# delay where the kernel has it). Each runs a themisd; they form one ring over 10.77.0.0/24
# with ID@ADDR:PORT bootstraps and discover each other's services. Needs root and `ip`;
# otherwise prints one line saying why it did not run.
. tests/net/lib.sh
net_init netns "$1"
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	echo "skip netns: needs root and iproute2 (ip) to create network namespaces"
	exit 0
fi
tag=th$$
BR=br$tag
EXTRA_CLEANUP="for i in 1 2 3; do ip netns del $tag-\$i 2>/dev/null; done; ip link del $BR 2>/dev/null"
if ! ip link add "$BR" type bridge 2>"$WORK/e"; then
	echo "skip netns: cannot create a bridge here ($(head -1 "$WORK/e"))"
	exit 0
fi
ip link set "$BR" up
netem=1
for i in 1 2 3; do
	ns=$tag-$i
	ip netns add "$ns" || fail "ip netns add"
	ip link add "v$tag$i" type veth peer name eth0 netns "$ns" || fail "veth"
	ip link set "v$tag$i" master "$BR" up
	ip netns exec "$ns" ip addr add "10.77.0.$i/24" dev eth0
	ip netns exec "$ns" ip link set eth0 up
	ip netns exec "$ns" ip link set lo up
	if ! ip netns exec "$ns" tc qdisc add dev eth0 root netem delay 5ms 1ms 2>/dev/null; then
		netem=0
	fi
done
[ "$netem" = 1 ] && echo "netns: tc netem adds 5 ms +- 1 ms per hop" ||
	echo "netns: tc netem is not available in this kernel; links run without added delay"

for i in 1 2 3; do
	start_ns_daemon() {
		ip netns exec "$tag-$i" "$BUILD/themisd" --network ns --listen "10.77.0.$i:7000" --nodes 3 \
			--state "$WORK/s$i" --control "$WORK/c$i.sock" --stabilize 200 "$@" 2>"$WORK/n$i.log" &
		DAEMON_PIDS="$DAEMON_PIDS $!"
	}
	if [ "$i" = 1 ]; then
		start_ns_daemon
		wait_until 20 joined "$WORK/c1.sock" 3 || fail "host 1 ring"
		id1=$(node_id "$WORK/c1.sock" 0)
	else
		start_ns_daemon --bootstrap "$id1@10.77.0.1:7000"
	fi
done
wait_until 40 joined "$WORK/c2.sock" 3 || fail "host 2 did not join over the bridge"
wait_until 40 joined "$WORK/c3.sock" 3 || fail "host 3 did not join over the bridge"
ok "three namespaces, nine nodes, one ring over 10.77.0.0/24"
sleep 1
for i in 1 2 3; do
	th "$WORK/c$i.sock" --node 1 register "svc$i" >/dev/null || fail "register svc$i on host $i"
done
for i in 1 2 3; do
	for j in 1 2 3; do
		[ "$i" = "$j" ] && continue
		out=$(th "$WORK/c$i.sock" --json --node 2 discover "svc$j") || fail "host $i discover svc$j: $out"
		[ "$(jget "$out" '$.chosen.addr')" = "10.77.0.$j:7001" ] || fail "host $i found svc$j at $(jget "$out" '$.chosen.addr')"
	done
done
ok "each host discovers the other two hosts' services"
