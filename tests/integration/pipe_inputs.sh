#!/usr/bin/env bash
# Inputs from pipes, FIFOs, /dev/stdin and "-" are read to their end however
# slowly the writer writes (they used to fail with EAGAIN), within the same
# size limits as files; device files are refused.
. "$TESTS_DIR/lib.sh"
G=$TESTS_DIR/golden
export CAPPROF_DATADIR=$G/data
cd "$T" || exit 1
want=$("$CAPPROF" emit -i "$G/sample.json" --caps) || fail "emit from a file"
[[ -n $want ]] || fail "sample recording has no capabilities to compare"
slow() { sleep 0.4; head -c 100 "$1"; sleep 0.3; tail -c +101 "$1"; } # the writer pauses mid-document

got=$("$CAPPROF" emit -i <(slow "$G/sample.json") --caps) || fail "emit -i <(slow writer)"
assert_eq "emit from a slow pipe" "$want" "$got"
got=$(slow "$G/sample.json" | "$CAPPROF" emit -i - --caps) || fail "emit -i - from a slow writer"
assert_eq "emit from stdin" "$want" "$got"
got=$(slow "$G/sample.json" | "$CAPPROF" emit -i /dev/stdin --caps) || fail "emit -i /dev/stdin"
assert_eq "emit from /dev/stdin" "$want" "$got"

# A FIFO whose writer opens it only later, and writes slowly.
mkfifo fifo
(sleep 0.5; slow "$G/sample.json" >fifo) &
got=$(timeout 20 "$CAPPROF" emit -i fifo --caps) || fail "emit -i FIFO (exit $?)"
assert_eq "emit from a FIFO" "$want" "$got"
wait

"$CAPPROF" diff <(slow "$G/sample.json") <(slow "$G/sample2.json") >out
assert_eq "diff of two slow pipes" 1 $?
grep -qx '+ syscall x86_64 ptrace' out || fail "diff from pipes: $(cat out)"
slow "$G/sample2.json" | "$CAPPROF" merge -o m.json "$G/sample.json" - || fail "merge with - input"
"$CAPPROF" diff m.json "$G/sample2.json" >/dev/null || fail "merged from stdin misses sample2"
slow "$G/sample.json" | "$CAPPROF" explain -i - CHOWN >out || fail "explain -i -"
grep -q CHOWN out || fail "explain from stdin: $(cat out)"

# run --profile from a slow pipe and from stdin (the workload then gets an empty stdin).
"$CAPPROF" emit -i "$G/sample.json" -o p.json || fail "emit profile"
"$CAPPROF" emit --docker -i <(slow "$G/sample.json") >p2.json || fail "emit --docker from a pipe"
cmp -s p.json p2.json || fail "profile emitted from a pipe differs from the file's"
"$CAPPROF" record -q -o r.json -- /bin/true || fail "record"
"$CAPPROF" emit -i r.json -o rp.json || fail "emit of the recording"
out=$("$CAPPROF" run --profile <(slow rp.json) -- /bin/echo hi) || fail "run --profile <(pipe)"
assert_eq "run with a profile from a pipe" hi "$out"
out=$(slow rp.json | "$CAPPROF" run --profile - -- /bin/echo hi) || fail "run --profile -"
assert_eq "run with a profile from stdin" hi "$out"

# verify -i - (the workload then has an empty stdin); --minimize needs a file to write back.
out=$(slow r.json | "$CAPPROF" verify -i - 2>&1) || fail "verify -i -: $out"
grep -q '^verify: PASS' <<<"$out" || fail "verify -i -: $out"
slow r.json | "$CAPPROF" verify -i - --minimize >out 2>err
assert_eq "verify -i - --minimize" 125 $?
grep -q 'give it as a file, not -' err || fail "verify -i - --minimize: $(cat err)"

# The size limit holds for a pipe (64 MiB for a recording) and for stdin.
head -c $((65 << 20)) /dev/zero | tr '\0' ' ' | "$CAPPROF" emit -i - 2>err
assert_eq "emit of an oversized pipe" 2 $?
grep -q 'larger than 64 MiB' err || fail "oversized pipe: $(cat err)"
# Devices are not inputs.
"$CAPPROF" emit -i /dev/zero 2>err
assert_eq "emit of a device" 2 $?
grep -q '/dev/zero: not a regular file, pipe or FIFO' err || fail "device: $(cat err)"
echo ok
