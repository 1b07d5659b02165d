# capprof run --no-new-privileges stops a set-uid-root binary from gaining
# root (seed 004): a set-uid copy of a tiny workload reports its euid when
# run as nobody, with and without the flag.
. "$(dirname "$0")/../lib.sh"
need_root
id nobody >/dev/null 2>&1 || skip "no user nobody"
nobody=$(id -u nobody)

chmod 755 "$T"
cp "$WORKLOADS/enf_euid" "$T/euid"
chown root:root "$T/euid"
chmod 4755 "$T/euid"
prof=$TESTS_DIR/data/enf/docker-default-seccomp.json

out=$("$CAPPROF" run --profile "$prof" --user nobody -- "$T/euid") || fail "run without nnp failed"
# A nosuid mount of $T ignores the bit: then there is nothing to stop.
[[ $out == "uid=$nobody euid=0" ]] || {
	[[ $out == "uid=$nobody euid=$nobody" ]] && skip "set-uid bit ignored on $T (nosuid mount?)"
	fail "without --no-new-privileges: got [$out], want uid=$nobody euid=0"
}
out=$("$CAPPROF" run --profile "$prof" --user nobody --no-new-privileges -- "$T/euid") ||
	fail "run with nnp failed"
assert_eq "with --no-new-privileges" "uid=$nobody euid=$nobody" "$out"
echo "PASS: set-uid gains root without no-new-privileges, not with it"
