#!/usr/bin/env bash
# record --docker in a Debian image (glibc, dynamic binaries): capprof finds
# the capabilities the workload needs *in the container*. Binding port 80
# needs NET_BIND_SERVICE on the host but none under Docker, which sets
# net.ipv4.ip_unprivileged_port_start=0 in the container's network namespace.
. "$(dirname "$0")/../lib.sh"
need_docker debian
cd "$T" || exit 1

bind80='use Socket; socket(S, PF_INET, SOCK_STREAM, 0) or die; bind(S, sockaddr_in(80, INADDR_ANY)) or die "bind: $!"; print "bound 80\n"'
# shellcheck disable=SC2016 # the script is for sh -c, expanded there
"$CAPPROF" record -q --docker capprof-debian -o rec.json -- \
	sh -c 'touch /tmp/f && chown nobody /tmp/f && su -s /bin/sh nobody -c "id -u" && perl -e "$1"' sh "$bind80" \
	>out 2>err || fail "record --docker capprof-debian: exit $? $(cat out err)"
assert_eq "workload's output" "65534
bound 80" "$(cat out)"
# chown needs CHOWN, su SETUID and SETGID (and may hit AUDIT_WRITE); the bind none.
rec_caps rec.json >caps
for c in CHOWN SETGID SETUID; do
	grep -qx "$c" caps || fail "$c not found in the container: $(tr '\n' ' ' <caps)"
done
! grep -qx NET_BIND_SERVICE caps || fail "NET_BIND_SERVICE found although Docker lets anyone bind port 80"
python3 - rec.json <<'PY' || fail "recording: $(head -c 400 rec.json)"
import json, sys
r = json.load(open(sys.argv[1]))
exes = [e["path"] for e in r["executables"]]
for p in ("/usr/bin/dash", "/usr/bin/chown", "/usr/bin/su", "/usr/bin/perl"):
    assert p in exes, (p, exes)
su = [e for e in r["executables"] if e["path"] == "/usr/bin/su"][0]
assert su.get("setuid") is True, su
PY

# --docker-arg --user: the inner capprof runs as that user and still delivers the recording.
"$CAPPROF" record -q --docker capprof-debian --docker-arg --user=65534 -o user.json -- id -u >out 2>err ||
	fail "record as --user=65534: $(cat out err)"
assert_eq "id -u in the container" 65534 "$(cat out)"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(r["uid"] != 65534 or r["capabilities"] != {})' user.json ||
	fail "recording made as --user=65534: $(head -c 300 user.json)"

# The same bind on the host needs NET_BIND_SERVICE, unless the host's sysctl already allows it.
if [[ $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) -gt 80 ]] && command -v perl >/dev/null; then
	"$CAPPROF" record -q -o host.json -- perl -e "$bind80" >out 2>err || fail "bind 80 on the host: $(cat err)"
	rec_caps host.json | grep -qx NET_BIND_SERVICE ||
		fail "the host run did not need NET_BIND_SERVICE: $(rec_caps host.json)"
fi
exit 0
