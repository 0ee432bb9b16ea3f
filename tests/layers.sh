#!/bin/sh
# layers.sh: the core's layers call one way. No object of the secure channel
# (BUILD/core/channel/) may refer to a symbol that the DHT (BUILD/core/dht/) defines, and no
# channel source may include a DHT header; the channel's output goes up through node.c
# (node_on_frame, node_peer_unreachable). Nor may sim/ or net/ reach into core/ by path.
# Prints "layers: ok" or each offending reference.
BUILD=${1:-build}
command -v nm >/dev/null || { echo "layers: needs nm" >&2; exit 1; }
ls "$BUILD"/core/channel/*.o "$BUILD"/core/dht/*.o >/dev/null 2>&1 ||
	{ echo "layers: $BUILD/core/channel and $BUILD/core/dht not built" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/themis-layers.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
nm -g --defined-only "$BUILD"/core/dht/*.o 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u > "$tmp/dht"
fail=0
for o in "$BUILD"/core/channel/*.o; do
	nm -u "$o" | awk '{ print $NF }' | sort -u > "$tmp/undef"
	for s in $(comm -12 "$tmp/dht" "$tmp/undef"); do
		echo "layers: $o calls $s, defined in core/dht/"
		fail=1
	done
done
dhthdrs=$(cd core/dht && ls *.h)
for c in core/channel/*.c core/channel/*.h; do
	for h in $dhthdrs; do
		if grep -q "^#include \"$h\"" "$c"; then
			echo "layers: $c includes $h (core/dht/)"
			fail=1
		fi
	done
done
# The simulator and the daemon see the core through its published headers only (core/include/;
# their objects are compiled without the core's internal include paths): no path into core/.
for c in $(find sim net -name '*.[ch]'); do
	if grep -q '^#include ".*core/' "$c"; then
		echo "layers: $c includes a header from core/ by path"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "layers: ok"
exit $fail
