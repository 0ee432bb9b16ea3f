#!/bin/sh
# pcap.sh BUILD: the simulator's pcap files in Wireshark. No packet may decode as another
# protocol (the old default port 7000 is AFS's, so some DATA read as RX/AFS), and
# analysis/themis.lua must name every packet type and, without security, the DHT frame inside
# PLAIN. Needs tshark (Debian package tshark); without it the Lua file is only syntax-checked
# (luac), or the test says what it skipped.
BUILD=${1:-build}
sim="$BUILD/themis-sim"
lua=analysis/themis.lua
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-pcap.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "pcap: FAILED: $*"; exit 1; }

if ! command -v tshark >/dev/null 2>&1; then
	for c in luac luac5.4 luac5.3 luac5.2; do
		if command -v $c >/dev/null 2>&1; then
			$c -p "$lua" || fail "$lua does not parse"
			echo "pcap: tshark not installed; $lua parses ($c)"
			exit 0
		fi
	done
	echo "pcap: tshark and luac not installed; skipped (apt-get install tshark)"
	exit 0
fi
ts() { tshark "$@" 2>/dev/null; }

"$sim" scenarios/teaching/join3.ini --quiet --db "$tmp/a.db" --pcap "$tmp/a.pcap" || fail "join3 run"
n=$(sqlite3 "$tmp/a.db" "SELECT value FROM summary WHERE name = 'datagrams'" | cut -d. -f1)
# 1. Plain tshark: every datagram is UDP data, none claimed by another dissector.
other=$(ts -r "$tmp/a.pcap" -T fields -e frame.protocols | grep -cv '^raw:ip:udp:data$')
[ "$other" -eq 0 ] || fail "$other of $n datagrams decode as another protocol: $(ts -r "$tmp/a.pcap" -T fields -e frame.protocols | grep -v ':data$' | sort -u | tr '\n' ' ')"
# 2. With the dissector: every datagram is THEMIS, and the handshake and DATA are named.
ts -X lua_script:$lua -r "$tmp/a.pcap" -T fields -e themis.type > "$tmp/types"
[ "$(grep -c '^[1-5]$' "$tmp/types")" -eq "$n" ] || fail "themis.lua decoded $(grep -c '^[1-5]$' "$tmp/types") of $n datagrams"
for t in 1 2 3 4; do grep -qx $t "$tmp/types" || fail "no packet of type $t decoded"; done
ts -X lua_script:$lua -r "$tmp/a.pcap" > "$tmp/lines"
for w in "THEMIS .* HELLO idx_a=" "THEMIS .* REPLY idx_a=[0-9a-f]* idx_b=" "THEMIS .* CONFIRM idx_a=" "THEMIS .* DATA idx=[0-9a-f]* ctr=[0-9]"; do
	grep -q "$w" "$tmp/lines" || fail "no line matching '$w'"
done
ts -X lua_script:$lua -r "$tmp/a.pcap" -V -c 1 | grep -q "Ed25519 public key (PK)" || fail "HELLO fields not named"
# 3. Security off: PLAIN carries the frame in clear; the dissector names the DHT message.
"$sim" scenarios/teaching/join3.ini --set run.security=off --quiet --db "$tmp/b.db" --pcap "$tmp/b.pcap" || fail "join3 without security"
ts -X lua_script:$lua -r "$tmp/b.pcap" > "$tmp/plain"
for w in "PLAIN FIND req=" "PLAIN FIND_R req=" "PLAIN JOIN req=" "PLAIN UPDATE_R req="; do
	grep -q "$w" "$tmp/plain" || fail "no line matching '$w'"
done
echo "pcap: ok ($n datagrams, none taken for another protocol; themis.lua names them all)"
