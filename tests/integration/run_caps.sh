# capprof run sets capabilities as Docker does: root gets bounding =
# permitted = effective = the --cap-add list and nothing inheritable or
# ambient; a --user gets none after exec, but the bounding set stays.
. "$(dirname "$0")/../lib.sh"
need_root
prof=$TESTS_DIR/data/enf/docker-default-seccomp.json
caps() { grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' | awk '{printf "%s%s ", $1, $2}'; }

# NET_RAW is 13, CHOWN 0: 0x2001.
got=$("$CAPPROF" run --profile "$prof" --cap-add NET_RAW --cap-add chown -- cat /proc/self/status | caps)
assert_eq "root caps" "CapInh:0000000000000000 CapPrm:0000000000002001 CapEff:0000000000002001 CapBnd:0000000000002001 CapAmb:0000000000000000 " "$got"
got=$("$CAPPROF" run --profile "$prof" -- cat /proc/self/status | caps)
assert_eq "no caps" "CapInh:0000000000000000 CapPrm:0000000000000000 CapEff:0000000000000000 CapBnd:0000000000000000 CapAmb:0000000000000000 " "$got"
if id nobody >/dev/null 2>&1; then
	got=$("$CAPPROF" run --profile "$prof" --cap-add NET_RAW --user nobody -- cat /proc/self/status | caps)
	assert_eq "nobody caps" "CapInh:0000000000000000 CapPrm:0000000000000000 CapEff:0000000000000000 CapBnd:0000000000002000 CapAmb:0000000000000000 " "$got"
	got=$("$CAPPROF" run --profile "$prof" --user nobody -- id -u)
	assert_eq "nobody uid" "$(id -u nobody)" "$got"
fi
# Privileges really are gone: without CHOWN, root cannot give a file away.
touch "$T/f"
"$CAPPROF" run --profile "$prof" -- chown 1:1 "$T/f" 2>/dev/null && fail "chown worked without CAP_CHOWN"
"$CAPPROF" run --profile "$prof" --cap-add CHOWN -- chown 1:1 "$T/f" || fail "chown failed with CAP_CHOWN"
echo "PASS"
