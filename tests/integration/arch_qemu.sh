#!/usr/bin/env bash
# The arm64 profile against what an arm64 build really calls: record three
# busybox workloads on this x86_64 machine, emit --arch x86_64,aarch64, run
# the same workloads with Debian's arm64 busybox under qemu-aarch64-static
# -strace, and run every call qemu saw through the profile compiled for
# arm64 (libseccomp, classic BPF interpreter: test_bpf_aarch64 --check).
# The x86_64-only profile must fail the same check (the mapping is needed).
# timeout: 120
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd qemu-aarch64-static
[[ $(uname -m) == x86_64 ]] || skip "records on x86_64 (this is $(uname -m))"
bb=$(command -v busybox) || skip "needs busybox (busybox-static) for the x86_64 side"
file -L "$bb" 2>/dev/null | grep -q 'statically linked' || skip "$bb is not the static busybox"
scripts=$(cd "$(dirname "$0")/../../scripts" && pwd)
arm=$("$scripts/arm64-busybox.sh" 2>"$T/fetch.err") ||
	skip "no arm64 busybox: $(cat "$T/fetch.err") (scripts/install-deps.sh sets it up)"
check=$BUILD/tests/test_bpf_aarch64
[[ -x $check ]] || fail "$check not built (make tests)"
cd "$T" || exit 1

# Builtins and NOFORK applets only: an exec would leave qemu (no binfmt_misc here).
workloads=(
	'ls -la /etc'
	'sh -c echo_hello'
	'sh -c files'
)
# shellcheck disable=SC2016 # the $x and $y are the workload's, not ours
script() {
	case $1 in
	echo_hello) printf '%s' 'echo hello | { read x; echo "$x"; }; printf "%s\n" done; test -e /etc/passwd && echo yes' ;;
	files) printf '%s' "mkdir -p $T/d; echo x > $T/d/f; ln -sf f $T/d/l; readlink $T/d/l;"' read -r y <'"$T/d/f"'; echo "$y";'" rm -r $T/d" ;;
	esac
}
# what each prints (the workload really ran), one line per entry
expect=('' $'hello\ndone\nyes' $'f\nx')

n=0
for w in "${workloads[@]}"; do
	read -ra args <<<"$w"
	[[ ${args[0]} == sh ]] && args=(sh -c "$(script "${args[2]}")")
	"$CAPPROF" record -q -o "rec$n.json" -- "$bb" "${args[@]}" >"x86.out$n" 2>"rec$n.err" ||
		fail "$w: record exited $? ($(tail -n2 "rec$n.err"))"
	"$CAPPROF" emit -i "rec$n.json" --arch x86_64,aarch64 -o "multi$n.json" 2>"emit$n.err" ||
		fail "$w: emit --arch exited $?: $(cat "emit$n.err")"
	"$CAPPROF" emit -i "rec$n.json" -o "x86only$n.json" || fail "$w: emit exited $?"

	qemu-aarch64-static -strace "$arm" "${args[@]}" >"arm.out$n" 2>"trace$n" || fail "$w: arm64 busybox exited $?"
	# the same workload: same output on both machines
	cmp -s "x86.out$n" "arm.out$n" || { diff "x86.out$n" "arm.out$n"; fail "$w: arm64 output differs"; }
	[[ -s x86.out$n ]] || fail "$w: printed nothing"
	[[ -z ${expect[n]} || $(cat "x86.out$n") == "${expect[n]}" ]] || fail "$w: printed $(cat "x86.out$n")"
	grep -q execve "trace$n" && fail "$w: the arm64 run exec'd something qemu does not follow"
	# qemu prints "PID name(args) = ret"; lines of several processes interleave
	mapfile -t names < <({
		grep -oE '(^|[ ])[a-z_][a-z0-9_]*\(' "trace$n" | tr -d ' ('
		grep -oE 'Unknown syscall [0-9]+' "trace$n" | awk '{print $3}'
	} | sort -u)
	((${#names[@]} >= 15)) || fail "$w: only ${#names[@]} calls parsed from qemu's trace"

	"$check" --check "multi$n.json" "${names[@]}" >"verdict$n" || {
		cat "verdict$n"
		fail "$w: the arm64 profile denies calls the arm64 build makes"
	}
	allowed=$(grep -c ': allowed$' "verdict$n")
	((allowed >= 15)) || fail "$w: only $allowed calls checked"
	# negative control: without the mapping the arm64 build is denied something
	"$check" --check "x86only$n.json" "${names[@]}" >"control$n" &&
		fail "$w: the x86_64-only profile passes the arm64 check too (the check proves nothing)"
	echo "ok: $w: ${#names[@]} calls seen by qemu, $allowed arm64 calls allowed ($(grep -c DENIED "control$n") denied without --arch)"
	n=$((n + 1))
done
