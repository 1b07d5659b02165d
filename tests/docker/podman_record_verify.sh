#!/usr/bin/env bash
# record --podman and verify --podman: capprof records inside a Podman
# container (all capabilities, no filter) and proves the emitted profile and
# capabilities there with crun, Podman's runtime. The recording finds CHOWN;
# verify passes with the derived profile and fails (exit 1) with a profile
# that lacks the workload's fchownat.
# timeout: 300
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd podman
need_cmd crun
need_cmd python3
top=$(cd "$(dirname "$0")/../.." && pwd)
conf=$("$top/scripts/podman-setup.sh" busybox 2>"$T/setup.log") ||
	envfail "podman cannot run here: $(tail -n3 "$T/setup.log")"
export CONTAINERS_CONF=$conf
cd "$T" || exit 1
script='mkdir -p /tmp/q; echo hi > /tmp/q/f; chown 65534 /tmp/q/f; stat -c %u /tmp/q/f'

"$CAPPROF" record --podman capprof-busybox -o rec.json -- sh -c "$script" >out 2>err || fail "record --podman exited $?: $(tail -n3 err)"
[[ $(cat out) == 65534 ]] || fail "record --podman: the workload printed $(cat out)"
caps=$("$CAPPROF" emit -i rec.json --caps)
[[ $caps == CHOWN ]] || fail "record --podman found caps '$caps', expected CHOWN"
python3 -c 'import json,sys; s=json.load(open("rec.json"))["architectures"]["x86_64"]["syscalls"]; sys.exit("fchownat" not in s and "chown" not in s)' ||
	fail "record --podman recorded no chown call"

"$CAPPROF" verify -i rec.json --podman capprof-busybox >verify.out 2>&1 || { cat verify.out; fail "verify --podman exited $?"; }
grep -q '^verify: PASS' verify.out || fail "verify --podman did not pass: $(cat verify.out)"

# a profile without the chown call must fail the same verification
"$CAPPROF" emit -i rec.json -o full.json || fail "emit"
python3 - full.json >nochown.json <<'PY' || fail "cannot edit the profile"
import json, sys
p = json.load(open(sys.argv[1]))
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in ("fchownat", "chown", "lchown", "fchown")]
p["syscalls"] = [r for r in p["syscalls"] if r["names"]]
json.dump(p, sys.stdout)
PY
"$CAPPROF" verify -i rec.json --podman capprof-busybox --profile nochown.json >bad.out 2>&1
rc=$?
[[ $rc == 1 ]] || { cat bad.out; fail "verify --podman with a profile lacking chown exited $rc, expected 1"; }
echo "ok: record --podman found CHOWN; verify --podman passes, and fails without chown"
