#!/usr/bin/env bash
# timeout: 600
# Coverage and learning mode against a real Docker engine, with a two-path
# workload recorded on its first path (tests/workloads/twopath.c):
#  1. the profile `emit --docker` derives denies the second path in a
#     container; the `--with-reachable` one runs it;
#  2. learning: a `--complain` profile runs the second path, the kernel logs
#     it, `capprof learn` finds the missing syscalls with the container's exe
#     path, and `merge` + `emit` gives a profile (default action errno again)
#     that runs both paths.
. "$(dirname "$0")/../lib.sh"
need_docker debian
[[ -x $WORKLOADS/twopath ]] || fail "missing workload (make tests)"
cd "$T" || exit 1
W=$T/w
mkdir -p "$W/work"
cp "$WORKLOADS/twopath" "$W/twopath"
name=cov-reach-$$
trap 'docker rm -f "$name" >/dev/null 2>&1; rm -rf "$T"' EXIT

# The runtime whose baseline the profiles carry (as record_verify.sh picks it).
default=$(docker info -f '{{.DefaultRuntime}}' 2>/dev/null)
runtime=${CAPPROF_TEST_RUNTIME:-$default}
dargs=()
"$CAPPROF" record -q -o probe.json -- true >/dev/null 2>&1
if ! "$CAPPROF" emit -i probe.json --docker --runtime "$runtime" >/dev/null 2>&1 &&
	docker info -f '{{json .Runtimes}}' | grep -q '"crun"'; then
	runtime=crun
	dargs=(--runtime=crun)
fi

# Run the workload in a container of capprof-debian under a profile; the
# workload directory is mounted at the same path, so the recorded path is
# the one inside the container too.
in_docker() { # PROFILE MOUNT-TARGET ARG...
	local profile=$1 target=$2
	shift 2
	docker run --rm --name "$name" "${dargs[@]}" --network none --cap-drop ALL \
		--security-opt "seccomp=$profile" -v "$W:$target" capprof-debian "$@"
}

"$CAPPROF" record -q -o rec.json -- "$W/twopath" "$W/trigger" "$W/work" >out 2>err || fail "record: $(cat err)"
assert_eq "first path" "path one" "$(cat out)"
touch "$W/trigger"

# 1. --with-reachable
"$CAPPROF" emit -i rec.json --docker --runtime "$runtime" -o plain.json || fail "emit"
in_docker "$T/plain.json" "$W" "$W/twopath" "$W/trigger" "$W/work" >out 2>err
rc=$?
[[ $rc == 1 ]] || fail "second path under the recorded-only profile: exit $rc $(cat out err)"
grep -q '^twopath: mkdir: Operation not permitted' err || fail "expected mkdir denied: $(cat err)"
"$CAPPROF" emit -i rec.json --docker --runtime "$runtime" --with-reachable -o reach.json 2>werr || fail "emit --with-reachable"
in_docker "$T/reach.json" "$W" "$W/twopath" "$W/trigger" "$W/work" >out 2>err ||
	fail "second path under --with-reachable in Docker: exit $? $(cat err)"
assert_eq "second path (--with-reachable)" "path two" "$(cat out)"

# 2. learning mode. The workload directory is mounted at $M, a path no other
# run uses: the exe the kernel logs (the container's path) picks this run's
# records out of the kernel log.
"$CAPPROF" emit -i rec.json --docker --runtime "$runtime" --complain -o complain.json || fail "emit --complain"
grep -q '"defaultAction":	"SCMP_ACT_LOG"' complain.json || fail "not a complain profile"
printk_limit_off
trap 'printk_limit_restore; docker rm -f "$name" >/dev/null 2>&1; rm -rf "$T"' EXIT
M=/learn-$$-$RANDOM
in_docker "$T/complain.json" "$M" "$M/twopath" "$M/trigger" "$M/work" >out 2>err ||
	fail "second path under --complain: exit $? $(cat err)"
assert_eq "second path (--complain)" "path two" "$(cat out)"
want="mkdir flock ftruncate fchmod getrusage symlink rename rmdir"
"$CAPPROF" learn --exe "$M/twopath" -o learned.json 2>lerr || fail "learn: $(cat lerr)"
missing=$(for n in $want; do rec_syscalls learned.json | grep -qx "$n" || echo "$n"; done)
cat lerr
[[ -z $missing ]] || fail "not learnt: ${missing//$'\n'/ }; learnt: $(rec_syscalls learned.json | xargs); $(cat lerr)
the kernel's seccomp records for $M: $(dmesg | grep 'type=1326' | grep -F "$M" | tail -20)
the last seccomp records: $(dmesg | grep 'type=1326' | tail -10)"
python3 - learned.json "$M" <<'PY' || fail "exe evidence: $(cat learned.json)"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["architectures"]["x86_64"]["syscalls"]
assert all(v["first"]["exe"] == sys.argv[2] + "/twopath" for v in s.values()), s
PY
"$CAPPROF" diff rec.json learned.json >diff.txt
assert_eq "diff: production needed more" 1 $?

"$CAPPROF" merge -o merged.json rec.json learned.json || fail "merge"
"$CAPPROF" emit -i merged.json --docker --runtime "$runtime" -o final.json || fail "emit"
grep -q '"defaultAction":	"SCMP_ACT_ERRNO"' final.json || fail "final profile is not default errno"
grep -q 'not observed' final.json && fail "final profile carries reachable-only rules"
in_docker "$T/final.json" "$M" "$M/twopath" "$M/trigger" "$M/work" >out 2>err ||
	fail "second path under the learnt profile: exit $? $(cat err)"
assert_eq "second path (learnt)" "path two" "$(cat out)"
rm "$W/trigger"
in_docker "$T/final.json" "$M" "$M/twopath" "$M/trigger" "$M/work" >out 2>err ||
	fail "first path under the learnt profile: exit $? $(cat err)"
assert_eq "first path (learnt)" "path one" "$(cat out)"
exit 0
