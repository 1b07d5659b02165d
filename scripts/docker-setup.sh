#!/bin/sh
# Make a Docker engine available for capprof's tests.  Idempotent: every step
# is skipped when it is already done.
#
#   1. install docker.io with apt-get when dockerd is missing
#      (--crun: also install crun)
#   2. when `docker info` fails, start dockerd in the background (no systemd
#      is assumed), log to $CAPPROF_DOCKERD_LOG, and wait until `docker info`
#      answers or $CAPPROF_DOCKERD_TIMEOUT seconds have passed
#
# dockerd started here registers crun as an extra runtime named "crun" when
# /usr/bin/crun (or crun on PATH) exists, so `docker run --runtime crun` works.
# A dockerd that is already running is left as it is.
#
# Storage driver: dockerd picks overlay2 where the backing filesystem supports
# it (ext4 here) and falls back on its own otherwise; if it still fails to
# start, this script retries once with --storage-driver=vfs.
# Networking: when iptables does not work (no netfilter in the kernel or no
# permission) dockerd is started with --iptables=false; containers then still
# get a bridge address but no NAT.  Override everything with
# CAPPROF_DOCKERD_ARGS (word-split, e.g. "--storage-driver=vfs --iptables=false").
#
# Runs of this script at the same time (tests running in parallel, several
# checkouts) take turns on the lock $CAPPROF_DOCKER_LOCK_DIR/docker-setup.lock
# (default /run/lock/capprof), so only one of them starts dockerd.
#
# Usage: scripts/docker-setup.sh [--crun]
# Exit: 0 when `docker info` works at the end, 1 otherwise (with the reason).
set -eu

LOG=${CAPPROF_DOCKERD_LOG:-/var/log/capprof-dockerd.log}
TIMEOUT=${CAPPROF_DOCKERD_TIMEOUT:-60}
DOCKER=${DOCKER:-docker}
WANT_CRUN=0

log() {
	printf 'docker-setup: %s\n' "$*" >&2
}

die() {
	log "error: $*"
	exit 1
}

for arg in "$@"; do
	case $arg in
	--crun) WANT_CRUN=1 ;;
	-h | --help)
		sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$arg' (usage: $0 [--crun])" ;;
	esac
done

[ "$(id -u)" -eq 0 ] || die "must run as root"

LOCK_DIR=${CAPPROF_DOCKER_LOCK_DIR:-/run/lock/capprof}
mkdir -p "$LOCK_DIR" || die "cannot create $LOCK_DIR"
exec 9>"$LOCK_DIR/docker-setup.lock" || die "cannot open $LOCK_DIR/docker-setup.lock"
flock -w 600 9 || die "another docker-setup.sh held $LOCK_DIR/docker-setup.lock for 10 minutes"

apt_updated=0
apt_install() {
	if [ "$apt_updated" -eq 0 ]; then
		log "apt-get update"
		apt-get update -q >/dev/null || die "apt-get update failed"
		apt_updated=1
	fi
	log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null ||
		die "apt-get install $* failed"
}

# 1. packages
if ! command -v dockerd >/dev/null 2>&1; then
	apt_install docker.io
fi
if [ "$WANT_CRUN" -eq 1 ] && ! command -v crun >/dev/null 2>&1; then
	apt_install crun
fi
command -v "$DOCKER" >/dev/null 2>&1 || die "no docker client '$DOCKER'"

# crun refuses cgroup "hybrid mode" when a controller sits on the cgroup2
# hierarchy next to the v1 ones ("cgroups in hybrid mode not supported, drop
# all controllers from cgroupv2"); runc does not care.  Such a controller
# (hugetlb on this VM) can be moved to its own v1 hierarchy as long as no v2
# cgroup has it enabled, which is what a v1 host would have anyway.
unified=/sys/fs/cgroup/unified
if command -v crun >/dev/null 2>&1 && grep -q . "$unified/cgroup.controllers" 2>/dev/null &&
	! grep -q . "$unified/cgroup.subtree_control"; then
	# shellcheck disable=SC2013 # one line of space-separated words
	for c in $(cat "$unified/cgroup.controllers"); do
		log "cgroup hybrid mode: mounting controller $c as cgroup v1 at /sys/fs/cgroup/$c (for crun)"
		mkdir -p "/sys/fs/cgroup/$c"
		mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" ||
			log "warning: could not mount $c; crun will not run here"
	done
fi

start_dockerd() {
	log "starting dockerd $* (log: $LOG)"
	# setsid: the daemon must outlive this script and its session; 9>&-:
	# and must not hold our lock.
	setsid dockerd "$@" >>"$LOG" 2>&1 </dev/null 9>&- &
	dockerd_pid=$!
}

# 2. daemon
if "$DOCKER" info >/dev/null 2>&1; then
	log "dockerd already running ($("$DOCKER" version -f '{{.Server.Version}}' 2>/dev/null))"
	if [ "$WANT_CRUN" -eq 1 ] &&
		! "$DOCKER" info -f '{{json .Runtimes}}' 2>/dev/null | grep -q '"crun"'; then
		log "warning: the running dockerd has no 'crun' runtime; stop it and rerun to register crun"
	fi
	exit 0
fi

# A dockerd that is up but not answering yet (e.g. started a moment ago by a
# parallel run) must not get a second instance next to it.
if [ -S /var/run/docker.sock ] && pidof dockerd >/dev/null 2>&1; then
	log "dockerd is running but not answering yet; waiting"
else
	if [ -n "${CAPPROF_DOCKERD_ARGS:-}" ]; then
		args=$CAPPROF_DOCKERD_ARGS
	else
		args=
		if ! iptables -nL >/dev/null 2>&1; then
			log "iptables does not work here: starting dockerd with --iptables=false"
			args="--iptables=false --ip-masq=false"
		fi
	fi
	crun_path=$(command -v crun 2>/dev/null) || crun_path=
	if [ -n "$crun_path" ]; then
		args="$args --add-runtime crun=$crun_path"
	fi
	mkdir -p "$(dirname "$LOG")"
	# shellcheck disable=SC2086 # word list on purpose
	start_dockerd $args
fi

wait_docker() {
	i=0
	while [ "$i" -lt "$TIMEOUT" ]; do
		"$DOCKER" info >/dev/null 2>&1 && return 0
		if [ -n "${dockerd_pid:-}" ] && ! kill -0 "$dockerd_pid" 2>/dev/null; then
			return 2
		fi
		sleep 1
		i=$((i + 1))
	done
	return 1
}

rc=0
wait_docker || rc=$?
if [ "$rc" -eq 2 ] && [ -z "${CAPPROF_DOCKERD_ARGS:-}" ] &&
	grep -qiE 'graphdriver|storage.driver|overlay' "$LOG"; then
	log "dockerd exited with a storage-driver error; retrying with --storage-driver=vfs"
	# shellcheck disable=SC2086 # word list on purpose
	start_dockerd $args --storage-driver=vfs
	rc=0
	wait_docker || rc=$?
fi
if [ "$rc" -ne 0 ]; then
	tail -n 15 "$LOG" >&2 2>/dev/null || true
	if [ "$rc" -eq 2 ]; then
		die "dockerd exited during startup (log above, full log: $LOG)"
	fi
	die "docker info did not answer within ${TIMEOUT}s (log: $LOG)"
fi
log "dockerd ready: server $("$DOCKER" version -f '{{.Server.Version}}'), storage $("$DOCKER" info -f '{{.Driver}}'), runtimes $("$DOCKER" info -f '{{json .Runtimes}}' | grep -o '"[a-z0-9.-]*":{"path"' | cut -d'"' -f2 | tr '\n' ' ')"
