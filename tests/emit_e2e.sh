# emit end to end against a real Docker engine and runc, shared by
# tests/docker/emit_e2e*.sh (one workload each, so that the Docker lane runs
# them side by side: together they took 260 s, the longest test of make
# check). For a workload recorded inside its image with `record --docker`:
# 1. `docker run` with exactly the flags `emit --docker-run` prints gives the
#    same stdout and exit status as the unconfined `docker run --rm IMAGE`:
#    with no-new-privileges (the printed flags as they are) under the default
#    profile and under the `--nnp` profile, and without it (that one line
#    dropped) under the default profile, which is meant for both.
# 2. The profile is not padded: for a deterministic sample of the allowed
#    names that are not the runtime's own (profiles/runtime-runc.json,
#    proven by runtime_baseline.sh), the profile minus that one name makes the
#    workload's run differ (status, stdout, or docker run failing); it prints
#    which way; at least 4 of the sample must break it. A removal that
#    changes nothing is printed: with its reason when the name is in the
#    table of calls whose failure the caller is known to tolerate (not
#    counted), else as unexplained; more than 2 unexplained fail the test.
#
# SAMPLE=N (default 6) counted names per NNP setting (explained ones do not
# count), SAMPLE=all for every name.
# Usage, after lib.sh: . emit_e2e.sh IMAGE-KIND... (need_docker's: skips with
# 77 when they cannot be had); e2e_workload NAME IMAGE SCRIPT; e2e_end (exit
# 0 pass, 1 fail).
need_cmd python3
top=$(cd "$(dirname "$0")/../.." && pwd)
need_docker "$@"
docker info -f '{{json .Runtimes}}' 2>/dev/null | grep -q '"runc"' || skip "dockerd has no runc runtime"
rtlist=${CAPPROF_DATADIR:-$top/profiles}/runtime-runc.json
[[ -f $rtlist ]] || fail "no $rtlist"
cd "$T" || exit 1
mkdir tmp
export TMPDIR=$T/tmp
start=$SECONDS
sample=${SAMPLE:-6}

# runc, named on the command line only when it is not dockerd's default.
rt=()
[[ $(docker info -f '{{.DefaultRuntime}}' 2>/dev/null) == runc ]] || rt=(--runtime runc)

# Calls whose failure the caller is known to shrug off (EPERM or ENOSYS
# alike), or that fail without the filter too: a removal of one of these
# that changes nothing is explained, printed and not counted. Anything else
# whose removal changes nothing fails the test.
tolerated() { # NAME PROFILE-TEXT
	case $1 in
	rseq) echo "glibc registers rseq per thread and runs without it when registration fails" ;;
	set_robust_list) echo "glibc's startup registers the robust futex list and ignores a failure" ;;
	set_tid_address) echo "glibc's startup; the tid it returns is cached for thread functions these single-threaded programs do not use" ;;
	getrandom) echo "glibc malloc seeds its tcache key with getrandom(GRND_NONBLOCK) and falls back to a clock-based value" ;;
	prlimit64) echo "glibc's startup reads RLIMIT_STACK for the default thread stack size and uses a built-in size when that fails" ;;
	brk) echo "glibc malloc falls back to mmap when brk fails" ;;
	mmap) echo "static busybox: glibc malloc falls back to brk when mmap of a large block fails" ;;
	sendfile) echo "busybox copies with sendfile and falls back to read/write when it fails" ;;
	copy_file_range) echo "coreutils cp falls back to read/write when copy_file_range fails (EPERM included)" ;;
	ioctl) echo "isatty() (TCGETS) on stdin, which is /dev/null here: fails with ENOTTY without the filter too" ;;
	socket | connect) echo "glibc NSS tries nscd's Unix socket first (no nscd in the image: fails anyway) and reads /etc/passwd, /etc/group" ;;
	munmap) echo "glibc free() ignores munmap's result: a failure only leaves the mapping in place" ;;
	fadvise64) echo "posix_fadvise is advice; coreutils ignores a failure" ;;
	exit_group) [[ $2 == *'"exit"'* ]] && echo "glibc's _exit falls back to the exit syscall when exit_group fails, and this workload's threads made exit (allowed)" ;;
	sched_getaffinity) echo "nproc for sort's threads: gnulib falls back to sysconf(_SC_NPROCESSORS_ONLN)" ;;
	lseek) echo "coreutils' close_stdin checks the stdin position with lseek(0, 0, SEEK_CUR); stdin is a pipe here, so it fails with ESPIPE without the filter too" ;;
	rt_sigaction) echo "busybox sh resets signal dispositions it inherited; a failure leaves the defaults, which this script never relies on" ;;
	*) return 1 ;;
	esac
}

# The runtime's own names (either NNP setting): not sampled.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(sorted(set(d["with_nnp"])|set(d["without_nnp"]))))' \
	"$rtlist" >runtime.names

# allowed PROFILE: the names the profile allows (SCMP_ACT_ALLOW entries).
allowed() {
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
print("\n".join(sorted({n for r in p["syscalls"] if r["action"] == "SCMP_ACT_ALLOW" for n in r["names"]})))' "$1"
}

# without PROFILE NAME OUT: the profile with NAME removed from every entry.
without() {
	python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
out = []
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n != sys.argv[2]]
    if r["names"]:
        out.append(r)
p["syscalls"] = out
json.dump(p, open(sys.argv[3], "w"), indent=1)' "$1" "$2" "$3"
}

# Deterministic sample order: the names ordered by the md5 of "KEY:name".
# The sample is the first SAMPLE names in that order that are counted
# (needed, or unexplained); explained ones are printed and skipped.
pick() { # KEY FILE
	local n
	while read -r n; do
		printf '%s %s\n' "$(printf '%s:%s' "$1" "$n" | md5sum | cut -c1-12)" "$n"
	done <"$2" | sort | cut -d' ' -f2
}

# run OUT ERR IMAGE SCRIPT DOCKER-FLAGS...: docker run --rm, killed after
# 30 s (a denial can make a pipeline wait forever); exit status to $rc.
nrun=0
run() {
	local out=$1 err=$2 img=$3 script=$4 name
	shift 4
	nrun=$((nrun + 1))
	name=capprof-e2e-$$-$nrun
	timeout -k 5 30 docker run --rm --name "$name" "${rt[@]}" "$@" "$img" sh -c "$script" >"$out" 2>"$err" </dev/null
	rc=$?
	if ((rc == 124 || rc == 137)); then
		docker rm -f "$name" >/dev/null 2>&1
		echo "capprof-test: hung, killed after 30s" >>"$err"
	fi
}

# how REF_RC REF_OUT REF_ERR RC OUT ERR: empty when the run is the same as
# the reference (status, stdout, stderr), else how it differs.
how() {
	local rrc=$1 rout=$2 rerr=$3 rc_=$4 out=$5 err=$6
	if ((rc_ == 124 || rc_ == 137)) && grep -q 'capprof-test: hung' "$err"; then
		echo "hung: killed after 30s"
	elif [[ $rc_ != "$rrc" ]]; then
		if ((rc_ >= 125 && rc_ <= 127)) && grep -q -i 'docker\|OCI runtime\|runc' "$err"; then
			echo "docker run failed (exit $rc_): $(grep -m1 -i 'error\|docker' "$err" | cut -c1-150)"
		elif ((rc_ > 128)); then
			echo "killed by signal $((rc_ - 128)) (exit $rc_, expected $rrc)"
		else
			echo "exit status $rc_ instead of $rrc: $(head -n1 "$err" | cut -c1-150)"
		fi
	elif ! cmp -s "$rout" "$out"; then
		echo "stdout differs: $(diff "$rout" "$out" | grep -m1 '^[<>]' | cut -c1-120) ($(head -n1 "$err" | cut -c1-100))"
	elif ! cmp -s "$rerr" "$err"; then
		echo "same status and stdout, but an error on stderr: $(diff "$rerr" "$err" | grep -m1 '^[<>]' | cut -c1-150)"
	fi
}

failed=0
bad() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

e2e_workload() { # NAME IMAGE SCRIPT
	local w=$1 img=$2 script=$3 ref_rc mode prof flags words d extra n_cand necessary explained padded quoted name pflags why
	echo "== workload $w ($img)"
	# The unconfined reference, twice: the workload must be deterministic.
	run "$w.ref" "$w.ref.err" "$img" "$script"
	ref_rc=$rc
	run "$w.ref2" "$w.ref2.err" "$img" "$script"
	if [[ $rc != "$ref_rc" ]] || ! cmp -s "$w.ref" "$w.ref2" || ! cmp -s "$w.ref.err" "$w.ref2.err"; then
		fail "$w: two unconfined runs differ (exit $ref_rc and $rc): the workload is not deterministic"
	fi
	[[ -s $w.ref ]] || fail "$w: no output unconfined: $(cat "$w.ref.err")"
	echo "unconfined: exit $ref_rc, $(wc -l <"$w.ref") lines"

	"$CAPPROF" record -q --docker "$img" -o "$w.rec.json" -- sh -c "$script" >"$w.rec.out" 2>"$w.rec.err"
	assert_eq "$w: exit status recorded" "$ref_rc" "$?"
	cmp -s "$w.ref" "$w.rec.out" || fail "$w: output while recorded differs: $(diff "$w.ref" "$w.rec.out" | head -n4)"
	"$CAPPROF" emit -i "$w.rec.json" --docker --runtime runc -o "$w.both.json" || fail "$w: emit --docker"
	"$CAPPROF" emit -i "$w.rec.json" --docker --runtime runc --nnp -o "$w.nnp.json" || fail "$w: emit --docker --nnp"
	echo "caps: $("$CAPPROF" emit -i "$w.rec.json" --caps | tr '\n' ' ')"

	for mode in nnp nnp-default no-nnp; do
		case $mode in
		nnp) prof=$w.nnp.json ;;
		*) prof=$w.both.json ;;
		esac
		"$CAPPROF" emit -i "$w.rec.json" --docker-run --profile-path "$T/$prof" >"$w.$mode.flags" ||
			fail "$w: emit --docker-run"
		grep -qx -- '--security-opt no-new-privileges' "$w.$mode.flags" ||
			fail "$w: emit --docker-run printed no no-new-privileges line: $(cat "$w.$mode.flags")"
		flags=()
		while read -r -a words; do
			[[ ${words[0]} == '#'* ]] && continue
			[[ $mode == no-nnp && ${words[*]} == '--security-opt no-new-privileges' ]] && continue
			flags+=("${words[@]}")
		done <"$w.$mode.flags"
		run "$w.$mode.out" "$w.$mode.err" "$img" "$script" "${flags[@]}"
		d=$(how "$ref_rc" "$w.ref" "$w.ref.err" "$rc" "$w.$mode.out" "$w.$mode.err")
		if [[ -n $d && $d != "same status and stdout"* ]]; then
			bad "$w $mode: the emitted flags and profile break it: $d"
			echo "  flags: ${flags[*]}"
			# Diagnosis only: does allowing faccessat2 (which the profile
			# fails with ENOSYS) instead make it pass? runc's Go code checks
			# the executable with faccessat2 before exec, after the filter
			# is loaded when there is no no-new-privileges.
			python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n != "faccessat2"]
p["syscalls"] = [r for r in p["syscalls"] if r["names"]]
p["syscalls"].append({"names": ["faccessat2"], "action": "SCMP_ACT_ALLOW", "args": []})
json.dump(p, open(sys.argv[2], "w"))' "$prof" "$w.$mode.diag.json"
			run "$w.$mode.diag.out" "$w.$mode.diag.err" "$img" "$script" \
				"${flags[@]/#seccomp=*/seccomp=$T/$w.$mode.diag.json}"
			d=$(how "$ref_rc" "$w.ref" "$w.ref.err" "$rc" "$w.$mode.diag.out" "$w.$mode.diag.err")
			echo "  diagnosis: the same profile with faccessat2 allowed instead of ENOSYS: ${d:-passes (same status, stdout, stderr)}"
			continue
		fi
		[[ -n $d ]] && echo "note: $w $mode: $d"
		echo "$mode: same exit status and stdout under: ${flags[*]/"$T/"/}"
		[[ $mode == nnp-default ]] && continue

		# Not padded: remove one sampled name at a time.
		allowed "$prof" | grep -vxF -f runtime.names >"$w.$mode.cand"
		# Nothing beyond the recording and the runtime's list is allowed.
		extra=$(rec_syscalls "$w.rec.json" all | grep -vxF -f - "$w.$mode.cand")
		[[ -z $extra ]] || bad "$w $mode: allowed but neither recorded nor the runtime's: $(echo "$extra" | tr '\n' ' ')"
		n_cand=$(wc -l <"$w.$mode.cand")
		necessary=0 explained=0 padded=0
		quoted=$(allowed "$prof" | sed 's/.*/"&"/') # for tolerated's PROFILE-TEXT
		for name in $(pick "$w:$mode" "$w.$mode.cand"); do
			[[ $sample != all ]] && ((necessary + padded >= sample)) && break
			without "$prof" "$name" "$w.$mode.no-$name.json"
			pflags=("${flags[@]/#seccomp=*/seccomp=$T/$w.$mode.no-$name.json}")
			# A removal that changes nothing is tried twice more (a failure
			# can depend on timing), unless the name is in the table above:
			# then the outcome is not counted either way.
			why=$(tolerated "$name" "$quoted") || why=
			d=
			for _ in 1 2 3; do
				run "$w.$mode.no.out" "$w.$mode.no.err" "$img" "$script" "${pflags[@]}"
				d=$(how "$ref_rc" "$w.ref" "$w.ref.err" "$rc" "$w.$mode.no.out" "$w.$mode.no.err")
				[[ -n $d || -n $why ]] && break
			done
			if [[ -n $d ]]; then
				necessary=$((necessary + 1))
				printf '  %-18s needed: %s\n' "$name" "$d"
			elif [[ -n $why ]]; then
				explained=$((explained + 1))
				printf '  %-18s tolerated (not counted): %s\n' "$name" "$why"
			else
				# Recorded (checked above: nothing unrecorded is allowed), so the
				# workload made it and carries on when it fails: a call it
				# tolerates, not a padded profile. Counted apart; too many fail.
				padded=$((padded + 1))
				printf '  %-18s recorded, but its failure changes nothing here (not counted)\n' "$name"
			fi
		done
		echo "$mode: $necessary needed, $explained tolerated (known), $padded tolerated (unexplained), of $n_cand non-runtime names allowed"
		# The sample must mostly break the workload: the allow-list is what it needs.
		((necessary >= 4)) || bad "$w $mode: only $necessary sampled removals broke the workload"
		((padded <= 2)) || bad "$w $mode: $padded sampled removals changed nothing without a known reason"
	done
}

e2e_end() {
	echo "time: $((SECONDS - start))s"
	((failed == 0)) || exit 1
	exit 0
}
