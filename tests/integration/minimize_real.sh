#!/usr/bin/env bash
# Two real privilege-dropping programs on the host: su, and PostgreSQL
# started through su (initdb, pg_ctl start, psql, pg_ctl stop). record
# --minimize (trials on fresh overlays) must give the set ablation gives:
# each capability the recording hit is dropped in turn under `capprof run`
# with the emitted profile, and those whose absence changes exit status,
# stdout or stderr are exactly what `emit --caps` grants. su's AUDIT_WRITE
# is tolerated only with gettid allowed (its other path), and says so.
# timeout: 1200
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd su
need_cmd python3
cd "$T" || exit 1
id nobody >/dev/null 2>&1 || skip "no user nobody"

hit_caps() { python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["capabilities"])))' "$1"; }

# ablation NAME REC CMD...: the capabilities whose removal changes the outcome.
ablation() {
	local name=$1 rec=$2 all c req=()
	shift 2
	"$CAPPROF" emit -i "$rec" --docker -o "$name-prof.json" || fail "$name: emit --docker"
	read -r -a all <<<"$(hit_caps "$rec")"
	run_with() { # OUT CAP... -- CMD
		local out=$1 args=()
		shift
		while [[ $1 != -- ]]; do args+=(--cap-add "$1"); shift; done
		shift
		"$CAPPROF" run --profile "$name-prof.json" "${args[@]}" -- "$@" >"$out" 2>"$out.err" </dev/null
		echo "exit $?" >>"$out"
		cat "$out.err" >>"$out"
	}
	run_with "$name-all.out" "${all[@]}" -- "$@"
	grep -q '^exit 0$' "$name-all.out" || fail "$name: fails with every capability: $(cat "$name-all.out")"
	for c in "${all[@]}"; do
		local rest=()
		for o in "${all[@]}"; do [[ $o == "$c" ]] || rest+=("$o"); done
		run_with "$name-no-$c.out" "${rest[@]}" -- "$@"
		cmp -s "$name-all.out" "$name-no-$c.out" || req+=("$c")
	done
	echo "${req[*]}"
}

caps_of() { "$CAPPROF" emit -i "$1" --caps | tr '\n' ' ' | sed 's/ $//'; }

# su: SETGID and SETUID required; AUDIT_WRITE and NET_ADMIN (the audit netlink socket) tolerated.
su_cmd=(su nobody -s /bin/sh -c 'id -u; echo hi')
"$CAPPROF" record -q --minimize -o su.json -- "${su_cmd[@]}" >su.out 2>su.err || fail "su: record --minimize: $(tail -5 su.err)"
grep -E '^  [A-Z_]+ +(required|tolerated)' su.out
assert_eq "su: emit --caps" "SETGID SETUID" "$(caps_of su.json)"
assert_eq "su: ablation" "$(caps_of su.json)" "$(ablation su su.json "${su_cmd[@]}")"
if grep -q '^  AUDIT_WRITE' su.out; then
	grep -q 'AUDIT_WRITE *tolerated (needs gettid as well' su.out ||
		fail "su: AUDIT_WRITE's trade not reported: $(grep AUDIT_WRITE su.out)"
	"$CAPPROF" emit -i su.json --docker | grep -q '"gettid"' || fail "su: the emitted profile lacks gettid"
	"$CAPPROF" emit -i su.json --summary | grep -q 'needs gettid as well' || fail "su: summary lacks the trade"
fi

# PostgreSQL through su, each run in a fresh directory of its own.
# shellcheck disable=SC2015 # skip unless all three hold
command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && id postgres >/dev/null 2>&1 ||
	{ echo "SKIP: postgres part: initdb, pg_ctl or user postgres missing"; echo PASS; exit 0; }
# shellcheck disable=SC2016 # expanded by the workload's shell, not this one
pg='D=$(mktemp -d /tmp/capprof-pg.XXXXXX) && initdb -D $D/data >/dev/null 2>&1 &&
pg_ctl -D $D/data -o "-k $D -c listen_addresses=" -l $D/log -w start >/dev/null &&
psql -h $D -At -c "select 1" postgres; r=$?; pg_ctl -D $D/data -w stop >/dev/null; rm -rf $D; exit $r'
pg_cmd=(su postgres -c "$pg")
"$CAPPROF" record -q --minimize -o pg.json -- "${pg_cmd[@]}" >pg.out 2>pg.err || fail "postgres: record --minimize: $(tail -5 pg.err)"
grep -E '^  [A-Z_]+ +(required|tolerated)' pg.out
assert_eq "postgres: emit --caps" "SETGID SETUID" "$(caps_of pg.json)"
assert_eq "postgres: ablation" "$(caps_of pg.json)" "$(ablation pg pg.json "${pg_cmd[@]}")"
echo PASS
