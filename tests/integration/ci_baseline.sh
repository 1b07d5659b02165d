#!/usr/bin/env bash
# timeout: 240
# The README's CI recipe with record --baseline: record against the
# committed baseline, then diff. A change that adds a new syscall, a new
# socket family or a new capability must each make diff exit 1, although
# the known calls ran unseen in the kernel.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3
cd "$T" || exit 1
export CAPPROF_DATADIR=$TESTS_DIR/golden/data
mkdir security
touch f1

# The tests of the project: read files and open an IPv4 socket.
tests='cat /etc/hostname >/dev/null; ls / >/dev/null; python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()"'

# Committed once: the recording (baseline) and the profile emitted from it.
"$CAPPROF" record -q -o security/baseline.json -- sh -c "$tests" || fail "baseline recording failed"
"$CAPPROF" emit -i security/baseline.json -o security/seccomp.json

syscalls_seen() { "$CAPPROF" record -q --stats "$@" 2>&1 >/dev/null | sed -n 's/.*stats: syscalls \([0-9]*\),.*/\1/p'; }

# CI, same tests, against the baseline: nothing new, and most calls never stopped.
full=$(syscalls_seen --no-caps -o plain.json -- sh -c "$tests")
fast=$(syscalls_seen --no-caps --baseline security/baseline.json -o fast.json -- sh -c "$tests")
[[ -n $full && -n $fast ]] || fail "no --stats output (full=$full fast=$fast)"
((fast * 10 < full)) || fail "--baseline traced $fast of $full syscalls: the known ones should pass in the kernel"
"$CAPPROF" record -q --baseline security/baseline.json -o run.json -- sh -c "$tests" || fail "record --baseline failed"
python3 - run.json <<'PY' || fail "the recording does not say what it inherited"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["baseline"] == "security/baseline.json", r.get("baseline")
sc = r["architectures"]["x86_64"]["syscalls"]
assert sc["read"].get("inherited") is True, sc["read"]
PY
"$CAPPROF" diff security/seccomp.json run.json >d0 || fail "diff against the profile, nothing new: $(cat d0)"
"$CAPPROF" diff security/baseline.json run.json >d1 || fail "diff against the baseline, nothing new: $(cat d1)"
grep -q '^- syscall' d1 && fail "inherited syscalls reported as no longer needed: $(cat d1)"
# emit keeps what was inherited: the profile from the CI run allows read as the baseline's does.
"$CAPPROF" emit -i run.json -o ci.json
grep -q '"read"' ci.json || fail "emit dropped an inherited syscall"

# Each change alone, recorded as the recipe does (capabilities on) and with --no-caps.
check_change() { # WHAT PATTERN SCRIPT
	local what=$1 pat=$2 script=$3 mode
	for mode in "" --no-caps; do
		"$CAPPROF" record -q $mode --baseline security/baseline.json -o new.json -- sh -c "$tests; $script"
		"$CAPPROF" diff security/baseline.json new.json >dn
		assert_eq "diff exit for a new $what ($mode)" 1 $?
		grep -q -- "$pat" dn || fail "diff does not name the new $what ($mode): $(cat dn)"
	done
}
check_change syscall '+ syscall x86_64 symlink' 'ln -s f1 f3; rm -f f3'
check_change "socket family" '+ argument x86_64 socket family (arg0) = 0xa AF_INET6' \
	'python3 -c "import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()"'
# A new capability: only with capabilities traced.
"$CAPPROF" record -q --baseline security/baseline.json -o new.json -- sh -c "$tests; chown nobody f1"
"$CAPPROF" diff security/baseline.json new.json >dc
assert_eq "diff exit for a new capability" 1 $?
grep -q '+ capability CHOWN' dc || fail "diff does not name the new capability: $(cat dc)"
"$CAPPROF" explain -i new.json CHOWN | grep -q chown || fail "explain does not say which call needed CHOWN"
# The profile gate catches the new syscall too.
"$CAPPROF" record -q --baseline security/baseline.json -o new.json -- sh -c "$tests; ln -s f1 f4"
"$CAPPROF" diff security/seccomp.json new.json >dp
assert_eq "diff exit against the profile for a new syscall" 1 $?
echo ok
