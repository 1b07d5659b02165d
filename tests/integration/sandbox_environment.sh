#!/usr/bin/env bash
# A recording says where it was made (environment.sandbox / environment.docker),
# and verify starts the same way without being told.
. "$(dirname "$0")/../lib.sh"
need_root
cd "$T" || exit 1
marker=/etc/capprof-env-test.$$
"$CAPPROF" record -q --sandbox -o sb.json -- sh -c "test ! -e $marker && echo made > $marker && cat $marker" >out 2>err ||
	{
		grep -q 'overlay' err && skip "no overlayfs here: $(cat err)"
		fail "record --sandbox: $(cat err)"
	}
[[ -e $marker ]] && { rm -f "$marker"; fail "the sandboxed write reached the host"; }
python3 -c 'import json,sys; sys.exit(0 if json.load(open("sb.json"))["environment"] == {"sandbox": True} else 1)' ||
	fail "environment not recorded: $(grep -A3 environment sb.json)"
# The workload fails if the file already exists: only a fresh sandbox passes.
"$CAPPROF" verify -i sb.json >v.out 2>&1 || fail "verify of a sandboxed recording: $(cat v.out)"
grep -q 'recorded with --sandbox' v.out || fail "verify did not say it used a sandbox: $(cat v.out)"
[[ -e $marker ]] && { rm -f "$marker"; fail "verify's run reached the host"; }
"$CAPPROF" merge -o m.json sb.json sb.json || fail "merge"
python3 -c 'import json,sys; sys.exit(0 if json.load(open("m.json"))["environment"]["sandbox"] else 1)' || fail "merge lost the environment"
echo ok
