#!/bin/sh
# garbage.sh: thousands of random, truncated, oversized, wrong-network and replayed datagrams
# from a raw UDP socket. The daemon keeps serving, `themis status --json` shows the drops, and
# its memory stays bounded (every table it could grow has a cap).
. tests/net/lib.sh
net_init garbage "$1"
S=$WORK/d.sock
start_daemon d --network junk --listen 127.0.0.1:23000 --nodes 3 --state "$WORK/s" --control "$S" --stabilize 100
wait_until 20 joined "$S" 3 || fail "ring of 3 did not form"
id0=$(node_id "$S" 0)
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$PID_d/status"; }
"$BUILD/net/udpjunk" 127.0.0.1:23000 junk "$id0" 10 >/dev/null || fail "udpjunk (warm-up)"
sleep 0.5
rss0=$(rss)
"$BUILD/net/udpjunk" 127.0.0.1:23000 junk "$id0" 150 >/dev/null || fail "udpjunk"
sleep 0.5
rss1=$(rss)
kill -0 "$PID_d" || fail "themisd died on garbage"
st=$(th "$S" --json --node 0 status) || fail "status after garbage"
mal=$(jget "$st" '$.nodes[0].counters.drops.malformed')
rep=$(jget "$st" '$.nodes[0].counters.drops.replay')
wn=$(jget "$st" '$.nodes[0].counters.drops.wrong_network')
rl=$(jget "$st" '$.nodes[0].counters.drops.rate_limited')
[ "$mal" -ge 4480 ] || fail "malformed drops $mal < 4480 (160 rounds of 20 random, 7 truncated, 1 oversized)"
[ "$rep" -ge 1 ] || fail "replayed HELLO not counted ($rep)"
[ "$wn" -ge 160 ] || fail "wrong-network HELLOs not all counted ($wn)"
# every valid HELLO and its copy: admitted and then caught as a replay, or over the source's rate
[ $((rep + rl)) -ge 160 ] || fail "valid HELLOs and replays not all accounted for (replay $rep, rate_limited $rl)"
ok "4960 hostile datagrams: malformed $mal, wrong_network $wn, replay $rep, rate_limited $rl"
[ $((rss1 - rss0)) -lt 8192 ] || fail "memory grew by $((rss1 - rss0)) kB under 4650 hostile datagrams"
ok "memory bounded: RSS ${rss0} kB before, ${rss1} kB after the flood"
th "$S" --node 1 register svc >/dev/null || fail "register after garbage"
th "$S" --node 2 discover svc >/dev/null || fail "discover after garbage"
ok "daemon keeps serving: register and discover after the garbage"
