# capprof verify --minimize: a workload that copes silently when its chown
# fails gets CHOWN marked tolerated; one that only warns on stderr (exit
# status and stdout unchanged) and one that fails get it required. The
# verdict and what happened without it are written back into the recording.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3
cd "$T" || exit 1

verdict() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capabilities"]["CHOWN"]["verdict"])' "$1"; }
for mode in quiet warn need; do
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
	want=required
	[[ $mode == quiet ]] && want=tolerated
	grep -q "CHOWN *$want" out || fail "$mode: report: $(cat out)"
	assert_eq "$mode: verdict in the recording" "$want" "$(verdict "$mode.json")"
	without=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["capabilities"]["CHOWN"]["without"])' "$mode.json")
	case $mode in
	quiet) assert_eq "quiet: without" "outcome unchanged" "$without" ;;
	warn) [[ $without == *'stderr has 1 line, reference 0: line 1 "warning: chown failed'* ]] || fail "warn: without: $without" ;;
	need) [[ $without == "exit 1, reference 0"* ]] || fail "need: without: $without" ;;
	esac
	# trials ran on fresh overlays: the host's file was never given away
	assert_eq "$mode: host file untouched by trials" "0:0" "$(stat -c %u:%g "f-$mode")"
	grep -q 'capprof: minimize: trial 1 of 1: without CHOWN' out || fail "$mode: no progress line: $(cat out)"
done

# The same with the derived profile (no --profile), and --minimize=all:
# CHOWN tolerated in quiet mode; chown and write (the output) needed; the
# syscalls found unneeded are left out of the profile written with -o.
touch f-derived
"$CAPPROF" record -q -o derived.json -- "$WORKLOADS/verify_chown" quiet f-derived || fail "record derived"
chown 0:0 f-derived
"$CAPPROF" verify -i derived.json --minimize=all -o min.json >out 2>&1
rc=$?
assert_eq "verify --minimize=all ($(cat out))" 0 "$rc"
grep -q "CHOWN *tolerated" out || fail "derived: CHOWN not tolerated: $(cat out)"
assert_eq "derived: verdict in the recording" tolerated "$(verdict derived.json)"
grep -q '^  chown  *not needed' out || fail "derived: chown (tolerated failure) not found unneeded: $(cat out)"
grep -q '^  exit_group  *needed' out || fail "derived: exit_group not needed?: $(cat out)"
grep -q '^  execve  *needed' out || fail "derived: execve: $(cat out)"
unneeded=$(sed -n 's/^verify: syscalls not needed ([0-9]*)://p' out)
[[ -n $unneeded ]] || fail "derived: no unneeded list: $(cat out)"
read -r -a unneeded_list <<<"$unneeded"
python3 - min.json "${unneeded_list[@]}" <<'PY' || fail "the -o profile still allows an unneeded syscall"
import json, sys
p = json.load(open(sys.argv[1]))
allowed = {n for e in p["syscalls"] if e["action"] == "SCMP_ACT_ALLOW" for n in e["names"]}
assert "exit_group" in allowed, allowed
assert not allowed & set(sys.argv[2:]), allowed & set(sys.argv[2:])
PY
# --minimize=nonsense is an error
"$CAPPROF" verify -i derived.json --minimize=nonsense >/dev/null 2>&1
assert_eq "bad --minimize" 125 "$?"
echo PASS
