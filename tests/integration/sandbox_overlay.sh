#!/usr/bin/env bash
# record --sandbox: the workload writes through an overlay, the host stays
# unchanged, the recording lands on the host, the working directory is kept,
# --keep-changes keeps the upper layers, and the work directory is removed.
. "$(dirname "$0")/../lib.sh"
need_root
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	skip "no overlayfs in this kernel"
cd "$T" || exit 1
mkdir tmp cwd keep-nonempty
touch keep-nonempty/x
export TMPDIR=$T/tmp
marker=/etc/capprof-sandbox-test.$$
[[ ! -e $marker ]] || fail "$marker exists before the test"
trap 'rm -rf "$T"; rm -f "$marker"' EXIT

# Usage errors first: they must not touch anything.
"$CAPPROF" record --keep-changes k -- true 2>err; assert_eq "--keep-changes without --sandbox" 125 $?
grep -q 'needs --sandbox' err || fail "message: $(cat err)"
"$CAPPROF" record --sandbox --keep-changes keep-nonempty -- true 2>err; assert_eq "non-empty keep dir" 125 $?
grep -q 'keep-nonempty: not an empty directory' err || fail "message: $(cat err)"
"$CAPPROF" record --sandbox --docker img -- true 2>err; assert_eq "--sandbox with --docker" 125 $?

# The workload writes to /etc and to its working directory; it sees its writes.
cd cwd || exit 1
"$CAPPROF" record -q --sandbox -o "$T/rec.json" -- \
	sh -c "echo x > $marker && cat $marker && pwd && echo y > here && apt-get --version >/dev/null && exit 4" \
	>"$T/out" 2>"$T/err"
assert_eq "workload's exit status" 4 $?
cd "$T" || exit 1
assert_eq "workload's output" "x
$T/cwd" "$(cat out)"
[[ ! -e $marker ]] || fail "the sandboxed write reached the host: $marker exists"
[[ ! -e cwd/here ]] || fail "the sandboxed write reached the host: cwd/here exists"
[[ -s rec.json ]] || fail "no recording on the host: $(cat err)"
python3 - rec.json <<'PY' || fail "recording: $(head -c 300 rec.json)"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["exit"] == {"code": 4}, r["exit"]
exes = [e["path"] for e in r["executables"]]
assert any(p.endswith("/apt-get") for p in exes), exes
assert "openat" in r["architectures"]["x86_64"]["syscalls"]
PY
assert_eq "sandbox directory removed" "" "$(ls -A tmp)"

# --keep-changes: the upper layer of / holds the file; the list names it.
"$CAPPROF" record -q --sandbox --keep-changes "$T/keep" -o rec2.json -- sh -c "echo kept > $marker" ||
	fail "record with --keep-changes: $?"
[[ ! -e $marker ]] || fail "the sandboxed write reached the host with --keep-changes"
assert_eq "kept upper layer" kept "$(cat "keep/root$marker" 2>&1)"
grep -qP '^root\t/\t' keep/mounts || fail "keep/mounts does not list /: $(cat keep/mounts)"
[[ ! -e keep/.work && ! -e keep/.merged ]] || fail "work directories left in keep/: $(ls -A keep)"

# Failures making the sandbox are one clear line and exit 125: in capprof,
TMPDIR=$T/tmp
TMPDIR=/nonexistent "$CAPPROF" record -q --sandbox -o rec3.json -- true 2>err
assert_eq "unusable TMPDIR" 125 $?
grep -q 'capprof: record: cannot make the sandbox directory /nonexistent/capprof-sandbox' err ||
	fail "message: $(cat err)"
[[ ! -e rec3.json ]] || fail "a recording was written although the sandbox could not be made"

# and in the child, which makes the overlays (here: a read-only keep dir).
mkdir ro
mount -t tmpfs -o ro tmpfs ro || skip "cannot mount a tmpfs"
trap 'umount "$T/ro"; rm -rf "$T"; rm -f "$marker"' EXIT
"$CAPPROF" record -q --sandbox --keep-changes ro -o rec4.json -- true 2>err
assert_eq "read-only keep dir" 125 $?
grep -q "capprof: record: sandbox: cannot make directories in $T/ro: Read-only file system" err ||
	fail "message: $(cat err)"
assert_eq "one line" 1 "$(wc -l <err)"
exit 0
