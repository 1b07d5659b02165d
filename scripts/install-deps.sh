#!/usr/bin/env bash
# Installs everything capprof needs to build and to run its whole test suite,
# from Debian's archive. Idempotent: does nothing when all is installed.
# Usage: scripts/install-deps.sh [--no-docker]
set -euo pipefail

pkgs=(
	# build
	gcc make pkg-config libseccomp-dev libcap-dev libelf-dev libcjson-dev libmd-dev
	# tests: unit tests, oracles and helpers the integration tests call
	libcmocka-dev strace python3 python3-yaml bc iputils-ping libcap2-bin e2fsprogs util-linux
	# hardening: sanitizers, fuzzing, analysers
	clang libclang-rt-dev clang-tidy cppcheck shellcheck valgrind
)
if [[ ${1:-} != --no-docker ]]; then
	# end-to-end tests against a real Docker engine, and their images
	pkgs+=(docker.io debootstrap busybox-static)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
	echo "install-deps: everything is installed"
	exit 0
fi
if [[ $(id -u) != 0 ]]; then
	echo "install-deps: needs root to install: ${missing[*]}" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
