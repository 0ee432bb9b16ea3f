# lib.sh: helpers for the network tests (sourced). Every test gets its own runtime directory,
# loopback ports from its own range, and a trap that stops every daemon it started.
# Usage in a test: . tests/net/lib.sh; net_init NAME "$1"
BUILD=build
DAEMON_PIDS=""

net_init() {
	TEST=$1
	BUILD=${2:-build}
	WORK=$(mktemp -d "/tmp/themis-$TEST.XXXXXX")
	chmod 700 "$WORK"
	export THEMIS_RUNTIME_DIR="$WORK/run"
	mkdir -m 700 "$THEMIS_RUNTIME_DIR"
	export THEMIS_LOG=info
	trap net_cleanup EXIT INT TERM
	T0=$(date +%s)
}

net_cleanup() {
	for p in $DAEMON_PIDS; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "$NET_FAILED" ] && [ -n "$WORK" ]; then
		for f in "$WORK"/*.log; do [ -f "$f" ] && { echo "--- $f (last 20 lines)"; tail -20 "$f"; }; done
	fi
	[ -n "$WORK" ] && rm -rf "$WORK"
	[ -n "$EXTRA_CLEANUP" ] && eval "$EXTRA_CLEANUP"
}

fail() {
	echo "FAIL $TEST: $*"
	NET_FAILED=1
	exit 1
}

ok() {
	echo "ok   $TEST: $* ($(($(date +%s) - T0)) s)"
}

# start_daemon NAME ARGS...: runs themisd in the background, log in $WORK/NAME.log
start_daemon() {
	name=$1; shift
	"$BUILD/themisd" "$@" 2>"$WORK/$name.log" &
	DAEMON_PIDS="$DAEMON_PIDS $!"
	eval "PID_$name=$!"
}

# th SOCKET ARGS...: the CLI against one daemon's control socket
th() {
	sock=$1; shift
	"$BUILD/themis" --control "$sock" "$@"
}

# jget JSON PATH: one value out of a JSON document (sqlite3's json1; also validates it)
jget() {
	printf "select json_extract('%s', '%s');\n" "$(printf %s "$1" | sed "s/'/''/g")" "$2" | sqlite3
}

# wait_until SECONDS COMMAND...: retries COMMAND every 0.2 s until it succeeds
wait_until() {
	limit=$1; shift
	end=$(($(date +%s) + limit))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
	return 0
}

# joined SOCKET N: the daemon at SOCKET reports N joined nodes, each with a predecessor
joined() {
	s=$(th "$1" --json status) || return 1
	[ "$(jget "$s" '$.joined')" = "$2" ] || return 1
	n=$(jget "$s" '$.nodes_hosted')
	i=0
	while [ "$i" -lt "$n" ]; do
		[ "$(jget "$s" "\$.nodes[$i].has_pred")" = 1 ] || return 1
		i=$((i + 1))
	done
}

node_id() {
	th "$1" id | sed -n "$(($2 + 1))p" | cut -d' ' -f1
}
