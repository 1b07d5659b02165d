#!/usr/bin/env bash
# The README's CI gate cannot be fooled by JSON that readers disagree on: a
# profile with "defaultAction" twice is allow-all to Docker (Go's and
# Python's readers keep the last value) and must make `capprof diff` fail
# with exit 2, as must a key differing only in case (Go ignores case) and a
# recording with a duplicate "complete" or "capabilities".
. "$TESTS_DIR/lib.sh"
G=$TESTS_DIR/golden
export CAPPROF_DATADIR=$G/data
cd "$T" || exit 1

"$CAPPROF" emit -i "$G/sample.json" -o errno.json || fail "emit"
grep -Eq '"defaultAction":[[:space:]]*"SCMP_ACT_ERRNO"' errno.json || fail "emitted profile is not default-deny"
# The attacker's profile: the committed one with an allow-all default appended.
python3 - <<'PY' || fail "cannot build the duplicate-key profile"
t = open("errno.json").read().rstrip()
assert t.endswith("}")
open("dup.json", "w").write(t[:-1] + ',"defaultAction":"SCMP_ACT_ALLOW"}\n')
t = t.replace('"defaultAction"', '"DefaultAction"', 1)
open("case.json", "w").write(t[:-1] + ',"defaultAction":"SCMP_ACT_ALLOW"}\n')
PY
# What Docker's side sees: the last value, allow-all.
assert_eq "python reads the duplicate as" SCMP_ACT_ALLOW \
	"$(python3 -c 'import json; print(json.load(open("dup.json"))["defaultAction"])')"

"$CAPPROF" diff errno.json dup.json >out 2>err
assert_eq "diff exit on a duplicate-key profile" 2 $?
assert_eq "one error line" 1 "$(wc -l <err)"
grep -q 'dup.json: duplicate key "defaultAction" in \$' err || fail "error does not name the key and path: $(cat err)"
[[ -s out ]] && fail "diff printed a verdict for a refused profile: $(cat out)"

"$CAPPROF" diff errno.json case.json >out 2>err
assert_eq "diff exit on a key differing in case" 2 $?
grep -q 'duplicate key "defaultAction" in \$: "DefaultAction" is the same key' err || fail "case-variant key not named: $(cat err)"

# The same document everywhere a profile is read.
"$CAPPROF" run --profile dup.json -- true 2>err
assert_eq "run --profile exit on a duplicate key" 125 $?
grep -q 'duplicate key "defaultAction"' err || fail "run does not name the key: $(cat err)"

# Recordings: a second "complete", capability or count deeper in the document.
python3 - "$G/sample.json" <<'PY' || fail "cannot build duplicate-key recordings"
import sys
t = open(sys.argv[1]).read().rstrip()
open("rec-top.json", "w").write(t[:-1] + ',"complete":false}\n')
j = t.index("{", t.index('"capabilities": {')) + 1
open("rec-caps.json", "w").write(t[:j] + '"CHOWN":{"hits":0},' + t[j:])
open("rec-nested.json", "w").write(t.replace('"count": 40', '"count": 40, "count": 0', 1))
PY
"$CAPPROF" emit -i rec-top.json >out 2>err
assert_eq "emit exit on a duplicate top-level key" 2 $?
grep -q 'duplicate key "complete" in \$ ' err || fail "recording error: $(cat err)"
"$CAPPROF" merge -o m.json "$G/sample.json" rec-caps.json 2>err
assert_eq "merge exit on a duplicate capability" 2 $?
grep -q 'duplicate key "CHOWN" in \$\.capabilities ' err || fail "capability error: $(cat err)"
[[ -e m.json ]] && fail "merge wrote output from a refused input"
"$CAPPROF" diff "$G/sample.json" rec-nested.json >out 2>err
assert_eq "diff exit on a duplicate nested key" 2 $?
grep -q 'duplicate key "count" in \$\.architectures\.x86_64\.syscalls\.read ' err || fail "nested error: $(cat err)"
echo ok
