# Sourced by the record --minimize tests on real programs, after lib.sh; the
# functions write their files in the current directory. The capabilities a
# recording hit, what emit --caps grants, and ablation, the set minimisation
# must agree with.
hit_caps() { python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1]))["capabilities"])))' "$1"; }

# ablation NAME REC CMD...: the capabilities whose removal changes the outcome.
ablation() {
	local name=$1 rec=$2 all c req=()
	shift 2
	"$CAPPROF" emit -i "$rec" --docker -o "$name-prof.json" || fail "$name: emit --docker"
	read -r -a all <<<"$(hit_caps "$rec")"
	run_with() { # OUT CAP... -- CMD
		local out=$1 args=()
		shift
		while [[ $1 != -- ]]; do args+=(--cap-add "$1"); shift; done
		shift
		"$CAPPROF" run --profile "$name-prof.json" "${args[@]}" -- "$@" >"$out" 2>"$out.err" </dev/null
		echo "exit $?" >>"$out"
		cat "$out.err" >>"$out"
	}
	run_with "$name-all.out" "${all[@]}" -- "$@"
	grep -q '^exit 0$' "$name-all.out" || fail "$name: fails with every capability: $(cat "$name-all.out")"
	for c in "${all[@]}"; do
		local rest=()
		for o in "${all[@]}"; do [[ $o == "$c" ]] || rest+=("$o"); done
		run_with "$name-no-$c.out" "${rest[@]}" -- "$@"
		cmp -s "$name-all.out" "$name-no-$c.out" || req+=("$c")
	done
	echo "${req[*]}"
}

caps_of() { "$CAPPROF" emit -i "$1" --caps | tr '\n' ' ' | sed 's/ $//'; }
