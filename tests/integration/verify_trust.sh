#!/usr/bin/env bash
# verify and a recording someone else wrote: it shows what will run before
# running it, refuses docker arguments from the recording that widen the
# container's privileges, and --no-run checks without running anything.
. "$TESTS_DIR/lib.sh"
need_root
cd "$T" || exit 1
export CAPPROF_DATADIR=$TESTS_DIR/../profiles

"$CAPPROF" record -q -o r.json -- /bin/sh -c 'touch ran' || fail "record"
rm -f ran

# A tampered recording: SYS_ADMIN and SYS_MODULE granted, shown before anything runs.
python3 - <<'PY' || fail "cannot tamper"
import json
r = json.load(open("r.json"))
for c in ("SYS_ADMIN", "SYS_MODULE"):
    r["capabilities"][c] = {"hits": 1, "verdict": "required"}
json.dump(r, open("caps.json", "w"))
for name, args in (("priv", ["--env", "A=1", "--privileged"]), ("root", ["-v", "/:/host"]),
                   ("pid", ["--pid=host"]), ("capadd", ["--cap-add", "SYS_ADMIN"]),
                   ("seccomp", ["--security-opt", "seccomp=unconfined"]),
                   ("sock", ["-v", "/var/run/docker.sock:/var/run/docker.sock"])):
    r["environment"] = {"docker": {"image": "capprof-busybox", "args": args}}
    json.dump(r, open("env-%s.json" % name, "w"))
PY
"$CAPPROF" verify -i caps.json --no-run >out 2>&1
assert_eq "verify --no-run exit" 0 $?
[[ -e ran ]] && fail "--no-run ran the workload"
grep -q '^verify: would run (--no-run: nothing is run): /bin/sh -c touch ran' out || fail "plan: $(cat out)"
grep -q 'as uid 0 gid 0' out || fail "plan does not name the user: $(cat out)"
# shellcheck disable=SC2015 # fail unless both are shown
grep -q 'capabilities:.* SYS_MODULE' out && grep -q 'capabilities:.* SYS_ADMIN' out || fail "plan hides the capabilities: $(cat out)"

# Shown before a real run too.
"$CAPPROF" verify -i r.json >out 2>&1
assert_eq "verify of the untampered recording" 0 $?
grep -q '^verify: will run: /bin/sh -c touch ran' out || fail "no plan before running: $(cat out)"
[[ -e ran ]] || fail "verify did not run the workload"

# Engine arguments from the recording that widen privileges: refused, nothing run
# (no Docker is needed: the check comes first).
for name in priv root pid capadd seccomp sock; do
	"$CAPPROF" verify -i "env-$name.json" >out 2>&1
	assert_eq "verify with recorded arguments '$name'" 125 $?
	grep -q "env-$name.json: recorded docker argument .* refusing it" out || fail "$name: $(cat out)"
	assert_eq "$name: one error line" 1 "$(grep -c . out)"
done
grep -q '"-v /var/run/docker.sock:/var/run/docker.sock" binds a host system path' out || fail "sock: $(cat out)"

# The same argument given by the user on the command line is the user's choice.
"$CAPPROF" verify -i env-priv.json --docker capprof-busybox --docker-arg --privileged --no-run >out 2>&1
assert_eq "user-given --privileged with --no-run" 0 $?
grep -q 'docker run arguments from the command line: --privileged' out || fail "plan: $(cat out)"
echo ok
