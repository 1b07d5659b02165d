#!/bin/sh
# Print the path of a static arm64 busybox (Debian's busybox-static:arm64),
# fetching it into the cache on first use. tests/integration/arch_qemu.sh
# runs it under qemu-aarch64-static to see what an arm64 build of a workload
# really calls.
#
# Usage: scripts/arm64-busybox.sh [--setup]
#   --setup  also enable dpkg's arm64 foreign architecture (apt-get update)
#            when it is not yet enabled; without it the script only uses
#            what is there and exits 1 saying why.
# Environment: CAPPROF_IMAGE_CACHE (default /var/cache/capprof-images).
set -eu

CACHE=${CAPPROF_IMAGE_CACHE:-/var/cache/capprof-images}
out=$CACHE/arm64/busybox

if [ -x "$out" ]; then
	echo "$out"
	exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	if [ "${1:-}" != --setup ]; then
		echo "arm64-busybox: dpkg has no arm64 architecture (run scripts/arm64-busybox.sh --setup as root)" >&2
		exit 1
	fi
	dpkg --add-architecture arm64
	apt-get update -qq
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt's download sandbox user must be able to write there
chmod 0777 "$tmp"
(cd "$tmp" && apt-get download -qq busybox-static:arm64) >&2 ||
	{ echo "arm64-busybox: apt-get download busybox-static:arm64 failed" >&2; exit 1; }
dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/root"
mkdir -p "$CACHE/arm64"
install -m 0755 "$tmp/root/bin/busybox" "$out.new"
mv "$out.new" "$out"
echo "$out"
