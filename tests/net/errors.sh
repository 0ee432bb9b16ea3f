#!/bin/sh
# errors.sh: the one-line errors users meet first: unsafe or missing key files, keygen never
# overwriting, a missing bootstrap (clear error, then retries), a remote bootstrap without an
# id, the CLI with no daemon, usage errors; then --insecure-baseline and the embedding
# example pair (appauth-check registers "check", appauth-handler discovers and calls it).
. tests/net/lib.sh
net_init errors "$1"
D=$BUILD/themisd

"$BUILD/themis" keygen "$WORK/k1" >/dev/null || fail "keygen"
[ "$(stat -c %a "$WORK/k1")" = 600 ] || fail "keygen mode $(stat -c %a "$WORK/k1")"
cp "$WORK/k1" "$WORK/k1.orig"
"$BUILD/themis" keygen "$WORK/k1" 2>"$WORK/e" && fail "keygen overwrote a key"
cmp -s "$WORK/k1" "$WORK/k1.orig" || fail "keygen changed an existing key"
grep -q "never overwritten" "$WORK/e" || fail "keygen: $(cat "$WORK/e")"
chmod 644 "$WORK/k1"
$D --network e --listen 127.0.0.1:24000 --key "$WORK/k1" --control "$WORK/x.sock" 2>"$WORK/e" &&
	fail "daemon accepted a 0644 key"
grep -q "chmod 600 $WORK/k1" "$WORK/e" || fail "unsafe key message: $(cat "$WORK/e")"
[ "$(wc -l <"$WORK/e")" = 1 ] || fail "unsafe key: more than one line"
ok "keygen 0600, never overwrites; a 0644 key is refused naming chmod 600"

$D --network e --listen 127.0.0.1:24000 --bootstrap 192.0.2.7:7000 --state "$WORK/s" 2>"$WORK/e"
[ $? = 2 ] || fail "remote ADDR:PORT bootstrap without id: want exit 2"
grep -q "give it as ID@192.0.2.7:7000" "$WORK/e" || fail "remote bootstrap message: $(cat "$WORK/e")"
$D --network e 2>"$WORK/e"; [ $? = 2 ] || fail "missing --listen: want exit 2"
$D --network e --listen 127.0.0.1 2>"$WORK/e"; [ $? = 2 ] || fail "bad --listen: want exit 2"
$D --network e --listen 127.0.0.1:1 --nodes 0 2>"$WORK/e"; [ $? = 2 ] || fail "--nodes 0: want exit 2"
ok "usage errors exit 2; a remote bootstrap without id names ID@ADDR:PORT"

# a bootstrap that is not running: a clear error, then retries with backoff
fake=0000000000000000000000000000000000000000000000000000000000000001
start_daemon m --network e --listen 127.0.0.1:24010 --state "$WORK/m" --control "$WORK/m.sock" \
	--bootstrap "$fake@127.0.0.1:24099"
start_daemon l --network e --listen 127.0.0.1:24020 --state "$WORK/l" --control "$WORK/l.sock" \
	--bootstrap 127.0.0.1:24098
wait_until 20 sh -c "grep 'error: node 0: bootstrap $fake@127.0.0.1:24099 did not answer' '$WORK/m.log' | grep -q retrying" ||
	fail "unreachable bootstrap message: $(grep error "$WORK/m.log" | head -1)"
wait_until 10 sh -c "[ \$(grep -c 'no local daemon' '$WORK/l.log') -ge 2 ]" ||
	fail "local ADDR:PORT bootstrap without a daemon: $(grep error "$WORK/l.log" | head -1)"
kill -0 "$PID_m" && kill -0 "$PID_l" || fail "a daemon gave up instead of retrying"
st=$(th "$WORK/m.sock" --json status) || fail "status while waiting for the bootstrap"
[ "$(jget "$st" '$.joined')" = 0 ] || fail "joined without a bootstrap?"
ok "missing bootstrap: clear error, daemon keeps retrying (and answers status)"

"$BUILD/themis" --control "$WORK/none.sock" status 2>"$WORK/e" >/dev/null
[ $? = 1 ] || fail "CLI without daemon: want exit 1"
[ "$(wc -l <"$WORK/e")" = 1 ] && grep -q "no daemon is running at" "$WORK/e" || fail "CLI without daemon: $(cat "$WORK/e")"
"$BUILD/themis" frobnicate 2>/dev/null; [ $? = 2 ] || fail "unknown CLI command: want exit 2"
"$BUILD/themis" --timeout soon status 2>"$WORK/e"; [ $? = 2 ] || fail "bad --timeout: want exit 2"
[ "$(wc -l <"$WORK/e")" = 1 ] && grep -q -- "--timeout" "$WORK/e" || fail "bad --timeout: $(cat "$WORK/e")"
ok "CLI without a daemon says so in one line, exit 1"

P=$WORK/p.sock
start_daemon p --network plain --listen 127.0.0.1:24030 --nodes 4 --state "$WORK/p" --control "$P" \
	--stabilize 100 --insecure-baseline
wait_until 20 joined "$P" 4 || fail "insecure baseline ring"
th "$P" --node 1 register x >/dev/null && th "$P" --node 3 discover x >/dev/null || fail "baseline discover"
[ "$(jget "$(th "$P" --json status)" '$.security')" = off ] || fail "baseline status"
grep -q "warn: --insecure-baseline" "$WORK/p.log" || fail "no warning for the baseline"
ok "--insecure-baseline: PLAIN ring of 4 works, status says security off, warning logged"

# the embedding example pair: check registers, handler discovers it and calls it over UDP
G=$WORK/g.sock
start_daemon g --network app --listen 127.0.0.1:24040 --nodes 3 --state "$WORK/g" --control "$G" --stabilize 100
wait_until 20 joined "$G" 3 || fail "app ring"
idg=$(node_id "$G" 0)
"$BUILD/examples/appauth-check" app 127.0.0.1:24050 "$WORK/check.key" "$idg@127.0.0.1:24040" >"$WORK/check.out" 2>"$WORK/check.log" &
DAEMON_PIDS="$DAEMON_PIDS $!"; CHECK=$!
wait_until 20 grep -q "check registered" "$WORK/check.out" || fail "appauth-check did not register"
out=$(timeout 30 "$BUILD/examples/appauth-handler" app 127.0.0.1:24060 "$WORK/handler.key" \
	"$idg@127.0.0.1:24040" alice 2>&1) || fail "appauth-handler: $out"
cid=$(sed -n 's/^check registered: id \([0-9a-f]*\),.*/\1/p' "$WORK/check.out")
echo "$out" | grep -q "discovered check: id $cid at 127.0.0.1:24050" || fail "handler found another check: $out"
echo "$out" | grep -q "check says: allow alice" || fail "handler got no answer: $out"
kill -TERM "$CHECK"
ok "appauth-handler discovered appauth-check through the mesh and got: allow alice"
