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
	# emit --arch: qemu runs Debian's arm64 busybox (scripts/arm64-busybox.sh); k8s/SPO schema checks
	qemu-user-static file python3-jsonschema
	# hardening: sanitizers, fuzzing, analysers
	clang libclang-rt-dev clang-tidy cppcheck shellcheck valgrind
)
if [[ ${1:-} != --no-docker ]]; then
	# end-to-end tests against a real Docker engine, and their images
	# and against Podman with crun (tests/podman/)
	pkgs+=(docker.io debootstrap busybox-static podman crun)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The arm64 busybox for tests/integration/arch_qemu.sh (test data, not a package of ours).
arm64_busybox() {
	"$(dirname "$0")/arm64-busybox.sh" --setup >/dev/null ||
		echo "install-deps: no arm64 busybox: tests/integration/arch_qemu.sh will skip" >&2
}
if ((${#missing[@]} == 0)); then
	[[ $(id -u) == 0 ]] && arm64_busybox
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
arm64_busybox
echo "install-deps: done"
