#!/usr/bin/env bash
# emit's contract: exit 0 on success, 2 with one line naming the file, field
# or option at fault; -o writes atomically; several -i are merged.
. "$TESTS_DIR/lib.sh"
G=$TESTS_DIR/golden
export CAPPROF_DATADIR=$G/data

expect() { # WANT_RC PATTERN CMD...
	local want=$1 pat=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	[[ $rc == "$want" ]] || fail "$*: exit $rc, want $want (stderr: $(cat "$T/err"))"
	if [[ -n $pat ]]; then
		grep -q -- "$pat" "$T/err" || fail "$*: stderr lacks \"$pat\": $(cat "$T/err")"
		[[ $(wc -l <"$T/err") == 1 ]] || fail "$*: error is not one line: $(cat "$T/err")"
	fi
}

expect 0 "" "$CAPPROF" emit --help
grep -q -- '--docker-run' "$T/out" || fail "emit --help does not list --docker-run"
expect 2 "$T/nope.json" "$CAPPROF" emit -i "$T/nope.json"
(cd "$T" && expect 2 "capprof.json" "$CAPPROF" emit)
echo '{"schema":"capprof-recording","version":1,"command":[],"architectures":{"x86_64":{"syscalls":{"read":{"count":"x"}}}}}' >"$T/bad.json"
expect 2 "bad.json: architectures.x86_64.syscalls.read.count" "$CAPPROF" emit -i "$T/bad.json"
echo '{"schema":"capprof-recording",' >"$T/trunc.json"
expect 2 "trunc.json: truncated" "$CAPPROF" emit -i "$T/trunc.json"
expect 2 "choose one format" "$CAPPROF" emit -i "$G/sample.json" --caps --oci
expect 2 "unknown option \"--yaml\"" "$CAPPROF" emit -i "$G/sample.json" --yaml
expect 2 "--runtime" "$CAPPROF" emit -i "$G/sample.json" --runtime '../x'
expect 2 "-i needs an argument" "$CAPPROF" emit -i
expect 2 "unexpected argument" "$CAPPROF" emit "$G/sample.json"
# a missing runtime file names every path searched
CAPPROF_DATADIR=$T expect 2 "runtime-crun.json not found (searched $T/runtime-crun.json" "$CAPPROF" emit -i "$G/sample.json" --runtime crun
# a broken runtime file names the file and the field
mkdir "$T/data" && echo '{"runtime":"runc","with_nnp":["close","nosuchcall"],"without_nnp":[]}' >"$T/data/runtime-runc.json"
CAPPROF_DATADIR=$T/data expect 2 "runtime-runc.json: with_nnp\[1\]" "$CAPPROF" emit -i "$G/sample.json"
# formats that need no runtime data work without it
CAPPROF_DATADIR=$T expect 0 "" "$CAPPROF" emit -i "$G/sample.json" --caps --runtime crun
expect 0 "" "$CAPPROF" emit -i "$G/sample.json" --runtime none

# -o: written atomically, identical to stdout; a directory is refused
"$CAPPROF" emit -i "$G/sample.json" >"$T/stdout.json" || fail "emit to stdout"
expect 0 "" "$CAPPROF" emit -i "$G/sample.json" -o "$T/p.json"
[[ ! -s $T/out ]] || fail "emit -o also wrote to stdout"
cmp -s "$T/p.json" "$T/stdout.json" || fail "-o output differs from stdout"
compgen -G "$T/.*.tmp" >/dev/null && fail "temporary file left behind"
mkdir "$T/dir"
expect 2 "$T/dir" "$CAPPROF" emit -i "$G/sample.json" -o "$T/dir"

# several -i are merged: the union of syscalls and capabilities
"$CAPPROF" emit -i "$G/sample.json" -i "$G/sample2.json" --caps >"$T/caps" || fail "merged emit"
assert_eq "merged caps" "CHOWN NET_BIND_SERVICE NET_RAW" "$(tr '\n' ' ' <"$T/caps" | sed 's/ $//')"
"$CAPPROF" emit -i "$G/sample.json" -i "$G/sample2.json" --no-args | grep -q '"ptrace"' || fail "merged profile lacks ptrace from the second run"

# --caps prints nothing when no capability is needed
python3 - "$G/sample.json" "$T/nocaps.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); r["capabilities"] = {}
json.dump(r, open(sys.argv[2], "w"))
PY
"$CAPPROF" emit -i "$T/nocaps.json" --caps >"$T/caps" || fail "emit --caps without caps"
[[ ! -s $T/caps ]] || fail "--caps printed something for no capabilities: $(cat "$T/caps")"
# the runtime's own syscalls: union by default, with_nnp only with --nnp, none with --runtime none
"$CAPPROF" emit -i "$T/nocaps.json" >"$T/d.json"
grep -q '"setresuid"' "$T/d.json" || fail "default profile lacks the runtime's without_nnp syscalls"
"$CAPPROF" emit -i "$T/nocaps.json" --nnp | grep -q '"setresuid"' && fail "--nnp profile has without_nnp syscalls"
"$CAPPROF" emit -i "$T/nocaps.json" --nnp | grep -q '"fstatfs"' || fail "--nnp profile lacks with_nnp syscalls"
"$CAPPROF" emit -i "$T/nocaps.json" --runtime none | grep -q '"fstatfs"' && fail "--runtime none added runtime syscalls"
echo ok
