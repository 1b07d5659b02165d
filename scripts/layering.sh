#!/usr/bin/env bash
# make layering: every #include "DIR/FILE" in a module must name a module the
# README's table "Which module may include which" allows for it. Includes
# that still cross the matrix are listed in scripts/layering-known.txt
# ("FILE INCLUDE  why, and what removes it"): shown as known, not failed on;
# a listed include that is no longer there fails too, so the list shrinks.
# Exit 0 clean, 1 on a crossing or a stale entry, 2 when the table is missing.
set -u
cd "$(dirname "$0")/.." || exit 2
known=scripts/layering-known.txt

# "module allowed..." lines from the README table, e.g. "generator common enforce".
matrix=$(awk '
	/^### Which module may include which/ { on = 1; next }
	on && /^#/ { exit }
	on && /^\| `[a-z]+\/` \|/ {
		split($0, cell, "|")
		m = cell[2]; gsub(/[` \/]/, "", m)
		line = m
		rest = cell[3]
		while (match(rest, /`[a-z]+\/`/)) {
			d = substr(rest, RSTART + 1, RLENGTH - 3)
			line = line " " d
			rest = substr(rest, RSTART + RLENGTH)
		}
		print line
	}' README.md)
[[ -n $matrix ]] || { echo "layering: no table under 'Which module may include which' in README.md" >&2; exit 2; }
modules=$(cut -d' ' -f1 <<<"$matrix")

allowed() { # FROM TO
	[[ $1 == "$2" ]] && return 0
	grep -q -x -E "$1( .*)? $2( .*)?" <<<"$matrix"
}
module_of() { # PATH: its module (first directory; tests/* is "tests")
	local m=${1%%/*}
	grep -q -x "$m" <<<"$modules" && echo "$m"
}

status=0 nknown=0 checked=0
seen=()
while IFS= read -r f; do
	from=$(module_of "$f") || continue
	checked=$((checked + 1))
	while IFS= read -r inc; do
		to=$(module_of "$inc") || continue
		allowed "$from" "$to" && continue
		if [[ -f $known ]] && grep -q -E "^$f $inc( |$)" "$known"; then
			nknown=$((nknown + 1))
			seen+=("$f $inc")
			continue
		fi
		echo "layering: $f includes $inc: $from/ may not include $to/ (README.md, Layout)"
		status=1
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done < <(find . -path ./.git -prune -o -path './build*' -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print |
	sed 's|^\./||' | LC_ALL=C sort)

if [[ -f $known ]]; then
	while read -r f inc _; do
		[[ -z $f || $f == \#* ]] && continue
		printf '%s\n' "${seen[@]}" | grep -q -x -F "$f $inc" && continue
		echo "layering: $known lists '$f $inc', which is no longer there: remove the line"
		status=1
	done <"$known"
fi
((nknown)) && echo "layering: $nknown known crossing(s) listed in $known"
if ((status)); then
	echo "layering: FAILED"
else
	echo "layering: $checked files follow the matrix"
fi
exit "$status"
