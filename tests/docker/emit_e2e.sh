#!/usr/bin/env bash
# emit end to end against a real Docker engine and runc, workload "busybox":
# busybox applets with a capability and a non-zero exit. What is checked:
# tests/emit_e2e.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../emit_e2e.sh" busybox
# Its stdout must not depend on the run (no dates, pids or timings).
# shellcheck disable=SC2016 # expanded by the shell in the container
e2e_workload busybox capprof-busybox 'set -e
umask 027
mkdir -p /tmp/w/src/sub /tmp/w/dst
for i in 3 1 2; do echo "line $i" > /tmp/w/src/f$i; done
seq 1 50 > /tmp/w/src/sub/n
chmod 600 /tmp/w/src/f1
chown 1:2 /tmp/w/src/f3
touch -d "2001-02-03 04:05:06" /tmp/w/src/f2
sort -r /tmp/w/src/f* | tee /tmp/w/sorted
wc -l < /tmp/w/src/sub/n
tar -C /tmp/w -cf - src | gzip -9 > /tmp/w/src.tgz
mkdir /tmp/w/x && gzip -dc /tmp/w/src.tgz | tar -C /tmp/w/x -xf -
find /tmp/w/x | sort
stat -c "%a %u:%g %n" /tmp/w/x/src/f1 /tmp/w/x/src/f3 /tmp/w/x/src/sub/n && stat -c "%Y %n" /tmp/w/x/src/f2
cmp /tmp/w/src/sub/n /tmp/w/x/src/sub/n && echo same
chown -R 1:2 /tmp/w/dst && stat -c "%u:%g %n" /tmp/w/dst
echo "uid $(id -u) $(id -ru) gid $(id -g) $(id -rg) pid>0 $([ $$ -gt 0 ] && echo yes || echo no)"
md5sum /tmp/w/sorted | cut -d" " -f1
exit 5'
e2e_end
