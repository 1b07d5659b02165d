#!/usr/bin/env bash
# record --docker --minimize: no trial of a container recording touches the
# host. The workload writes a marker file under a path that exists on the
# host too (/tmp) and needs CHOWN for its exit status; every trial (and the
# two reference runs) runs in a fresh container of the image, so the host
# never gets the marker. Also: an option a container cannot honour is an
# error (125), not a silent run on the host.
# timeout: 600
. "$(dirname "$0")/../lib.sh"
need_docker busybox
cd "$T" || exit 1
mkdir tmp
export TMPDIR=$T/tmp
marker=/tmp/capprof-lp-marker.$$.$RANDOM
rm -f "$marker"

# shellcheck disable=SC2016 # expanded by the shell in the container
"$CAPPROF" record -q --minimize --docker capprof-busybox -o rec.json -- \
	sh -c "echo x > $marker && chown 1:1 $marker && kill -0 1 && echo ok" >out 2>err ||
	fail "record --docker --minimize: exit $? $(tail -n5 err)"
[[ -e $marker ]] && fail "a trial wrote $marker on the host"
grep -q 'fresh container per trial of capprof-busybox' out ||
	fail "not in containers: $(head -5 out)"
grep -q 'capprof: minimize: trial 1 of' err || fail "no progress on stderr: $(cat err)"
caps=$("$CAPPROF" emit -i rec.json --caps | tr '\n' ' ')
[[ $caps == *CHOWN* ]] || fail "CHOWN not required: $caps ($(grep -A5 'minimizing' out))"
python3 - rec.json <<'PY' || fail "verdicts: $(grep -A6 minimizing out)"
import json, sys
c = json.load(open(sys.argv[1]))["capabilities"]
assert c["CHOWN"]["verdict"] == "required", c["CHOWN"]
assert c["CHOWN"]["without"].startswith("exit 1, reference 0"), c["CHOWN"]["without"]
PY
# shellcheck disable=SC2010 # capprof's own temp names: no odd characters
ls "$T/tmp" | grep -q capprof-minimize && fail "the trial profiles' directory was left behind"

# Options a container cannot honour: an error naming them, nothing run.
"$CAPPROF" verify -i rec.json --minimize --nnp >bad.out 2>&1
assert_eq "verify --minimize --nnp on a container recording" 125 "$?"
grep -q 'cannot be honoured there' bad.out || fail "no reason given: $(cat bad.out)"
[[ -e $marker ]] && fail "the refused verify wrote $marker on the host"
echo PASS
