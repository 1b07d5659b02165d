#!/usr/bin/env bash
# Runs the Docker end-to-end tests (tests/docker/record_*.sh, apt_vim.sh)
# from `make check`. Each prints PASS/FAIL/SKIP with its log; this fails if
# one fails and skips (77, with the reasons) if none could run.
. "$(dirname "$0")/../lib.sh"
dir=$(cd "$(dirname "$0")/../docker" && pwd)
pass=0 failed=0 skipped=0
for t in "$dir"/record_*.sh "$dir"/apt_vim.sh; do
	[[ -f $t ]] || continue
	name=$(basename "$t" .sh)
	start=$SECONDS
	bash "$t" >"$T/$name.log" 2>&1 </dev/null
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "PASS docker/$name $((SECONDS - start))s" ;;
	77) skipped=$((skipped + 1)); echo "SKIP docker/$name: $(grep -m1 SKIP "$T/$name.log")" ;;
	*) failed=$((failed + 1)); echo "FAIL docker/$name (exit $rc)" ;;
	esac
	sed 's/^/    | /' "$T/$name.log"
done
((failed)) && exit 1
((pass)) || skip "no Docker test could run ($skipped skipped)"
exit 0
