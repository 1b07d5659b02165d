#!/usr/bin/env bash
# Every fuzz corpus file (tests/fuzz/corpus/NAME/) through its target, built
# as a plain replay binary with ASan+UBSan: any sanitizer report, leak or
# broken property fails the test. Crash inputs found by `make fuzz` are kept
# in the corpus, so this is also the regression test for each fixed bug.
# The replay binaries are built by make in sanitizer builds only
# ($BUILD/replay/, built by `make check` in build-asan/), linked against that build's library.
# shellcheck source=tests/lib.sh
. "$TESTS_DIR/lib.sh"

root=$(cd "$TESTS_DIR/.." && pwd)
out="$BUILD/replay"
targets=$(find "$root/tests/fuzz" -maxdepth 1 -name 'fuzz_*.c' | wc -l)
[[ -d $out ]] || skip "no replay binaries in $out: they are built with the sanitizers, run by make check (build-asan/)"

: >"$T/replay.out"
for src in "$root"/tests/fuzz/fuzz_*.c; do
	n=$(basename "$src" .c)
	n=${n#fuzz_}
	[[ -x $out/replay_$n ]] || fail "$out/replay_$n is not built (make check builds it in build-asan/)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$out/replay_$n" "$root/tests/fuzz/corpus/$n" 2>"$out/replay_$n.log"
	rc=$?
	if ((rc != 0)); then
		tail -n 40 "$out/replay_$n.log"
		fail "replay $n failed (exit $rc); log: $out/replay_$n.log"
	fi
	echo "replay $n: $(tail -n1 "$out/replay_$n.log")" | tee -a "$T/replay.out"
done

# Belt and braces: no report may hide behind a zero exit status.
if grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|property violated' "$out"/replay_*.log; then
	fail "sanitizer report in the logs above"
fi
n=$(grep -c '^replay [a-z0-9_]*: replay: [0-9]* inputs, no sanitizer report' "$T/replay.out")
assert_eq "targets replayed" "$targets" "$n"
echo "PASS: $n targets, corpus replayed clean"
