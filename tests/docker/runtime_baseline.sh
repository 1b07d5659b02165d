#!/usr/bin/env bash
# Proof of profiles/runtime-*.json against the real Docker engine: for each
# runtime (runc, crun when dockerd has it) and each no-new-privileges setting,
# `docker run capprof-busybox true` under a profile allowing exactly the
# runtime list plus busybox true's own syscalls (strace on the host) succeeds
# in every one of 20 runs (and again with the highest known syscall allowed,
# so runc's ENOSYS stub answers nothing), and removing any single entry of
# the list makes a run fail (up to 150 runs, stopping at the first failure:
# rt_sigreturn is needed only when a Go preemption signal lands in runc's
# window, 1 run in 8 to 1 in 40 even with the 8 CPU burners rtbaseline.py
# runs to provoke it; every other entry fails on the first run).
#
# Starts dockerd (scripts/docker-setup.sh) and builds the image
# (scripts/mkimages.sh busybox) when needed.  Exit 0 pass, 1 fail, 77 skip.
# Takes about 5-6 minutes per runtime and no-new-privileges setting on 2
# cores (22 minutes for runc and crun; most of it rt_sigreturn's runs).
# Environment: RUNTIMES="runc crun" to choose.
# A proof of data (tests/run-tests.sh): runs when its inputs change.
# prove: profiles/runtime-*.json tests/docker/rtbaseline.py
# timeout: 2700
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

skip() { echo "SKIP: $*"; exit 77; }
envfail() { echo "ENV: $*"; exit 78; }

[[ $(id -u) == 0 ]] || skip "needs root (dockerd)"
for c in python3 strace; do
	command -v "$c" >/dev/null 2>&1 || skip "needs $c (not installed)"
done
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then
	skip "needs static /bin/busybox (package busybox-static)"
fi
command -v dockerd >/dev/null 2>&1 || skip "needs dockerd (package docker.io)"
if ! setup_out=$("$top/scripts/docker-setup.sh" 2>&1); then
	printf '%s\n' "$setup_out"
	envfail "Docker cannot run here: $(printf '%s\n' "$setup_out" | tail -n1)"
fi
"$top/scripts/mkimages.sh" busybox || envfail "cannot build capprof-busybox"

runtimes=$(docker info -f '{{json .Runtimes}}' 2>/dev/null)
start=$SECONDS
failed=0 ran=0
for rt in ${RUNTIMES:-runc crun}; do
	list="$top/profiles/runtime-$rt.json"
	if [[ ! -f $list ]]; then
		echo "SKIP($rt): no $list"
		continue
	fi
	if [[ $runtimes != *"\"$rt\""* ]]; then
		echo "SKIP($rt): dockerd has no runtime '$rt' (install it and restart dockerd via scripts/docker-setup.sh)"
		continue
	fi
	for nnp in without_nnp with_nnp; do
		t0=$SECONDS
		args=(verify --runtime "$rt" --list "$list")
		[[ $nnp == with_nnp ]] && args+=(--nnp)
		ran=$((ran + 1))
		if ! python3 "$here/rtbaseline.py" "${args[@]}"; then
			failed=$((failed + 1))
			echo "FAIL: $rt $nnp: the list in $list is not necessary and sufficient"
		fi
		echo "($rt $nnp: $((SECONDS - t0))s)"
	done
done
echo "total: $((SECONDS - start))s"
((ran)) || skip "no runtime list could be checked"
((failed == 0)) || exit 1
exit 0
