#!/usr/bin/env bash
# record --docker in a static busybox image (no C library, no loader in the
# image): capprof runs from the host's files, the workload's status, output
# and --docker-arg values pass through, and the recording lands on the host.
. "$(dirname "$0")/../lib.sh"
need_docker busybox
cd "$T" || exit 1
mkdir tmp
export TMPDIR=$T/tmp

# shellcheck disable=SC2016 # expanded by the shell in the container
"$CAPPROF" record -q --docker capprof-busybox --docker-arg --env --docker-arg CAPPROF_T=from-arg -o rec.json -- \
	sh -c 'echo "$CAPPROF_T" > /tmp/f && cat /tmp/f && ls /.capprof/lib && exit 3' >out 2>err
assert_eq "workload's exit status" 3 $?
[[ $(head -n1 out) == from-arg ]] || fail "--docker-arg --env did not reach the workload: $(cat out err)"
grep -qx 'ld-linux-x86-64.so.2' out || fail "the loader is not bound at /.capprof/lib: $(cat out)"
[[ -s rec.json ]] || fail "no recording on the host: $(cat err)"
python3 - rec.json <<'PY' || fail "recording: $(head -c 400 rec.json)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["exit"] == {"code": 3}, r["exit"]
assert r["command"][:2] == ["sh", "-c"], r["command"]
exes = [e["path"] for e in r["executables"]]
assert exes == ["/bin/busybox"], exes
s = r["architectures"]["x86_64"]["syscalls"]
for name in ("execve", "write", "open" if "open" in s else "openat", "exit_group"):
    assert name in s, (name, sorted(s))
PY
assert_eq "output directory removed" "" "$(ls -A tmp)"

# Docker's own failures and a missing command: docker's exit codes, one line.
"$CAPPROF" record -q --docker capprof-no-such-image-xyz -- true 2>err
assert_eq "unknown image" 125 $?
grep -q 'capprof: record --docker capprof-no-such-image-xyz: the container left no recording' err ||
	fail "message: $(cat err)"
"$CAPPROF" record -q --docker --rm -- true 2>err
assert_eq "an option as image" 125 $?
grep -q '"--rm" is not an image name' err || fail "message: $(cat err)"
"$CAPPROF" record -q --docker capprof-busybox -o rec2.json -- no-such-command-xyz 2>err
assert_eq "command not found in the image" 127 $?
exit 0
