# capprof verify --minimize: a workload that only warns when its chown fails
# gets CHOWN marked tolerated; one that fails without it, required. The
# verdict is written back into the recording.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3
cd "$T" || exit 1

verdict() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capabilities"]["CHOWN"]["verdict"])' "$1"; }
for mode in warn need; do
	touch "f-$mode"
	"$CAPPROF" record -q -o "$mode.json" -- "$WORKLOADS/verify_chown" "$mode" "f-$mode" || fail "record $mode"
	assert_eq "$mode: recorded verdict" hit "$(verdict "$mode.json")"
	python3 - "$mode.json" "$mode-prof.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
json.dump({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
           "syscalls": [{"names": sorted(r["architectures"]["x86_64"]["syscalls"]),
                         "action": "SCMP_ACT_ALLOW"}]}, open(sys.argv[2], "w"))
PY
	chown 0:0 "f-$mode"
	"$CAPPROF" verify -i "$mode.json" --profile "$mode-prof.json" --minimize >out 2>&1
	rc=$?
	assert_eq "$mode: verify --minimize" 0 "$rc"
	want=tolerated
	[[ $mode == need ]] && want=required
	grep -q "CHOWN *$want" out || fail "$mode: report: $(cat out)"
	assert_eq "$mode: verdict in the recording" "$want" "$(verdict "$mode.json")"
done
echo PASS
