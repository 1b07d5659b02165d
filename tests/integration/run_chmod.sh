# capprof run: a profile that blocks chmod makes chmod fail with "Operation
# not permitted" while the rest of the work goes on (the seed's example, on a
# scratch file instead of /). Once with a deny-list profile, once with
# Docker's default profile minus the chmod family (default action ERRNO).
. "$(dirname "$0")/../lib.sh"
need_cmd python3

f=$T/scratch
echo data >"$f"
chmod 600 "$f"
# Control: without capprof the same command does change the mode.
cp "$f" "$T/control"
sh -c 'chmod 777 "$1"' sh "$T/control" || fail "control chmod failed"
assert_eq "control mode" 777 "$(stat -c %a "$T/control")"

cat >"$T/nochmod.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["chmod", "fchmod", "fchmodat", "fchmodat2"], "action": "SCMP_ACT_ERRNO",
               "comment": "no mode changes"}]}
JSON
python3 - "$TESTS_DIR/data/enf/docker-default-seccomp.json" "$T/default-nochmod.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
chmods = {"chmod", "fchmod", "fchmodat", "fchmodat2"}
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in chmods]
json.dump(p, open(sys.argv[2], "w"))
PY

for prof in nochmod default-nochmod; do
	rm -f "$T/out"
	# shellcheck disable=SC2016 # the script is for sh -c, expanded there
	"$CAPPROF" run --profile "$T/$prof.json" -- sh -c \
		'chmod 777 "$1"; echo "chmod=$?"; echo other work >"$2"; cat "$1"' sh "$f" "$T/out" \
		>"$T/stdout" 2>"$T/stderr"
	rc=$?
	assert_eq "$prof: exit status" 0 "$rc"
	grep -q "Operation not permitted" "$T/stderr" || fail "$prof: no 'Operation not permitted' in: $(cat "$T/stderr")"
	grep -q "^chmod=1$" "$T/stdout" || fail "$prof: chmod did not fail: $(cat "$T/stdout")"
	grep -q "^data$" "$T/stdout" || fail "$prof: reading the file failed"
	assert_eq "$prof: other work" "other work" "$(cat "$T/out")"
	assert_eq "$prof: mode unchanged" 600 "$(stat -c %a "$f")"
done
echo "PASS: chmod denied with EPERM, other work done"
