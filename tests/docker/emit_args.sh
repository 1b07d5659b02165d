#!/usr/bin/env bash
# The argument rules `emit --docker` makes, each proven in a real
# `docker run` (runc, with the flags `emit --docker-run` prints): a probe
# (a static C program built here, bound into capprof-busybox) is recorded
# making sockets of AF_UNIX and AF_INET, personality(0) and
# personality(0xffffffff), unshare(CLONE_FILES) and a plain fork-like
# clone. The emitted profile has a socket rule per family, a personality
# rule per value and namespace-mask rules on clone and unshare, and:
# - the recorded probe passes under it, with and without no-new-privileges;
# - each variant using a value it never used (socket AF_NETLINK, AF_INET6;
#   personality PER_LINUX32; clone and unshare with CLONE_NEWUSER) gets
#   EPERM under it, while the same variant works under the `--no-args`
#   profile with the same flags (so the argument rule refused it, not a
#   missing capability or name) and with Docker's default profile where
#   that allows it (socket, personality: Docker's default refuses
#   namespace flags without SYS_ADMIN, so there seccomp=unconfined with the
#   same capabilities is the reference).
# Exit 0 pass, 1 fail, 77 skip. About 15-30 s.
. "$(dirname "$0")/../lib.sh"
need_cmd python3
need_cmd gcc
[[ $(uname -m) == x86_64 ]] || skip "the probe and the expected rules are for x86_64"
need_docker busybox
docker info -f '{{json .Runtimes}}' 2>/dev/null | grep -q '"runc"' || skip "dockerd has no runc runtime"
cd "$T" || exit 1
mkdir tmp
export TMPDIR=$T/tmp
start=$SECONDS
rt=()
[[ $(docker info -f '{{.DefaultRuntime}}' 2>/dev/null) == runc ]] || rt=(--runtime runc)

# probe ACTION VALUE...: raw syscalls, so the filter sees exactly VALUE;
# prints "ACTION VALUE: ok" or the errno's name, exits 1 when any failed.
cat >probe.c <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int bad = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		unsigned long v = strtoul(argv[i + 1], NULL, 0);
		long r;

		if (!strcmp(argv[i], "socket")) {
			r = socket((int)v, SOCK_DGRAM, 0);
			if (r >= 0)
				close((int)r);
		} else if (!strcmp(argv[i], "unshare")) {
			r = syscall(SYS_unshare, v);
		} else if (!strcmp(argv[i], "clone")) {
			/* fork-like: no new stack, the child exits at once */
			r = syscall(SYS_clone, v | SIGCHLD, 0, 0, 0, 0);
			if (r == 0)
				syscall(SYS_exit_group, 0);
			if (r > 0)
				waitpid((pid_t)r, NULL, 0);
		} else if (!strcmp(argv[i], "personality")) {
			r = syscall(SYS_personality, v);
		} else {
			fprintf(stderr, "probe: unknown action %s\n", argv[i]);
			return 2;
		}
		if (r < 0) {
			printf("%s %s: %s\n", argv[i], argv[i + 1], strerrorname_np(errno));
			bad = 1;
		} else {
			printf("%s %s: ok\n", argv[i], argv[i + 1]);
		}
	}
	return bad;
}
EOF
gcc -static -O2 -Wall -o probe probe.c 2>cc.err || skip "cannot build a static C program here (glibc static): $(head -n1 cc.err)"

img=capprof-busybox
mount=(-v "$T/probe:/probe:ro")
recorded=(socket 1 socket 2 personality 0xffffffff personality 0 unshare 0x400 clone 0)
"$CAPPROF" record -q --docker "$img" --docker-arg -v --docker-arg "$T/probe:/probe:ro" -o rec.json -- \
	/probe "${recorded[@]}" >rec.out 2>rec.err || fail "record: exit $? $(cat rec.out rec.err)"
"$CAPPROF" emit -i rec.json --docker --runtime runc -o args.json || fail "emit --docker"
"$CAPPROF" emit -i rec.json --docker --runtime runc --no-args -o noargs.json || fail "emit --docker --no-args"

# The rules this test is about are there (and absent with --no-args).
python3 - args.json noargs.json <<'PY' || fail "the emitted argument rules are not the expected ones"
import json, sys
def rules(f):
    out = {}
    for r in json.load(open(f))["syscalls"]:
        if r["action"] != "SCMP_ACT_ALLOW":
            continue
        for n in r["names"]:
            out.setdefault(n, []).append([(a["index"], a["value"], a.get("valueTwo", 0), a["op"]) for a in r.get("args") or []])
    return out
a, na = rules(sys.argv[1]), rules(sys.argv[2])
ns = 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00020000
checks = {
    "socket": sorted([[(0, 1, 0, "SCMP_CMP_EQ")], [(0, 2, 0, "SCMP_CMP_EQ")]]),
    "personality": sorted([[(0, 0, 0, "SCMP_CMP_EQ")], [(0, 0xffffffff, 0, "SCMP_CMP_EQ")]]),
    "clone": [[(0, ns, 0, "SCMP_CMP_MASKED_EQ")]],
    "unshare": [[(0, ns | 0x80, 0, "SCMP_CMP_MASKED_EQ")]],
}
ok = True
for name, want in checks.items():
    got = sorted(a.get(name, []))
    print(f"{name}: {got}")
    if got != want:
        print(f"  expected {want}")
        ok = False
    if na.get(name) != [[]]:
        print(f"  --no-args: {na.get(name)} (expected one plain allow)")
        ok = False
sys.exit(0 if ok else 1)
PY

# The flags `emit --docker-run` prints, for PROFILE, one word an element,
# without the no-new-privileges line when NNP is "no".
flags_for() { # PROFILE NNP
	local words
	"$CAPPROF" emit -i rec.json --docker-run --profile-path "$T/$1" >flags.txt || fail "emit --docker-run"
	flags=()
	while read -r -a words; do
		[[ ${words[0]} == '#'* ]] && continue
		[[ $2 == no && ${words[*]} == '--security-opt no-new-privileges' ]] && continue
		flags+=("${words[@]}")
	done <flags.txt
}

run() { # OUT DOCKER-FLAGS... -- PROBE-ARGS...
	local out=$1 d=()
	shift
	while [[ $1 != -- ]]; do
		d+=("$1")
		shift
	done
	shift
	timeout -k 5 30 docker run --rm "${rt[@]}" "${d[@]}" "${mount[@]}" "$img" /probe "$@" >"$out" 2>"$out.err" </dev/null
	rc=$?
}

failed=0
bad() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

# The recorded probe passes under the emitted flags and profile.
for nnp in yes no; do
	flags_for args.json "$nnp"
	run base.out "${flags[@]}" -- "${recorded[@]}"
	if [[ $rc == 0 ]] && cmp -s base.out rec.out; then
		echo "recorded probe, no-new-privileges $nnp: passes under ${flags[*]/"$T/"/}"
	else
		bad "recorded probe, no-new-privileges $nnp: exit $rc: $(cat base.out base.out.err)"
	fi
done

# Each variant: EPERM under the rules, ok without them and in the reference.
flags_for args.json yes
with_args=("${flags[@]}")
flags_for noargs.json yes
no_args=("${flags[@]}")
caps=()
for ((i = 0; i < ${#with_args[@]}; i++)); do
	[[ ${with_args[i]} == --cap-* ]] && caps+=("${with_args[i]}" "${with_args[i + 1]}")
done
variants=("socket 16" "socket 10" "personality 8" "clone 0x10000000" "unshare 0x10000000")
why=("AF_NETLINK" "AF_INET6" "PER_LINUX32" "CLONE_NEWUSER" "CLONE_NEWUSER")
for i in "${!variants[@]}"; do
	read -r -a v <<<"${variants[$i]}"
	case ${v[0]} in
	socket | personality) ref=() refname="Docker's default profile" ;;
	*) ref=("${caps[@]}" --security-opt seccomp=unconfined) refname="seccomp=unconfined, same capabilities" ;;
	esac
	run ref.out "${ref[@]}" -- "${v[@]}"
	ref_res="$(cat ref.out) (exit $rc)"
	run noargs.out "${no_args[@]}" -- "${v[@]}"
	na_res="$(cat noargs.out) (exit $rc)"
	run args.out "${with_args[@]}" -- "${v[@]}"
	a_res="$(cat args.out) (exit $rc)"
	printf '%-28s %-14s rules: %-36s --no-args: %-30s %s: %s\n' "${variants[$i]}" "(${why[$i]})" \
		"$a_res" "$na_res" "$refname" "$ref_res"
	[[ $a_res == "${variants[$i]}: EPERM (exit 1)" ]] || bad "${variants[$i]}: not refused with EPERM under the argument rules"
	[[ $na_res == "${variants[$i]}: ok (exit 0)" ]] || bad "${variants[$i]}: fails under --no-args too, so the rule is not what refused it"
	[[ $ref_res == "${variants[$i]}: ok (exit 0)" ]] || bad "${variants[$i]}: fails under $refname"
done
# The masks refuse namespace bits only: flags the probe never used but that
# set no namespace bit pass (unshare CLONE_FS, clone CLONE_PARENT_SETTID,
# which with a null pointer stores nothing).
for v in "unshare 0x200" "clone 0x100000"; do
	read -r -a vv <<<"$v"
	run args.out "${with_args[@]}" -- "${vv[@]}"
	if [[ $rc == 0 && $(cat args.out) == "$v: ok" ]]; then
		echo "$v (no namespace bit, not recorded): ok under the rules"
	else
		bad "$v: refused under the rules although it sets no namespace bit: $(cat args.out args.out.err)"
	fi
done
echo "time: $((SECONDS - start))s"
((failed == 0)) || exit 1
exit 0
