#!/usr/bin/env bash
# The seed scenario end to end: `record --minimize --docker` of apt-get
# update + install vim in the Debian image gives exactly CHOWN DAC_OVERRIDE
# FOWNER SETGID SETUID; `docker run` with exactly `emit --docker-run`'s
# flags installs vim with no W:/E: line; the summary names NET_ADMIN, KILL
# and DAC_READ_SEARCH tolerated with their evidence. Prints the trials and
# the time the minimisation took (make bench reports the same).
# timeout: 2400
# A proof: it installs from the Debian mirror (30-60 s of processor time),
# so make check runs it only when capprof's code or this script changed.
# prove: @code scripts/docker-setup.sh scripts/mkimages.sh
. "$(dirname "$0")/../lib.sh"
need_docker debian
cd "$T" || exit 1
mkdir tmp
export TMPDIR=$T/tmp
img=capprof-debian
work='apt-get update -qq && apt-get install -y -qq vim'
apt_complaints() { grep -E '^(W|E):' "$1"; }

# apt reaches Debian's archive from a container only with the host's network here.
docker run --rm --network=host "$img" sh -c 'apt-get update -qq' >probe.out 2>&1 ||
	skip "the Debian mirror is not reachable from a container: $(grep -m1 -E '^(W|E):' probe.out)"

start=$SECONDS
"$CAPPROF" record -q --minimize --docker "$img" --docker-arg=--network=host -o rec.json -- sh -c "$work" \
	>rec.out 2>rec.err || fail "record --minimize: exit $? $(tail -n8 rec.err)"
took=$((SECONDS - start))
grep -E '^verify: capabilities: ' rec.out || fail "no minimisation report: $(tail -n20 rec.out)"
grep -E '^  [A-Z_]+ +(required|tolerated)' rec.out

assert_eq "emit --caps" "CHOWN DAC_OVERRIDE FOWNER SETGID SETUID" "$("$CAPPROF" emit -i rec.json --caps | tr '\n' ' ' | sed 's/ $//')"
"$CAPPROF" emit -i rec.json --summary >summary || fail "emit --summary"
for c in NET_ADMIN KILL DAC_READ_SEARCH; do
	grep -q "^  $c *tolerated " summary || fail "summary: $c not tolerated: $(grep -A3 "^  $c" summary)"
	grep -A3 "^  $c *tolerated " summary | grep -q 'without it: outcome unchanged' ||
		fail "summary: $c without its evidence: $(grep -A3 "^  $c" summary)"
done
grep -q '^  NET_ADMIN *tolerated *setsockopt()' summary || fail "NET_ADMIN's evidence: $(grep -A2 NET_ADMIN summary)"

# docker run with exactly emit --docker-run's flags.
"$CAPPROF" emit -i rec.json --docker -o seccomp.json || fail "emit --docker"
"$CAPPROF" emit -i rec.json --docker-run --profile-path "$T/seccomp.json" >flags || fail "emit --docker-run"
mapfile -t flags < <(grep -v '^#' flags | sed 's/ /\n/')
grep -q -- '--cap-add NET_ADMIN' flags && fail "emit --docker-run grants NET_ADMIN"
docker run --rm "${flags[@]}" --network=host "$img" sh -c "$work" >enf.out 2>&1 ||
	fail "the run with emit --docker-run's flags failed (exit $?): $(tail -n8 enf.out)"
! apt_complaints enf.out || fail "apt complained under emit --docker-run's flags"
grep -q '^Setting up vim ' enf.out || fail "vim was not installed: $(tail -n5 enf.out)"
echo "minimize: $(sed -n 's/^verify: capabilities: //p' rec.out); record + minimize ${took}s"
echo PASS
