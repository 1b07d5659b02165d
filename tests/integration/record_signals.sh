#!/usr/bin/env bash
# timeout: 600
# (24 signals, or 9 workloads x 3 stdout targets x 3 runs: minutes on a loaded 2-core VM)
# Every signal whose default action ends a process, sent to capprof record:
# it is forwarded to the workload, capprof exits as the workload did
# (128+N when the signal ended it), and the recording is written and marked
# incomplete, naming the signal. The rows of the table in docs/hardening.md.
. "$(dirname "$0")/../lib.sh"
need_cmd python3
need_cmd pgrep
cd "$T" || exit 1
# Job control: background jobs would otherwise start with SIGINT and SIGQUIT ignored.
set -m

# Start capprof record in the background and wait until its workload runs.
start() { # OUT CMD...
	local out=$1
	shift
	"$CAPPROF" record -q -o "$out" -- "$@" >/dev/null 2>"$out.err" &
	cap=$!
	for _ in $(seq 200); do
		pgrep -P "$cap" >/dev/null && grep -q "^TracerPid:[[:space:]]*$cap" "/proc/$(pgrep -P "$cap" | head -n1)/status" 2>/dev/null &&
			[[ $(readlink "/proc/$(pgrep -P "$cap" | head -n1)/exe") != "$(readlink -f "$CAPPROF")" ]] && return 0
		sleep 0.05
	done
	fail "$out: the workload did not start"
}
reason() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["complete"], r.get("incomplete_reason"), r["exit"].get("signal"))' "$1"; }

sigs=(HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM STKFLT XCPU XFSZ VTALRM PROF IO PWR SYS RTMIN RTMAX)
for s in "${sigs[@]}"; do
	n=$(kill -l "$s")
	start "$s.json" sleep 30
	kill -s "$s" "$cap"
	wait "$cap"
	rc=$?
	assert_eq "SIG$s: capprof's exit status (the workload's)" $((128 + n)) "$rc"
	[[ -s $s.json ]] || fail "SIG$s: no recording: $(cat "$s.json.err")"
	want="SIG$s"
	[[ $s == IO ]] && want=SIGPOLL # glibc's abbreviation of the same number
	[[ $s == RTMIN || $s == RTMAX ]] && want="SIGRTMIN+$((n - $(kill -l RTMIN)))"
	got=$(reason "$s.json")
	[[ $got == "False capprof received $want $n" ]] || fail "SIG$s: recording says [$got], want incomplete, received, signal $n"
	grep -q "interrupted by" "$s.json.err" || fail "SIG$s: no warning on stderr: $(cat "$s.json.err")"
	echo "ok SIG$s ($n): forwarded, exit $rc, recording incomplete ($got)"
done

# A workload that handles the forwarded signal decides the exit status.
start usr1.json sh -c 'trap "exit 3" USR1; sleep 30 & wait'
kill -USR1 "$cap"
wait "$cap"
assert_eq "handled SIGUSR1: exit status" 3 "$?"
[[ $(reason usr1.json) == "False capprof received SIGUSR1 None" ]] || fail "handled SIGUSR1: $(reason usr1.json)"

# A workload that ignores it is killed after the grace period (5 s), recording incomplete.
start alrm.json sh -c 'trap "" ALRM; sleep 30'
SECONDS=0
kill -ALRM "$cap"
wait "$cap"
rc=$?
((SECONDS < 20)) || fail "a workload ignoring SIGALRM was not killed after the grace period"
assert_eq "ignored SIGALRM: killed" 137 "$rc"
[[ $(reason alrm.json) == "False capprof received SIGALRM 9" ]] || fail "ignored SIGALRM: $(reason alrm.json)"
echo PASS
