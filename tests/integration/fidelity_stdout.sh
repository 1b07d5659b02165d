#!/usr/bin/env bash
# timeout: 600
# (24 signals, or 9 workloads x 3 stdout targets x 3 runs: minutes on a loaded 2-core VM)
# capprof record never changes the kind of the workload's stdout: with stdout
# on /dev/null, a regular file or a pipe, the workload prints the same, exits
# the same and makes the same syscalls (strace -f with the same stdout) as
# run directly; the recording says how stdout was hashed, and write errors
# (ENOSPC on /dev/full, EPIPE) reach the workload as without capprof.
. "$(dirname "$0")/../lib.sh"
need_cmd strace
need_cmd python3
cd "$T" || exit 1

printf 'a\nxb\nc\nx\n' >in.txt
method() { python3 -c 'import json,sys; o=json.load(open(sys.argv[1])).get("output",{}); print(o.get("method","-"), o.get("sha256","-"), o.get("bytes","-"))' "$1"; }

# Run CMD with stdout on TARGET (null, file, pipe): directly, under strace -f,
# and under capprof record; compare output, stderr, exit status, syscall set.
compare() { # NAME TARGET CMD...
	local name=$1 target=$2
	shift 2
	local d_rc c_rc
	case $target in
	null)
		"$@" >/dev/null 2>d.err
		d_rc=$?
		"$CAPPROF" record -q -o rec.json -- "$@" >/dev/null 2>c.err
		c_rc=$?
		strace -f -qq -o st.out "$@" >/dev/null 2>/dev/null
		: >d.out
		: >c.out
		;;
	file)
		"$@" >d.out 2>d.err
		d_rc=$?
		"$CAPPROF" record -q -o rec.json -- "$@" >c.out 2>c.err
		c_rc=$?
		strace -f -qq -o st.out "$@" >s.out 2>/dev/null
		;;
	pipe)
		"$@" 2>d.err | cat >d.out
		d_rc=${PIPESTATUS[0]}
		"$CAPPROF" record -q -o rec.json -- "$@" 2>c.err | cat >c.out
		c_rc=${PIPESTATUS[0]}
		strace -f -qq -o st.out "$@" 2>/dev/null | cat >/dev/null
		;;
	esac
	assert_eq "$name ($target): exit status" "$d_rc" "$c_rc"
	cmp -s d.out c.out || fail "$name ($target): stdout differs: [$(cat d.out)] vs [$(cat c.out)]"
	cmp -s d.err c.err || fail "$name ($target): stderr differs: [$(cat d.err)] vs [$(cat c.err)]"
	local ours theirs
	ours=$(rec_syscalls rec.json all)
	theirs=$(sed -nE 's/^[0-9]+ +(<\.\.\. )?([a-z_0-9]+)[( ].*/\2/p' st.out | grep -v '^exited$\|^killed$' | sort -u)
	if [[ $ours != "$theirs" ]]; then
		fail "$name ($target): syscall sets differ; only capprof: $(comm -23 <(echo "$ours") <(echo "$theirs") | tr '\n' ' ')" \
			"only strace: $(comm -13 <(echo "$ours") <(echo "$theirs") | tr '\n' ' ')"
	fi
	echo "ok $name ($target): same output, status and $(echo "$ours" | wc -l) syscalls; output $(method rec.json)"
}

for target in null file pipe; do
	# A program that asks where its stdout is (a pipe cannot seek).
	compare lseek $target python3 -c 'import os, sys; print("hello", flush=True); print(os.lseek(1, 0, 1))'
	# GNU tools choose other calls by the kind of stdout (splice to /dev/null).
	compare cat_grep $target sh -c 'cat in.txt | grep x'
	compare ls $target ls -l /usr
done

# The method and hash: a regular file is hashed from what the run wrote, also with >>.
"$CAPPROF" record -q -o rec.json -- echo hi >f.txt || fail "record to a file"
assert_eq "file method" "file $(printf 'hi\n' | sha256sum | cut -d' ' -f1) 3" "$(method rec.json)"
echo before >f.txt
"$CAPPROF" record -q -o rec.json -- echo hi >>f.txt || fail "record appending to a file"
assert_eq "append method" "file $(printf 'hi\n' | sha256sum | cut -d' ' -f1) 3" "$(method rec.json)"
assert_eq "appended file" "$(printf 'before\nhi')" "$(cat f.txt)"
"$CAPPROF" record -q -o rec.json -- echo hi >/dev/null || fail "record to /dev/null"
assert_eq "null method" "null - -" "$(method rec.json)"
"$CAPPROF" record -q -o rec.json -- echo hi | cat >/dev/null
assert_eq "pipe method" "pipe $(printf 'hi\n' | sha256sum | cut -d' ' -f1) 3" "$(method rec.json)"

# Write errors are the workload's: /dev/full (issue 16 item 7) and a reader that went away.
/bin/echo hi >/dev/full 2>d.err
# shellcheck disable=SC2320 # the status of /bin/echo (the plain run), as intended
d_rc=$?
"$CAPPROF" record -q -o rec.json -- /bin/echo hi >/dev/full 2>c.err
c_rc=$?
assert_eq "/dev/full exit status" "$d_rc" "$c_rc"
[[ $c_rc != 0 ]] || fail "/dev/full: the write error was lost"
cmp -s d.err c.err || fail "/dev/full: stderr differs: [$(cat d.err)] vs [$(cat c.err)]"
assert_eq "/dev/full method" "device - -" "$(method rec.json)"
"$CAPPROF" record -q -o rec.json -- yes 2>c.err | head -n1 >/dev/null
c_rc=${PIPESTATUS[0]}
assert_eq "EPIPE: yes killed by SIGPIPE" 141 "$c_rc"
assert_eq "EPIPE: recorded signal" 13 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit"]["signal"])' rec.json)"

# stderr on the same pipe as stdout (2>&1): the workload still has one pipe
# on both, and its reader gets the lines in the order they were written.
both='import os, sys; print("out 1", flush=True); print("err", file=sys.stderr, flush=True); print("out 2", flush=True); s1, s2 = os.fstat(1), os.fstat(2); print("one pipe:", (s1.st_dev, s1.st_ino) == (s2.st_dev, s2.st_ino))'
direct=$(python3 -c "$both" 2>&1 | cat)
traced=$("$CAPPROF" record -q -o both.json -- python3 -c "$both" 2>&1 | cat)
[[ $direct == "$traced" ]] || fail "2>&1 into a pipe: [$direct] directly, [$traced] recorded"
[[ $(method both.json) == "pipe "*" $(printf '%s\n' "$direct" | wc -c)" ]] || fail "2>&1: output $(method both.json), want both streams hashed"
echo "ok 2>&1 into a pipe: one pipe, same order; output $(method both.json)"

# verify compares like with like: the file-recorded hash against a re-run into a pipe.
"$CAPPROF" record -q -o same.json -- cat in.txt >f.txt || fail "record cat"
"$CAPPROF" verify -i same.json | cat >v.out
grep -q '^  output: same as recorded' v.out || fail "verify through a pipe: $(cat v.out)"
"$CAPPROF" record -q -o same.json -- cat in.txt >/dev/null || fail "record cat"
"$CAPPROF" verify -i same.json >v.out
grep -q "output: not compared (the recorded run's stdout was /dev/null)" v.out || fail "verify after /dev/null: $(cat v.out)"
echo PASS
