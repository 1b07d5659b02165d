#!/usr/bin/env bash
# emit end to end against a real Docker engine and runc, workload "debian":
# Debian coreutils, dpkg-query and sha256sum, with CHOWN. What is checked: tests/emit_e2e.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../emit_e2e.sh" debian
# Its stdout must not depend on the run (no dates, pids or timings).
# shellcheck disable=SC2016 # expanded by the shell in the container
e2e_workload debian capprof-debian 'set -e
mkdir -p /tmp/w
cp /etc/os-release /etc/debian_version /tmp/w/
chown 1:1 /tmp/w/os-release
chgrp 2 /tmp/w/debian_version
chmod 640 /tmp/w/os-release
stat -c "%u:%g %a %n" /tmp/w/*
dpkg-query -W -f "\${Package} \${Status}\n" coreutils dpkg base-files
sha256sum /tmp/w/* /usr/bin/true | sort
ln -s os-release /tmp/w/link && readlink /tmp/w/link
touch -d "2020-01-01 00:00:00 UTC" /tmp/w/debian_version && date -u -r /tmp/w/debian_version +%F
head -c 300000 /dev/zero | gzip -c | gzip -dc | wc -c
echo "ids $(id -u) $(id -ru) $(id -g) $(id -rg) pid>0 $([ $$ -gt 0 ] && echo yes || echo no)"'
e2e_end
