#!/usr/bin/env bash
# Memcheck over what runs without a tracer (make valgrind): every unit test
# binary, then the file commands (emit, diff, merge, explain) on the sample
# recordings in tests/fuzz/corpus/rec_parse/, on good input and on bad.
# Any memcheck error or definite/indirect leak fails the run. Commands not
# built yet are skipped and listed. Tracing commands cannot run under
# valgrind (ptrace), so record/run/verify are not here.
# Environment: BUILD (build dir, default build), CAPPROF (default $BUILD/capprof).
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
CAPPROF=${CAPPROF:-$BUILD/capprof}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind-check: valgrind not found (Debian package valgrind)" >&2; exit 2; }

# A distinct exit code, so a memcheck error is never mistaken for a command's
# own status (diff exits 1 when recordings differ, bad input exits 2).
VG_ERR=99
logdir="$BUILD/valgrind"
mkdir -p "$logdir"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/capprof-vg.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
samples=tests/fuzz/corpus/rec_parse
good1=$samples/ls.json good2=$samples/ping-caps.json bad=$samples/truncated.json
runs=0 failed=() skipped=()

# Runs go nproc at a time (valgrind runs a program on one processor), in the
# background; vg_report prints their results in the order they were queued.
jobs=$(nproc 2>/dev/null || echo 2)
names=()
vg_opts=(--quiet "--error-exitcode=$VG_ERR" --leak-check=full
	"--errors-for-leak-kinds=definite,indirect" "--show-leak-kinds=definite,indirect")

vg_one() { # N NAME CMD...: one memcheck run; its result line to $tmp/res.N
	local n=$1 name=$2 log rc
	shift 2
	log="$logdir/${name//[^A-Za-z0-9_.-]/_}.log"
	# Without --track-origins (it doubles memcheck's time and finds nothing
	# more); a run with errors is run again with it, so the log says where
	# an uninitialised value came from.
	valgrind "${vg_opts[@]}" --log-file="$log" "$@" >"$tmp/out.$n" 2>"$tmp/err.$n" </dev/null
	rc=$?
	# valgrind does not implement seccomp(2) (317) and aborts: a test that
	# loads a filter cannot run here; make check (ASan build) covers it.
	if grep -q 'unhandled amd64-linux syscall: 317' "$log"; then
		echo skip >"$tmp/res.$n"
		return
	fi
	if ((rc == VG_ERR)) || grep -q -E 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]' "$log"; then
		valgrind "${vg_opts[@]}" --track-origins=yes --log-file="$log" "$@" >"$tmp/out.$n" 2>"$tmp/err.$n" </dev/null
		printf 'fail\t%s\n' "$log" >"$tmp/res.$n"
	else
		printf 'ok\t%d\n' "$rc" >"$tmp/res.$n"
	fi
}

vg() { # NAME CMD...   queues CMD under memcheck; its own exit status is not judged
	local n=${#names[@]}
	names+=("$1")
	while (($(jobs -rp | wc -l) >= jobs)); do
		wait -n
	done
	vg_one "$n" "$@" &
}

vg_report() {
	local n kind val name
	wait
	for n in "${!names[@]}"; do
		name=${names[$n]}
		runs=$((runs + 1))
		IFS=$'\t' read -r kind val <"$tmp/res.$n" || { kind=fail val="(no result)"; }
		case $kind in
		skip)
			skipped+=("$name (loads a seccomp filter, valgrind cannot)")
			printf 'skip %-40s loads a seccomp filter\n' "$name"
			;;
		fail)
			failed+=("$name")
			printf 'FAIL %-40s log: %s\n' "$name" "$val"
			[[ -f $val ]] && sed 's/^/    | /' "$val" | head -n 40
			;;
		*) printf 'ok   %-40s (exit %d)\n' "$name" "$val" ;;
		esac
	done
}

has_cmd() { # NAME: does the binary have this subcommand?
	"$CAPPROF" "$1" --help >/dev/null 2>&1
}

for t in "$BUILD"/tests/test_*; do
	[[ -x $t ]] || continue
	vg "unit/$(basename "$t")" "$t"
done

if [[ -x $CAPPROF ]]; then
	vg "capprof --help" "$CAPPROF" --help
	vg "capprof --version" "$CAPPROF" --version
	vg "capprof nosuchcommand" "$CAPPROF" nosuchcommand
	if has_cmd emit; then
		for fmt in "" --docker --caps --summary --oci --compose --docker-run --k8s --systemd --spo; do
			"$CAPPROF" emit --help 2>&1 | grep -q -- "${fmt:-emit}" || continue
			vg "emit ${fmt:-default}" "$CAPPROF" emit -i "$good2" ${fmt:+"$fmt"}
		done
		vg "emit two inputs" "$CAPPROF" emit -i "$good1" -i "$good2" -o "$tmp/profile.json"
		vg "emit bad input" "$CAPPROF" emit -i "$bad"
		vg "emit missing file" "$CAPPROF" emit -i "$tmp/nonexistent.json"
		vg "emit directory" "$CAPPROF" emit -i "$tmp"
	else
		skipped+=(emit)
	fi
	if has_cmd diff; then
		vg "diff same" "$CAPPROF" diff "$good1" "$good1"
		vg "diff differs" "$CAPPROF" diff "$good1" "$good2"
		vg "diff bad input" "$CAPPROF" diff "$good1" "$bad"
	else
		skipped+=(diff)
	fi
	if has_cmd merge; then
		vg "merge" "$CAPPROF" merge -o "$tmp/merged.json" "$good1" "$good2"
		vg "merge bad input" "$CAPPROF" merge -o "$tmp/merged2.json" "$good1" "$bad"
	else
		skipped+=(merge)
	fi
	if has_cmd explain; then
		vg "explain all" "$CAPPROF" explain -i "$good2"
		vg "explain syscall" "$CAPPROF" explain -i "$good2" socket
		vg "explain capability" "$CAPPROF" explain -i "$good2" NET_RAW
		vg "explain unknown name" "$CAPPROF" explain -i "$good2" no_such_thing
	else
		skipped+=(explain)
	fi
else
	skipped+=("capprof binary ($CAPPROF not built)")
fi

vg_report
echo
echo "valgrind: $runs runs, ${#failed[@]} with memcheck errors"
((${#skipped[@]})) && echo "skipped: ${skipped[*]}"
if ((${#failed[@]})); then
	echo "FAILED: ${failed[*]}"
	exit 1
fi
exit 0
