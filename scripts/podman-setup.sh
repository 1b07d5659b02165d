#!/bin/sh
# Make Podman (with crun) usable for the tests on this machine, without
# touching the system's configuration, and print the containers.conf path
# to export as CONTAINERS_CONF:
#
#   export CONTAINERS_CONF=$(scripts/podman-setup.sh)
#
# - Images: capprof-busybox and capprof-debian, imported into Podman's
#   store from the rootfs tarballs scripts/mkimages.sh caches (it builds them
#   when missing; DOCKER=podman makes it use podman).
# - Resource limits: as root, Podman gives containers RLIMIT_NOFILE 1048576
#   and a large RLIMIT_NPROC, which crun cannot set where the bounding set
#   lacks CAP_SYS_RESOURCE (this VM): `crun: setrlimit RLIMIT_NOFILE:
#   Operation not permitted`. The generated containers.conf gives the limits
#   Podman itself runs with instead (what Docker passes on from dockerd).
#
# Usage: scripts/podman-setup.sh [busybox] [debian]   (default: both)
# Environment: CAPPROF_PODMAN_CONF (default /run/capprof/podman-containers.conf)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
conf=${CAPPROF_PODMAN_CONF:-/run/capprof/podman-containers.conf}

log() {
	printf 'podman-setup: %s\n' "$*" >&2
}

[ "$(id -u)" -eq 0 ] || { log "must run as root"; exit 1; }
for c in podman crun; do
	command -v "$c" >/dev/null 2>&1 || { log "$c is not installed (apt-get install podman crun)"; exit 1; }
done
[ $# -gt 0 ] || set -- busybox debian
DOCKER=podman "$here/mkimages.sh" "$@" >&2

mkdir -p "$(dirname "$conf")"
if [ ! -s "$conf" ]; then
	# The first limits crun can set: Podman's own hard limits (it may lower
	# its RLIMIT_NPROC below the shell's), then smaller ones.
	nofile=$(awk '/^Max open files/ {print $5}' /proc/self/limits)
	for nproc in $(awk '/^Max processes/ {print $4}' /proc/self/limits) 32768 4096; do
		printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
			"$nofile" "$nofile" "$nproc" "$nproc" >"$conf.tmp"
		if CONTAINERS_CONF=$conf.tmp podman run --rm --network none --runtime crun capprof-busybox true \
			>/dev/null 2>&1; then
			mv "$conf.tmp" "$conf"
			break
		fi
	done
	rm -f "$conf.tmp"
	[ -s "$conf" ] || {
		log "podman run fails here even with small limits:"
		podman run --rm --network none --runtime crun capprof-busybox true >&2 || true
		exit 1
	}
fi
echo "$conf"
