#!/usr/bin/env bash
# Compare the traces written by the capi-tests runs.
#
#   trace-diff.sh RUNNER TRACES_DIR BACKEND...
#
# RUNNER is any build of the runner (only its --list is used: test names
# and flags are the same in every build). TRACES_DIR holds one directory
# per run: lws43, lws41, rwsloop-<backend>. For every test flagged "trace":
#
#   - rwsloop-<backend>/<test>.trace must equal lws43/<test>.trace, for each
#     backend, unless the test declares expect_differs_from_lws (then the
#     reason is printed and nothing is compared);
#   - if the test is also flagged "agrees41", lws41/<test>.trace must equal
#     lws43/<test>.trace.
#
# A missing trace file is a difference (the test did not get far enough to
# write it, or did not run). Exit status 1 if anything differs.
set -u
runner=$1 dir=$2
shift 2
backends=("$@")

same=0 differ=0 skipped=0

compare() { # label, expected file, actual file
	local label=$1 want=$2 got=$3
	if [ ! -f "$want" ] || [ ! -f "$got" ]; then
		echo "capi-diff: $label: missing $([ -f "$want" ] || echo "$want ")$([ -f "$got" ] || echo "$got")"
		differ=$((differ + 1))
		return
	fi
	if diff -u --label "lws43/${want##*/}" --label "$label" "$want" "$got"; then
		same=$((same + 1))
	else
		echo "capi-diff: $label differs from lws 4.3.5 (- lws 4.3.5, + $label)"
		differ=$((differ + 1))
	fi
}

list=$("$runner" --list) || { echo "capi-diff: cannot list tests with $runner"; exit 1; }
while IFS=$'\t' read -r name flags _timeout reason; do
	case ",$flags," in *,trace,*) ;; *) continue ;; esac
	if [ -n "$reason" ]; then
		echo "capi-diff: $name: not compared: differs from lws by design: $reason"
		skipped=$((skipped + 1))
		continue
	fi
	for be in "${backends[@]}"; do
		compare "rwsloop-$be/$name" "$dir/lws43/$name.trace" "$dir/rwsloop-$be/$name.trace"
	done
	case ",$flags," in
	*,agrees41,*) compare "lws41/$name" "$dir/lws43/$name.trace" "$dir/lws41/$name.trace" ;;
	esac
done <<<"$list"

echo "capi-diff: $same traces equal, $differ differ, $skipped not compared (by design)"
[ "$differ" = 0 ]
