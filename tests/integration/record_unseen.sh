#!/usr/bin/env bash
# What a recording cannot see is said, in the recording ("unseen"), in one
# warning line from record and in emit --summary: io_uring (and whether the
# emitted profile allows io_uring_setup), a workload that is itself a
# tracer (strace -f: it cannot attach under capprof), and a workload's own
# seccomp filter (the calls it denies never reach capprof). The workload
# behaves as run directly except the tracer case, which fails as stated.
. "$(dirname "$0")/../lib.sh"
need_cmd python3
cd "$T" || exit 1
unseen() { python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1])).get("unseen", {}))))' "$1"; }

# io_uring
"$WORKLOADS/unseen" uring >direct.out 2>&1
"$CAPPROF" record -q -o uring.json -- "$WORKLOADS/unseen" uring >capprof.out 2>err
cmp -s direct.out capprof.out || fail "io_uring: output differs: [$(cat direct.out)] vs [$(cat capprof.out)]"
if grep -q 'io_uring_setup: ok' direct.out; then
	assert_eq "io_uring: unseen" io_uring "$(unseen uring.json)"
	assert_eq "io_uring: warning lines" 1 "$(grep -c '^capprof: warning: the workload set up io_uring' err)"
	"$CAPPROF" emit -i uring.json --summary >sum.out || fail "emit --summary"
	grep -q 'not seen: the workload set up io_uring' sum.out || fail "summary does not say io_uring: $(cat sum.out)"
	grep -q 'the profile emitted from this recording allows io_uring_setup' sum.out ||
		fail "summary does not say whether the profile allows io_uring_setup: $(cat sum.out)"
else
	echo "io_uring is not available here ($(cat direct.out)): only the recording is checked"
fi
# A workload that never sets up a ring has no such note.
"$CAPPROF" record -q -o true.json -- true 2>err || fail "record true"
assert_eq "true: nothing unseen" "" "$(unseen true.json)"
[[ -s err ]] && fail "true: unexpected warning: $(cat err)"

# Its own seccomp filter: same behaviour, and the recording says it may miss calls (getppid here).
"$WORKLOADS/unseen" filter >direct.out 2>&1
"$CAPPROF" record -q -o filter.json -- "$WORKLOADS/unseen" filter >capprof.out 2>err
cmp -s direct.out capprof.out || fail "own filter: output differs: [$(cat direct.out)] vs [$(cat capprof.out)]"
assert_eq "own filter: unseen" seccomp_filter "$(unseen filter.json)"
grep -q '^capprof: warning: the workload loaded a seccomp filter of its own' err || fail "own filter: no warning: $(cat err)"
rec_syscalls filter.json | grep -qx getppid && fail "getppid should not have reached capprof"

# A tracer under record: it cannot attach, and capprof says why in one line.
if command -v strace >/dev/null; then
	"$CAPPROF" record -q -o strace.json -- strace -f -o /dev/null true >/dev/null 2>err
	rc=$?
	[[ $rc != 0 ]] || fail "strace under record: exit 0, expected its EPERM failure"
	assert_eq "strace: unseen" tracer "$(unseen strace.json)"
	assert_eq "strace: one capprof line" 1 "$(grep -c '^capprof: warning: the workload tried to trace a process' err)"
else
	echo "strace not installed: tracer case not checked"
fi
echo PASS
