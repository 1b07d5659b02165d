#!/bin/sh
# Build the Docker test images from Debian packages, cached between runs.
#
#   capprof-busybox  docker import of a rootfs holding the static busybox from
#                    busybox-static plus one symlink per applet
#   capprof-debian   debootstrap --variant=minbase bookworm from the Debian
#                    mirror apt is configured with
#
# Usage: scripts/mkimages.sh [busybox] [debian]     (default: both)
#
# Images are imported only when `docker image inspect` does not find them.
# The rootfs tarballs are kept in $CAPPROF_IMAGE_CACHE
# (default /var/cache/capprof-images) so a rebuild after `docker rmi` or on a
# fresh dockerd does not run debootstrap again.  Delete the tarball to force a
# new debootstrap.
#
# Runs at the same time take turns on the lock
# $CAPPROF_DOCKER_LOCK_DIR/mkimages.lock (default /run/lock/capprof), so an
# image is built once and no two debootstraps write the same tarball.
#
# Environment:
#   CAPPROF_IMAGE_CACHE    cache directory
#   CAPPROF_DEBIAN_MIRROR  mirror URL (default: first Debian URI in
#                          /etc/apt/sources.list*, else deb.debian.org)
#   CAPPROF_DEBIAN_SUITE   suite (default bookworm)
#   DOCKER                 docker client to use (default: docker)
#
# Needs root, a running dockerd (scripts/docker-setup.sh), and the packages
# busybox-static and debootstrap (installed with apt-get when missing).
set -eu

CACHE=${CAPPROF_IMAGE_CACHE:-/var/cache/capprof-images}
SUITE=${CAPPROF_DEBIAN_SUITE:-bookworm}
DOCKER=${DOCKER:-docker}

log() {
	printf 'mkimages: %s\n' "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

need_pkg() {
	# $1 = command that must exist, $2 = Debian package providing it
	command -v "$1" >/dev/null 2>&1 && return 0
	log "installing $2"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
}

have_image() {
	"$DOCKER" image inspect "$1" >/dev/null 2>&1
}

# The first Debian (non-security) archive URI in the apt configuration: the
# mirror this machine can actually reach.
debian_mirror() {
	if [ -n "${CAPPROF_DEBIAN_MIRROR:-}" ]; then
		printf '%s\n' "$CAPPROF_DEBIAN_MIRROR"
		return
	fi
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '
			/^[ \t]*#/ { next }
			$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i; next }
			$1 == "deb" {
				for (i = 2; i <= NF; i++)
					if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break }
			}' |
		grep -E '/debian/?$' | head -n 1) || true
	printf '%s\n' "${m:-http://deb.debian.org/debian}"
}

build_busybox() {
	name=capprof-busybox
	if have_image "$name"; then
		log "$name: present"
		return
	fi
	need_pkg busybox busybox-static
	bb=$(command -v busybox)
	ver=$(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null | tr ':~+' '___') || ver=unknown
	tarball=$CACHE/$name-$ver.tar
	if [ ! -s "$tarball" ]; then
		# ldd fails on a static binary; a dynamic busybox would not run
		# in an image without its libraries.
		if ldd "$bb" >/dev/null 2>&1; then
			die "$bb is dynamically linked (install busybox-static)"
		fi
		root=$(mktemp -d)
		mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
			"$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" \
			"$root/root"
		chmod 1777 "$root/tmp"
		cp "$bb" "$root/bin/busybox"
		# One absolute symlink per applet, at the path busybox lists for it.
		"$root/bin/busybox" --list-full | while read -r applet; do
			[ "$applet" = bin/busybox ] && continue
			[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
		done
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
		tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
		mv "$tarball.tmp" "$tarball"
		rm -rf "$root"
	fi
	log "$name: importing $tarball"
	"$DOCKER" import -c 'CMD ["/bin/sh"]' "$tarball" "$name" >/dev/null
}

build_debian() {
	name=capprof-debian
	if have_image "$name"; then
		log "$name: present"
		return
	fi
	tarball=$CACHE/$name-$SUITE-minbase.tar.gz
	if [ ! -s "$tarball" ]; then
		need_pkg debootstrap debootstrap
		mirror=$(debian_mirror)
		root=$(mktemp -d)
		log "$name: debootstrap --variant=minbase $SUITE from $mirror"
		start=$(date +%s)
		if ! debootstrap --variant=minbase "$SUITE" "$root" "$mirror" \
			>"$CACHE/debootstrap.log" 2>&1; then
			tail -n 20 "$CACHE/debootstrap.log" >&2
			rm -rf "$root"
			die "debootstrap failed (log: $CACHE/debootstrap.log)"
		fi
		log "$name: debootstrap took $(($(date +%s) - start))s"
		# Keep the image small and reproducible-ish: no package cache.
		rm -rf "$root/var/cache/apt/archives/"*.deb \
			"$root/var/lib/apt/lists/"* "$root/tmp/"*
		tar --numeric-owner -C "$root" -czf "$tarball.tmp" .
		mv "$tarball.tmp" "$tarball"
		rm -rf "$root"
	fi
	log "$name: importing $tarball"
	"$DOCKER" import -c 'CMD ["/bin/bash"]' "$tarball" "$name" >/dev/null
}

[ "$(id -u)" -eq 0 ] || die "must run as root"
LOCK_DIR=${CAPPROF_DOCKER_LOCK_DIR:-/run/lock/capprof}
mkdir -p "$LOCK_DIR" || die "cannot create $LOCK_DIR"
exec 9>"$LOCK_DIR/mkimages.lock" || die "cannot open $LOCK_DIR/mkimages.lock"
flock -w 1200 9 || die "another mkimages.sh held $LOCK_DIR/mkimages.lock for 20 minutes"
"$DOCKER" info >/dev/null 2>&1 || die "docker is not running (run scripts/docker-setup.sh)"
mkdir -p "$CACHE"

[ $# -gt 0 ] || set -- busybox debian
for img in "$@"; do
	case $img in
	busybox) build_busybox ;;
	debian) build_debian ;;
	*) die "unknown image '$img' (busybox, debian)" ;;
	esac
done
