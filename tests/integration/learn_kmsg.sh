#!/usr/bin/env bash
# Learning mode without Docker: a --complain profile lets the second path of
# a workload recorded on its first path run; the kernel logs what it used;
# `capprof learn` reads it back from the kernel log with the right exe; merge
# + emit gives a profile (default action back to errno) that runs both paths.
# Also: log lines from a file and stdin, bad lines reported and counted.
. "$(dirname "$0")/../lib.sh"
need_root
[[ -x $WORKLOADS/twopath ]] || fail "missing workload (make tests)"
cd "$T" || exit 1
mkdir work
# A private copy: its path names this test's records in a shared kernel log.
cp "$WORKLOADS/twopath" "$T/twopath"
wl=$T/twopath

# --- log lines from a file: good, other, bad ---
F='auid=4294967295 uid=0 gid=0 ses=4294967295 pid=42 comm="wl" exe="/opt/wl" sig=0 arch=c000003e'
cat >log.txt <<LOG
[ 10.0] docker0: port 3(veth) entered blocking state
[ 11.0] audit: type=1326 audit(1796228599.512:69): $F syscall=82 compat=0 ip=0x7f00 code=0x7ffc0000
type=SECCOMP msg=audit(1796228600.001:70): $F syscall=83 compat=0 ip=0x7f01 code=0x7ffc0000
[ 12.0] audit: type=1326 audit(1796228601.000:71): auid=0 pid=42 comm="wl" exe="/opt/w
[ 13.0] audit: type=1326 audit(1796228602.000:72): $F syscall=99999 compat=0 ip=0x7f02 code=0x7ffc0000
LOG
"$CAPPROF" learn --from log.txt -o fromfile.json 2>err
assert_eq "learn with bad lines" 1 $?
grep -q 'log.txt:4: exe: unterminated quoted value' err || fail "cut line not reported: $(cat err)"
grep -q 'log.txt:5: syscall=99999 is not a x86_64 syscall' err || fail "unknown number not reported: $(cat err)"
grep -q '5 lines, 4 seccomp records: 2 learnt, 0 older than --since, 0 of other executables, 2 unusable' err ||
	fail "counts: $(cat err)"
assert_eq "learnt from file" "mkdir rename" "$(rec_syscalls fromfile.json | xargs)"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["architectures"]["x86_64"]["syscalls"]["rename"]["first"]; assert s["exe"]=="/opt/wl" and s["pid"]==42, s' fromfile.json || fail "exe and pid not kept: $(cat fromfile.json)"
# stdin, --since and --exe filters
grep -v 'exe="/opt/w$' log.txt | "$CAPPROF" learn --from - --since @1796228600 -o since.json 2>err
assert_eq "learn from stdin" 1 $?
grep -q '1 learnt, 1 older than --since' err || fail "--since: $(cat err)"
assert_eq "since" "mkdir" "$(rec_syscalls since.json | xargs)"
sed -n 2,3p log.txt | "$CAPPROF" learn --from - --exe /other -o none.json 2>err || fail "learn --exe: $(cat err)"
grep -q '2 of other executables' err || fail "--exe: $(cat err)"
"$CAPPROF" learn --since yesterday 2>err
assert_eq "bad --since" 2 $?
"$CAPPROF" learn --from nonexistent.log 2>err
assert_eq "missing file" 2 $?
grep -q 'nonexistent.log: No such file' err || fail "$(cat err)"

# --- the real kernel log ---
[[ -r /dev/kmsg ]] || skip "no /dev/kmsg"
"$CAPPROF" record -q -o rec.json -- "$wl" "$T/trigger" "$T/work" >out 2>err || fail "record: $(cat err)"
assert_eq "first path" "path one" "$(cat out)"
"$CAPPROF" emit -i rec.json --docker --complain -o complain.json || fail "emit --complain"
grep -q '"defaultAction":	"SCMP_ACT_LOG"' complain.json || fail "not a complain profile"
printk_limit_off
trap 'printk_limit_restore; rm -rf "$T"' EXIT
since=$(date +%s)
touch trigger
"$CAPPROF" run --profile complain.json -- "$wl" "$T/trigger" "$T/work" >out 2>err || fail "complain run: $(cat err)"
assert_eq "second path under --complain" "path two" "$(cat out)"
"$CAPPROF" learn --since "@$since" --exe "$wl" -o learned.json 2>err || fail "learn: $(cat err)"
for n in mkdir flock ftruncate fchmod getrusage symlink rename rmdir; do
	rec_syscalls learned.json | grep -qx "$n" || fail "$n not learnt: $(rec_syscalls learned.json | xargs) $(cat err)"
done
grep -q "\"$wl\"" learned.json || fail "exe not in the learnt recording"

"$CAPPROF" diff rec.json learned.json >diff.txt
assert_eq "diff: production needed more" 1 $?
grep -q 'flock' diff.txt || fail "diff does not show flock: $(cat diff.txt)"
"$CAPPROF" merge -o merged.json rec.json learned.json || fail merge
"$CAPPROF" emit -i merged.json --docker -o final.json || fail emit
grep -q '"defaultAction":	"SCMP_ACT_ERRNO"' final.json || fail "final profile not back to errno"
"$CAPPROF" run --profile final.json -- "$wl" "$T/trigger" "$T/work" >out 2>err || fail "second path under the learnt profile: $(cat err)"
assert_eq "second path" "path two" "$(cat out)"
rm trigger
"$CAPPROF" run --profile final.json -- "$wl" "$T/trigger" "$T/work" >out 2>err || fail "first path: $(cat err)"
assert_eq "first path" "path one" "$(cat out)"
exit 0
