# capprof run's exit statuses and errors: the workload's status, 128+N for
# signal N, 127 not found, 126 not executable, 125 with one line naming the
# field for a malformed profile; --help exits 0.
. "$(dirname "$0")/../lib.sh"
prof=$TESTS_DIR/data/enf/docker-default-seccomp.json
nnp=--no-new-privileges # lets the tests run as non-root too

"$CAPPROF" run --help | grep -q "^Usage: capprof run" || fail "--help"
"$CAPPROF" run --profile "$prof" $nnp -- sh -c 'exit 7'
assert_eq "exit status" 7 $?
"$CAPPROF" run --profile "$prof" $nnp -- sh -c 'kill -TERM $$'
assert_eq "killed by SIGTERM" 143 $?
"$CAPPROF" run --profile "$prof" $nnp -- no-such-command-capprof 2>"$T/err"
assert_eq "not found" 127 $?
grep -q "command not found" "$T/err" || fail "not found message: $(cat "$T/err")"
"$CAPPROF" run --profile "$prof" $nnp -- "$prof" 2>/dev/null
assert_eq "not executable" 126 $?
"$CAPPROF" run -- true 2>/dev/null
assert_eq "no --profile" 125 $?
"$CAPPROF" run --profile "$prof" --bogus -- true 2>/dev/null
assert_eq "unknown option" 125 $?
"$CAPPROF" run --profile "$prof" --cap-add NOT_A_CAP -- true 2>"$T/err"
assert_eq "bad capability" 125 $?
grep -q NOT_A_CAP "$T/err" || fail "bad capability not named"

cat >"$T/bad.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ERRNO",
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
              {"names": ["chmod"], "action": "SCMP_ACT_ERRNO",
               "args": [{"index": 1, "value": 511, "op": "SCMP_CMP_FOO"}]}]}
JSON
"$CAPPROF" run --profile "$T/bad.json" $nnp -- true 2>"$T/err"
assert_eq "malformed profile" 125 $?
assert_eq "one line" 1 "$(wc -l <"$T/err")"
grep -q "bad.json: syscalls\[1\].args\[0\].op: unknown operator \"SCMP_CMP_FOO\"" "$T/err" ||
	fail "error does not name the field: $(cat "$T/err")"
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' >"$T/trunc.json"
"$CAPPROF" run --profile "$T/trunc.json" $nnp -- true 2>"$T/err"
assert_eq "truncated profile" 125 $?
grep -q "trunc.json: truncated JSON" "$T/err" || fail "truncated: $(cat "$T/err")"
"$CAPPROF" run --profile "$T" $nnp -- true 2>"$T/err"
assert_eq "directory" 125 $?
grep -q "is a directory" "$T/err" || fail "directory: $(cat "$T/err")"
# A profile that denies execve: the workload cannot start.
echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["execve"], "action": "SCMP_ACT_ERRNO"}]}' >"$T/noexec.json"
"$CAPPROF" run --profile "$T/noexec.json" $nnp -- true 2>"$T/err"
assert_eq "execve denied" 126 $?
echo PASS
