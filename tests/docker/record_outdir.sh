#!/usr/bin/env bash
# timeout: 300
# record --docker hands the recording back through a directory no local user
# can reach: a private (0700, root) directory holds the one mounted into the
# container, which belongs to the container's numeric --user (or root), and
# the recording is read without following links.
. "$(dirname "$0")/../lib.sh"
need_docker busybox
cd "$T" || exit 1
mkdir tmp
export TMPDIR=$T/tmp

for user in "" 1234; do
	args=()
	[[ -n $user ]] && args=(--docker-arg --user="$user")
	# The workload reports the mounted directory as the container sees it,
	# and waits while the host side is looked at.
	"$CAPPROF" record -q --docker capprof-busybox "${args[@]}" -o "rec$user.json" -- \
		sh -c 'stat -c "%a %u" /.capprof/out; sleep 4' >"out$user" 2>"err$user" &
	pid=$!
	for _ in $(seq 40); do
		top=$(echo tmp/capprof-docker.*)
		[[ -d $top/out ]] && break
		sleep 0.25
	done
	[[ -d $top/out ]] || fail "no output directory appeared in $TMPDIR"
	assert_eq "user '$user': private top directory" "700 0" "$(stat -c '%a %u' "$top")"
	want="700 0"
	[[ -n $user ]] && want="700 $user"
	assert_eq "user '$user': mounted directory on the host" "$want" "$(stat -c '%a %u' "$top/out")"
	wait "$pid" || fail "record as user '$user': $(cat "err$user")"
	assert_eq "user '$user': mounted directory in the container" "$want" "$(head -n1 "out$user")"
	[[ -s rec$user.json ]] || fail "no recording for user '$user'"
done

echo ok
