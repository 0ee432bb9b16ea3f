#!/bin/sh
# mesh-demo.sh: the real implementation in a few seconds, for `make run`: two daemons on
# loopback (think of two hosts) form one ring over UDP, a node of one registers a service, a
# node of the other discovers it and traces a lookup hop by hop, then both leave gracefully.
# Everything lives in a temporary directory (keys, control sockets) and is removed at the end;
# the ports are a free-looking range picked per run. Usage: sh net/examples/mesh-demo.sh [BUILD]
BUILD=${1:-build}
D=$BUILD/themisd
C=$BUILD/themis
[ -x "$D" ] && [ -x "$C" ] || { echo "mesh-demo: build $D and $C first (make)" >&2; exit 1; }
tmp=$(mktemp -d) || exit 1   # under $TMPDIR when set
pid_a= pid_b=
cleanup() {
	[ -n "$pid_a$pid_b" ] && kill $pid_a $pid_b 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export THEMIS_RUNTIME_DIR="$tmp" THEMIS_LOG=info   # the logs go to files in tmp

# A port range of 16 from the process id, below Linux's ephemeral ports (32768 and up, where
# any outgoing socket may sit): two demos at once rarely collide, and a busy port makes the
# daemon exit at once, which the wait below reports.
base=$((20000 + ($$ % 760) * 16))
A=$tmp/a.sock
B=$tmp/b.sock

# joined SOCK N: the daemon behind SOCK has N nodes in the ring
joined() {
	"$C" --control "$1" status 2>/dev/null | grep -qx "joined $2"
}
wait_joined() {
	i=0
	while ! joined "$1" "$2"; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "mesh-demo: the daemon at $1 did not join in 10 s; its log:" >&2
			sed 's/^/    /' "$3" >&2
			exit 1
		fi
		sleep 0.1
	done
}

echo "host A: themisd with 6 nodes on 127.0.0.1:$base..$((base + 5)), a new ring"
"$D" --network demo --listen "127.0.0.1:$base" --nodes 6 --state "$tmp/a" --control "$A" \
	--stabilize 100 2>"$tmp/a.log" &
pid_a=$!
wait_joined "$A" 6 "$tmp/a.log"
echo "host B: themisd with 4 nodes on 127.0.0.1:$((base + 8)).., bootstrapping from host A"
"$D" --network demo --listen "127.0.0.1:$((base + 8))" --nodes 4 --state "$tmp/b" --control "$B" \
	--stabilize 100 --bootstrap "127.0.0.1:$base" 2>"$tmp/b.log" &
pid_b=$!
wait_joined "$B" 4 "$tmp/b.log"
# two maintenance rounds, so the fingers know both hosts
sleep 0.3

echo
echo "\$ themis --node 2 register checkout        # on host A"
"$C" --control "$A" --node 2 register checkout | grep '^op' || exit 1
echo "\$ themis --node 3 discover checkout        # on host B: no registry, no CA"
"$C" --control "$B" --node 3 discover checkout | grep '^op\|^hops\|^chosen' || exit 1
target=$("$C" --control "$A" --node 2 id | awk 'NR == 1 { print $1 }')
echo "\$ themis --node 1 lookup --trace <node 2 of host A>   # on host B"
"$C" --control "$B" --node 1 lookup --trace "$target" | sed -n '/^hop /,$p' || exit 1
echo
echo "SIGTERM to host B, then to host A: every node hands its records to its successor and leaves"
# A rolling stop, as an operator does it: host A's nodes learn of B's departure within a few
# maintenance rounds (a node that left tells only its predecessor at once); stopped sooner,
# a node of A may hand its records to B nodes already gone, waiting a second for each.
for h in b a; do
	pid=$pid_a
	[ $h = b ] && pid=$pid_b
	kill -TERM "$pid"
	wait "$pid"
	grep "shutdown:" "$tmp/$h.log" |
		sed "s/^.*: /  host $(echo $h | tr ab AB): /"
	[ $h = b ] && sleep 0.5
done
pid_a= pid_b=
