#!/usr/bin/env bash
# verify --minimize and record --minimize on a workload with four capability
# checks of four fates (tests/workloads/least_priv.c): CHOWN required (exit
# status), FOWNER required (only stderr changes), NET_ADMIN and SYS_NICE
# tolerated (silent fallbacks). On the host (fresh overlay per trial by
# default, --in-place on request) and with --sandbox: verdicts exact, the
# predicted-tolerated pair costs one trial, emit grants exactly the required
# ones, the summary says why, and trials leave the host's file alone.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3
cd "$T" || exit 1
W=$WORKLOADS/least_priv

verdicts() { python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["capabilities"]
print(" ".join("%s=%s" % (k, c[k]["verdict"]) for k in sorted(c)))' "$1"; }
want="CHOWN=required FOWNER=required NET_ADMIN=tolerated SYS_NICE=tolerated"

check() { # NAME RECORDING OUTPUT
	assert_eq "$1: verdicts" "$want" "$(verdicts "$2")"
	assert_eq "$1: emit --caps" "CHOWN FOWNER" "$("$CAPPROF" emit -i "$2" --caps | tr '\n' ' ' | sed 's/ $//')"
	assert_eq "$1: emit --caps --keep-tolerated" "CHOWN FOWNER NET_ADMIN SYS_NICE" \
		"$("$CAPPROF" emit -i "$2" --caps --keep-tolerated | tr '\n' ' ' | sed 's/ $//')"
	"$CAPPROF" emit -i "$2" --docker-run >flags || fail "$1: emit --docker-run"
	grep -q -- '--cap-add NET_ADMIN' flags && fail "$1: --docker-run grants NET_ADMIN: $(cat flags)"
	grep -q -- '--cap-add FOWNER' flags || fail "$1: --docker-run lacks FOWNER: $(cat flags)"
	# group testing: NET_ADMIN and SYS_NICE in one trial, CHOWN and FOWNER one each
	grep -q '^verify: capabilities: 3 trials for 4' "$3" || fail "$1: trial count: $(grep -E 'trials|trial ' "$3")"
	grep -q 'FOWNER *required (stderr has 1 line, reference 0: line 1 "warning: cannot set' "$3" ||
		fail "$1: FOWNER's reason: $(grep FOWNER "$3")"
	grep -q 'CHOWN *required (exit 1, reference 0' "$3" || fail "$1: CHOWN's reason: $(grep CHOWN "$3")"
	grep -q 'capprof: minimize: trial 1 of 3: without NET_ADMIN SYS_NICE' "$3" ||
		fail "$1: progress: $(grep 'minimize:' "$3")"
	"$CAPPROF" emit -i "$2" --summary >summary || fail "$1: summary"
	grep -A2 '^  NET_ADMIN *tolerated' summary | grep -q 'without it: outcome unchanged' ||
		fail "$1: summary lacks NET_ADMIN's evidence: $(cat summary)"
	"$CAPPROF" explain -i "$2" NET_ADMIN | grep -q 'not granted: tolerated' || fail "$1: explain NET_ADMIN"
}

# Host recording: trials on fresh overlays by default.
touch f
"$CAPPROF" record -q -o host.json -- "$W" f >/dev/null || fail "record"
chown 0:0 f
touch -d '2020-01-01' f
"$CAPPROF" verify -i host.json --minimize >out 2>&1 || fail "verify --minimize: $(cat out)"
grep -q 'fresh overlay of this host per trial' out || fail "host: not on fresh overlays: $(head -3 out)"
check host host.json out
assert_eq "host: the file's owner after the trials" "0:0" "$(stat -c %u:%g f)"
[[ $(stat -c %Y f) != 1000000000 ]] || fail "host: a trial set the host file's times"

# --in-place: told, so it runs on the host, with a warning.
"$CAPPROF" record -q -o inplace.json -- "$W" f >/dev/null || fail "record in place"
chown 0:0 f
"$CAPPROF" verify -i inplace.json --minimize --in-place >out2 2>&1 || fail "verify --in-place: $(cat out2)"
grep -q 'each trial sees the state the ones before it left' out2 || fail "--in-place: no warning: $(head -5 out2)"
# --in-place with --sandbox: two places
"$CAPPROF" verify -i inplace.json --minimize --in-place --sandbox >/dev/null 2>&1
assert_eq "--in-place --sandbox" 125 "$?"

# record --sandbox --minimize: one command, trials on fresh sandboxes too.
chown 0:0 f
"$CAPPROF" record -q --sandbox --minimize -o sb.json -- "$W" f >out3 2>&1 || fail "record --sandbox --minimize: $(cat out3)"
grep -q 'recorded with --sandbox: verifying on a fresh sandbox per trial' out3 || fail "sandbox: $(head -5 out3)"
check sandbox sb.json out3
assert_eq "sandbox: the file's owner" "0:0" "$(stat -c %u:%g f)"
echo PASS
