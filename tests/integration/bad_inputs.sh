#!/usr/bin/env bash
# The table of bad inputs: each gets one line on stderr that names the input
# at fault, and the documented exit code (2 for file commands, 125 for
# workload commands, 126/127 for commands that cannot run).
. "$(dirname "$0")/../lib.sh"
cd "$T" || exit 1
G=$TESTS_DIR/golden/sample.json
export CAPPROF_DATADIR=$TESTS_DIR/golden/data

echo '{"schema":"capprof-recording","version":1' >trunc.json
echo '{"schema":"capprof-recording","version":1,"command":[],"architectures":{}} x' >trailing.json
echo 'not json at all' >garbage.json
echo '{"schema":"capprof-recording","version":9,"command":[],"architectures":{}}' >version.json
echo '{"schema":"something-else","version":1}' >schema.json
echo '{"schema":"capprof-recording","version":1,"command":[],"architectures":{"x86_64":{"syscalls":{"nosuchcall":{"count":1}}}}}' >syscall.json
echo '{"schema":"capprof-recording","version":1,"command":[],"architectures":{},"capabilities":{"CAP_FLY":{}}}' >cap.json
echo '{"schema":"capprof-recording","version":1,"command":"ls","architectures":{}}' >type.json
echo '{"schema":"capprof-recording","version":1,"command":[],"architectures":{"x86_64":{"syscalls":{"read":{"count":"many"}}}}}' >count.json
head -c $((65 << 20)) /dev/zero | tr '\0' ' ' >huge.json
mkdir dir.json
echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_BOGUS"}]}' >badaction.json
echo '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":9,"value":1,"op":"SCMP_CMP_EQ"}]}]}' >badindex.json
echo old >target && ln -s target link.json
touch notexec

# exit | expected message fragment | command...
cases=(
	"2|trunc.json: truncated JSON|emit -i trunc.json"
	"2|trailing.json: malformed JSON: trailing data|emit -i trailing.json"
	"2|garbage.json: malformed JSON|emit -i garbage.json"
	"2|version: 9 is not supported|emit -i version.json"
	"2|schema: not a capprof recording|emit -i schema.json"
	"2|unknown syscall \"nosuchcall\"|emit -i syscall.json"
	"2|unknown capability \"CAP_FLY\"|emit -i cap.json"
	"2|command: expected an array|emit -i type.json"
	"2|read.count: expected a non-negative integer|emit -i count.json"
	"2|huge.json: larger than 64 MiB|emit -i huge.json"
	"2|dir.json: Is a directory|emit -i dir.json"
	"2|missing.json: No such file or directory|emit -i missing.json"
	"2|nodir/out.json: No such file or directory|emit -i $G --runtime none -o nodir/out.json"
	"2|link.json: is a symbolic link|emit -i $G --runtime none -o link.json"
	"2|choose one format|emit -i $G --caps --docker"
	"2|trunc.json: truncated JSON|merge -o m.json $G trunc.json"
	"2|version: 9|diff $G version.json"
	"2|unknown syscall|explain -i syscall.json"
	"2|is not a capability libcap knows|explain -i $G NOT_A_CAPABILITY_OR_CALL"
	"125|trunc.json: truncated JSON|run --profile trunc.json -- true"
	"125|SCMP_ACT_BOGUS|run --profile badaction.json -- true"
	"125|args[0].index|run --profile badindex.json -- true"
	"125|\"FLY\": unknown capability|run --profile $TESTS_DIR/golden/expected/docker --cap-add FLY -- true"
	"125|--profile JSON is required|run -- true"
	"125|missing.json|verify -i missing.json --profile $TESTS_DIR/golden/expected/docker"
	"127|no-such-command-xyz: command not found|record -q -o r.json -- no-such-command-xyz"
	"126|notexec: Permission denied|record -q -o r.json -- ./notexec"
	"125|no command given|record -q"
	"125|link.json: cannot write recording: is a symbolic link|record -q -o link.json -- true"
	"125|nodir/r.json: cannot write recording: No such file or directory|record -q -o nodir/r.json -- true"
	"125|unknown option|record --frobnicate -- true"
	"2|unknown command \"frobnicate\"|frobnicate"
)

n=0
for c in "${cases[@]}"; do
	IFS='|' read -r want msg cmd <<<"$c"
	read -r -a argv <<<"$cmd"
	"$CAPPROF" "${argv[@]}" >out 2>err </dev/null
	rc=$?
	[[ $rc == "$want" ]] || fail "capprof $cmd: exit $rc, expected $want (stderr: $(cat err))"
	grep -qF -- "$msg" err || fail "capprof $cmd: stderr does not say \"$msg\": $(cat err)"
	[[ $(grep -c . err) == 1 ]] || fail "capprof $cmd: expected one line on stderr, got: $(cat err)"
	n=$((n + 1))
done
assert_eq "symlink target untouched" old "$(cat target)"
compgen -G '.capprof.*.tmp' >/dev/null && fail "temporary file left behind"
echo "ok $n bad inputs"
