# Shared helpers for integration tests: source it, then call the functions.
# A test exits 0 on pass, 1 on fail, 77 on skip (after printing "SKIP: why"),
# 78 when the machine cannot provide what it should (after "ENV: why"):
# tests/run-tests.sh reports that apart from failures.
set -u
: "${CAPPROF:?}" "${WORKLOADS:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/capprof-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
envfail() { echo "ENV: $*"; exit 78; }
need_root() { [[ $(id -u) == 0 ]] || skip "needs root"; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || skip "needs $1 (not installed)"; }

# Docker end-to-end tests: start dockerd and build the test images they name
# (scripts/docker-setup.sh, scripts/mkimages.sh; both take a lock, so tests
# running at once share one engine and build each image once). Skip when
# Docker is not installed; an environment failure when it is but dockerd
# does not start or an image cannot be built (mirror unreachable).
# Sets $scripts to the scripts directory.
need_docker() { # IMAGE-KIND... (busybox, debian)
	need_root
	need_cmd docker
	scripts=${CAPPROF_SCRIPTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../scripts" && pwd)}
	[[ -x $scripts/docker-setup.sh && -x $scripts/mkimages.sh ]] ||
		skip "needs $scripts/docker-setup.sh and mkimages.sh"
	"$scripts/docker-setup.sh" >"$T/setup.log" 2>&1 || envfail "dockerd cannot start here: $(tail -n1 "$T/setup.log")"
	"$scripts/mkimages.sh" "$@" >>"$T/setup.log" 2>&1 || envfail "cannot build the $* image(s): $(tail -n3 "$T/setup.log")"
}

# Syscall names in a recording, one a line, sorted: of one architecture, or of all.
rec_syscalls() { # FILE [ARCH|all]
	python3 - "$1" "${2:-x86_64}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
arches = r["architectures"]
names = set()
for a, v in arches.items():
    if sys.argv[2] in ("all", a):
        names |= set(v.get("syscalls", {}))
for n in sorted(names):
    print(n)
PY
}

# Syscall names strace -f saw, sorted. The -c summary leaves out calls that
# never return (exit_group), so the full trace is parsed instead.
strace_syscalls() { # CMD...
	strace -f -qq -o "$T/strace.out" "$@" >/dev/null 2>&1 </dev/null
	sed -nE 's/^[0-9]+ +(<\.\.\. )?([a-z_0-9]+)[( ].*/\2/p' "$T/strace.out" |
		grep -v '^exited$\|^killed$' | sort -u
}

# The capabilities in a recording, one a line, sorted.
rec_caps() { python3 -c 'import json,sys; [print(c) for c in sorted(json.load(open(sys.argv[1]))["capabilities"])]' "$1"; }

assert_eq() { # WHAT EXPECTED ACTUAL
	[[ "$2" == "$3" ]] || fail "$1: expected [$2], got [$3]"
}

# Without auditd the kernel prints seccomp audit records through
# printk_ratelimit(): 10 per 5 s by default, the rest dropped. A raised
# kernel.printk_ratelimit_burst only counts from the next interval (a run
# right after the raise, in a spent interval, logged nothing); an interval
# of 0 turns the limit off at once. printk_limit_off does that and holds a
# lock until the script exits, so that tests take turns and none saves
# another's 0; the caller's EXIT trap runs printk_limit_restore.
printk_limit_saved=
printk_limit_off() {
	mkdir -p /run/lock/capprof
	exec {printk_limit_lock}>/run/lock/capprof/printk-limit.lock
	flock "$printk_limit_lock"
	printk_limit_saved=$(cat /proc/sys/kernel/printk_ratelimit)
	echo 0 >/proc/sys/kernel/printk_ratelimit
}
printk_limit_restore() {
	[[ -n $printk_limit_saved ]] && echo "$printk_limit_saved" >/proc/sys/kernel/printk_ratelimit
	return 0
}
