#!/usr/bin/env bash
# Coverage: a workload recorded on its first path; explain --unexercised
# names the second path's syscalls (reachable through its imports), a plain
# profile breaks the second path under `capprof run`, and a --with-reachable
# profile lets it run.
. "$(dirname "$0")/../lib.sh"
need_root
wl=$WORKLOADS/twopath
[[ -x $wl ]] || fail "missing workload $wl (make tests)"
cd "$T" || exit 1
mkdir work

"$CAPPROF" record -q -o rec.json -- "$wl" "$T/trigger" "$T/work" >out 2>err || fail "record: $(cat err)"
assert_eq "first path" "path one" "$(cat out)"
for n in mkdir flock ftruncate fchmod getrusage symlink rename rmdir; do
	rec_syscalls rec.json | grep -qx "$n" && fail "$n recorded on the first path: the test proves nothing"
done

# Human list: the workload, the second path's calls with the import that reaches them.
"$CAPPROF" explain -i rec.json --unexercised >un.txt 2>err || fail "explain --unexercised: $(cat err)"
grep -q "^$wl (x86_64): .* reachable syscalls never recorded" un.txt || fail "no line for the workload: $(cat un.txt)"
for n in mkdir flock ftruncate fchmod getrusage symlink rename rmdir; do
	grep -Eq "^  (low|medium|high) +$n +$n\(\)" un.txt || fail "$n not listed as reached through $n(): $(cat un.txt)"
done
# Riskiest first: every medium line comes before the first low line.
awk '$1=="low"{low=1} $1=="medium"&&low{exit 1}' un.txt || fail "not sorted by risk: $(cat un.txt)"

# Machine-readable list.
"$CAPPROF" explain -i rec.json --unexercised --json >un.json || fail "--json"
python3 - un.json "$wl" <<'PY' || fail "JSON list: $(cat un.json)"
import json, sys
d = json.load(open(sys.argv[1]))
e = [x for x in d["executables"] if x["path"] == sys.argv[2]][0]
names = {c["name"]: c for c in e["unexercised"]}
for n in ("mkdir", "flock", "ftruncate", "fchmod", "getrusage", "symlink", "rename", "rmdir"):
    assert n in names and n in d["unexercised"], n
assert names["getrusage"]["risk"] == "low" and names["mkdir"]["risk"] == "medium"
assert e["static"] is False and e["error"] is None
PY

# Summary section.
"$CAPPROF" emit -i rec.json --summary >sum.txt || fail "--summary"
grep -q '^Not exercised: [0-9]* syscalls reachable through imports were never recorded' sum.txt ||
	fail "summary section: $(tail -n 12 sum.txt)"

# The recorded profile breaks the second path; the --with-reachable one runs it.
touch trigger
"$CAPPROF" emit -i rec.json --docker -o plain.json || fail "emit"
"$CAPPROF" run --profile plain.json -- "$wl" "$T/trigger" "$T/work" >out 2>err
rc=$?
[[ $rc != 0 ]] || fail "second path ran under the recorded-only profile: the test proves nothing"
grep -q "^twopath: mkdir: Operation not permitted" err || fail "expected the workload's mkdir denied: $(cat err)"

"$CAPPROF" emit -i rec.json --docker --with-reachable -o reach.json 2>werr || fail "emit --with-reachable"
python3 - reach.json <<'PY' || fail "unobserved rule: $(cat reach.json)"
import json, sys
p = json.load(open(sys.argv[1]))
r = [x for x in p["syscalls"] if x["comment"].startswith("not observed: reachable through the imports of")]
assert r and "getrusage" in r[0]["names"] and "mkdir" in r[0]["names"], r
PY
"$CAPPROF" run --profile reach.json -- "$wl" "$T/trigger" "$T/work" >out 2>err || fail "second path under --with-reachable: $(cat err)"
assert_eq "second path" "path two" "$(cat out)"

# Every format carries them; --complain is refused where it cannot apply.
"$CAPPROF" emit -i rec.json --systemd --with-reachable 2>/dev/null | grep -A1 '^# not observed' | grep -q 'getrusage' ||
	fail "systemd: no not-observed line"
"$CAPPROF" emit -i rec.json --spo --with-reachable 2>/dev/null | grep -q '# not observed' || fail "spo"
"$CAPPROF" emit -i rec.json --oci --with-reachable 2>/dev/null | grep -q '"getrusage"' || fail "oci"
"$CAPPROF" emit -i rec.json --docker --complain | grep -q '"defaultAction":	"SCMP_ACT_LOG"' || fail "--complain"
"$CAPPROF" emit -i rec.json --caps --complain 2>err
assert_eq "--caps --complain" 2 $?
"$CAPPROF" explain -i rec.json --json 2>err
assert_eq "--json without --unexercised" 2 $?
exit 0
