#!/usr/bin/env bash
# capprof run with a profile that denies what every process needs says so
# in one line instead of dying silently: execve denied -> 126; exit_group
# (and exit), arch_prctl denied -> the death named with the call; a warning
# before running; an unknown top-level key is warned about, not refused.
. "$(dirname "$0")/../lib.sh"
need_root
cd "$T" || exit 1

run() { # PROFILE -- CMD...: sets rc, err
	"$CAPPROF" run --profile "$@" >out 2>err
	rc=$?
}

echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}' >deny.json
run deny.json -- true
assert_eq "deny-all: exit status (as docker run)" 126 "$rc"
grep -q "^capprof: /usr/bin/true: cannot execute: deny.json denies execve$" err || fail "deny-all: no exec message: $(cat err)"
grep -q "^capprof: warning: deny.json denies exit_group: " err || fail "deny-all: no warning for exit_group: $(cat err)"

echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["arch_prctl"],"action":"SCMP_ACT_ERRNO"}]}' >tls.json
run tls.json -- true
assert_eq "arch_prctl denied: the loader's exit status" 127 "$rc"
grep -q "^capprof: run: true exited 127 right after exec: tls.json denies arch_prctl, which every process needs$" err ||
	fail "arch_prctl: death not explained: $(cat err)"

echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["exit_group","exit"],"action":"SCMP_ACT_ERRNO"}]}' >exit.json
run exit.json -- true
assert_eq "exit denied: SIGSEGV" 139 "$rc"
grep -q "^capprof: run: true died of SIGSEGV right after exec: exit.json denies exit_group, which every process needs$" err ||
	fail "exit_group: death not explained: $(cat err)"
# exit_group alone: glibc falls back to exit, the run is fine and nothing is said about it.
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["exit_group"],"action":"SCMP_ACT_ERRNO"}]}' >eg.json
run eg.json -- true
assert_eq "exit_group alone" "0 " "$rc $(cat err)"

# A misspelt key: one warning line, the profile still runs as Docker would read it.
echo '{"defaultAction":"SCMP_ACT_ALLOW","sycalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}' >typo.json
run typo.json -- mkdir d
assert_eq "unknown key: runs" 0 "$rc"
assert_eq "unknown key: one warning" 'capprof: warning: typo.json: key "sycalls" is not a seccomp profile key: Docker ignores it, and so does capprof' "$(cat err)"

# Docker's default profile: nothing to warn about.
run "$TESTS_DIR/data/enf/docker-default-seccomp.json" -- true
assert_eq "docker default profile" "0 " "$rc $(cat err)"

# verify warns the same way before running.
"$CAPPROF" record -q -o rec.json -- true >/dev/null || fail "record true"
"$CAPPROF" verify -i rec.json --profile exit.json >out 2>err
grep -q "^capprof: warning: exit.json denies exit_group: " err || fail "verify: no warning: $(cat err)"
echo PASS
