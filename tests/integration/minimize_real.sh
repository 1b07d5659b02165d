#!/usr/bin/env bash
# A real privilege-dropping program on the host, su (PostgreSQL started
# through su is minimize_postgres.sh). record
# --minimize (trials on fresh overlays) must give the set ablation gives:
# each capability the recording hit is dropped in turn under `capprof run`
# with the emitted profile, and those whose absence changes exit status,
# stdout or stderr are exactly what `emit --caps` grants. su's AUDIT_WRITE
# is tolerated only with gettid allowed (its other path), and says so.
# timeout: 1200
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../ablation.sh"
need_root
need_cmd su
need_cmd python3
cd "$T" || exit 1
id nobody >/dev/null 2>&1 || skip "no user nobody"

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

echo PASS
