# Hardening targets, included by the Makefile (docs/hardening.md):
#   make fuzz         each libFuzzer target for FUZZ_SECONDS (clang, ASan+UBSan)
#   make fuzz-replay  the corpus through plain replay binaries (cc, ASan+UBSan:
#                     the check-asan build, build-asan/replay/)
#   make lint         clang-tidy, cppcheck, shellcheck (scripts/lint.sh)
#   make valgrind     unit tests and file commands under valgrind
FUZZ_B ?= build-fuzz
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 30
FUZZ_FLAGS ?=
REPLAY_B := $(ASAN_B)/replay

# FUZZ_NAMES: the Makefile (tests/fuzz/fuzz_NAME.c).
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_BIN := $(FUZZ_NAMES:%=$(FUZZ_B)/fuzz_%)

FUZZ_SAN ?= -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
# Other modules' code is built as it is; clang-only warnings there are lint
# findings, not a reason for the fuzz build to stop.
FUZZ_LIB_WARN := $(filter-out -Werror,$(WARN))

# The library again, instrumented for libFuzzer's coverage feedback.
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_B)/lib/%.o)

$(FUZZ_B)/lib/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(FUZZ_LIB_WARN) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_B)/libcapprof.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_B)/libcapprof.a
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(WARN) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libcapprof.a $(LDLIBS)

fuzz-build: $(FUZZ_BIN)
# The replay binaries are the sanitizer build's (Makefile, check-asan).
fuzz-replay-build:
	$(MAKE) $(ASAN_VARS) tests

# New inputs go to $(FUZZ_B)/corpus/NAME; crashes to $(FUZZ_B)/artifacts/NAME.
# A crash input belongs in tests/fuzz/corpus/NAME/ once the bug is fixed.
fuzz: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)
	@failed=; for n in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_B)/corpus/$$n $(FUZZ_B)/artifacts/$$n; \
		dict=; [ -f tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
		echo "== fuzz_$$n: $(FUZZ_SECONDS)s"; \
		$(FUZZ_B)/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_B)/artifacts/$$n/ $$dict $(FUZZ_FLAGS) \
			$(FUZZ_B)/corpus/$$n tests/fuzz/corpus/$$n </dev/null 2>$(FUZZ_B)/fuzz_$$n.log \
			|| failed="$$failed $$n"; \
		grep -E '^(#[0-9]+.*DONE|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' \
			$(FUZZ_B)/fuzz_$$n.log | sed 's/^/   /'; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "FUZZ FAILED:$$failed (logs and inputs in $(FUZZ_B)/fuzz_NAME.log, $(FUZZ_B)/artifacts/)"; exit 1; \
	fi

fuzz-replay: fuzz-replay-build
	@for n in $(FUZZ_NAMES); do \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(REPLAY_B)/replay_$$n tests/fuzz/corpus/$$n 2>$(REPLAY_B)/replay_$$n.log \
			&& echo "replay $$n: $$(tail -n1 $(REPLAY_B)/replay_$$n.log)" \
			|| { tail -n 40 $(REPLAY_B)/replay_$$n.log; echo "replay $$n FAILED"; exit 1; }; \
	done

# Inputs that still fail, one directory per target: bugs reported but not
# fixed yet. Each moves into tests/fuzz/corpus/NAME/ with its fix.
fuzz-repro: fuzz-replay-build
	@failed=; for d in tests/fuzz/repro/*/; do \
		n=$$(basename $$d); \
		$(REPLAY_B)/replay_$$n $$d >$(REPLAY_B)/repro_$$n.log 2>&1 \
			&& echo "repro $$n: fixed, move $$d* to tests/fuzz/corpus/$$n/" \
			|| { echo "repro $$n: still fails:"; grep -E -m3 'runtime error|ERROR:|violated' $(REPLAY_B)/repro_$$n.log | sed 's/^/   /'; }; \
	done

lint:
	scripts/lint.sh

valgrind: all tests
	BUILD=$(abspath $(B)) CAPPROF=$(abspath $(B)/capprof) scripts/valgrind-check.sh

.PHONY: fuzz fuzz-build fuzz-replay fuzz-replay-build fuzz-repro lint valgrind
-include $(FUZZ_LIB_OBJ:.o=.d)
