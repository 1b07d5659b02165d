# Driver for the per-capability tests (tests/integration/cap_*.sh): prepares
# what a capwork mode needs, records it under the retry engine, and asserts
# the exact capability set found. Source it and call cap_case MODE EXPECTED.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root

in_bounding_set() { # CAP (libcap spelling without CAP_)
	local n
	n=$(python3 -c 'import ctypes,sys
lib = ctypes.CDLL("libcap.so.2")
v = ctypes.c_int()
sys.exit(0 if lib.cap_from_name(("cap_" + sys.argv[1].lower()).encode(), ctypes.byref(v)) == 0 and print(v.value) is None else 1)' "$1") || return 1
	local bnd
	bnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
	(((0x$bnd >> n) & 1))
}

# Record CMD and compare the capabilities found with EXPECTED (space separated, sorted).
expect_caps() { # LABEL EXPECTED CMD...
	local label=$1 expected=$2
	shift 2
	"$CAPPROF" record -q -o "$T/rec.json" -- "$@" >"$T/out" 2>&1
	local rc=$?
	local got
	got=$(rec_caps "$T/rec.json" | tr '\n' ' ' | sed 's/ $//')
	cat "$T/out"
	[[ $got == "$expected" ]] || fail "$label: expected capabilities [$expected], found [$got] (workload exit $rc)"
	echo "ok $label: [$got]"
	# shellcheck disable=SC2034 # read by the tests that source this file
	LAST_RC=$rc
}

cap_case() { # MODE EXPECTED
	local mode=$1 expected=$2 argv=("$WORKLOADS/capwork" "$1") prefix=()
	for c in $expected; do
		in_bounding_set "$c" || skip "CAP_$c is not in this machine's bounding set"
	done
	chmod 755 "$T"
	case $mode in
	chown | thread_chown | capget | uid_dance) touch "$T/f"; argv+=("$T/f") ;;
	dac_override | dac_read_search) touch "$T/f"; chmod 000 "$T/f"; argv+=("$T/f") ;;
	fowner) touch "$T/f"; chown 65534:65534 "$T/f"; argv+=("$T/f") ;;
	fsetid) touch "$T/f"; chown 65534:65534 "$T/f"; chmod 6777 "$T/f"; argv+=("$T/f") ;;
	kill | sys_ptrace)
		setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30 &
		PEER=$!
		trap 'kill $PEER 2>/dev/null; rm -rf "$T"' EXIT
		sleep 0.2
		argv+=("$PEER")
		;;
	net_bind_service)
		local port=$(( $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) - 1 ))
		((port >= 1)) || skip "ip_unprivileged_port_start is 0: binding any port needs no capability here"
		argv+=("$port")
		;;
	mknod) argv+=("$T/null") ;;
	setfcap) touch "$T/f"; argv+=("$T/f") ;;
	# unshare runs first (it needs SYS_ADMIN itself); only the workload is recorded.
	mount) mkdir "$T/mnt"; prefix=(unshare -m --propagation private); argv+=("$T/mnt") ;;
	sethostname) prefix=(unshare -u) ;;
	linux_immutable)
		touch "$T/f"
		lsattr "$T/f" >/dev/null 2>&1 || skip "$T is on a filesystem without file attributes"
		argv+=("$T/f")
		;;
	esac
	if ((${#prefix[@]})); then
		"${prefix[@]}" "$CAPPROF" record -q -o "$T/rec.json" -- "${argv[@]}" >"$T/out" 2>&1
		local rc=$? got
		got=$(rec_caps "$T/rec.json" | tr '\n' ' ' | sed 's/ $//')
		cat "$T/out"
		[[ $got == "$expected" ]] || fail "$mode: expected capabilities [$expected], found [$got] (exit $rc)"
		echo "ok $mode: [$got]"
	else
		expect_caps "$mode" "$expected" "${argv[@]}"
	fi
	grep -q ': ok$' "$T/out" || [[ $mode == denied || $mode == fsetid ]] ||
		fail "$mode: the workload's operation did not succeed under capprof: $(cat "$T/out")"
}
