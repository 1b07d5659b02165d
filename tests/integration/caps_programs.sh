#!/usr/bin/env bash
# Capability discovery on real programs, on workloads that need none, and
# the promise that retrying never changes what the workload does.
. "$(dirname "$0")/../caps.sh"
cd "$T" || exit 1

# Needs nothing: a plain ls, and a call that fails even for root (recorded as denied).
expect_caps "ls" "" ls -l /
expect_caps "denied even as root" "" "$WORKLOADS/capwork" denied
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["denied"]; sys.exit(0 if any(x.get("path")=="/proc/sys/kernel/osrelease" and x["errno"]=="EACCES" for x in d) else 1)' "$T/rec.json" ||
	fail "the failure that privileges cannot fix is not in denied[]"

# FSETID is not measurable: writing to a set-id file succeeds either way.
touch f && chown 65534:65534 f && chmod 6777 f
expect_caps "fsetid (not measurable)" "" "$WORKLOADS/capwork" fsetid f

# A program that reads and lowers its own sets sees what it would have had.
touch g
expect_caps "capget/capset virtualised" "" "$WORKLOADS/capwork" capget g
grep -q 'effective has CHOWN: yes' "$T/out" || fail "capget did not show the full effective set"
grep -q 'after dropping: no' "$T/out" || fail "capset did not lower the virtual set"
python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["denied"] else 1)' "$T/rec.json" ||
	fail "chown after dropping CHOWN must be recorded as denied"

# Real programs.
touch owned
expect_caps "chown nobody FILE" "CHOWN" chown nobody owned
[[ $(stat -c %U owned) == nobody ]] || fail "chown did not take effect under capprof"
python3 - "$T/rec.json" "$T/owned" <<'PY' || fail "CHOWN evidence incomplete: $(cat "$T/rec.json")"
import json, sys
ev = json.load(open(sys.argv[1]))["capabilities"]["CHOWN"]["evidence"]
assert ev["syscall"] in ("fchownat", "chown", "lchown") and ev["path"] == sys.argv[2]
assert ev["errno"] == "EPERM" and ev["exe"].endswith("/chown") and ev["pid"] > 0
PY

if command -v ping >/dev/null; then
	read -r lo hi </proc/sys/net/ipv4/ping_group_range
	if ((lo <= 0 && 0 <= hi)); then want=""; else want="NET_RAW"; fi
	expect_caps "ping -c1 127.0.0.1 (ping_group_range $lo $hi)" "$want" ping -c1 127.0.0.1
	assert_eq "ping exit status" 0 "$LAST_RC"
else
	echo "SKIP (part): ping not installed"
fi

if (($(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) > 80)); then
	expect_caps "python3 server on 127.0.0.1:80" "NET_BIND_SERVICE" \
		python3 -c 'import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 80)); s.listen(); print("bound")'
	grep -q bound "$T/out" || fail "python server did not bind under capprof"
fi

expect_caps "setpriv --reuid" "SETUID" setpriv --reuid=65534 id -u
grep -qx 65534 "$T/out" || fail "setpriv did not switch user under capprof"

# Retrying must not change output or exit status.
same() { # CMD...
	local direct traced rd rt
	direct=$("$@" 2>&1)
	rd=$?
	traced=$("$CAPPROF" record -q -o "$T/same.json" -- "$@" 2>&1)
	rt=$?
	[[ $rd == "$rt" ]] || fail "exit status differs for $*: direct $rd, traced $rt"
	[[ $direct == "$traced" ]] || fail "output differs for $*: [$direct] vs [$traced]"
	echo "ok same behaviour: $*"
}
touch s1 && same chown nobody s1
same "$WORKLOADS/capwork" denied
same ls -ln "$T"
same sh -c 'id -u; cat /proc/sys/kernel/osrelease; echo x > /proc/sys/kernel/osrelease; echo $?'
same "$WORKLOADS/capwork" net_raw

# A workload started as non-root gets no capabilities.
if id nobody >/dev/null 2>&1; then
	chmod 777 "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$CAPPROF" record -q -o "$T/nonroot.json" -- ls / >/dev/null 2>"$T/err" ||
		fail "record as non-root failed: $(cat "$T/err")"
	assert_eq "non-root capabilities" "" "$(rec_caps "$T/nonroot.json")"
	grep -q 'not running as root' "$T/err" || fail "no warning that a non-root run finds no capabilities"
fi
echo ok
