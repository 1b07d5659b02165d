#!/usr/bin/env bash
# emit end to end against a real Docker engine and runc, workload "threads":
# a multi-process, multi-threaded Debian pipeline: sort --parallel threads,
# xargs -P processes. What is checked: tests/emit_e2e.sh.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../emit_e2e.sh" debian
# Its stdout must not depend on the run (no dates, pids or timings).
# shellcheck disable=SC2016 # expanded by the shell in the container
e2e_workload threads capprof-debian 'seq 1 300000 | sort --parallel=2 -S 20M -nr | sha256sum
seq 1 12 | xargs -P 3 -n 2 sh -c "echo \$0 \$1 | md5sum" | sort
printf "%s\n" a b c | xargs -P 2 -I{} sh -c "sleep 0.1; echo {}" | sort
echo "ids $(id -u) $(id -ru) pid>0 $([ $$ -gt 0 ] && echo yes || echo no)"'
e2e_end
