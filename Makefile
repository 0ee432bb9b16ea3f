# themis-c: one Makefile for the core library, the simulator, the daemon, tests and benchmarks.
# core/ is compiled once into $(BUILD)/libthemis.a; every program and test links it.
# `make run` and `make test` first install missing Debian packages (see `deps` below).

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=

PKGS    := libsodium sqlite3
CFLAGS  := -std=c11 -Wall -Wextra -Werror -O2 -g -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
           -Icore/include -Icore $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsodium -lsqlite3) -lm $(EXTRA_LDFLAGS)
CMOCKA  := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

CORE_SRC  := $(wildcard core/*.c)
CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libthemis.a
TEST_SRC  := $(wildcard tests/test_*.c)
TESTS     := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%) $(BUILD)/tests/test_nonce_audit
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/replay_%)
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
BENCHES   := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
# The demo is built once sim/demo.c exists (it arrives with the simulator).
PROGRAMS  := $(if $(wildcard sim/demo.c),$(BUILD)/themis-demo)

# Debian packages the build, tests and figures need. `deps` installs the missing ones with
# apt-get when run as root, otherwise prints the exact command and stops (exit 2). When
# nothing is missing it does not touch the network.
DEB_PKGS := build-essential pkg-config libsodium-dev libsqlite3-dev sqlite3 libcmocka-dev \
            gnuplot-nox libssl-dev clang libclang-rt-14-dev

.PHONY: all deps run test sanitize fuzz bench install clean lib programs tests vectors

all: lib programs

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 2; \
	  else \
	    echo "deps: missing packages; run: sudo apt-get install -y$$missing"; exit 2; \
	  fi; \
	fi

lib: $(LIB)
programs: $(PROGRAMS)
tests: $(TESTS) $(FUZZ_REPLAY)

$(BUILD)/core/%.o: core/%.c $(wildcard core/*.h core/include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $< -o $@ $(LIB) $(CMOCKA) $(LDLIBS)

# The nonce audit compiles the whole core again with THEMIS_NONCE_AUDIT, so every AEAD seal
# reports its (key, counter) to the test.
$(BUILD)/tests/test_nonce_audit: tests/audit_nonce.c tests/tnet.h tests/testutil.h $(CORE_SRC) $(wildcard core/*.h core/include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DTHEMIS_NONCE_AUDIT -Itests $< $(CORE_SRC) -o $@ $(CMOCKA) $(LDLIBS)

# Fuzz targets: in `make test` the checked-in corpus is replayed through each target's entry
# point by a plain main (no fuzzing engine); `make fuzz` runs libFuzzer for a bounded time.
$(BUILD)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $< tests/fuzz/replay_main.c -o $@ $(LIB) $(LDLIBS)

$(BUILD)/themis-demo: sim/demo.c $(LIB)
	$(CC) $(CFLAGS) $< -o $@ $(LIB) $(LDLIBS)

# Every benchmark links the shared recorder and the OpenSSL baseline it may compare against.
BENCH_LIB := tests/bench/benchlib.c tests/bench/tls_baseline.c
$(BUILD)/bench/%: tests/bench/%.c $(BENCH_LIB) tests/bench/benchlib.h tests/bench/tls_baseline.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/bench $< $(BENCH_LIB) -o $@ $(LIB) $(LDLIBS) -lssl -lcrypto

run: deps all
	@$(BUILD)/themis-demo

test: deps lib tests programs
	@sh tests/run.sh $(BUILD)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer (leak checking included).
sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build/san \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" lib tests programs
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run.sh build/san

FUZZ_SECONDS ?= 30
fuzz: deps
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps lib $(BENCHES)
	@mkdir -p results
	@for b in $(BENCHES); do echo "== $$b"; $$b results/bench.db || exit 1; done

install: lib
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libthemis.a
	install -m 644 core/include/themis.h $(DESTDIR)$(PREFIX)/include/themis.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(shell sed -n 's/.*THEMIS_VERSION "\(.*\)"/\1/p' core/include/themis.h)|' \
	  core/themis.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/themis.pc
	chmod 644 $(DESTDIR)$(PREFIX)/lib/pkgconfig/themis.pc

clean:
	rm -rf build

# Regenerate the known-answer vectors from the independent Python reference (needs python3-nacl).
vectors:
	/usr/bin/python3 tests/vectors/gen_vectors.py tests/vectors/handshake.txt
