#!/usr/bin/env bash
# Runs every unit test binary and every integration script, counting each as
# PASS, FAIL or SKIP (exit 77, which must print its reason). Any FAIL fails
# the run. Environment: CAPPROF (binary under test), BUILD (build directory).
# Usage: tests/run-tests.sh [PATTERN]   (runs only tests whose name matches)
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${CAPPROF:?set CAPPROF to the capprof binary}" "${BUILD:?set BUILD to the build directory}"
export CAPPROF BUILD TESTS_DIR="$here" WORKLOADS="$BUILD/workloads"
pattern=${1:-}
pass=0 fail=0 skip=0
failed=() skipped=()
logdir="$BUILD/test-logs"
mkdir -p "$logdir"

run_one() {
	local name=$1
	shift
	[[ -n $pattern && $name != *$pattern* ]] && return
	local log="$logdir/${name//\//_}.log" rc
	local start=$SECONDS
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); printf 'PASS %-44s %3ss\n' "$name" $((SECONDS - start)) ;;
	77)
		skip=$((skip + 1))
		skipped+=("$name: $(grep -m1 -i 'skip' "$log" || tail -n1 "$log")")
		printf 'SKIP %-44s %s\n' "$name" "$(grep -m1 -i 'skip' "$log" || tail -n1 "$log")"
		;;
	*)
		fail=$((fail + 1)); failed+=("$name")
		printf 'FAIL %-44s (exit %d) log: %s\n' "$name" "$rc" "$log"
		sed 's/^/    | /' "$log" | tail -n 30
		;;
	esac
}

for t in "$BUILD"/tests/test_*; do
	[[ -x $t ]] || continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in "$here"/integration/*.sh; do
	[[ -f $t ]] || continue
	run_one "integration/$(basename "$t" .sh)" bash "$t"
done
# End-to-end tests against a real Docker engine (each starts dockerd and
# builds its images when it can, and skips saying why when it cannot).
if [[ ${CAPPROF_SKIP_DOCKER:-} == 1 ]]; then
	for t in "$here"/docker/*.sh; do
		skip=$((skip + 1))
		skipped+=("docker/$(basename "$t" .sh): SKIP: CAPPROF_SKIP_DOCKER=1")
		printf 'SKIP %-44s %s\n' "docker/$(basename "$t" .sh)" "CAPPROF_SKIP_DOCKER=1"
	done
else
	for t in "$here"/docker/*.sh; do
		[[ -f $t ]] || continue
		run_one "docker/$(basename "$t" .sh)" bash "$t"
	done
fi

echo
echo "passed: $pass  failed: $fail  skipped: $skip"
if ((skip)); then
	echo "SKIPPED (these did not run on this machine):"
	printf '  %s\n' "${skipped[@]}"
fi
if ((fail)); then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
exit 0
