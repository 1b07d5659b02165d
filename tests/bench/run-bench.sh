#!/usr/bin/env bash
# make bench: wall time of the same workloads run plain, under strace -f,
# under capprof record --no-caps and under capprof record; RUNS runs each,
# medians and ratios to strace printed. Peak RSS is capprof's own (--stats).
# Usage: CAPPROF=... BUILD=... tests/bench/run-bench.sh [RUNS]
set -u
: "${CAPPROF:?}" "${BUILD:?}"
runs=${1:-${RUNS:-5}}
W=$BUILD/workloads
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
command -v strace >/dev/null || { echo "bench needs strace"; exit 1; }

cat >"$T/exec2000.sh" <<'SH'
i=0
while [ $i -lt 2000 ]; do /bin/true; i=$((i + 1)); done
SH

# name|command
workloads=(
	"find /usr (syscall-heavy)|find /usr"
	"2000 execs (exec-heavy)|sh $T/exec2000.sh"
	"8 threads x 200k getppid|$W/storm threads 8 200000"
)

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

time_runs() { # CMD... -> median wall seconds
	local i s e
	for ((i = 0; i < runs; i++)); do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 </dev/null
		e=$(date +%s.%N)
		echo "$e - $s" | bc
	done | median
}

printf 'capprof %s, %s, kernel %s, %d runs each, medians\n' "$("$CAPPROF" --version | cut -d' ' -f2)" \
	"$(strace -V | head -1)" "$(uname -r)" "$runs"
printf '%-28s %8s %8s %14s %14s %12s %12s\n' workload plain strace "no-caps" "record" "no-caps/strace" "record/strace"
for wl in "${workloads[@]}"; do
	name=${wl%%|*}
	read -r -a cmd <<<"${wl#*|}"
	plain=$(time_runs "${cmd[@]}")
	st=$(time_runs strace -f -qq -c -o /dev/null "${cmd[@]}")
	nc=$(time_runs "$CAPPROF" record -q --no-caps -o "$T/r.json" -- "${cmd[@]}")
	rc=$(time_runs "$CAPPROF" record -q -o "$T/r.json" -- "${cmd[@]}")
	printf '%-28s %7ss %7ss %13ss %13ss %11.2fx %11.2fx\n' "$name" "$plain" "$st" "$nc" "$rc" \
		"$(echo "$nc / $st" | bc -l)" "$(echo "$rc / $st" | bc -l)"
done

echo
echo "Tracer memory (capprof's peak RSS, from record --stats) as the syscall count grows:"
for n in 100000 1000000 10000000; do
	per=$((n / 8))
	"$CAPPROF" record -q --no-caps --stats -o "$T/r.json" -- "$W/storm" procs 8 "$per" 2>&1 >/dev/null | sed "s/^capprof: stats:/  $n syscalls over 8 processes:/"
done

# Profile compilation (enforce/profile.c): run --profile P -- true with
# Docker's default profile (33 rules) repeated up to 10,000 rules, as merged
# CI profiles repeat names. Should grow no worse than linearly.
echo
echo "Compiling a large profile (capprof run --profile P -- true, medians of $runs):"
dflt=$(cd "$(dirname "$0")/../data/enf" && pwd)/docker-default-seccomp.json
for rules in 33 1000 3300 10000; do
	python3 - "$dflt" "$rules" >"$T/big.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
rules = p["syscalls"]
p["syscalls"] = [rules[i % len(rules)] for i in range(n)]
json.dump(p, sys.stdout)
PY
	printf '  %6d rules: %ss\n' "$rules" "$(time_runs "$CAPPROF" run --profile "$T/big.json" -- true)"
done
