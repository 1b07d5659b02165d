# capprof verify compares the workload's output (its SHA-256, recorded by
# record) with the recording's: the same output passes, a different one
# fails, --ignore-output passes again.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3
cd "$T" || exit 1

# A command whose output changes from run to run.
"$CAPPROF" record -q -o rand.json -- cat /proc/sys/kernel/random/uuid >rec.out 2>&1 || fail "record: $(cat rec.out)"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["output"]["sha256"]' rand.json ||
	fail "the recording has no output hash"
"$CAPPROF" verify -i rand.json >out 2>&1
rc=$?
assert_eq "verify with different output ($(cat out))" 1 "$rc"
grep -q '^verify: FAIL' out || fail "no FAIL line: $(cat out)"
grep -q '^  output: differs' out || fail "output difference not reported: $(cat out)"
"$CAPPROF" verify -i rand.json --ignore-output >out 2>&1
rc=$?
assert_eq "verify --ignore-output ($(cat out))" 0 "$rc"
grep -q 'output: not compared (--ignore-output)' out || fail "--ignore-output not said: $(cat out)"

# A command whose output is the same each time.
echo hello >in.txt
"$CAPPROF" record -q -o same.json -- cat in.txt >rec.out 2>&1 || fail "record: $(cat rec.out)"
"$CAPPROF" verify -i same.json >out 2>&1
rc=$?
assert_eq "verify with the same output ($(cat out))" 0 "$rc"
grep -q '^  output: same as recorded' out || fail "output not compared: $(cat out)"
# Same exit status, changed file: the output alone fails it.
echo world >in.txt
"$CAPPROF" verify -i same.json >out 2>&1
rc=$?
assert_eq "verify after the input changed ($(cat out))" 1 "$rc"
echo PASS
