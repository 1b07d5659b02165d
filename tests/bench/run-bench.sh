#!/usr/bin/env bash
# make bench: wall time of the same workloads run plain, under strace -f,
# under capprof record --no-caps and record, and under both again with
# --baseline (a recording of an earlier run of the same workload, made
# once before timing). RUNS runs each, interleaved so that load from other
# work on the machine spreads over every column; medians and ratios printed.
# Peak RSS is capprof's own (--stats).
# Usage: CAPPROF=... BUILD=... tests/bench/run-bench.sh [RUNS]
#        BENCH_ONLY=exec tests/bench/run-bench.sh   (workloads whose key matches)
set -u
: "${CAPPROF:?}" "${BUILD:?}"
runs=${1:-${RUNS:-5}}
W=$BUILD/workloads
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
command -v strace >/dev/null || { echo "bench needs strace"; exit 1; }

cat >"$T/exec2000.sh" <<'SH'
i=0
while [ $i -lt 2000 ]; do /bin/true; i=$((i + 1)); done
SH
# A build: this project's library, rebuilt from a copy of the sources (never the capprof being measured).
mkdir "$T/src"
(cd "$SRC" && tar -c --exclude=./build --exclude='./build-*' --exclude=./.git .) | tar -x -C "$T/src"

# key|name|command
workloads=(
	"find|find /usr (syscall-heavy)|find /usr"
	"exec|2000 execs (exec-heavy)|sh $T/exec2000.sh"
	"make|make -B -j2 (lib, a build)|make -s -C $T/src -B -j2 B=$T/bld $T/bld/libcapprof.a"
	"threads|8 threads x 200k getppid|$W/storm threads 8 200000"
)

median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

once() { # CMD... -> wall seconds of one run
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 </dev/null
	e=$(date +%s.%N)
	echo "$e - $s" | bc
}

ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2fx'; }

time_runs() { # CMD... -> median wall seconds of $runs runs
	local i
	for ((i = 0; i < runs; i++)); do once "$@"; done | median
}

printf 'capprof %s, %s, kernel %s, %d runs each (interleaved), medians; load average before: %s\n' \
	"$("$CAPPROF" --version | cut -d' ' -f2)" "$(strace -V | head -1)" "$(uname -r)" "$runs" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf '| workload | plain | strace -f | no-caps | record | no-caps --baseline | record --baseline | no-caps/strace | record/strace | no-caps --baseline/plain | record --baseline/plain |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for wl in "${workloads[@]}"; do
	key=${wl%%|*}
	rest=${wl#*|}
	name=${rest%%|*}
	[[ -n ${BENCH_ONLY:-} && ! $key =~ ${BENCH_ONLY} ]] && continue
	read -r -a cmd <<<"${rest#*|}"
	base=$T/base-$key.json
	"$CAPPROF" record -q -o "$base" -- "${cmd[@]}" >/dev/null 2>&1 </dev/null
	for col in plain strace nc rc ncb rcb; do : >"$T/$col"; done
	for ((i = 0; i < runs; i++)); do
		once "${cmd[@]}" >>"$T/plain"
		once strace -f -qq -c -o /dev/null "${cmd[@]}" >>"$T/strace"
		once "$CAPPROF" record -q --no-caps -o "$T/r.json" -- "${cmd[@]}" >>"$T/nc"
		once "$CAPPROF" record -q -o "$T/r.json" -- "${cmd[@]}" >>"$T/rc"
		once "$CAPPROF" record -q --no-caps --baseline "$base" -o "$T/r.json" -- "${cmd[@]}" >>"$T/ncb"
		once "$CAPPROF" record -q --baseline "$base" -o "$T/r.json" -- "${cmd[@]}" >>"$T/rcb"
	done
	for col in plain strace nc rc ncb rcb; do
		declare "m_$col=$(median <"$T/$col")"
	done
	# shellcheck disable=SC2154 # m_* are set by the declare loop above
	printf '| %s | %ss | %ss | %ss | %ss | %ss | %ss | %s | %s | %s | %s |\n' "$name" "$m_plain" "$m_strace" "$m_nc" \
		"$m_rc" "$m_ncb" "$m_rcb" "$(ratio "$m_nc" "$m_strace")" "$(ratio "$m_rc" "$m_strace")" \
		"$(ratio "$m_ncb" "$m_plain")" "$(ratio "$m_rcb" "$m_plain")"
done
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

[[ -n ${BENCH_ONLY:-} ]] && exit 0
echo
echo "Tracer memory (capprof's peak RSS, from record --stats) as the syscall count grows:"
for n in 100000 1000000 10000000; do
	per=$((n / 8))
	"$CAPPROF" record -q --no-caps --stats -o "$T/r.json" -- "$W/storm" procs 8 "$per" 2>&1 >/dev/null | sed "s/^capprof: stats:/  $n syscalls over 8 processes:/"
done

# Profile compilation (enforce/profile_compile.c): run --profile P -- true with
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

# Minimisation of capabilities (verify --minimize, issue 10): trials and wall
# time for apt-get update + install vim in a fresh container per trial,
# record included. Needs Docker, the Debian image and the Debian archive;
# skipped with the reason otherwise. CAPPROF_BENCH_NO_APT=1 skips it.
bench_minimize_apt() {
	local here scripts d s e
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	scripts=$here/scripts
	echo
	echo "Capability minimisation, apt-get update + install vim in Docker (record --minimize --docker):"
	if [[ ${CAPPROF_BENCH_NO_APT:-} == 1 ]]; then
		echo "  skipped: CAPPROF_BENCH_NO_APT=1"
		return
	fi
	if ! "$scripts/docker-setup.sh" >/dev/null 2>&1 || ! "$scripts/mkimages.sh" debian >/dev/null 2>&1; then
		echo "  skipped: Docker or the capprof-debian image is not available here"
		return
	fi
	d=$(mktemp -d "${TMPDIR:-/tmp}/capprof-bench-min.XXXXXX")
	s=$(date +%s.%N)
	if ! "$CAPPROF" record -q --minimize --docker capprof-debian --docker-arg=--network=host -o "$d/rec.json" -- \
		sh -c 'apt-get update -qq && apt-get install -y -qq vim' >"$d/out" 2>"$d/err"; then
		echo "  failed: $(tail -n1 "$d/err")"
		rm -rf "$d"
		return
	fi
	e=$(date +%s.%N)
	printf '  %s; record + 2 reference runs + trials: %.0fs wall; granted: %s\n' \
		"$(sed -n 's/^verify: capabilities: //p' "$d/out")" "$(echo "$e - $s" | bc)" \
		"$("$CAPPROF" emit -i "$d/rec.json" --caps | tr '\n' ' ')"
	echo "  reproduce: capprof record --minimize --docker capprof-debian --docker-arg=--network=host -- sh -c 'apt-get update -qq && apt-get install -y -qq vim'"
	rm -rf "$d"
}
bench_minimize_apt
