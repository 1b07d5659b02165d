#!/usr/bin/env bash
# What --sandbox keeps from the host, claim by claim (docs/sandbox-and-docker.md):
# a file written to /dev/shm stays in the sandbox, /proc/sys cannot be
# written, a container engine's socket cannot be reached; and what it does
# not isolate, said in the docs, is checked too: the host's pid and network
# namespaces are shared.
. "$TESTS_DIR/lib.sh"
need_root
need_cmd python3
cd "$T" || exit 1
name=capprof-sbx-$$

# /dev/shm: written inside, seen inside, absent on the host afterwards.
"$CAPPROF" record -q --sandbox -o r.json -- sh -c "echo x > /dev/shm/$name && cat /dev/shm/$name" >out 2>err ||
	fail "record --sandbox /dev/shm: $(cat err)"
assert_eq "the workload reads its own /dev/shm file" x "$(cat out)"
[[ -e /dev/shm/$name ]] && { rm -f "/dev/shm/$name"; fail "a file written to /dev/shm in the sandbox reached the host"; }

# /proc/sys: read-only inside (writing the same value back must fail), writable outside.
before=$(cat /proc/sys/kernel/domainname)
"$CAPPROF" record -q --sandbox -o r.json -- sh -c 'cat /proc/sys/kernel/domainname > /proc/sys/kernel/domainname' \
	>out 2>err
# shellcheck disable=SC2181 # the command above spans two lines
[[ $? != 0 ]] || fail "/proc/sys is writable in the sandbox"
grep -q 'Read-only file system' err || fail "/proc/sys write: $(cat err)"
assert_eq "host domainname unchanged" "$before" "$(cat /proc/sys/kernel/domainname)"

# A container engine's socket: a listening socket at a name capprof hides,
# when the machine has none there (else the real one is tested).
sock=/run/docker.sock
if [[ ! -S $sock ]]; then
	python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(60)' \
		"$sock" &
	listener=$!
	trap 'kill $listener 2>/dev/null; rm -f $sock; rm -rf "$T"' EXIT
	for _ in $(seq 50); do [[ -S $sock ]] && break; sleep 0.1; done
fi
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$sock" ||
	fail "cannot connect to $sock on the host (test set-up)"
"$CAPPROF" record -q --sandbox -o r.json -- \
	python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$sock" >out 2>err
# shellcheck disable=SC2181 # the command above spans two lines
[[ $? != 0 ]] || fail "$sock is reachable from the sandbox"

# Not isolated, and documented so: the host's pid and network namespaces.
"$CAPPROF" record -q --sandbox -o r.json -- sh -c 'readlink /proc/self/ns/pid /proc/self/ns/net' >out 2>err ||
	fail "record: $(cat err)"
assert_eq "pid and net namespaces (shared with the host, as documented)" \
	"$(readlink /proc/self/ns/pid /proc/self/ns/net)" "$(cat out)"
echo ok
