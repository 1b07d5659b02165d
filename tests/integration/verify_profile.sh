# capprof verify: passes with the profile made from the recording; fails,
# timeout: 600
# naming the syscall, when one needed syscall is removed from the profile;
# fails, naming the capability, when a needed capability is not granted.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3
cd "$T" || exit 1
touch f

"$CAPPROF" record -q -o rec.json -- "$WORKLOADS/verify_chown" need f || fail "record failed"
rec_caps rec.json | grep -qx CHOWN || fail "recording lacks CHOWN: $(rec_caps rec.json)"
# The profile: exactly the recorded syscalls (what emit --docker makes, minus
# runtime extras we do not need: capprof's own setup runs before the filter).
mkprof() { # OUT [SYSCALL-TO-DROP]
	python3 - rec.json "$1" "${2:-}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
names = sorted(n for n in r["architectures"]["x86_64"]["syscalls"] if n != sys.argv[3])
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
           "architectures": ["SCMP_ARCH_X86_64"],
           "syscalls": [{"names": names, "action": "SCMP_ACT_ALLOW"}]}, open(sys.argv[2], "w"))
PY
}
mkprof prof.json
mkprof prof-nochown.json chown

chown 0:0 f
"$CAPPROF" verify -i rec.json --profile prof.json >out 2>&1
rc=$?
assert_eq "verify with the derived profile" 0 "$rc"
grep -q "^verify: PASS" out || fail "no PASS line: $(cat out)"
assert_eq "chown happened" "1:1" "$(stat -c %u:%g f)"

chown 0:0 f
"$CAPPROF" verify -i rec.json --profile prof-nochown.json >out 2>&1
rc=$?
assert_eq "verify without chown in the profile" 1 "$rc"
grep -q "denied: chown (x86_64) pid [0-9]* exe .*verify_chown" out || fail "chown denial not named: $(cat out)"
grep -q 'fix: add "chown"' out || fail "no fix for chown: $(cat out)"

chown 0:0 f
"$CAPPROF" verify -i rec.json --profile prof.json --cap-add NET_RAW >out 2>&1
rc=$?
assert_eq "verify without CHOWN" 1 "$rc"
grep -q "capability CHOWN not granted" out || fail "CHOWN not named: $(cat out)"
grep -q "fix: --cap-add CHOWN" out || fail "no fix for CHOWN: $(cat out)"
grep -q "denied:" out && fail "a capability failure reported as a syscall denial: $(cat out)"

"$CAPPROF" verify -i missing.json --profile prof.json >/dev/null 2>&1
assert_eq "missing recording" 125 $?
echo PASS
