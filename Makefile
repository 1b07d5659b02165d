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

LIB_SRC := $(sort $(wildcard common/*.c tracer/*.c generator/*.c enforce/*.c sandbox/*.c verify/*.c cli/*.c))
LIB_SRC := $(filter-out cli/main.c,$(LIB_SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(B)/%.o)
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

$(B)/capprof: $(B)/cli/main.o $(B)/libcapprof.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libcapprof.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(B)/libcapprof.a $(LDLIBS) -lcmocka

# Test workloads are tiny programs with known behaviour; no sanitizers, so
# that their syscalls are exactly the ones they make.
$(B)/workloads/%: tests/workloads/%.c
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -pthread -o $@ $<

tests: $(UNIT_BIN) $(WL_BIN)

check: all tests
	CAPPROF=$(abspath $(B)/capprof) BUILD=$(abspath $(B)) tests/run-tests.sh

# The whole suite again with AddressSanitizer and UndefinedBehaviorSanitizer.
# The Docker end-to-end tests are left out (counted as skipped): they test the
# engine's enforcement, and the instrumented capprof would need its runtime
# inside every image.
check-asan:
	CAPPROF_SKIP_DOCKER=1 $(MAKE) B=build-asan CFLAGS='-O1 -g -fno-omit-frame-pointer' \
		SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' check

bench: all tests
	CAPPROF=$(abspath $(B)/capprof) BUILD=$(abspath $(B)) tests/bench/run-bench.sh

example: all
	scripts/example.sh $(abspath $(B)/capprof)

install: all
	install -D -m 0755 $(B)/capprof $(DESTDIR)$(BINDIR)/capprof
	install -D -m 0644 man/capprof.1 $(DESTDIR)$(MANDIR)/man1/capprof.1
	install -d $(DESTDIR)$(DATADIR)/profiles
	install -m 0644 profiles/*.json $(DESTDIR)$(DATADIR)/profiles/

format:
	clang-format -i $(LIB_SRC) cli/main.c common/*.h tracer/*.h generator/*.h enforce/*.h cli/*.h \
		$(UNIT_SRC) $(WL_SRC)

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all tests check check-asan bench example install format clean
-include $(LIB_OBJ:.o=.d) $(B)/cli/main.d
-include mk/*.mk
