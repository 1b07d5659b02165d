#!/usr/bin/env bash
# emit --k8s and --spo checked against the Kubernetes API and the Security
# Profiles Operator CRD schemas (tests/data/schemas/, see its README), not
# just parsed: every golden recording, with and without --arch, a non-root
# one, the Pod also wrapped into a Deployment. The validator must reject
# broken documents too (a wrong seccompProfile type, a capability list that
# is a string, localhostProfile without Localhost, an unknown architecture,
# errnoRet as a string, an unknown field, a bad name), or it proves nothing.
. "$(dirname "$0")/../lib.sh"
need_cmd python3
python3 -c 'import jsonschema, yaml' 2>/dev/null || skip "needs python3-jsonschema and python3-yaml"
G=$TESTS_DIR/golden
S=$TESTS_DIR/data/schemas
export CAPPROF_DATADIR=$G/data
cd "$T" || exit 1

n=0
for rec in sample.json sample2.json rec-sh-files.json rec-busybox-pipe.json; do
	for arch in "" x86_64,aarch64 all; do
		opt=()
		[[ -n $arch ]] && opt=(--arch "$arch")
		"$CAPPROF" emit -i "$G/$rec" --k8s "${opt[@]}" -o "k8s.$n.yaml" 2>/dev/null || fail "$rec: emit --k8s ${opt[*]}"
		"$CAPPROF" emit -i "$G/$rec" --spo "${opt[@]}" -o "spo.$n.yaml" 2>/dev/null || fail "$rec: emit --spo ${opt[*]}"
		echo "k8s.$n.yaml spo.$n.yaml $rec ${opt[*]}" >>list
		n=$((n + 1))
	done
done

cat >validate.py <<'EOF'
import copy, json, sys, yaml, jsonschema

k8s = json.load(open(sys.argv[1]))
spo = json.load(open(sys.argv[2]))
checker = jsonschema.Draft7Validator
checker.check_schema(k8s)
checker.check_schema(spo)


def errors(schema, doc):
    return sorted(e.message for e in checker(schema).iter_errors(doc))


def deployment(pod):
    name = pod["metadata"]["name"]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": pod["spec"]}}}


bad = 0
checked = 0
for line in open(sys.argv[3]):
    kf, sf, what = line.split(" ", 2)
    pod = yaml.safe_load(open(kf))
    prof = yaml.safe_load(open(sf))
    for label, schema, doc in (("k8s Pod", k8s, pod), ("k8s Deployment", k8s, deployment(pod)),
                               ("SPO SeccompProfile", spo, prof)):
        e = errors(schema, doc)
        checked += 1
        if e:
            bad += 1
            print("INVALID %s (%s): %s" % (label, what.strip(), "; ".join(e[:3])))

# Broken documents, each must be rejected: the validator can fail.
pod = yaml.safe_load(open("k8s.0.yaml"))
prof = yaml.safe_load(open("spo.1.yaml"))
sc = lambda d: d["spec"]["containers"][0]["securityContext"]


def mutate(doc, fn):
    d = copy.deepcopy(doc)
    fn(d)
    return d


broken = [
    ("seccompProfile type LocalHost", k8s, mutate(pod, lambda d: sc(d)["seccompProfile"].update(type="LocalHost"))),
    ("capabilities.add a string", k8s, mutate(pod, lambda d: sc(d)["capabilities"].update(add="CHOWN"))),
    ("localhostProfile with RuntimeDefault", k8s,
     mutate(pod, lambda d: sc(d)["seccompProfile"].update(type="RuntimeDefault"))),
    ("Localhost without a path", k8s, mutate(pod, lambda d: sc(d)["seccompProfile"].pop("localhostProfile"))),
    ("allowPrivilegeEscalation a string", k8s, mutate(pod, lambda d: sc(d).update(allowPrivilegeEscalation="false"))),
    ("no containers", k8s, mutate(pod, lambda d: d["spec"].pop("containers"))),
    ("unknown securityContext field", k8s, mutate(pod, lambda d: sc(d).update(seccomp="x"))),
    ("Pod name with capitals", k8s, mutate(pod, lambda d: d["metadata"].update(name="Capprof_Sample"))),
    ("node affinity operator in", k8s, mutate(yaml.safe_load(open("k8s.1.yaml")), lambda d: d["spec"]["affinity"]
        ["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
        ["matchExpressions"][0].update(operator="in"))),
    ("SPO architecture SCMP_ARCH_AMD64", spo, mutate(prof, lambda d: d["spec"]["architectures"].append("SCMP_ARCH_AMD64"))),
    ("SPO errnoRet a string", spo, mutate(prof, lambda d: [s.update(errnoRet="38") for s in d["spec"]["syscalls"]
                                                          if "errnoRet" in s])),
    ("SPO action SCMP_ACT_DENY", spo, mutate(prof, lambda d: d["spec"]["syscalls"][0].update(action="SCMP_ACT_DENY"))),
    ("SPO 7 args", spo, mutate(prof, lambda d: d["spec"]["syscalls"][0].update(
        args=[{"index": i, "op": "SCMP_CMP_EQ", "value": 0} for i in range(7)]))),
    ("SPO includes (Docker only)", spo, mutate(prof, lambda d: d["spec"]["syscalls"][0].update(includes={"arches": ["amd64"]}))),
    ("SPO without defaultAction", spo, mutate(prof, lambda d: d["spec"].pop("defaultAction"))),
]
rejected = 0
for what, schema, doc in broken:
    if errors(schema, doc):
        rejected += 1
    else:
        print("ACCEPTED a broken document: %s" % what)
print("%d documents valid of %d, %d broken ones rejected of %d" % (checked - bad, checked, rejected, len(broken)))
sys.exit(1 if bad or rejected != len(broken) or checked < 30 else 0)
EOF
python3 validate.py "$S/k8s-pod-deployment.schema.json" "$S/spo-seccompprofile.schema.json" list || fail "schema validation"
