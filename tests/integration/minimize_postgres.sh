#!/usr/bin/env bash
# PostgreSQL started through su (initdb, pg_ctl start, psql, pg_ctl stop),
# each run in a fresh directory of its own: record --minimize (trials on
# fresh overlays) gives SETGID SETUID, the set ablation gives (each hit
# capability dropped in turn under `capprof run` with the emitted profile).
# Skips (counted) where initdb, pg_ctl or the user postgres are missing:
# Debian's postgresql package puts initdb and pg_ctl in
# /usr/lib/postgresql/N/bin, not on PATH.
# timeout: 1200
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ablation.sh"
need_root
need_cmd su
need_cmd python3
need_cmd initdb
need_cmd pg_ctl
need_cmd psql
id postgres >/dev/null 2>&1 || skip "no user postgres"
cd "$T" || exit 1

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
