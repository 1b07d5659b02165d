#!/usr/bin/env bash
# Files capprof writes: a replaced file keeps its mode and owner, a new one
# gets the umask's mode; run --cap-add ALL grants what the bounding set
# still holds (this machine's lacks SYS_RESOURCE) instead of failing.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3
cd "$T" || exit 1
mode() { stat -c '%a %u:%g' "$1"; }

# A 0600 recording rewritten by record -o stays 0600, owner kept.
"$CAPPROF" record -q -o rec.json -- true || fail "first record"
chmod 0600 rec.json
chown 1:2 rec.json
"$CAPPROF" record -q -o rec.json -- true || fail "second record"
assert_eq "replaced recording" "600 1:2" "$(mode rec.json)"
# No set-id bit is carried over onto a file capprof wrote.
chmod 4750 rec.json
"$CAPPROF" record -q -o rec.json -- true || fail "third record"
assert_eq "set-id bit dropped" "750 1:2" "$(mode rec.json)"
# emit -o too.
"$CAPPROF" emit -i rec.json -o prof.json || fail "emit"
chmod 0640 prof.json
"$CAPPROF" emit -i rec.json -o prof.json || fail "emit again"
assert_eq "replaced profile" "640 0:0" "$(mode prof.json)"
# New files: the umask decides.
(umask 077 && "$CAPPROF" record -q -o new77.json -- true) || fail "record umask 077"
assert_eq "new file, umask 077" "600 0:0" "$(mode new77.json)"
(umask 002 && "$CAPPROF" emit -i rec.json -o new02.json) || fail "emit umask 002"
assert_eq "new file, umask 002" "664 0:0" "$(mode new02.json)"

# --cap-add ALL: every capability still in the bounding set.
echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}' >allow.json
bnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
got=$("$CAPPROF" run --profile allow.json --cap-add ALL -- cat /proc/self/status 2>err) ||
	fail "run --cap-add ALL: $(cat err)"
assert_eq "--cap-add ALL effective = bounding" "$bnd" "$(echo "$got" | awk '/^CapEff/ {print $2}')"
echo PASS
