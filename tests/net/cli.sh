#!/bin/sh
# cli.sh: what a new user meets first on the command line. Usage errors are one
# line naming the word at fault, exit 2; help, -h and themis alone print the usage; keygen
# prints the id peers bootstrap through; id shows node indexes; ids are accepted by any
# unique prefix; a runtime directory or socket of another user is named as the cause; host
# names and --advertise; peers lists sessions; metrics is Prometheus text; deregister takes
# an instance out of discovery at once and watch prints the change.
. tests/net/lib.sh
net_init cli "$1"
T=$BUILD/themis
D=$BUILD/themisd

# one_line FILE: the file holds exactly one line
one_line() { [ "$(wc -l <"$1")" = 1 ]; }

$T >"$WORK/o" 2>"$WORK/e"; [ $? = 2 ] || fail "themis alone: want exit 2"
grep -q "^usage: themis" "$WORK/e" || fail "themis alone prints no usage: $(head -1 "$WORK/e")"
for h in -h --help help; do
	$T $h >"$WORK/o" 2>"$WORK/e" || fail "themis $h: exit $?"
	grep -q "^usage: themis" "$WORK/o" || fail "themis $h: no usage on stdout"
	grep -q "deregister SERVICE" "$WORK/o" || fail "themis $h: usage lacks deregister"
done
$T --frob status 2>"$WORK/e"; [ $? = 2 ] || fail "unknown option: want exit 2"
one_line "$WORK/e" && grep -q "unknown option '--frob'" "$WORK/e" || fail "unknown option: $(cat "$WORK/e")"
$T regster x 2>"$WORK/e"; [ $? = 2 ] || fail "unknown command: want exit 2"
one_line "$WORK/e" && grep -q "unknown command 'regster'; did you mean 'register'?" "$WORK/e" ||
	fail "unknown command: $(cat "$WORK/e")"
$T register 2>"$WORK/e"; [ $? = 2 ] || fail "missing argument: want exit 2"
grep -q "register needs an argument: SERVICE" "$WORK/e" || fail "missing argument: $(cat "$WORK/e")"
$T status extra 2>"$WORK/e"; [ $? = 2 ] || fail "extra argument: want exit 2"
grep -q "status takes no argument (got 'extra')" "$WORK/e" || fail "extra argument: $(cat "$WORK/e")"
$T status --node 2>"$WORK/e"; [ $? = 2 ] || fail "option without its value: want exit 2"
grep -q -- "--node needs an argument: I" "$WORK/e" || fail "option without value: $(cat "$WORK/e")"
$D --frob 2>"$WORK/e"; [ $? = 2 ] || fail "themisd unknown option: want exit 2"
one_line "$WORK/e" && grep -q "unknown option '--frob'" "$WORK/e" || fail "themisd unknown option: $(cat "$WORK/e")"
$D --network x --listen 2>"$WORK/e"; [ $? = 2 ] || fail "themisd --listen without value: want exit 2"
grep -q -- "--listen needs an argument: ADDR:PORT" "$WORK/e" || fail "themisd --listen: $(cat "$WORK/e")"
$D -h >"$WORK/o" || fail "themisd -h: exit $?"
grep -q -- "--advertise" "$WORK/o" || fail "themisd -h lacks --advertise"
$D --network x --listen 127.0.0.1:1 stray 2>"$WORK/e"; [ $? = 2 ] || fail "themisd stray argument: want exit 2"
grep -q "unexpected argument 'stray'" "$WORK/e" || fail "themisd stray: $(cat "$WORK/e")"
ok "usage errors: one line naming the word, exit 2; help, -h, --help; themis alone prints usage"

# keygen --network prints the id; id --key computes the same without a daemon
out=$($T keygen --network clinet "$WORK/a.key") || fail "keygen --network"
kid=$(echo "$out" | sed -n 's/^id  *\([0-9a-f]\{64\}\)$/\1/p')
[ -n "$kid" ] || fail "keygen printed no id: $out"
echo "$out" | grep -q "^public key [0-9a-f]\{64\}$" || fail "keygen: no labelled public key: $out"
echo "$out" | grep -q -- "--bootstrap $kid@ADDR:PORT" || fail "keygen: no bootstrap hint: $out"
[ "$($T id --key "$WORK/a.key" --network clinet | sed -n 's/^id  *//p')" = "$kid" ] || fail "id --key differs"
ok "keygen --network prints the id peers bootstrap through (and id --key the same)"

# the runtime directory of another user (a DynamicUser daemon's): the real cause
mkdir -m 700 "$WORK/dyn"
chown 65534 "$WORK/dyn" 2>/dev/null
if [ "$(stat -c %u "$WORK/dyn")" = 65534 ] && [ "$(id -u)" = 0 ]; then
	THEMIS_RUNTIME_DIR=$WORK/dyn $T status 2>"$WORK/e"; [ $? = 1 ] || fail "foreign runtime dir: want exit 1"
	one_line "$WORK/e" && grep -q "belongs to .*uid 65534.*not to this user" "$WORK/e" &&
		! grep -q "no daemon is running" "$WORK/e" || fail "foreign runtime dir: $(cat "$WORK/e")"
	ok "a runtime directory of another user is named as such, not 'no daemon is running'"
else
	echo "skip $TEST: not root, the foreign runtime directory case needs chown"
fi

# two daemons: A (17 nodes, so two of its ids share a first hex digit) through a host name,
# B bound to the wildcard and advertising 127.0.0.2
chmod 711 "$WORK"
mkdir -m 711 "$WORK/pub"
SA=$WORK/pub/a.sock
SB=$THEMIS_RUNTIME_DIR/themisd-26100.sock
start_daemon a --network clinet --listen localhost:26000 --nodes 17 --key "$WORK/a.key" \
	--state "$WORK/sa" --control "$SA" --stabilize 100
wait_until 10 th "$SA" id || fail "daemon a did not start"
idA=$(node_id "$SA" 0)
[ "$idA" = "$kid" ] || fail "daemon's node 0 id $idA is not keygen's $kid"
th "$SA" id | sed -n 3p | grep -q "^[0-9a-f]\{64\} 127.0.0.1:26002 node 2$" || fail "id lacks the node index: $(th "$SA" id | sed -n 3p)"
start_daemon b --network clinet --listen 0.0.0.0:26100 --advertise 127.0.0.2:26100 \
	--bootstrap "$idA@localhost:26000" --state "$WORK/sb" --stabilize 100
wait_until 40 joined "$SA" 17 || fail "daemon a's ring"
wait_until 20 joined "$SB" 1 || fail "daemon b did not join through localhost"
ok "localhost:PORT in --listen and --bootstrap; keygen's id is the daemon's; id shows node indexes"

# --advertise: what b says of itself (themis id prints the ID@ADDR:PORT to hand out; its
# node entries carry it). Peers that talk to b directly use the address its authenticated
# packets come from, so a ring forms whatever it advertises.
idB=$(node_id "$SB" 0)
th "$SB" id | grep -q "^$idB 127.0.0.2:26100 node 0$" || fail "id of b: $(th "$SB" id)"
ok "--advertise: themis id on b shows 127.0.0.2:26100 (bound to 0.0.0.0:26100)"

# id prefixes: unique (the 16 digits logs print, and 8), unknown, ambiguous; options after
# the command
id5=$(node_id "$SA" 5)
p16=$(echo "$id5" | cut -c1-16)
# (asked of daemon a, which knows node 5's id for sure: it hosts it; b knows only the ids
# its ring tables and sessions hold at that moment)
out=$(th "$SA" --node 2 lookup "$p16" 2>&1) || fail "lookup of a 16-digit prefix: $out"
echo "$out" | grep -q "owner $id5 " || fail "lookup $p16 did not end at node 5: $out"
out=$(th "$SA" --node 9 lookup --trace "$(echo "$id5" | cut -c1-8)" --json) || fail "lookup --trace ID --json"
[ "$(jget "$out" '$.owner.id')" = "$id5" ] || fail "lookup --trace PREFIX --json: $out"
flip=$(echo "$id5" | cut -c1-11)$(echo "$id5" | cut -c12 | tr 0-9a-f 1-9a-f0)
th "$SB" lookup "$flip" 2>"$WORK/e"; [ $? = 1 ] || fail "unknown prefix: want exit 1"
grep -q "no id this daemon knows starts with $flip" "$WORK/e" || fail "unknown prefix: $(cat "$WORK/e")"
d=$(th "$SA" id | cut -c1 | sort | uniq -d | head -1)
th "$SA" lookup "$d" 2>"$WORK/e"; [ $? = 1 ] || fail "ambiguous prefix: want exit 1"
grep -q "id prefix $d is ambiguous" "$WORK/e" || fail "ambiguous prefix $d: $(cat "$WORK/e")"
th "$SB" lookup "xyz" 2>"$WORK/e"; [ $? = 2 ] || fail "non-hex id: want exit 2"
th "$SA" --node 99 status 2>"$WORK/e"; [ $? = 2 ] || fail "--node out of range: want exit 2"
grep -q "hosts nodes 0..16" "$WORK/e" || fail "--node 99: $(cat "$WORK/e")"
ok "ids by unique prefix (16 and 8 digits); unknown and ambiguous prefixes said; options after the command"

# peers: sessions with age, handshake, transfer and round trip; metrics: Prometheus text
out=$(th "$SB" peers) || fail "peers"
echo "$out" | grep -q "^node 0 session [0-9a-f]\{64\} " || fail "peers lists no session: $out"
echo "$out" | grep -q "up, age [0-9.]* s, latest handshake [0-9.]* s ago" || fail "peers: no age: $out"
echo "$out" | grep -q "transfer: [0-9]* B received ([0-9]* packets), [0-9]* B sent" || fail "peers: no transfer: $out"
echo "$out" | grep -q "round trip: [0-9.]* ms" || fail "peers: no round trip: $out"
js=$(th "$SB" --json peers) || fail "peers --json"
[ "$(jget "$js" '$.nodes[0].sessions[0].rx_pkts')" -gt 0 ] || fail "peers --json: no rx_pkts: $js"
th "$SA" metrics >"$WORK/m" || fail "metrics"
grep -q '^# TYPE themis_pkts_in_total counter$' "$WORK/m" || fail "metrics: no TYPE line"
grep -q '^themis_joined{node="16"} 1$' "$WORK/m" || fail "metrics: node 16 not joined"
grep -q '^themis_drops_total{node="0",reason="bad_sig"} [0-9]*$' "$WORK/m" || fail "metrics: no drops"
bad=$(grep -v '^#' "$WORK/m" | grep -cv '^[a-z_]*{[a-z]*="[^"]*"\(,[a-z]*="[^"]*"\)*} [0-9][0-9]*$')
[ "$bad" = 0 ] || fail "metrics: $bad line(s) not in the exposition format"
ok "peers shows sessions like wg show; metrics is Prometheus text ($(grep -vc '^#' "$WORK/m") samples)"

# deregister: the instance leaves discovery at once; watch prints both sets
th "$SB" register web >/dev/null || fail "register web on b"
th "$SA" --node 7 register web >/dev/null || fail "register web on a/7"
id7=$(node_id "$SA" 7)
$T --control "$SA" --node 3 watch web --interval 1 --count 2 >"$WORK/watch" 2>"$WORK/watch.err" &
WATCH=$!
DAEMON_PIDS="$DAEMON_PIDS $WATCH"
wait_until 10 grep -q "web: 2 instance(s)" "$WORK/watch" || fail "watch did not print 2 instances: $(cat "$WORK/watch" "$WORK/watch.err")"
out=$(th "$SB" deregister web) || fail "deregister web: $out"
echo "$out" | grep -q "^op deregister ok" || fail "deregister: $out"
out=$(th "$SA" --node 11 find web) || fail "find web after deregister"
echo "$out" | grep -q "^record $idB" && fail "b still listed right after deregister: $out"
echo "$out" | grep -q "^record $id7" || fail "a/7 lost too: $out"
wait_until 10 grep -q "web: 1 instance(s)" "$WORK/watch" || fail "watch did not print the change: $(cat "$WORK/watch")"
wait "$WATCH" || fail "watch --count 2 did not end 0"
sed -n '/1 instance/,$p' "$WORK/watch" | grep -q "$id7 127.0.0.1:26007" || fail "watch: wrong instance left: $(cat "$WORK/watch")"
ok "deregister: gone from find at once; watch printed 2 then 1 instance(s)"

# a socket another user cannot reach: permission denied, named
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$T" --control "$SA" status 2>"$WORK/e"
	[ $? = 1 ] || fail "socket of another user: want exit 1"
	one_line "$WORK/e" && grep -q "permission denied: the socket belongs to root" "$WORK/e" &&
		! grep -q "no daemon" "$WORK/e" || fail "socket of another user: $(cat "$WORK/e")"
	ok "a control socket of another user: 'permission denied', whose it is"
fi
