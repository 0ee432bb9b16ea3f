#!/bin/sh
# keyfile.sh: a key file is never seen half written: keygen and a first start leave exactly
# the key (0600, 64 hex digits and a newline) and no temporary file beside it; and an empty key
# file, which an older version left when it crashed while creating it, stops the start with
# one line that says what it is and what to do.
. tests/net/lib.sh
net_init keyfile "$1"
D=$BUILD/themisd
# a ring of one node has no predecessor: joined is all there is to wait for
up() { s=$(th "$1" --json status) && [ "$(jget "$s" '$.joined')" = 1 ]; }
mkdir -m 700 "$WORK/k"
"$BUILD/themis" keygen "$WORK/k/a.key" >/dev/null || fail "keygen"
[ "$(ls -A "$WORK/k")" = a.key ] || fail "keygen left more than the key: $(ls -A "$WORK/k")"
[ "$(stat -c %a "$WORK/k/a.key")" = 600 ] || fail "keygen mode"
grep -qx '[0-9a-f]\{64\}' "$WORK/k/a.key" || fail "keygen content"
start_daemon s --network key --listen 127.0.0.1:26500 --state "$WORK/s" --control "$WORK/s.sock"
wait_until 20 up "$WORK/s.sock" || fail "first start with a state directory"
[ "$(ls -A "$WORK/s" | grep -c key)" = 1 ] || fail "the state directory holds more than node.key: $(ls -A "$WORK/s")"
grep -qx '[0-9a-f]\{64\}' "$WORK/s/node.key" || fail "node.key content"
ok "keygen and a first start leave the whole key and nothing else"

: >"$WORK/k/empty.key"
chmod 600 "$WORK/k/empty.key"
$D --network key --listen 127.0.0.1:26510 --key "$WORK/k/empty.key" --control "$WORK/e.sock" 2>"$WORK/e"
[ $? = 1 ] || fail "an empty --key file: want exit 1"
[ "$(wc -l <"$WORK/e")" = 1 ] || fail "empty key: not one line: $(cat "$WORK/e")"
grep -q "the key file is empty" "$WORK/e" && grep -q "rm $WORK/k/empty.key" "$WORK/e" ||
	fail "empty key message: $(cat "$WORK/e")"
mkdir -m 700 "$WORK/old"
: >"$WORK/old/node.key"
chmod 600 "$WORK/old/node.key"
$D --network key --listen 127.0.0.1:26510 --state "$WORK/old" --control "$WORK/e.sock" 2>"$WORK/e"
[ $? = 1 ] && grep -q "$WORK/old/node.key: the key file is empty" "$WORK/e" ||
	fail "empty node.key in the state directory: $(cat "$WORK/e")"
rm "$WORK/old/node.key"
start_daemon o --network key --listen 127.0.0.1:26510 --state "$WORK/old" --control "$WORK/o.sock"
wait_until 20 up "$WORK/o.sock" || fail "after removing the empty key, as told, the start failed"
ok "an empty key file: one line naming it and the rm that fixes it; then a clean start"
