#!/usr/bin/env bash
# Podman with crun as a second engine. Three workloads are recorded on the
# host (busybox applets with CHOWN; Debian coreutils; a multi-process,
# multi-threaded pipeline), emitted three ways (--runtime crun; the default
# profile; the default with --arch x86_64,aarch64, i.e. Docker's archMap
# and includes.arches as Podman's containers/common reads them), and run in
# their image under
#   podman run --runtime crun --security-opt seccomp=PROFILE --cap-drop all
#              --cap-add CAP... [--security-opt no-new-privileges]
# with and without no-new-privileges: stdout and exit status must equal the
# unconfined `podman run --rm IMAGE` run. A control proves the profile is
# enforced: the crun profile without `write` must change the output.
#
# Needs root, podman and crun; scripts/podman-setup.sh imports the images
# (from scripts/mkimages.sh's cached rootfs tarballs) and writes the
# containers.conf this machine needs. Exit 0 pass, 1 fail, 77 skip, 78 env.
# timeout: 600
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd podman
need_cmd crun
top=$(cd "$(dirname "$0")/../.." && pwd)
conf=$("$top/scripts/podman-setup.sh" busybox debian 2>"$T/setup.log") ||
	envfail "podman cannot run here: $(tail -n3 "$T/setup.log")"
export CONTAINERS_CONF=$conf
bb=/bin/busybox
if [[ ! -x $bb ]] || ldd "$bb" >/dev/null 2>&1; then
	skip "needs the static $bb (busybox-static)"
fi
cd "$T" || exit 1
w=/tmp/capprof-podman-$$
trap 'rm -rf "$T" "$w"' EXIT

names=(busybox debian threads)
images=(capprof-busybox capprof-debian capprof-debian)
shells=("$bb sh" /bin/sh /bin/sh) # on the host; /bin/sh in both images
# shellcheck disable=SC2016 # expanded by the workload's shell
scripts_=(
	'set -e
umask 027
mkdir -p '"$w"'/a
for i in 3 1 2; do echo "line $i" > '"$w"'/a/f$i; done
cat '"$w"'/a/f* | sort -r
sha256sum '"$w"'/a/f1 | cut -c1-16
chown 65534:65534 '"$w"'/a/f1
stat -c "%u %a %n" '"$w"'/a/f1
rm -r '"$w"'
exit 3'
	'set -e
seq 1 2000 | sort -rn | head -n 3
printf "%s\n" b a c | sort
mkdir -p '"$w"' && ln -s /etc/debian_version '"$w"'/l && readlink '"$w"'/l
cp /etc/debian_version '"$w"'/v && wc -c < '"$w"'/v
rm -r '"$w"''
	'seq 1 20000 | sort --parallel=2 -S 1M -n | tail -n 1
seq 1 6 | xargs -P 3 -n 1 expr 100 + | sort -n | tr "\n" " "
echo'
)

run() { # OUT IMAGE ARGS... -- CMD...
	local out=$1 img=$2
	shift 2
	local args=()
	while [[ $1 != -- ]]; do
		args+=("$1")
		shift
	done
	shift
	podman run --rm --network none "${args[@]}" "$img" "$@" >"$out" 2>"$out.err"
	echo $? >"$out.rc"
}

failed=0
for i in "${!names[@]}"; do
	n=${names[i]} img=${images[i]}
	read -ra sh <<<"${shells[i]}"
	"$CAPPROF" record -q -o "$n.json" -- "${sh[@]}" -c "${scripts_[i]}" >"$n.host" 2>"$n.rec.err"
	rc=$?
	[[ $rc == 125 ]] && fail "$n: record failed: $(tail -n3 "$n.rec.err")"
	"$CAPPROF" emit -i "$n.json" --runtime crun -o "$n.crun.json" || fail "$n: emit --runtime crun"
	"$CAPPROF" emit -i "$n.json" -o "$n.default.json" || fail "$n: emit"
	"$CAPPROF" emit -i "$n.json" --arch x86_64,aarch64 -o "$n.multi.json" 2>/dev/null || fail "$n: emit --arch"
	mapfile -t caps < <("$CAPPROF" emit -i "$n.json" --caps)
	capargs=(--cap-drop all)
	for c in "${caps[@]}"; do capargs+=(--cap-add "$c"); done

	run "$n.free" "$img" -- /bin/sh -c "${scripts_[i]}"
	[[ -s $n.free ]] || fail "$n: the unconfined run printed nothing ($(cat "$n.free.err"))"
	for prof in crun default multi; do
		for nnp in with without; do
			opt=(--runtime crun --security-opt "seccomp=$PWD/$n.$prof.json" "${capargs[@]}")
			[[ $nnp == with ]] && opt+=(--security-opt no-new-privileges)
			run "$n.$prof.$nnp" "$img" "${opt[@]}" -- /bin/sh -c "${scripts_[i]}"
			if ! cmp -s "$n.free" "$n.$prof.$nnp" || ! cmp -s "$n.free.rc" "$n.$prof.$nnp.rc"; then
				echo "FAIL: $n, $prof profile, $nnp no-new-privileges: exit $(cat "$n.$prof.$nnp.rc") (unconfined $(cat "$n.free.rc"))"
				diff "$n.free" "$n.$prof.$nnp" | head -n 5
				head -n 3 "$n.$prof.$nnp.err"
				failed=$((failed + 1))
			else
				echo "ok: $n, $prof profile, $nnp no-new-privileges, caps: ${caps[*]:-none}: exit $(cat "$n.free.rc"), same output"
			fi
		done
	done
done

# Control: the profile is enforced (crun profile without write, with NNP, where crun itself needs only execve).
python3 - "busybox.crun.json" >nowrite.json <<'EOF' || fail "control: cannot edit the profile"
import json, sys
p = json.load(open(sys.argv[1]))
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in ("write", "writev")]
p["syscalls"] = [r for r in p["syscalls"] if r["names"]]
json.dump(p, sys.stdout)
EOF
run control capprof-busybox --runtime crun --security-opt "seccomp=$PWD/nowrite.json" --cap-drop all --cap-add CHOWN \
	--security-opt no-new-privileges -- /bin/sh -c "${scripts_[0]}"
if cmp -s busybox.free control && cmp -s busybox.free.rc control.rc; then
	fail "control: the profile without write changed nothing: Podman did not enforce it"
fi
echo "ok: control: without write the workload exits $(cat control.rc) and prints $(wc -c <control) bytes (unconfined: $(cat busybox.free.rc), $(wc -c <busybox.free))"
((failed == 0)) || fail "$failed confined runs differ from the unconfined ones"
