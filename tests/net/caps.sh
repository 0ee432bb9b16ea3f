#!/bin/sh
# caps.sh: a store its owner refuses for lack of room fails with a reply that names the cap,
# not "store X failed": one daemon of two nodes that hold one record each (--max-records 1).
. tests/net/lib.sh
net_init caps "$1"
A=$WORK/a.sock
start_daemon a --network caps --listen 127.0.0.1:27200 --nodes 2 --state "$WORK/a" --control "$A" \
	--stabilize 100 --max-records 1
wait_until 20 joined "$A" 2 || fail "daemon a"
# three objects on two nodes of one record each: at least one store meets a full table
refused=0
for k in 1 2 3 4 5 6; do
	if ! out=$("$BUILD/themis" --control "$A" --node 0 store "obj-$k" 2>&1); then
		echo "$out" | grep -q "record table is at a cap (max_records" ||
			fail "store obj-$k failed without naming the cap: $out"
		refused=$((refused + 1))
	fi
done
[ "$refused" -ge 1 ] || fail "no store was refused with two nodes holding one record each"
ok "$refused of 6 stores refused, each naming the owner's record cap"
