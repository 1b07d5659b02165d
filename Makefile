# capprof — see README.md. `make`, `make check`, `make bench`, `make install`.
VERSION := 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/capprof
DESTDIR ?=

B ?= build
CC ?= cc
PKGS := libseccomp libcap libelf libcjson libmd
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wimplicit-fallthrough -Wno-format-nonliteral
SAN ?=
CPPFLAGS += -D_GNU_SOURCE -I. -DCP_VERSION='"$(VERSION)"' -DCP_DATADIR='"$(DATADIR)"' \
	$(shell pkg-config --cflags $(PKGS))
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(SAN)
LDLIBS += $(shell pkg-config --libs $(PKGS)) -pthread

# The library: every module but cli/, which only parses and prints and is
# linked into the binary alone (unit tests and fuzz targets link the library
# without it). Module dependencies: README.md "Layout", make layering.
LIB_DIRS := common tracer enforce generator sandbox verify
LIB_SRC := $(sort $(wildcard $(LIB_DIRS:%=%/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
CLI_SRC := $(sort $(wildcard cli/*.c))
CLI_OBJ := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
WL_SRC := $(sort $(wildcard tests/workloads/*.c))
WL_BIN := $(WL_SRC:tests/workloads/%.c=$(B)/workloads/%)

all: $(B)/capprof

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libcapprof.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/capprof: $(CLI_OBJ) $(B)/libcapprof.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libcapprof.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(B)/libcapprof.a $(LDLIBS) -lcmocka

# Test workloads are tiny programs with known behaviour; no sanitizers, so
# that their syscalls are exactly the ones they make.
$(B)/workloads/%: tests/workloads/%.c
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -pthread -o $@ $<

# Fuzz corpus replay binaries (tests/fuzz/: each target with a plain main()),
# linked against this build's library. Built in sanitizer builds only, where
# they find something: tests/integration/fuzz_corpus_replay.sh runs them.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
REPLAY_BIN := $(FUZZ_NAMES:%=$(B)/replay/replay_%)

$(B)/replay/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(B)/libcapprof.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $(filter %.c,$^) $(B)/libcapprof.a $(LDLIBS)

tests: $(UNIT_BIN) $(WL_BIN) $(if $(SAN),$(REPLAY_BIN))

# Tests at once: CHECK_JOBS (default: the machine's processors).
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# The suite runs each test once. The unit tests, the fuzz corpus replay and
# the integration tests run on the ASan+UBSan build (build-asan/: what the
# plain build would show, and memory errors and undefined behaviour too);
# the Docker tests run the plain build (build/), which is what users run and
# what they copy into images (an instrumented capprof would need its
# sanitizer runtime inside every image). Before, the integration suite ran
# twice (make check, then make check-asan) and CI took that time twice.
ASAN_B := build-asan
ASAN_VARS := B=$(ASAN_B) CFLAGS='-O1 -g -fno-omit-frame-pointer' \
	SAN='-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all'
asan-build:
	$(MAKE) $(ASAN_VARS) all tests

check: layering all tests asan-build
	CAPPROF=$(abspath $(ASAN_B)/capprof) BUILD=$(abspath $(ASAN_B)) \
	DOCKER_CAPPROF=$(abspath $(B)/capprof) DOCKER_BUILD=$(abspath $(B)) \
	tests/run-tests.sh -j $(CHECK_JOBS)

# Only the instrumented half of make check (no Docker tests): quicker while
# working on the library.
check-asan: asan-build
	CAPPROF_SKIP_DOCKER=1 CAPPROF=$(abspath $(ASAN_B)/capprof) BUILD=$(abspath $(ASAN_B)) \
	tests/run-tests.sh -j $(CHECK_JOBS)

# Which module may include which (README.md "Layout"): fails on an
# #include that crosses the matrix.
layering:
	scripts/layering.sh

# Proofs of data (tests whose "# prove:" line names the files they prove,
# tests/docker/runtime_baseline.sh): `make check` runs them only when those
# files, the proof or the installed runtimes changed since tests/proven.sum;
# `make prove` runs them now and records the new checksums there.
prove: all tests
	CAPPROF=$(abspath $(B)/capprof) BUILD=$(abspath $(B)) tests/run-tests.sh --prove -j $(CHECK_JOBS)

bench: all tests
	CAPPROF=$(abspath $(B)/capprof) BUILD=$(abspath $(B)) tests/bench/run-bench.sh

example: all
	scripts/example.sh $(abspath $(B)/capprof)

install: all
	install -D -m 0755 $(B)/capprof $(DESTDIR)$(BINDIR)/capprof
	install -D -m 0644 man/capprof.1 $(DESTDIR)$(MANDIR)/man1/capprof.1
	install -d $(DESTDIR)$(DATADIR)/profiles
	install -m 0644 profiles/*.json $(DESTDIR)$(DATADIR)/profiles/

# Every C source and header of the tree, whatever directory it is in (build
# directories aside): make format rewrites them, make format-check (run by
# CI) fails on any difference from .clang-format.
CLANG_FORMAT ?= clang-format
FORMAT_SRC = $(shell find . -path ./.git -prune -o -path './build*' -prune -o \
	-type f \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||' | LC_ALL=C sort)

format:
	$(CLANG_FORMAT) -i $(FORMAT_SRC)

format-check:
	@mkdir -p $(B)
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_SRC) 2>$(B)/format-check.log || { \
		grep -E '^[^ ]+:[0-9]+:[0-9]+: error' $(B)/format-check.log | cut -d: -f1 | sort | uniq -c; \
		echo "format-check: $$(grep -c ': error' $(B)/format-check.log) places differ from .clang-format (details: $(B)/format-check.log); run make format"; \
		exit 1; }
	@echo "format-check: $(words $(FORMAT_SRC)) files match .clang-format"

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all tests check layering prove asan-build check-asan bench example install format format-check clean
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
-include mk/*.mk
