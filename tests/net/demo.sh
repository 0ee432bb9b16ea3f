#!/bin/sh
# demo.sh: the loopback mesh that `make run` shows (net/examples/mesh-demo.sh) does what it
# prints: the second daemon joins through the first, discover on host B finds the instance
# registered on host A, the traced lookup reaches its target, and both daemons leave.
. tests/net/lib.sh
net_init demo "$1"

sh net/examples/mesh-demo.sh "$BUILD" >"$WORK/out" 2>&1 || fail "mesh-demo failed: $(tail -n 5 "$WORK/out")"
a2=$(sed -n 's/^host A: themisd with 6 nodes on 127.0.0.1:\([0-9]*\)\.\..*/\1/p' "$WORK/out")
[ -n "$a2" ] || fail "no port range in: $(head -n 1 "$WORK/out")"
grep -qx "op register ok" "$WORK/out" || fail "register: $(cat "$WORK/out")"
grep -qx "op discover ok" "$WORK/out" || fail "discover: $(cat "$WORK/out")"
grep -q "^chosen [0-9a-f]\{64\} 127.0.0.1:$((a2 + 2))\$" "$WORK/out" ||
	fail "discover did not choose node 2 of host A: $(grep '^chosen' "$WORK/out")"
grep -q "owner [0-9a-f]\{64\} 127.0.0.1:$((a2 + 2))\$" "$WORK/out" ||
	fail "the traced lookup did not end at node 2 of host A: $(grep '^total' "$WORK/out")"
[ "$(grep -c 'all [0-9]* node(s) left the ring' "$WORK/out")" = 2 ] || fail "leave: $(tail -n 3 "$WORK/out")"
ok "make run's mesh: two daemons, one ring, register on A, discover and trace from B, leave"
