#!/usr/bin/env bash
# verify --docker: a busybox recording passes in a real container under the
# flags and profile `emit --docker-run` makes, with the same output; a
# profile without mkdir fails it, naming the exit status.
. "$(dirname "$0")/../lib.sh"
need_docker busybox
cd "$T" || exit 1
# Without the default runtime's baseline data, crun's (when dockerd has crun).
default=$(docker info -f '{{.DefaultRuntime}}' 2>/dev/null)
runtime=${CAPPROF_TEST_RUNTIME:-$default}
"$CAPPROF" record -q -o probe.json -- true >/dev/null 2>&1
if [[ -z ${CAPPROF_TEST_RUNTIME:-} ]] && ! "$CAPPROF" emit -i probe.json --docker --runtime "$runtime" >/dev/null 2>&1 &&
	docker info -f '{{json .Runtimes}}' | grep -q '"crun"'; then
	echo "note: no baseline data for $runtime: using crun"
	runtime=crun
fi
dargs=()
[[ $runtime == "$default" ]] || dargs=(--docker-arg "--runtime=$runtime")

"$CAPPROF" record -q --docker capprof-busybox -o rec.json -- sh -c 'echo hello; mkdir /tmp/x && chown 1 /tmp/x' \
	>out 2>err || fail "record: $(cat err)"
assert_eq "capabilities" CHOWN "$(rec_caps rec.json)"
"$CAPPROF" verify -i rec.json --docker capprof-busybox "${dargs[@]}" >ver.out 2>ver.err ||
	fail "verify --docker: exit $? $(cat ver.out ver.err)"
grep -q '^verify: PASS: exit status 0 (recorded 0) in a container of capprof-busybox' ver.out || fail "$(cat ver.out)"
grep -q '^  output: same as recorded' ver.out || fail "output not compared: $(cat ver.out)"
grep -q -- '--cap-drop ALL --cap-add CHOWN --security-opt seccomp=' ver.out || fail "flags: $(cat ver.out)"

# The same profile without mkdir: the workload fails, and so does verify.
"$CAPPROF" emit -i rec.json --docker --runtime "${runtime:-runc}" -o full.json || fail "emit --docker"
python3 - full.json nomkdir.json <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in ("mkdir", "mkdirat")]
json.dump(p, open(sys.argv[2], "w"))
PY
"$CAPPROF" verify -i rec.json --docker capprof-busybox "${dargs[@]}" --profile nomkdir.json >ver.out 2>ver.err
assert_eq "verify --docker with mkdir denied" 1 $?
grep -q '^verify: FAIL: exit status 1 (recorded 0)' ver.out || fail "$(cat ver.out ver.err)"
grep -q "can't create directory '/tmp/x': Operation not permitted" ver.err || fail "workload's error: $(cat ver.err)"

# --cap-add applies in a container too: without CHOWN the run fails and says so.
"$CAPPROF" verify -i rec.json --docker capprof-busybox "${dargs[@]}" --cap-add KILL >cap.out 2>err
assert_eq "--docker with --cap-add KILL" 1 $?
grep -q 'fix: --cap-add CHOWN' cap.out || fail "no fix named: $(cat cap.out err)"
# Options that cannot apply to a container are refused in one line.
"$CAPPROF" verify -i rec.json --docker capprof-busybox --nnp 2>err
assert_eq "--docker with --nnp" 125 $?
grep -q 'cannot be honoured there' err || fail "message: $(cat err)"
exit 0
