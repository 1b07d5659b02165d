#!/usr/bin/env bash
# timeout: 600
# capprof record's contract: exit codes, the recording's fields, atomic
# output, help, and what happens when capprof itself is signalled.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1

"$CAPPROF" record --help | grep -q 'Usage: capprof record' || fail "record --help"
"$CAPPROF" --help | grep -q record || fail "capprof --help does not list record"
"$CAPPROF" --version | grep -Eq '^capprof [0-9]' || fail "--version"

# Exit status: the workload's, 128+N for a signal, 127/126 for not found/not executable.
"$CAPPROF" record -q -- sh -c 'exit 3'; assert_eq "exit status passed through" 3 $?
"$CAPPROF" record -q -- "$WORKLOADS/killed" 15; assert_eq "killed by SIGTERM" 143 $?
python3 -c 'import json,sys; e=json.load(open("capprof.json"))["exit"]; sys.exit(0 if e=={"code":143,"signal":15} else 1)' ||
	fail "exit of a killed workload not recorded as signal 15: $(grep -A3 '"exit"' capprof.json)"
"$CAPPROF" record -q -- no-such-command-xyz 2>err; assert_eq "not found" 127 $?
grep -q 'no-such-command-xyz: command not found' err || fail "not-found message: $(cat err)"
touch notexec
"$CAPPROF" record -q -- ./notexec 2>err; assert_eq "not executable" 126 $?
"$CAPPROF" record -q 2>err; assert_eq "no command" 125 $?
grep -q 'no command given' err || fail "empty command message: $(cat err)"
"$CAPPROF" record --bogus -- true 2>err; assert_eq "unknown option" 125 $?

# The recording's fields.
"$CAPPROF" record -q -o rec.json -- "$WORKLOADS/clone_flags" >/dev/null || fail "clone_flags failed"
python3 - rec.json "$WORKLOADS/clone_flags" <<'PY' || fail "recording fields"
import json, os, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "capprof-recording" and r["version"] == 1
assert r["command"] == [sys.argv[2]], r["command"]
assert r["complete"] is True and r["exit"] == {"code": 0}
assert r["uid"] == os.getuid() and r["kernel"] == os.uname().release
assert r["duration_ms"] >= 0 and r["start"].endswith("Z")
s = r["architectures"]["x86_64"]["syscalls"]
assert s["socket"]["args"]["0"]["values"] == [1, 2], s["socket"]["args"]  # AF_UNIX, AF_INET
assert s["socket"]["args"]["1"]["values"] == [1, 2]  # SOCK_CLOEXEC masked off
assert s["clone"]["args"]["0"]["values"] == [0x400]  # CLONE_FILES, exit signal masked
assert s["prctl"]["args"]["0"]["values"] == [15]  # PR_SET_NAME
assert s["setsockopt"]["args"]["1"]["values"] == [1] and s["setsockopt"]["args"]["2"]["values"] == [2]
assert s["execve"]["count"] == 1 and s["execve"]["first"]["exe"] == os.path.realpath(sys.argv[2])
exe = [e for e in r["executables"] if e["path"] == os.path.realpath(sys.argv[2])][0]
assert exe["elf_class"] == 64 and exe["machine"] == "x86_64" and not exe["setuid"]
PY

# Set-id bits and file capabilities of executed binaries.
if [[ $(id -u) == 0 ]] && command -v setcap >/dev/null; then
	cp /bin/true ./suidtrue && chmod 4755 suidtrue
	cp /bin/true ./captrue && setcap cap_net_raw+ep captrue
	"$CAPPROF" record -q -o rec.json -- sh -c './suidtrue; ./captrue' || fail "set-id workload failed"
	python3 - rec.json "$T" <<'PY' || fail "set-id bits / file caps not recorded: $(cat rec.json)"
import json, sys
ex = {e["path"]: e for e in json.load(open(sys.argv[1]))["executables"]}
assert ex[sys.argv[2] + "/suidtrue"]["setuid"] is True
assert "cap_net_raw" in ex[sys.argv[2] + "/captrue"]["file_caps"]
PY
fi

# Output: never through a symlink, never half-written; the old file survives a failure.
echo old >target
ln -s target link.json
"$CAPPROF" record -q -o link.json -- true 2>err; assert_eq "symlink output" 125 $?
grep -q 'symbolic link' err || fail "symlink message: $(cat err)"
assert_eq "symlink target untouched" old "$(cat target)"
"$CAPPROF" record -q -o nodir/x.json -- true 2>err; assert_eq "missing directory" 125 $?
grep -q 'nodir/x.json' err || fail "missing-dir message must name the file: $(cat err)"
compgen -G '.capprof.*.tmp' >/dev/null && fail "temporary file left behind"

# No progress line when stderr is not a terminal.
"$CAPPROF" record -o rec.json -- true 2>err
[[ -s err ]] && fail "stderr not empty without a terminal: $(cat err)"

# A process that outlives its parent is still traced, to its end; the exit
# status is the first process's.
"$CAPPROF" record -q -o orphan.json -- sh -c "(sleep 0.3; mkdir '$T/orphan-dir') & exit 4"
assert_eq "exit status of the first process" 4 $?
[[ -d $T/orphan-dir ]] || fail "the orphan did not finish before capprof exited"
grep -q '"mkdir"' orphan.json || fail "the orphan's mkdir was not recorded"

# On a terminal: a live progress line, and none with --quiet.
if command -v script >/dev/null; then
	script -qec "$CAPPROF record -o tty.json -- sh -c 'sleep 0.3; ls / >/dev/null; sleep 0.3'" /dev/null >tty.out </dev/null
	grep -aEq 'capprof: [0-9]+ processes, [0-9]+ syscalls, [0-9]+ distinct, [0-9.]+s' tty.out ||
		fail "no progress line on a terminal: $(cat -v tty.out)"
	script -qec "$CAPPROF record -q -o tty.json -- sh -c 'sleep 0.3'" /dev/null >tty.out </dev/null
	grep -aq 'syscalls' tty.out && fail "--quiet still shows progress: $(cat -v tty.out)"
fi

# SIGTERM to capprof: forwarded, workload ends, recording marked incomplete.
"$CAPPROF" record -q -o term.json -- sleep 30 &
pid=$!
sleep 0.5
kill -TERM $pid
wait $pid
assert_eq "exit after SIGTERM" 143 $?
python3 -c 'import json,sys; r=json.load(open("term.json")); sys.exit(0 if r["complete"] is False and "SIGTERM" in r["incomplete_reason"] else 1)' ||
	fail "interrupted recording not marked incomplete"

# A workload that ignores the signal is killed after the grace period.
"$CAPPROF" record -q -o hup.json -- sh -c 'trap "" HUP; sleep 30' &
pid=$!
sleep 0.5
kill -HUP $pid
start=$SECONDS
wait $pid
rc=$?
((SECONDS - start < 20)) || fail "workload ignoring SIGHUP was not killed after the grace period"
[[ $rc -ne 0 ]] || fail "exit status 0 after a forced kill"
python3 -c 'import json,sys; sys.exit(json.load(open("hup.json"))["complete"] is not False)' || fail "hup recording not marked incomplete"
# Output hash: the recorded SHA-256 is that of what the workload printed; the
# output still reaches capprof's stdout unchanged; a closed reader gives SIGPIPE.
out=$("$CAPPROF" record -q -o out.json -- sh -c 'echo hello; seq 1 50000')
want=$( (echo hello; seq 1 50000) | sha256sum | cut -d' ' -f1)
assert_eq "output passed through" "$want" "$(printf '%s\n' "$out" | sha256sum | cut -d' ' -f1)"
assert_eq "output hash recorded" "$want" "$(python3 -c 'import json; print(json.load(open("out.json"))["output"]["sha256"])')"
"$CAPPROF" record -q -o yes.json -- yes | head -1 >/dev/null
assert_eq "yes | head under capprof" 141 "${PIPESTATUS[0]}"
"$CAPPROF" record -q --no-output-hash -o nohash.json -- echo x >/dev/null
grep -q '"sha256"' nohash.json && fail "--no-output-hash still recorded a hash"
assert_eq "--no-output-hash method" disabled "$(python3 -c 'import json; print(json.load(open("nohash.json"))["output"]["method"])')"
echo ok
