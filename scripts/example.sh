#!/usr/bin/env bash
# The built-in example, end to end: record a small workload that needs one
# capability, show what capprof found, emit its Docker profile and capability
# list, and verify them by re-running the workload enforced.
# Usage: scripts/example.sh [CAPPROF]   (make example builds and runs it)
set -euo pipefail
capprof=${1:-$(dirname "$0")/../build/capprof}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# A fresh file each run, so the re-run under verify starts from the same state.
# shellcheck disable=SC2016 # the script is for sh -c, expanded there
workload=(sh -c 'f=$(mktemp -p .); chown nobody "$f"; stat -c "owner %U mode %a" "$f"; rm "$f"')
echo "== capprof record -- ${workload[*]}"
"$capprof" record -- "${workload[@]}"
echo
python3 - capprof.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for arch, a in r["architectures"].items():
    print(f"{arch}: {len(a['syscalls'])} syscalls: {' '.join(sorted(a['syscalls']))}")
for cap, u in r["capabilities"].items():
    ev = u["evidence"]
    print(f"capability {cap}: {ev['syscall']} on {ev.get('path')} by {ev['exe']} failed with {ev['errno']} without it")
PY

echo
echo "== capprof emit --docker -o seccomp.json"
"$capprof" emit --docker -o seccomp.json
python3 -c 'import json; p=json.load(open("seccomp.json")); print("profile: defaultAction %s, %d rules, architectures %s" % (p["defaultAction"], len(p["syscalls"]), " ".join(p["architectures"])))'
echo
echo "== capprof emit --caps"
"$capprof" emit --caps
echo
echo "== capprof emit --docker-run"
"$capprof" emit --docker-run
echo
echo "== capprof verify (re-run enforced under the profile and capabilities)"
"$capprof" verify --profile seccomp.json
