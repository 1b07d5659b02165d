#!/usr/bin/env bash
# The user's example end to end: in the Debian image, record
# `apt-get update && apt-get install -y vim` with --docker, emit the seccomp
# profile and the capability list, and run the same workload in a real
# `docker run --cap-drop ALL --cap-add ... --security-opt seccomp=...`:
# vim installs, and apt prints no W: or E: line. Prints the capability set
# and the plain, recorded and enforced run times.
# timeout: 1200
# A proof: it installs from the Debian mirror (30-60 s of processor time),
# so make check runs it only when capprof's code or this script changed.
# prove: @code scripts/docker-setup.sh scripts/mkimages.sh
. "$(dirname "$0")/../lib.sh"
need_docker debian
cd "$T" || exit 1
img=capprof-debian
work='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y vim'
now() { date +%s.%N; }
secs() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }
apt_complaints() { grep -E '^(W|E):' "$1"; }

# The plain run, which also tells whether the default bridge reaches the mirror.
net=()
t0=$(now)
if ! docker run --rm "$img" sh -c "$work" >plain.out 2>&1; then
	net=(--network host)
	t0=$(now)
	docker run --rm "${net[@]}" "$img" sh -c "$work" >plain.out 2>&1 ||
		skip "the Debian mirror is not reachable from a container: $(grep -m1 -E '^(W|E):' plain.out)"
fi
t1=$(now)
echo "network: ${net[*]:-default bridge}"
dargs=()
for a in "${net[@]}"; do dargs+=(--docker-arg "$a"); done

"$CAPPROF" record -q --docker "$img" "${dargs[@]}" -o rec.json -- sh -c "$work" >rec.out 2>&1 ||
	fail "record --docker: exit $? $(tail -n5 rec.out)"
t2=$(now)
! apt_complaints rec.out || fail "apt complained while recorded"
grep -q '^Setting up vim ' rec.out || fail "vim was not installed while recorded: $(tail -n5 rec.out)"

# The profile carries the runtime's own syscalls: the one dockerd uses, or
# CAPPROF_TEST_RUNTIME (passed to docker run as --runtime).
# Without the default runtime's baseline data, crun's (when dockerd has crun).
default=$(docker info -f '{{.DefaultRuntime}}' 2>/dev/null)
runtime=${CAPPROF_TEST_RUNTIME:-$default}
if [[ -z ${CAPPROF_TEST_RUNTIME:-} ]] && ! "$CAPPROF" emit -i rec.json --docker --runtime "$runtime" >/dev/null 2>&1 &&
	docker info -f '{{json .Runtimes}}' | grep -q '"crun"'; then
	echo "note: no baseline data for $runtime: using crun"
	runtime=crun
fi
rt=()
[[ $runtime == "$default" ]] || rt=(--runtime "$runtime")
"$CAPPROF" emit -i rec.json --docker --runtime "${runtime:-runc}" -o seccomp.json 2>err || fail "emit --docker: $(cat err)"
"$CAPPROF" emit -i rec.json --caps >caps || fail "emit --caps"
"$CAPPROF" emit -i rec.json --docker-run --profile-path "$T/seccomp.json" >flags || fail "emit --docker-run"
mapfile -t flags < <(grep -v '^#' flags | sed 's/ /\n/')
grep -qx -- '--cap-drop ALL' flags || fail "no --cap-drop ALL in: $(cat flags)"
echo "runtime: $runtime"
echo "capabilities: $(tr '\n' ' ' <caps)"
echo "docker run flags: $(tr '\n' ' ' <flags)"

t3=$(now)
docker run --rm "${rt[@]}" "${flags[@]}" "${net[@]}" "$img" sh -c "$work" >enf.out 2>&1 ||
	fail "the enforced run failed (exit $?): $(tail -n8 enf.out)"
t4=$(now)
! apt_complaints enf.out || fail "apt complained under the profile"
grep -q '^Setting up vim ' enf.out || fail "vim was not installed under the profile: $(tail -n5 enf.out)"

# The profile is in force: a call the workload never made is refused.
if docker run --rm "${rt[@]}" "${flags[@]}" "$img" unshare --user --map-root-user true >neg.out 2>&1; then
	fail "unshare --user ran under the profile: the profile is not enforced"
fi
grep -q 'Operation not permitted' neg.out || fail "unshare failed for another reason: $(cat neg.out)"

# capprof verify --docker does the same from the recording alone.
vargs=()
for a in "${rt[@]}" "${net[@]}"; do vargs+=(--docker-arg "$a"); done
"$CAPPROF" verify -i rec.json --docker "$img" "${vargs[@]}" --ignore-output >ver.out 2>&1 ||
	fail "verify --docker: exit $? $(grep -A3 '^verify: ' ver.out)"
grep -q '^Setting up vim ' ver.out || fail "vim was not installed under verify --docker"
! apt_complaints ver.out || fail "apt complained under verify --docker"
grep '^verify: PASS' ver.out

echo "time: plain $(secs "$t0" "$t1")s, recorded $(secs "$t1" "$t2")s, enforced $(secs "$t3" "$t4")s"
exit 0
