# capprof verify with the profile and capabilities derived from the recording
# timeout: 600
# (no --profile: as emit --docker / emit --caps make them), on capwork
# capability workloads: each passes with the same exit status and output;
# each fails, naming the syscall, when its key syscall is taken out of the
# emitted profile; and fails, naming the capability, when that capability
# is not granted.
. "$(dirname "$0")/../caps.sh"
need_cmd python3
need_cmd setpriv
PEER=
trap '[[ -n $PEER ]] && kill $PEER 2>/dev/null; rm -rf "$T"' EXIT

# MODE CAP KEY-SYSCALLS (the first one recorded is taken out)
cases=(
	"chown CHOWN chown fchownat"
	"dac_override DAC_OVERRIDE -"
	"fowner FOWNER chmod fchmodat"
	"kill KILL kill"
	"setuid SETUID setuid"
	"net_raw NET_RAW socket"
	"net_bind_service NET_BIND_SERVICE bind"
	"sys_chroot SYS_CHROOT chroot"
	"mknod MKNOD mknod mknodat"
	"sys_time SYS_TIME settimeofday"
	"ipc_lock IPC_LOCK mlock"
)

# Put the files and processes mode MODE works on into their initial state;
# sets ARGV to the capwork command line.
prep() { # MODE
	local mode=$1 d=$T/$1
	rm -rf "$d.files"
	mkdir -p "$d.files"
	chmod 755 "$d.files"
	ARGV=("$WORKLOADS/capwork" "$mode")
	case $mode in
	chown) touch "$d.files/f"; ARGV+=("$d.files/f") ;;
	dac_override) touch "$d.files/f"; chmod 000 "$d.files/f"; ARGV+=("$d.files/f") ;;
	fowner) touch "$d.files/f"; chown 65534:65534 "$d.files/f"; ARGV+=("$d.files/f") ;;
	kill)
		[[ -n $PEER ]] && kill $PEER 2>/dev/null
		setpriv --reuid=65534 --regid=65534 --clear-groups sleep 60 &
		PEER=$!
		sleep 0.2
		ARGV+=("$PEER")
		;;
	net_bind_service) ARGV+=("$(($(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) - 1))") ;;
	mknod) ARGV+=("$d.files/null") ;;
	esac
}

ran=0
for c in "${cases[@]}"; do
	read -r mode cap rest <<<"$c"
	read -r -a rest <<<"$rest"
	set -- "${rest[@]}"
	keys=("$@")
	if ! in_bounding_set "$cap"; then
		echo "not run: $mode (CAP_$cap is not in the bounding set)"
		continue
	fi
	if [[ $mode == net_bind_service ]] && (($(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) == 0)); then
		echo "not run: $mode (ip_unprivileged_port_start is 0)"
		continue
	fi
	d=$T/$mode
	mkdir -p "$d"
	prep "$mode"
	"$CAPPROF" record -q -o "$d/rec.json" -- "${ARGV[@]}" >"$d/rec.out" 2>&1 || fail "$mode: record: $(cat "$d/rec.out")"
	rec_caps "$d/rec.json" | grep -qx "$cap" || fail "$mode: recording lacks $cap: $(rec_caps "$d/rec.json")"

	# 1. The derived profile and capabilities pass, with the recorded output.
	prep "$mode"
	"$CAPPROF" verify -i "$d/rec.json" -- "${ARGV[@]}" >"$d/v.out" 2>&1
	rc=$?
	assert_eq "$mode: verify with the derived profile ($(cat "$d/v.out"))" 0 "$rc"
	grep -q '^verify: PASS' "$d/v.out" || fail "$mode: no PASS: $(cat "$d/v.out")"
	grep -q 'profile derived from' "$d/v.out" || fail "$mode: profile not derived: $(cat "$d/v.out")"
	grep -q '^  output: same as recorded' "$d/v.out" || fail "$mode: output not compared: $(cat "$d/v.out")"

	# 2. Without its key syscall in the emitted profile: fails naming it.
	key=
	for k in "${keys[@]}"; do
		rec_syscalls "$d/rec.json" | grep -qx "$k" && { key=$k; break; }
	done
	if [[ ${keys[0]} != - ]]; then
		[[ -n $key ]] || fail "$mode: none of ${keys[*]} recorded: $(rec_syscalls "$d/rec.json" | tr '\n' ' ')"
		"$CAPPROF" emit -i "$d/rec.json" --docker --runtime none -o "$d/p.json" || fail "$mode: emit"
		python3 - "$d/p.json" "$d/p-no.json" "$key" <<'PY' || fail "$mode: cannot take $key out"
import json, sys
p = json.load(open(sys.argv[1]))
n = 0
for e in p["syscalls"]:
    if e["action"] == "SCMP_ACT_ALLOW" and sys.argv[3] in e["names"]:
        e["names"].remove(sys.argv[3]); n += 1
p["syscalls"] = [e for e in p["syscalls"] if e["names"]]
assert n, "not in the profile"
json.dump(p, open(sys.argv[2], "w"), indent=1)
PY
		prep "$mode"
		"$CAPPROF" verify -i "$d/rec.json" --profile "$d/p.json" -- "${ARGV[@]}" >"$d/v.out" 2>&1
		rc=$?
		assert_eq "$mode: verify with the emitted profile ($(cat "$d/v.out"))" 0 "$rc"
		prep "$mode"
		"$CAPPROF" verify -i "$d/rec.json" --profile "$d/p-no.json" -- "${ARGV[@]}" >"$d/v.out" 2>&1
		rc=$?
		assert_eq "$mode: verify without $key ($(cat "$d/v.out"))" 1 "$rc"
		grep -q "^verify: FAIL" "$d/v.out" || fail "$mode: no FAIL line: $(cat "$d/v.out")"
		grep -q "denied: $key (x86_64) pid [0-9]* exe .*capwork" "$d/v.out" ||
			fail "$mode: denial of $key not named: $(cat "$d/v.out")"
		grep -q "fix: add \"$key\"" "$d/v.out" || fail "$mode: no fix for $key: $(cat "$d/v.out")"
	fi

	# 3. Without the capability (another one granted instead): fails naming it.
	other=AUDIT_WRITE
	[[ $cap == AUDIT_WRITE ]] && other=NET_RAW
	prep "$mode"
	"$CAPPROF" verify -i "$d/rec.json" --cap-add "$other" -- "${ARGV[@]}" >"$d/v.out" 2>&1
	rc=$?
	assert_eq "$mode: verify without $cap ($(cat "$d/v.out"))" 1 "$rc"
	grep -q "capability $cap not granted" "$d/v.out" || fail "$mode: $cap not named: $(cat "$d/v.out")"
	grep -q "fix: --cap-add $cap" "$d/v.out" || fail "$mode: no fix for $cap: $(cat "$d/v.out")"
	echo "ok $mode: passes; fails naming ${key:-(no key syscall)} and $cap"
	ran=$((ran + 1))
done
((ran >= 8)) || skip "only $ran capability workloads could run here (want at least 8)"
echo PASS
