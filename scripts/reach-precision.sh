#!/usr/bin/env bash
# Measure the import table (docs/coverage.md): record a short run of a
# program, list what its imports reach but the run never made (U), record
# longer, varied runs of the same program (L: syscalls they made that the
# short run did not), and print for each program
#   |U|, |L|, |U ∩ L|, precision |U ∩ L| / |U|, recall |U ∩ L| / |L|
# and the calls in L the table did not predict.
# Usage: scripts/reach-precision.sh CAPPROF [WORKDIR]
set -u
CAPPROF=${1:?usage: reach-precision.sh CAPPROF [WORKDIR]}
W=${2:-$(mktemp -d /tmp/reach-precision.XXXXXX)}
mkdir -p "$W/data"
cd "$W" || exit 1
seq 1 20000 >data/numbers
cp -r /etc/apt data/apt

# Syscall names of a recording; with EXE, only those EXE made first.
names() { # FILE [EXE]
	python3 - "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
exe = sys.argv[2] if len(sys.argv) > 2 else None
print("\n".join(sorted(set(n for a in r["architectures"].values() for n, s in a.get("syscalls", {}).items()
                           if exe is None or s["first"]["exe"] == exe))))
PY
}

# program | short command | longer commands (separated by ' ;; ')
cases=(
	"ls|ls /|ls -laR --color=always /etc ;; ls -l --time-style=full-iso /proc/self/ ;; ls -Z /tmp ;; ls /nonexistent"
	"cp|cp data/numbers c1|cp -a data/apt c2 ;; cp --reflink=auto --sparse=always data/numbers c3 ;; cp -r --preserve=all data c4 ;; cp data/numbers /nonexistent/x"
	"tar|tar -cf t1.tar data/numbers|tar -czf t2.tgz data ;; tar -xzf t2.tgz -C x ;; tar -tvf t1.tar ;; tar --xattrs -cpf t3.tar data"
	"sed|sed -n 1p data/numbers|sed -i.bak s/1/2/ data/numbers ;; sed -n w/dev/null data/numbers ;; sed --follow-symlinks -i s/2/3/ data/numbers"
	"find|find data -name numbers|find / -xdev -maxdepth 3 -newer data/numbers ;; find data -type f -exec true {} + ;; find data -printf '%u %g %m\n' ;; find /proc/self -maxdepth 1 -ls"
	"grep|grep -c 1 data/numbers|grep -r --include=*.list deb /etc/apt ;; grep -P 'x+' -r data ;; grep -l . /etc/passwd /nonexistent"
	"gzip|gzip -c data/numbers|gzip -k -9 data/numbers ;; gzip -t data/numbers.gz ;; gzip -dc data/numbers.gz ;; gzip -r data/apt"
	"/usr/bin/python3|/usr/bin/python3 -c pass|/usr/bin/python3 -c 'import socket,subprocess,os; subprocess.run([\"true\"]); import resource; resource.getrusage(0); socket.socket().close()' ;; /usr/bin/python3 -c 'import json,tempfile,shutil; d=tempfile.mkdtemp(); shutil.rmtree(d)' ;; /usr/bin/python3 -c 'import threading; t=threading.Thread(target=print); t.start(); t.join()'"
)
printf '%-8s %5s %5s %5s %10s %8s  %s\n' PROGRAM U L BOTH PRECISION RECALL "MISSED (in L, not predicted)"
for c in "${cases[@]}"; do
	IFS='|' read -r prog short long <<<"$c"
	tag=${prog##*/}
	rm -rf x c1 c2 c3 c4 t*.tar t*.tgz data/numbers.gz data/numbers.bak
	mkdir -p x
	"$CAPPROF" record -q -o "short-$tag.json" -- sh -c "exec $short" >/dev/null 2>&1
	"$CAPPROF" explain -i "short-$tag.json" --unexercised --json >"u-$tag.json"
	exe=$(command -v "$prog")
	exe=$(readlink -f "$exe")
	python3 - "u-$tag.json" "$exe" >"U-$tag" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for e in d["executables"]:
    if e["path"] == sys.argv[2]:
        for c in e["unexercised"]:
            print(c["name"])
PY
	i=0
	files=()
	IFS=$'\x1f' read -ra parts <<<"${long// ;; /$'\x1f'}"
	for cmd in "${parts[@]}"; do
		i=$((i + 1))
		"$CAPPROF" record -q -o "long-$tag-$i.json" -- sh -c "exec $cmd" >/dev/null 2>&1
		files+=("long-$tag-$i.json")
	done
	"$CAPPROF" merge -o "long-$tag.json" "${files[@]}" 2>/dev/null
	# L: the program's own new calls (first made by it: children's calls,
	# such as tar's gzip, are not its imports' business)
	comm -13 <(names "short-$tag.json") <(names "long-$tag.json" "$exe") >"L-$tag"
	u=$(wc -l <"U-$tag")
	l=$(wc -l <"L-$tag")
	both=$(comm -12 <(sort "U-$tag") <(sort "L-$tag") | wc -l)
	missed=$(comm -13 <(sort "U-$tag") <(sort "L-$tag") | xargs)
	prec=$(python3 -c "print('%.0f%%' % (100*$both/$u) if $u else '-')")
	rec=$(python3 -c "print('%.0f%%' % (100*$both/$l) if $l else '-')")
	printf '%-8s %5d %5d %5d %10s %8s  %s\n' "$prog" "$u" "$l" "$both" "$prec" "$rec" "$missed"
done
echo "work directory: $W"
