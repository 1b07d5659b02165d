#!/usr/bin/env bash
# Every fuzz corpus file (tests/fuzz/corpus/NAME/) through its target, built
# as a plain replay binary with ASan+UBSan: any sanitizer report, leak or
# broken property fails the test. Crash inputs found by `make fuzz` are kept
# in the corpus, so this is also the regression test for each fixed bug.
# shellcheck source=tests/lib.sh
. "$TESTS_DIR/lib.sh"

root=$(cd "$TESTS_DIR/.." && pwd)
out="$BUILD/fuzz-replay"
cc=${CC:-cc}
mkdir -p "$out"

# Sanitizer runtimes are a compiler package away; without them we cannot
# replay, and say so.
printf 'int main(void) { return 0; }\n' >"$T/probe.c"
"$cc" -fsanitize=address,undefined -o "$T/probe" "$T/probe.c" >/dev/null 2>&1 ||
	skip "$cc cannot build with -fsanitize=address,undefined (libasan/libubsan missing)"

# Our own make, not the one `make check` runs in: its jobserver and
# command-line variables (check-asan's B, CFLAGS) do not apply here.
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -C "$root" --no-print-directory -s REPLAY_B="$out" CC="$cc" fuzz-replay >"$T/replay.out" 2>&1
rc=$?
cat "$T/replay.out"
((rc == 0)) || fail "fuzz corpus replay failed (exit $rc); per-target logs in $out/replay_*.log"

# Belt and braces: no report may hide behind a zero exit status.
if grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|property violated' "$out"/replay_*.log; then
	fail "sanitizer report in the logs above"
fi
n=$(grep -c '^replay [a-z0-9_]*: replay: [0-9]* inputs, no sanitizer report' "$T/replay.out")
targets=$(find "$root/tests/fuzz" -maxdepth 1 -name 'fuzz_*.c' | wc -l)
assert_eq "targets replayed" "$targets" "$n"
echo "PASS: $n targets, corpus replayed clean"
