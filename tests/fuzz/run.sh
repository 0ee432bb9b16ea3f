#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c with libFuzzer + ASan + UBSan against the core sources that
# exist, and fuzzes each for SECONDS (default 30) on a scratch copy of its checked-in corpus
# (tests/fuzz/corpus/<name after fuzz_>), which is never written to. Exit 1 on any crash.
# Usage: sh tests/fuzz/run.sh [SECONDS]   (from the repository root; `make fuzz` does this)
SECONDS_EACH=${1:-30}
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
CFLAGS="-std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Icore/include -Icore"
SODIUM_CFLAGS=$(pkg-config --cflags libsodium 2>/dev/null)
SODIUM_LIBS=$(pkg-config --libs libsodium 2>/dev/null || echo -lsodium)
CORE_SRC=$(ls core/*.c 2>/dev/null)

if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: $CC not found; install clang and libclang-rt-14-dev" >&2
	exit 2
fi
mkdir -p "$OUT/artifacts" || exit 2

pass=0; fail=0; failed=""
for src in tests/fuzz/fuzz_*.c; do
	[ -f "$src" ] || continue
	target=$(basename "$src" .c)
	name=${target#fuzz_}
	bin="$OUT/$target"
	work="$OUT/corpus/$name"

	echo "== $target: build"
	# shellcheck disable=SC2086 (word splitting of flag lists is intended)
	if ! $CC $CFLAGS $SODIUM_CFLAGS "$src" $CORE_SRC -o "$bin" $SODIUM_LIBS -lm; then
		fail=$((fail + 1)); failed="$failed $target(build)"
		continue
	fi

	# Fuzz a scratch copy: libFuzzer adds new inputs to its first corpus directory.
	rm -rf "$work"
	mkdir -p "$work"
	if [ -d "tests/fuzz/corpus/$name" ]; then
		cp tests/fuzz/corpus/"$name"/* "$work"/ 2>/dev/null
	fi

	echo "== $target: fuzz ${SECONDS_EACH}s"
	if "$bin" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
		-artifact_prefix="$OUT/artifacts/$target-" "$work" >"$OUT/$target.log" 2>&1; then
		pass=$((pass + 1))
		grep -E '^Done [0-9]+ runs' "$OUT/$target.log"
	else
		fail=$((fail + 1)); failed="$failed $target"
		tail -n 40 "$OUT/$target.log"
		echo "fuzz: $target failed; reproducer in $OUT/artifacts/$target-*" >&2
	fi
done
[ -n "$failed" ] && echo "fuzz failed:$failed"
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
