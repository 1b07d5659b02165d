#!/usr/bin/env bash
# The README's "Use it in CI" script, run for real: record two test jobs,
# merge, diff against the committed profile and baseline; a change that
# needs a new privilege makes diff exit 1.
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
export CAPPROF_DATADIR=$TESTS_DIR/golden/data
mkdir security
touch f1 f2

# The committed state: recorded once and emitted.
"$CAPPROF" record -q -o run.json -- sh -c 'ls / >/dev/null; cat /etc/hostname >/dev/null'
"$CAPPROF" emit -i run.json -o security/seccomp.json
"$CAPPROF" emit -i run.json --caps >security/caps.txt
cp run.json security/baseline.json

# CI, same tests: no new privilege.
"$CAPPROF" record -q -o run-unit.json -- sh -c 'ls / >/dev/null'
"$CAPPROF" record -q -o run-integration.json -- sh -c 'cat /etc/hostname >/dev/null'
"$CAPPROF" merge -o merged.json run-unit.json run-integration.json
"$CAPPROF" diff security/seccomp.json merged.json >d1 || fail "diff against the profile failed with no new privilege: $(cat d1)"
"$CAPPROF" diff security/baseline.json merged.json >d2 || fail "diff against the baseline failed with no new privilege: $(cat d2)"

# CI after a change that needs a new syscall and a capability.
"$CAPPROF" record -q -o run-integration.json -- sh -c 'cat /etc/hostname >/dev/null; chown nobody f1; ln -s f1 f3'
"$CAPPROF" merge -o merged.json run-unit.json run-integration.json
"$CAPPROF" diff security/seccomp.json merged.json >d3
assert_eq "diff exit with a new syscall" 1 $?
grep -q 'symlink' d3 || fail "diff does not name the new syscall: $(cat d3)"
"$CAPPROF" diff security/baseline.json merged.json >d4
assert_eq "diff exit with a new capability" 1 $?
grep -q 'CHOWN' d4 || fail "diff does not name the new capability: $(cat d4)"
"$CAPPROF" explain -i merged.json CHOWN | grep -q chown || fail "explain does not say which program needed CHOWN"
echo ok
