#!/usr/bin/env bash
# Every emit format, byte for byte, against tests/golden/expected/ (generated
# from the hand-made recordings in tests/golden/). UPDATE_GOLDEN=1 rewrites them.
. "$TESTS_DIR/lib.sh"
G=$TESTS_DIR/golden
export CAPPROF_DATADIR=$G/data
n=0
while read -r name inputs opts; do
	[[ -z $name || $name == \#* ]] && continue
	args=()
	IFS=, read -ra ins <<<"$inputs"
	for i in "${ins[@]}"; do args+=(-i "$G/$i"); done
	# shellcheck disable=SC2086
	"$CAPPROF" emit "${args[@]}" $opts >"$T/$name" 2>"$T/$name.err" || fail "$name: emit exited $? ($(cat "$T/$name.err"))"
	# notes on stderr (emit --arch: what was dropped) have golden files of their own
	if [[ ${UPDATE_GOLDEN:-} == 1 ]]; then
		cp "$T/$name" "$G/expected/$name"
		if [[ -s $T/$name.err ]]; then cp "$T/$name.err" "$G/expected/$name.stderr"; else rm -f "$G/expected/$name.stderr"; fi
	fi
	if [[ -f $G/expected/$name.stderr ]]; then
		cmp -s "$G/expected/$name.stderr" "$T/$name.err" || { diff -u "$G/expected/$name.stderr" "$T/$name.err"; fail "$name: stderr differs from $name.stderr"; }
	elif [[ -s $T/$name.err ]]; then
		fail "$name: unexpected stderr: $(cat "$T/$name.err")"
	fi
	[[ -f $G/expected/$name ]] || fail "$name: no golden file $G/expected/$name"
	cmp -s "$G/expected/$name" "$T/$name" || { diff -u "$G/expected/$name" "$T/$name" | head -40; fail "$name differs from its golden file"; }
	# deterministic: a second run gives the same bytes
	# shellcheck disable=SC2086
	"$CAPPROF" emit "${args[@]}" $opts | cmp -s - "$T/$name" || fail "$name: output not deterministic"
	n=$((n + 1))
done <"$G/cases.txt"
((n >= 20)) || fail "only $n golden cases ran"
echo "ok: $n golden outputs"
