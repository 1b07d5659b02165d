#!/usr/bin/env bash
# Static checks for capprof (make lint): clang-tidy with .clang-tidy,
# cppcheck, shellcheck. Exits 1 when any tool reports a finding, 2 when a
# tool is missing. What runs and why is in docs/hardening.md.
# Usage: scripts/lint.sh [clang-tidy|cppcheck|shellcheck]...
set -u
cd "$(dirname "$0")/.." || exit 2

pkgs=(libseccomp libcap libelf libcjson)
tidy=${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy)}
jobs=${LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}
tools=("$@")
((${#tools[@]})) || tools=(clang-tidy cppcheck shellcheck)
status=0

need() { # TOOL PACKAGE
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "lint: $1 not found (Debian package $2)" >&2
	exit 2
}

# Our C sources: every .c file of the tree (library modules, main, tests,
# workloads, fuzz targets, and any directory added later), build output aside.
c_sources() {
	find . -path ./.git -prune -o -path './build*' -prune -o -name '*.c' -type f -print |
		sed 's|^\./||' | LC_ALL=C sort
}
# The directories holding them, for cppcheck.
c_dirs() {
	c_sources | sed 's|/[^/]*$||' | LC_ALL=C sort -u
}

# The same preprocessor view the Makefile gives the compiler.
read -r -a pkg_cflags <<<"$(pkg-config --cflags "${pkgs[@]}")"
read -r -a pkg_incs <<<"$(pkg-config --cflags-only-I "${pkgs[@]}")"
defs=(-D_GNU_SOURCE '-DCP_VERSION="lint"' '-DCP_DATADIR="/usr/share/capprof"')

# Reported findings in other people's files (scripts/lint-known.txt): shown
# as known, not failed on, until the line is removed with the fix.
known=scripts/lint-known.txt
known_for() { # TOOL: "FILE CHECK" lines
	[[ -f $known ]] && awk -v t="$1" '$1 == t { print $2, $3 }' "$known"
}

# A compilation database, so clang-tidy sees each file as the Makefile
# builds it (its own directory in $TMPDIR, removed on exit).
compile_db() { # DIR
	local dir=$1 f sep='' args=''
	for a in -std=gnu11 -I. "${defs[@]}" "${pkg_cflags[@]}"; do
		a=${a//\\/\\\\}
		args+="\"${a//\"/\\\"}\", "
	done
	{
		echo '['
		while read -r f; do
			printf '%s{"directory": "%s", "file": "%s", "arguments": ["cc", %s"-c", "%s"]}\n' \
				"$sep" "$PWD" "$f" "$args" "$f"
			sep=','
		done < <(c_sources)
		echo ']'
	} >"$dir/compile_commands.json"
}

run_tidy() {
	[[ -n $tidy ]] || need clang-tidy clang-tidy
	echo "== clang-tidy ($($tidy --version | sed -n 's/.*version \([0-9.]*\).*/\1/p'))"
	local db rc
	db=$(mktemp -d "${TMPDIR:-/tmp}/capprof-lint.XXXXXX") || exit 2
	compile_db "$db"
	# Each batch writes a file of its own: parallel clang-tidy processes
	# writing to one file interleaved their lines ("30987 warning28370s
	# warning generateds."), which the filter below then took for findings.
	# shellcheck disable=SC2016 # expanded by sh, with the arguments after it
	c_sources | xargs -r -P "$jobs" -n 4 sh -c \
		'db=$1 tidy=$2; shift 2; exec "$tidy" --quiet -p "$db" "$@" >"$db/out.$(printf %s "$1" | tr / _)" 2>&1' \
		sh "$db" "$tidy"
	rc=$?
	cat "$db"/out.* >"$db/out"
	known_for clang-tidy >"$db/known"
	# Each finding is a block: "FILE:L:C: error: ... [check,...]" and its
	# notes; a block whose file and first check are known is only counted.
	grep -v -E '^[0-9]+ (warning|error)s? (generated|treated as errors)\.$|^Suppressed [0-9]+ warnings|^Use -header-filter' \
		"$db/out" | awk -v pwd="$PWD/" -v known="$db/known" '
		BEGIN { while ((getline l < known) > 0) k[l] = 1 }
		/: (error|warning): .*\[[^]]+\]$/ {
			f = $0; sub(/:.*/, "", f); sub("^" pwd, "", f)
			c = $0; sub(/.*\[/, "", c); sub(/[],].*/, "", c)
			skip = ((f " " c) in k)
			if (skip) n++
		}
		!skip { print }
		END { if (n) printf "clang-tidy: %d known finding(s) listed in scripts/lint-known.txt\n", n > "/dev/stderr" }
		' >"$db/findings"
	cat "$db/findings"
	# clang-tidy exits non-zero for known findings too, so judge its output:
	# a file that does not parse shows up there as clang-diagnostic-error.
	[[ -s $db/findings ]] && status=1
	((rc == 0)) || [[ -s $db/known ]] || status=1
	rm -rf "$db"
}

run_cppcheck() {
	need cppcheck cppcheck
	echo "== cppcheck ($(cppcheck --version))"
	local dirs=()
	mapfile -t dirs < <(c_dirs)
	cppcheck 2>&1 --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
		--quiet --std=c11 -j "$jobs" "${defs[@]}" -I. "${pkg_incs[@]}" \
		--suppress=missingIncludeSystem --suppress=preprocessorErrorDirective:tracer/arch.h --suppressions-list=<(known_for cppcheck | awk '{ print $2 ":" $1 }') \
		"${dirs[@]}" || status=1
}

run_shellcheck() {
	need shellcheck shellcheck
	echo "== shellcheck ($(shellcheck --version | sed -n 's/^version: //p'))"
	local files=()
	shopt -s globstar nullglob
	files=(scripts/*.sh tests/**/*.sh .ci/run)
	shopt -u globstar nullglob
	((${#files[@]})) || return 0
	# Every script is bash; tests/lib.sh is sourced, so it has no shebang.
	# Sourced paths are computed at run time ($TESTS_DIR, $(dirname "$0")),
	# so shellcheck cannot follow them (SC1091); lib.sh is checked itself.
	local f ex
	for f in "${files[@]}"; do
		ex=$(known_for shellcheck | awk -v f="$f" '$1 == f { printf ",%s", $2 }')
		[[ -n $ex ]] && echo "shellcheck: $f: known ${ex#,} (scripts/lint-known.txt)"
		shellcheck --shell=bash --external-sources -e "SC1091$ex" "$f" || status=1
	done
}

for t in "${tools[@]}"; do
	case $t in
	clang-tidy) run_tidy ;;
	cppcheck) run_cppcheck ;;
	shellcheck) run_shellcheck ;;
	*) echo "lint: unknown tool $t" >&2; exit 2 ;;
	esac
done
if ((status)); then
	echo "lint: FAILED (findings above)"
else
	echo "lint: clean"
fi
exit "$status"
