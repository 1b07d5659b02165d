#!/usr/bin/env bash
# The user's example on the host: `capprof record --sandbox -- apt-get
# install -y PKG` installs PKG inside the sandbox only (dpkg -l and the
# package's files on the host are unchanged), and `verify --sandbox` starts
# from the same state, so the package installs again and verify passes.
# timeout: 600
# A proof: it installs from the Debian mirror (30-60 s of processor time),
# so make check runs it only when capprof's code or this script changed.
# prove: @code
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd apt-get
need_cmd dpkg
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || skip "no overlayfs in this kernel"
cd "$T" || exit 1
mkdir tmp
export TMPDIR=$T/tmp

# A small package that is not installed and that the configured mirror serves.
pkg=
for p in hello sl cowsay; do
	dpkg -s "$p" >/dev/null 2>&1 && continue
	apt-cache show "$p" >/dev/null 2>&1 || continue
	pkg=$p
	break
done
[[ -n $pkg ]] || skip "hello, sl and cowsay are all installed or unknown to apt here"
timeout 60 apt-get download "$pkg" >dl.out 2>&1 || skip "the Debian mirror is not reachable: $(tail -n1 dl.out)"
rm -f ./*.deb

dpkg -l >before
export DEBIAN_FRONTEND=noninteractive
"$CAPPROF" record -q --sandbox -o rec.json -- apt-get install -y "$pkg" >rec.out 2>&1 ||
	fail "record --sandbox apt-get install -y $pkg: exit $? $(tail -n5 rec.out)"
grep -q "^Setting up $pkg " rec.out || fail "$pkg was not installed in the sandbox: $(tail -n5 rec.out)"
! grep -E '^(W|E):' rec.out || fail "apt complained in the sandbox"
dpkg -l >after
diff before after >dpkg.diff || fail "dpkg -l changed on the host: $(cat dpkg.diff)"
! dpkg -s "$pkg" >/dev/null 2>&1 || fail "$pkg is installed on the host"
! ls /var/cache/apt/archives/"$pkg"_*.deb >/dev/null 2>&1 || fail "the .deb reached the host's apt cache"
assert_eq "sandbox directory removed" "" "$(ls -A tmp)"
python3 - rec.json <<'PY' || fail "recording"
import json, sys
r = json.load(open(sys.argv[1]))
exes = [e["path"] for e in r["executables"]]
assert "/usr/bin/dpkg" in exes, exes
assert r["exit"] == {"code": 0}
PY

# verify --sandbox: the same state again, so apt installs the package again.
# apt's output varies (download rates): compare exit status and denials only.
"$CAPPROF" verify -i rec.json --sandbox --runtime none --ignore-output >ver.out 2>&1
rc=$?
grep -q "^Setting up $pkg " ver.out || fail "$pkg was not installed again under verify --sandbox: $(tail -n5 ver.out)"
assert_eq "verify --sandbox (output: $(grep -A3 '^verify: [PF]' ver.out))" 0 $rc
dpkg -l >after2
diff before after2 >dpkg.diff || fail "dpkg -l changed on the host after verify: $(cat dpkg.diff)"
assert_eq "sandbox directories removed after verify" "" "$(ls -A tmp)"
exit 0
