#!/usr/bin/env bash
# Proof of profiles/runtime-crun.json under Podman, the way
# runtime_baseline.sh proves it under Docker: `podman run --runtime crun
# capprof-busybox true` under a profile allowing exactly crun's list plus
# busybox true's own syscalls succeeds in every run, with and without
# no-new-privileges, and removing any single entry makes a run fail
# (rtbaseline.py verify with DOCKER=podman; crun is C, every entry fails on
# the first run without it). Podman hands crun its own OCI config (conmon in
# between), so this is not the Docker proof run twice.
#
# Needs root, podman, crun, strace, python3 and the static /bin/busybox;
# scripts/podman-setup.sh imports the image. Exit 0 pass, 1 fail, 77 skip.
# About 3-5 minutes on 2 cores (each podman run takes about a second).
# A proof of data (tests/run-tests.sh): runs when its inputs change.
# prove: profiles/runtime-crun.json tests/docker/rtbaseline.py
# timeout: 1800
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

skip() { echo "SKIP: $*"; exit 77; }
envfail() { echo "ENV: $*"; exit 78; }

[[ $(id -u) == 0 ]] || skip "needs root"
for c in podman crun python3 strace; do
	command -v "$c" >/dev/null 2>&1 || skip "needs $c (not installed)"
done
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
	skip "needs static /bin/busybox (package busybox-static)"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
conf=$("$top/scripts/podman-setup.sh" busybox 2>"$log") || envfail "podman cannot run here: $(tail -n3 "$log")"
export CONTAINERS_CONF=$conf DOCKER=podman
failed=0
for nnp in without_nnp with_nnp; do
	# No CPU burners: they provoke Go preemption signals in runc's window;
	# crun is C and fails on the first run without any entry it needs.
	args=(verify --runtime crun --list "$top/profiles/runtime-crun.json" --stress 0)
	[[ $nnp == with_nnp ]] && args+=(--nnp)
	t0=$SECONDS
	if ! python3 "$here/rtbaseline.py" "${args[@]}"; then
		failed=$((failed + 1))
		echo "FAIL: podman crun $nnp: profiles/runtime-crun.json is not necessary and sufficient"
	fi
	echo "(podman crun $nnp: $((SECONDS - t0))s)"
done
((failed == 0)) || exit 1
