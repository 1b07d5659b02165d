#!/usr/bin/env bash
# Runs every unit test binary, integration script and Docker script, several
# at a time, each under a timeout, and counts each as
#   PASS  exit 0 (with its time and the processor time it and its
#         children used: not dockerd's, which runs the containers)
#   FAIL  any other exit status, or killed by its timeout
#   SKIP  exit 77 (the test prints "SKIP: reason")
#   ENV   exit 78: the machine could not provide what the test needs although
#         it should (dockerd does not start, an image cannot be built because
#         the mirror is down); the test prints "ENV: reason". Reported apart
#         from failures so nobody debugs capprof for a network outage.
# Exit status: 1 when any test failed, else 2 when any ENV, else 0.
#
# Environment: CAPPROF (binary under test), BUILD (build directory);
#   DOCKER_CAPPROF, DOCKER_BUILD  the binary and build directory the Docker
#                        tests use (default: CAPPROF, BUILD); make check gives
#                        them the plain build, the others the ASan one
#   CAPPROF_TEST_JOBS    tests run at once (default: nproc), not counting
#                        the Docker tests, which have a lane of their own:
#   CAPPROF_DOCKER_JOBS  Docker tests run at once besides those (default 2).
#                        They spend most of their time waiting for dockerd,
#                        containers and the package mirror: in one pool with
#                        the rest they held both slots for half of make check
#                        with the processors half idle
#   CAPPROF_TEST_TIMEOUT default timeout in seconds (default 300; 900 for the
#                        Docker tests, one of which may wait for debootstrap
#                        to build the Debian image); a script overrides it
#                        with a "# timeout: SECONDS" line in its first 30 lines
#   CAPPROF_SKIP_DOCKER=1  count the Docker tests as skipped
#   CAPPROF_TEST_PYTHON  the python3 the tests call (default /usr/bin/python3,
#                        the one scripts/install-deps.sh installs python3-yaml
#                        and python3-jsonschema for; else python3 on PATH).
#                        It comes first in their PATH as "python3": the
#                        tests call it about a thousand times to read JSON,
#                        and a version manager's shim in front of it (pyenv's
#                        is a bash script) cost 0.4 s of processor time per
#                        call on the 2-core VM, half of the suite's
#                        processor time
#
# Proofs: a script with a "# prove: PATH..." line proves files of the
# repository against the real engine or the Debian mirror, which takes
# minutes of processor time: the runtime lists profiles/runtime-*.json
# (runtime_baseline*.sh), or capprof's code on the articles' apt example
# (apt_vim, minimize_apt, sandbox_apt: "@code" in PATHs stands for the
# sources, build files and data, see prove_sum).
# It runs only when the checksum of its inputs (itself, the PATHs, the
# installed runc/crun versions) differs from its line in tests/proven.sum,
# i.e. when what it proves, the proof or the engine changed; a clean clone
# needs no git history for that. Otherwise it is counted as
# skipped, saying so. --prove runs them whatever the checksum says and, when
# they pass, writes their new checksums to tests/proven.sum (make prove):
# commit that file with the change that needed the proof.
#
# Usage: tests/run-tests.sh [--prove] [-j N] [PATTERN...]  (tests whose name contains
# any PATTERN). Results print in the order of the list (unit, integration,
# docker) as soon as they are known; in each lane the longest declared
# timeouts start first.
# Each test's output is in $BUILD/test-logs/NAME.log.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${CAPPROF:?set CAPPROF to the capprof binary}" "${BUILD:?set BUILD to the build directory}"
export CAPPROF BUILD TESTS_DIR="$here" WORKLOADS="$BUILD/workloads"
DOCKER_CAPPROF=${DOCKER_CAPPROF:-$CAPPROF} DOCKER_BUILD=${DOCKER_BUILD:-$BUILD}
jobs=${CAPPROF_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
docker_jobs=${CAPPROF_DOCKER_JOBS:-2}
default_timeout=${CAPPROF_TEST_TIMEOUT:-300}
docker_timeout=${CAPPROF_TEST_TIMEOUT:-900}
prove=0
if [[ ${1:-} == --prove ]]; then
	prove=1
	shift
fi
if [[ ${1:-} == -j ]]; then
	jobs=$2
	shift 2
elif [[ ${1:-} == -j* ]]; then
	jobs=${1#-j}
	shift
fi
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "run-tests: bad job count '$jobs'" >&2; exit 2; }
[[ $docker_jobs =~ ^[1-9][0-9]*$ ]] || { echo "run-tests: bad CAPPROF_DOCKER_JOBS '$docker_jobs'" >&2; exit 2; }
patterns=("$@")
logdir="$BUILD/test-logs"
state=$(mktemp -d "${TMPDIR:-/tmp}/capprof-run-tests.XXXXXX") || exit 2
mkdir -p "$logdir"
python=${CAPPROF_TEST_PYTHON:-/usr/bin/python3}
[[ -x $python ]] || python=$(command -v python3)
if [[ -n $python ]]; then
	mkdir "$state/bin" && ln -s "$python" "$state/bin/python3" || exit 2
	export PATH="$state/bin:$PATH"
fi

names=() cmds=() timeouts=() sums=()
proven=$here/proven.sum
prove_sum() { # SCRIPT: checksum of a proof's inputs, empty when not a proof
	local inputs
	inputs=$(head -n 30 "$1" | sed -n 's/^# prove: *//p' | head -n1)
	[[ -n $inputs ]] || return 0
	(
		cd "$here/.." || exit 1
		# @code: capprof's C sources in every module directory (build
		# output aside), its build files and data, and the tests' library.
		if [[ " $inputs " == *" @code "* ]]; then
			code=''
			for f in Makefile mk/* */*.[ch] profiles/*.json tests/lib.sh; do
				[[ $f == build* ]] || code+="$f "
			done
			inputs=${inputs//@code/$code}
		fi
		# shellcheck disable=SC2086 # the PATHs are globs on purpose
		for f in "${1#"$PWD"/}" $inputs; do
			printf '%s ' "$f"
			sha256sum <"$f" | cut -d' ' -f1
		done
		for rt in runc crun; do
			command -v "$rt" >/dev/null 2>&1 && "$rt" --version 2>/dev/null | head -n1
		done
	) | sha256sum | cut -d' ' -f1
}
selected() { # NAME
	((${#patterns[@]})) || return 0
	local p
	for p in "${patterns[@]}"; do
		[[ $1 == *"$p"* ]] && return 0
	done
	return 1
}
add() { # NAME TIMEOUT FILE  (a unit test binary, or a bash script)
	selected "$1" || return 0
	names+=("$1")
	timeouts+=("$2")
	cmds+=("$3")
	sums+=("$(prove_sum "$3")")
}
declared_timeout() { # SCRIPT [DEFAULT]
	local t
	t=$(head -n 30 "$1" | sed -n 's/^# timeout: *\([0-9][0-9]*\) *$/\1/p' | head -n1)
	echo "${t:-${2:-$default_timeout}}"
}

for t in "$BUILD"/tests/test_*; do
	[[ -x $t ]] && add "unit/$(basename "$t")" "$default_timeout" "$t"
done
for t in "$here"/integration/*.sh; do
	[[ -f $t ]] && add "integration/$(basename "$t" .sh)" "$(declared_timeout "$t")" "$t"
done
# End-to-end tests against a real Docker engine (each starts dockerd and
# builds its images when it can; scripts/docker-setup.sh and mkimages.sh
# hold a lock, so tests running at once do not start two engines or build
# an image twice).
docker_skipped=()
for t in "$here"/docker/*.sh; do
	[[ -f $t ]] || continue
	if [[ ${CAPPROF_SKIP_DOCKER:-} == 1 ]]; then
		selected "docker/$(basename "$t" .sh)" && docker_skipped+=("docker/$(basename "$t" .sh)")
		continue
	fi
	add "docker/$(basename "$t" .sh)" "$(declared_timeout "$t" "$docker_timeout")" "$t"
done
n=${#names[@]}

# Proofs whose inputs are unchanged are not run (see the top); without
# --prove, neither are the other tests left out, with --prove only proofs run.
keep=()
proof_skipped=()
for ((i = 0; i < n; i++)); do
	if ((prove)); then
		[[ -n ${sums[i]} ]] && keep+=("$i")
	elif [[ -n ${sums[i]} ]] && grep -qx "${sums[i]} ${names[i]}" "$proven" 2>/dev/null; then
		proof_skipped+=("${names[i]}")
	else
		keep+=("$i")
	fi
done
sel_names=() sel_cmds=() sel_timeouts=() sel_sums=()
for i in "${keep[@]}"; do
	sel_names+=("${names[i]}")
	sel_cmds+=("${cmds[i]}")
	sel_timeouts+=("${timeouts[i]}")
	sel_sums+=("${sums[i]}")
done
names=("${sel_names[@]}") cmds=("${sel_cmds[@]}") timeouts=("${sel_timeouts[@]}") sums=("${sel_sums[@]}")
n=${#names[@]}

# Start order: longest timeout first, then list order.
mapfile -t order < <(for ((i = 0; i < n; i++)); do echo "${timeouts[i]} $i"; done | sort -k1,1nr -k2,2n | cut -d' ' -f2)

pass=0 fail=0 skip=0 envf=0 cpu_total=0
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
failed=() skipped=() envfailed=() passed_proofs=()
reason() { # LOG WORD: the test's own "WORD: reason" line, else its last line
	grep -m1 "^$2:" "$1" || tail -n1 "$1"
}
report() { # INDEX
	local i=$1 name=${names[$1]} rc secs cpu log
	log="$logdir/${name//\//_}.log"
	read -r rc secs cpu <"$state/$i.done"
	cpu_total=$((cpu_total + ${cpu:-0}))
	case $rc in
	0)
		pass=$((pass + 1))
		printf 'PASS %-44s %4ss  cpu %4ss\n' "$name" "$secs" "${cpu:-?}"
		[[ -n ${sums[i]} ]] && passed_proofs+=("${sums[i]} $name")
		;;
	77)
		skip=$((skip + 1))
		skipped+=("$name: $(reason "$log" SKIP)")
		printf 'SKIP %-44s %s\n' "$name" "$(reason "$log" SKIP)"
		;;
	78)
		envf=$((envf + 1))
		envfailed+=("$name: $(reason "$log" ENV)")
		printf 'ENV  %-44s %s\n' "$name" "$(reason "$log" ENV)"
		;;
	*)
		fail=$((fail + 1))
		failed+=("$name")
		if ((rc == 124 || rc == 137)); then
			printf 'FAIL %-44s (timed out after %ss) log: %s\n' "$name" "${timeouts[i]}" "$log"
		else
			printf 'FAIL %-44s (exit %d, %ss) log: %s\n' "$name" "$rc" "$secs" "$log"
		fi
		sed 's/^/    | /' "$log" | tail -n 30
		;;
	esac
}

start() { # INDEX
	local i=$1 log
	log="$logdir/${names[$1]//\//_}.log"
	(
		s=$SECONDS
		# timeout puts the test in its own process group and kills the
		# whole group when the time is up (-k: KILL 10 s after TERM).
		local run=("${cmds[i]}")
		[[ ${cmds[i]} == *.sh ]] && run=(bash "${cmds[i]}")
		if [[ ${names[i]} == docker/* ]]; then
			export CAPPROF=$DOCKER_CAPPROF BUILD=$DOCKER_BUILD WORKLOADS=$DOCKER_BUILD/workloads
		fi
		timeout -k 10 "${timeouts[i]}" "${run[@]}" >"$log" 2>&1 </dev/null &
		echo $! >"$state/$i.pid"
		wait $!
		rc=$?
		# The processor time of the test and what it waited for (not of
		# daemons it talked to, such as dockerd): what makes CI slow on
		# a machine whose processors are busy all through make check.
		# Fields 16 and 17 of /proc/PID/stat: cutime, cstime in ticks
		# (field 2, the command, is "(bash)": no spaces to split on).
		read -r -a st <"/proc/$BASHPID/stat"
		echo "$rc $((SECONDS - s)) $(((st[15] + st[16] + hz / 2) / hz))" >"$state/$i.tmp"
		mv "$state/$i.tmp" "$state/$i.done"
	) &
}

begin=$SECONDS
# On ^C or TERM: the tests' process groups (their timeout's pid) too.
# shellcheck disable=SC2317 # called by the trap
stop() {
	local f
	for f in "$state"/*.pid; do
		[[ -f $f && ! -f ${f%.pid}.done ]] && kill -TERM -- "-$(cat "$f")" 2>/dev/null
	done
	rm -rf "$state"
	exit 130
}
trap stop INT TERM
# Two lanes, each in start order: the Docker tests (up to docker_jobs at
# once) and the others (up to jobs at once).
lane_docker=() lane_other=()
for i in "${order[@]}"; do
	if [[ ${names[i]} == docker/* ]]; then lane_docker+=("$i"); else lane_other+=("$i"); fi
done
nd=0 no=0 shown=0
running() { # FIRST-INDEX-ARRAY-NAME COUNT: how many of the first COUNT started are not done
	local -n lane=$1
	local k r=0
	for ((k = 0; k < $2; k++)); do
		[[ -f $state/${lane[k]}.done ]] || r=$((r + 1))
	done
	echo "$r"
}
while ((shown < n)); do
	rd=$(running lane_docker "$nd") ro=$(running lane_other "$no")
	while ((rd < docker_jobs && nd < ${#lane_docker[@]})); do
		start "${lane_docker[nd]}"
		nd=$((nd + 1)) rd=$((rd + 1))
	done
	while ((ro < jobs && no < ${#lane_other[@]})); do
		start "${lane_other[no]}"
		no=$((no + 1)) ro=$((ro + 1))
	done
	wait -n 2>/dev/null
	while ((shown < n)) && [[ -f $state/$shown.done ]]; do
		report "$shown"
		shown=$((shown + 1))
	done
done
wait
rm -rf "$state"
for name in "${docker_skipped[@]}"; do
	skip=$((skip + 1))
	skipped+=("$name: SKIP: CAPPROF_SKIP_DOCKER=1")
	printf 'SKIP %-44s %s\n' "$name" "CAPPROF_SKIP_DOCKER=1"
done
for name in "${proof_skipped[@]}"; do
	why="proven: inputs unchanged since tests/proven.sum (make prove runs it)"
	skip=$((skip + 1))
	skipped+=("$name: $why")
	printf 'SKIP %-44s %s\n' "$name" "$why"
done
if ((prove && ${#passed_proofs[@]})); then
	# Keep the other proofs' lines, replace these.
	{
		grep -v -F -f <(for l in "${passed_proofs[@]}"; do echo " ${l#* }"; done) "$proven" 2>/dev/null
		printf '%s\n' "${passed_proofs[@]}"
	} | sort -k2 >"$proven.tmp" && mv "$proven.tmp" "$proven"
	echo "run-tests: wrote $proven for ${#passed_proofs[@]} passed proof(s); commit it"
fi

echo
echo "passed: $pass  failed: $fail  skipped: $skip  environment: $envf  ($n tests, -j$jobs + $docker_jobs Docker, $((SECONDS - begin))s, processor time of the tests ${cpu_total}s)"
if ((skip)); then
	echo "SKIPPED (these did not run on this machine):"
	printf '  %s\n' "${skipped[@]}"
fi
if ((envf)); then
	echo "ENVIRONMENT (the machine could not provide what these need; not a capprof failure):"
	printf '  %s\n' "${envfailed[@]}"
fi
if ((fail)); then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
((envf)) && exit 2
exit 0
