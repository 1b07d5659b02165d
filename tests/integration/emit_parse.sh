#!/usr/bin/env bash
# Each emitted format parses back with a real parser: JSON with python's json,
# YAML with PyYAML (python3-yaml), systemd options line by line; and the
# values survive the trip (capabilities, names, the profile path). The Docker
# JSON (and the OCI linux.seccomp section) also go through the loader
# `capprof run` uses (enforce/profile_parse.c, which diff reads profiles with):
# they load, and allow exactly what the recording needs.
. "$TESTS_DIR/lib.sh"
python3 -c 'import yaml' 2>/dev/null || skip "needs python3-yaml"
G=$TESTS_DIR/golden
export CAPPROF_DATADIR=$G/data
for rec in sample.json sample2.json; do
	for f in docker oci compose k8s spo systemd; do
		"$CAPPROF" emit -i "$G/$rec" --$f --profile-path 'my profiles/app.json' >"$T/$f.out" || fail "emit --$f $rec"
	done
	"$CAPPROF" emit -i "$G/$rec" --caps >"$T/caps.out" || fail "emit --caps $rec"
	python3 - "$T" <<'PY' || fail "$rec: an output did not parse back"
import json, sys, yaml, re
t = sys.argv[1]
caps = open(t + "/caps.out").read().split()
d = json.load(open(t + "/docker.out"))
assert d["defaultAction"] == "SCMP_ACT_ERRNO" and d["defaultErrnoRet"] == 1
assert d["architectures"] == ["SCMP_ARCH_X86_64"], d["architectures"]
for e in d["syscalls"]:
    assert e["names"] == sorted(e["names"]) and e["names"], e
    assert e["action"] in ("SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO"), e
    assert isinstance(e["args"], list) and isinstance(e["comment"], str)
    for a in e["args"]:
        assert set(a) <= {"index", "value", "valueTwo", "op"}, a
o = json.load(open(t + "/oci.out"))
oc = o["process"]["capabilities"]
assert oc["bounding"] == ["CAP_" + c for c in caps] == oc["effective"] == oc["permitted"], oc
assert o["linux"]["seccomp"]["syscalls"][0]["names"] == d["syscalls"][0]["names"]
for e in o["linux"]["seccomp"]["syscalls"]:
    for a in e.get("args", []):
        assert set(a) == {"index", "value", "valueTwo", "op"}, a
c = yaml.safe_load(open(t + "/compose.out"))
svc = c["services"]["app"]
assert svc["cap_drop"] == ["ALL"] and svc.get("cap_add", []) == caps, svc
assert "seccomp=my profiles/app.json" in svc["security_opt"], svc
k = yaml.safe_load(open(t + "/k8s.out"))
sc = k["spec"]["containers"][0]["securityContext"]
assert k["kind"] == "Pod" and sc["capabilities"]["drop"] == ["ALL"], sc
assert sc["capabilities"].get("add", []) == caps, sc
assert sc["seccompProfile"] == {"type": "Localhost", "localhostProfile": "my profiles/app.json"}, sc
s = yaml.safe_load(open(t + "/spo.out"))
assert s["apiVersion"] == "security-profiles-operator.x-k8s.io/v1beta1" and s["kind"] == "SeccompProfile"
assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", s["metadata"]["name"]), s["metadata"]
assert [e["names"] for e in s["spec"]["syscalls"]] == [e["names"] for e in d["syscalls"]]
assert [e.get("args", []) for e in s["spec"]["syscalls"]] == \
    [[{**a, "valueTwo": a.get("valueTwo", 0)} for a in e["args"]] for e in d["syscalls"]]
keys = {}
for line in open(t + "/systemd.out"):
    line = line.strip()
    if not line or line.startswith("#") or line == "[Service]":
        continue
    kk, _, v = line.partition("=")
    keys.setdefault(kk, []).append(v)
allowed = " ".join(keys["SystemCallFilter"]).split()
want = sorted({n for e in d["syscalls"] if e["action"] == "SCMP_ACT_ALLOW" and not e["comment"].startswith("runtime") for n in e["names"]})
assert set(want) <= set(allowed), (want, allowed)
assert keys["CapabilityBoundingSet"] == [" ".join("CAP_" + c for c in caps)], keys
PY
	# The run/verify loader: a profile diffed with itself loads and is equal;
	# the OCI section is the same profile; the profile covers its recording.
	"$CAPPROF" diff "$T/docker.out" "$T/docker.out" >"$T/d.out" 2>"$T/d.err"; rc=$?
	assert_eq "$rec: emitted Docker JSON through the loader ($(cat "$T/d.err"))" 0 "$rc"
	python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["linux"]["seccomp"], open(sys.argv[2], "w"))' \
		"$T/oci.out" "$T/oci-seccomp.json" || fail "$rec: no linux.seccomp in --oci"
	for pair in "docker.out oci-seccomp.json" "oci-seccomp.json docker.out"; do
		read -r -a files <<<"$pair"
		set -- "${files[@]}"
		"$CAPPROF" diff "$T/$1" "$T/$2" >"$T/d.out" 2>"$T/d.err"; rc=$?
		assert_eq "$rec: diff $1 $2 ($(cat "$T/d.err" "$T/d.out"))" 0 "$rc"
		grep -q '^[+-] ' "$T/d.out" && fail "$rec: $1 and $2 differ: $(cat "$T/d.out")"
	done
	"$CAPPROF" diff "$T/docker.out" "$G/$rec" >"$T/d.out" 2>"$T/d.err"; rc=$?
	assert_eq "$rec: the emitted profile covers its recording ($(cat "$T/d.err" "$T/d.out"))" 0 "$rc"
done
# And the loader does fail: a profile with a bad operator is named.
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
d["syscalls"][0]["args"] = [{"index": 0, "value": 1, "op": "SCMP_CMP_ALMOST"}]
json.dump(d, open(sys.argv[2], "w"))' "$T/docker.out" "$T/bad.json"
"$CAPPROF" diff "$T/bad.json" "$T/docker.out" >/dev/null 2>"$T/d.err"; rc=$?
assert_eq "a broken emitted profile" 2 "$rc"
grep -q 'syscalls\[0\].args\[0\].op' "$T/d.err" || fail "loader error does not name the field: $(cat "$T/d.err")"
echo ok
