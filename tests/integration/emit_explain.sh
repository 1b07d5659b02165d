#!/usr/bin/env bash
# explain: every entry, one syscall, one capability; unknown names exit 2,
# names the workload never used exit 1; a non-PIE call site gets its symbol.
. "$TESTS_DIR/lib.sh"
G=$TESTS_DIR/golden
"$CAPPROF" explain -i "$G/sample.json" >"$T/all" || fail "explain (all)"
grep -q '^socket ' "$T/all" || fail "explain lists no socket"
grep -q '^CAP_CHOWN .*fchownat("/srv/data") failed with EPERM' "$T/all" || fail "explain lacks CHOWN evidence: $(cat "$T/all")"
"$CAPPROF" explain -i "$G/sample.json" socket >"$T/one" || fail "explain socket"
grep -q 'first call: pid 100, /usr/bin/sample' "$T/one" || fail "explain socket: no first caller"
grep -q 'family (arg0) values: 0x1 AF_UNIX 0x2 AF_INET 0xa AF_INET6' "$T/one" || fail "explain socket: values: $(cat "$T/one")"
"$CAPPROF" explain -i "$G/sample.json" CAP_CHOWN >"$T/cap" || fail "explain CAP_CHOWN"
if ! grep -q 'capability CHOWN: required' "$T/cap" || ! grep -q 'by pid 101, /usr/bin/helper' "$T/cap"; then
	fail "explain CHOWN: $(cat "$T/cap")"
fi
"$CAPPROF" explain -i "$G/sample.json" ptrace 2>"$T/err"; rc=$?
assert_eq "explain of an unused syscall" 1 "$rc"
grep -q 'ptrace is not in the recording' "$T/err" || fail "explain ptrace: $(cat "$T/err")"
"$CAPPROF" explain -i "$G/sample.json" FLY 2>"$T/err"; rc=$?
assert_eq "explain of an unknown name" 2 "$rc"
"$CAPPROF" explain -i "$T/none.json" 2>"$T/err"; rc=$?
assert_eq "explain of a missing file" 2 "$rc"

# call site symbol: a non-PIE program, the address of its main + 4
need_cmd cc
need_cmd nm
printf 'int main(void) { return 0; }\n' >"$T/np.c"
cc -no-pie -O0 -o "$T/np" "$T/np.c" 2>/dev/null || skip "cc -no-pie failed"
addr=$(nm "$T/np" | awk '$3 == "main" {print $1}')
[[ -n $addr ]] || fail "no main in nm output"
python3 - "$G/sample.json" "$T/sym.json" "$T/np" "$addr" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["architectures"]["x86_64"]["syscalls"]["write"]["first"]
s["exe"] = sys.argv[3]; s["ip"] = int(sys.argv[4], 16) + 4
json.dump(r, open(sys.argv[2], "w"))
PY
"$CAPPROF" explain -i "$T/sym.json" write >"$T/w" || fail "explain write"
grep -q "at 0x[0-9a-f]* (main+0x4)" "$T/w" || fail "no symbol for a non-PIE call site: $(cat "$T/w")"
# an address outside the file's segments gets no (wrong) symbol
python3 - "$T/sym.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["architectures"]["x86_64"]["syscalls"]["write"]["first"]["ip"] = 0x7f0000001000
json.dump(r, open(sys.argv[1], "w"))
PY
"$CAPPROF" explain -i "$T/sym.json" write >"$T/w" || fail "explain write"
grep -q 'at 0x7f0000001000$' "$T/w" || fail "explain write: $(cat "$T/w")"
echo ok
