#!/usr/bin/env bash
# diff: exit 1 exactly when NEW needs more than OLD; recordings and Docker
# profiles on either side; merge: union, atomic output, errors exit 2.
. "$TESTS_DIR/lib.sh"
G=$TESTS_DIR/golden
export CAPPROF_DATADIR=$G/data
DD=$TESTS_DIR/../profiles/docker-default.json

"$CAPPROF" diff --help | grep -q 'Exit status' || fail "diff --help"
"$CAPPROF" diff "$G/sample.json" "$G/sample.json" >"$T/out"; rc=$?
assert_eq "diff of a recording with itself" 0 "$rc"
"$CAPPROF" diff "$G/sample.json" "$G/sample2.json" >"$T/out"; rc=$?
assert_eq "diff exit when NEW needs more" 1 "$rc"
grep -qx '+ syscall x86_64 ptrace' "$T/out" || fail "diff misses the new syscall: $(cat "$T/out")"
grep -qx '+ capability NET_RAW' "$T/out" || fail "diff misses the new capability"
grep -qx '+ argument x86_64 socket family (arg0) = 0x10 AF_NETLINK' "$T/out" || fail "diff misses the new socket family"
grep -qx -- '- syscall x86_64 unshare' "$T/out" || fail "diff misses a dropped syscall"
grep -qx -- '- capability CHOWN' "$T/out" || fail "diff misses a dropped capability"
grep -q '^+ syscall x86_64 read' "$T/out" && fail "diff reports a syscall both have"

# profiles on either side: the emitted profile covers its own recording
"$CAPPROF" emit -i "$G/sample.json" -o "$T/p.json" || fail "emit"
"$CAPPROF" diff "$T/p.json" "$G/sample.json" >"$T/out"; rc=$?
assert_eq "recording against its own profile" 0 "$rc"
grep -q 'capabilities not compared: OLD is a seccomp profile' "$T/out" || fail "diff does not say caps were not compared"
"$CAPPROF" diff "$T/p.json" "$G/sample2.json" >"$T/out"; rc=$?
assert_eq "second run against the first run's profile" 1 "$rc"
grep -qx '+ syscall x86_64 ptrace' "$T/out" || fail "profile diff misses ptrace"
"$CAPPROF" emit -i "$G/sample.json" --no-args -o "$T/noargs.json" || fail "emit --no-args"
"$CAPPROF" diff "$T/p.json" "$T/noargs.json" >"$T/out"; rc=$?
assert_eq "profile without argument rules needs more than one with them" 1 "$rc"
grep -q '^+ argument x86_64 socket family (arg0): any value' "$T/out" || fail "profile diff misses widened socket rule: $(cat "$T/out")"
# Docker's default profile: everything sample2 does is allowed there
"$CAPPROF" diff "$DD" "$G/sample2.json" >"$T/out"; rc=$?
assert_eq "sample2 against Docker's default" 0 "$rc"
"$CAPPROF" diff "$G/sample2.json" "$DD" >"$T/out"; rc=$?
assert_eq "Docker's default against sample2" 1 "$rc"

# errors: one line naming the file, exit 2
"$CAPPROF" diff "$G/sample.json" 2>"$T/err"; rc=$?
assert_eq "diff with one file" 2 "$rc"
"$CAPPROF" diff "$G/sample.json" "$T/missing.json" 2>"$T/err"; rc=$?
assert_eq "diff with a missing file" 2 "$rc"
grep -q "$T/missing.json" "$T/err" || fail "diff error does not name the file: $(cat "$T/err")"
echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"]}]}' >"$T/badprof.json"
"$CAPPROF" diff "$T/badprof.json" "$G/sample.json" 2>"$T/err"; rc=$?
assert_eq "diff with a broken profile" 2 "$rc"
grep -q 'badprof.json: syscalls\[0\].action' "$T/err" || fail "profile error does not name the field: $(cat "$T/err")"

# merge
"$CAPPROF" merge -o "$T/m.json" "$G/sample.json" "$G/sample2.json" || fail "merge"
"$CAPPROF" diff "$T/m.json" "$G/sample2.json" >/dev/null; rc=$?
assert_eq "a run against the merge that includes it" 0 "$rc"
"$CAPPROF" diff "$T/m.json" "$G/sample.json" >/dev/null; rc=$?
assert_eq "the other run against the merge" 0 "$rc"
"$CAPPROF" diff "$G/sample.json" "$T/m.json" >/dev/null; rc=$?
assert_eq "the merge against one run" 1 "$rc"
assert_eq "merged caps" "CHOWN NET_BIND_SERVICE NET_RAW" "$(rec_caps "$T/m.json" | tr '\n' ' ' | sed 's/ $//')"
"$CAPPROF" merge "$G/sample.json" 2>"$T/err"; rc=$?
assert_eq "merge without -o" 2 "$rc"
"$CAPPROF" merge -o "$T/m2.json" 2>"$T/err"; rc=$?
assert_eq "merge without inputs" 2 "$rc"
"$CAPPROF" merge -o "$T/m2.json" "$G/sample.json" "$T/badprof.json" 2>"$T/err"; rc=$?
assert_eq "merge of a profile" 2 "$rc"
grep -q 'badprof.json: schema' "$T/err" || fail "merge error does not name file and field: $(cat "$T/err")"
[[ -e $T/m2.json ]] && fail "failed merge left an output file"
echo ok
