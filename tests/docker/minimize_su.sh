#!/usr/bin/env bash
# A real privilege-dropping program in Docker: su in the Debian image.
# record --minimize --docker (a fresh container per trial) must give the set
# ablation gives: each capability the recording hit is dropped in turn from
# `docker run` with emit --docker-run's flags, and those whose absence
# changes exit status, stdout or stderr are exactly what emit --caps grants.
# timeout: 900
. "$(dirname "$0")/../lib.sh"
need_docker debian
cd "$T" || exit 1
mkdir tmp
export TMPDIR=$T/tmp
img=capprof-debian
cmd=(su nobody -s /bin/sh -c 'id -u; echo hi')

"$CAPPROF" record -q --minimize --docker "$img" -o su.json -- "${cmd[@]}" >out 2>err ||
	fail "record --minimize: exit $? $(tail -n5 err)"
grep -E '^  [A-Z_]+ +(required|tolerated)' out
caps=$("$CAPPROF" emit -i su.json --caps | tr '\n' ' ' | sed 's/ $//')
assert_eq "emit --caps" "SETGID SETUID" "$caps"

# Ablation with docker run: the flags of emit --docker-run --keep-tolerated, one capability left out.
"$CAPPROF" emit -i su.json --docker -o "$T/seccomp.json" || fail "emit --docker"
read -r -a all <<<"$(python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["capabilities"])))' su.json)"
run_without() { # CAP|none -> outcome file
	local args=(--cap-drop ALL) c
	for c in "${all[@]}"; do [[ $c == "$1" ]] || args+=(--cap-add "$c"); done
	docker run --rm "${args[@]}" --security-opt "seccomp=$T/seccomp.json" "$img" "${cmd[@]}" >"abl-$1" 2>"abl-$1.err" </dev/null
	echo "exit $?" >>"abl-$1"
	cat "abl-$1.err" >>"abl-$1"
}
run_without none
grep -q '^exit 0$' abl-none || fail "fails with every capability: $(cat abl-none)"
req=()
for c in "${all[@]}"; do
	run_without "$c"
	cmp -s abl-none "abl-$c" || req+=("$c")
done
assert_eq "ablation in Docker" "$caps" "${req[*]}"
mapfile -t flags < <("$CAPPROF" emit -i su.json --docker-run --profile-path "$T/seccomp.json" | grep -v '^#' | sed 's/ /\n/')
docker run --rm "${flags[@]}" "$img" "${cmd[@]}" >enf.out 2>&1 || fail "emit --docker-run's flags: $(cat enf.out)"
assert_eq "output under emit --docker-run" "65534 hi" "$(tr '\n' ' ' <enf.out | sed 's/ $//')"
echo PASS
