#!/usr/bin/env bash
# The built-in example, end to end: record a small workload that needs one
# capability, then show what capprof derived from it.
# Usage: scripts/example.sh [CAPPROF]   (make example builds and runs it)
set -euo pipefail
capprof=${1:-$(dirname "$0")/../build/capprof}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== capprof record -- sh -c 'touch file; chown nobody file; ls -l file'"
"$capprof" record -- sh -c 'touch file; chown nobody file; ls -ln file'
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
