#!/usr/bin/env bash
# A workload's own seccomp filter returning RET_TRACE is not taken for
# capprof's: data 0x8001 (capprof's deny marker) must not forge a denial,
# and data 0 must not hide a denial of capprof's. Each run must show the
# workload what the kernel shows it without capprof (or under `run`).
. "$TESTS_DIR/lib.sh"
need_root
W=$WORKLOADS/own_trace
[[ -x $W ]] || fail "workload own_trace not built"
cd "$T" || exit 1
export CAPPROF_DATADIR=$TESTS_DIR/../profiles

for data in 0x8001 0; do
	native=$("$W" "$data") || fail "own_trace $data natively"
	grep -qx 'after: getppid ENOSYS' <<<"$native" || fail "the kernel did not ENOSYS the traced call: $native"
	got=$("$CAPPROF" record -q -o r.json -- "$W" "$data") || fail "record own_trace $data"
	assert_eq "record: what the workload saw with data $data" "$native" "$got"
	python3 - "$data" <<'PY' || fail "recording of own_trace $data is wrong"
import json, sys
r = json.load(open("r.json"))
want = int(sys.argv[1], 0)
assert r["denied"] == [], "forged denial: %s" % r["denied"]
w = [(x["syscall"], x["errno"], x["ret_data"]) for x in r.get("workload_traced", [])]
assert w == [("getppid", "ENOSYS", want)], "workload_traced: %s" % w
assert "getppid" in r["architectures"]["x86_64"]["syscalls"], "getppid not recorded as made"
PY
done

# verify under the recording's own profile: nothing denied, same output.
"$CAPPROF" verify -i r.json >v.out 2>&1
assert_eq "verify exit with the workload's filter" 0 $?
grep -q ' 0 denials' v.out || fail "verify: $(cat v.out)"
grep -qx 'after: getppid ENOSYS' v.out || fail "verify changed what the workload saw: $(cat v.out)"

# A profile that denies getppid: its EPERM wins over the workload's RET_TRACE
# (in the kernel as under Docker), and verify must see and report it
# although the workload's data 0 hides capprof's marker.
"$CAPPROF" emit -i r.json -o p.json || fail "emit"
python3 - <<'PY' || fail "cannot write the profile without getppid"
import json
p = json.load(open("p.json"))
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n != "getppid"]
json.dump(p, open("p-noppid.json", "w"))
PY
run_out=$("$CAPPROF" run --profile p-noppid.json -- "$W" 0) || fail "run --profile"
grep -qx 'after: getppid EPERM' <<<"$run_out" || fail "kernel reference: $run_out"
"$CAPPROF" verify -i r.json --profile p-noppid.json >v.out 2>&1
assert_eq "verify exit when the profile denies the workload-traced call" 1 $?
grep -qx 'after: getppid EPERM' v.out || fail "verify did not give the profile's errno: $(cat v.out)"
grep -q 'denied: getppid' v.out || fail "verify did not report the denial: $(cat v.out)"
echo ok
