#!/usr/bin/env bash
# The foreign-loop suite against real lws 4.3.5: the same scenarios on the
# same backends, run by both, and rwsloop's callback traces must equal
# lws's (mk/foreign.mk, check-foreign-lws).
#
#   foreign-lws-diff.sh --can-run
#       exit 0 if this can run here, else say why and exit 2 (the make
#       target asks first, so it builds nothing it cannot use)
#   foreign-lws-diff.sh RWSLOOP_RUNNER LWS43_RUNNER ORACLE_LIBDIR SYS_LIBDIR WORKDIR
#
# Environment:
#   FOREIGN_LWS_BACKENDS    the backends compared (each needs lws 4.3.5's
#                           plugin in ORACLE_LIBDIR)
#   FOREIGN_LWS_EXCLUDE     tests not run at all (real lws fails them)
#   FOREIGN_LWS_WAKE_FIRST  backends where lws 4.3.5's first turn delivers
#                           the creation wake-up (EVENT_WAIT_CANCELLED)
#                           just before PROTOCOL_INIT: that pair of lines
#                           is compared the other way round
#
# Real lws loads its evlib plugins only from a fixed path
# (SYS_LIBDIR/libwebsockets-evlib_<name>.so, lws 4.1.6's on Debian), so
# its run bind-mounts the 4.3.5 plugins over them in a private mount
# namespace (unshare -m): nothing outside that process sees them.
#
# Every test that lws passes runs on rwsloop too (ASan build) and must pass
# there; then each trace pair is compared, except where rwsloop's run wrote
# <name>.differs (fs_lws_differs in foreign-suite-service.h), whose reason
# is printed instead. A test lws does not pass, or a missing trace, fails
# the check: exclude the test with its reason, or fix it.
set -u
me=check-foreign-lws

if [ "${1:-}" = --can-run ]; then
	skip() {
		echo "$me: skipped: $*"
		exit 2
	}
	[ "$(id -u)" = 0 ] || skip "needs root (unshare -m, mount --bind; CI runs as root)"
	command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"
	unshare -m true 2>/dev/null ||
		skip "unshare -m is not permitted here (a container without CAP_SYS_ADMIN?)"
	exit 0
fi

rws=$1 lws=$2 oracle=$3 syslib=$4 work=$5
read -r -a backends <<<"${FOREIGN_LWS_BACKENDS:-}"
read -r -a exclude <<<"${FOREIGN_LWS_EXCLUDE:-}"
wake_first=" ${FOREIGN_LWS_WAKE_FIRST:-} "

mounts=
for b in "${backends[@]}"; do
	f=libwebsockets-evlib_$b.so
	[ -f "$oracle/$f" ] || { echo "$me: $oracle/$f missing (make deps-oracle)"; exit 1; }
	[ -f "$syslib/$f" ] || {
		echo "$me: $syslib/$f missing: install lws 4.1.6's plugin package (make deps);"
		echo "  the 4.3.5 one is mounted over it only inside this check"; exit 1; }
	mounts+="mount --bind $oracle/$f $syslib/$f && "
done

# The tests: every foreign_<backend>_* the runner lists, but those that
# cannot run against lws and the excluded ones.
tests=()
for b in "${backends[@]}"; do
	while IFS=$'\t' read -r name flags _rest; do
		case ",$flags," in *,rwsloop-only,*) continue ;; esac
		case " ${exclude[*]} " in *" $name "*) continue ;; esac
		tests+=("$name")
	done < <("$rws" --list "foreign_${b}_*")
done
[ ${#tests[@]} -gt 0 ] || { echo "$me: no tests to compare"; exit 1; }

rm -rf "$work"
mkdir -p "$work/lws43" "$work/rwsloop"

echo "$me: ${#tests[@]} tests on real lws 4.3.5 (its plugins bind-mounted over $syslib)"
if ! CAPI_FOREIGN_TRACE=1 CAPI_TRACE_DIR="$work/lws43" G_DEBUG=fatal-criticals \
	unshare -m sh -c "mount --make-rprivate / && ${mounts}exec \"\$@\"" sh \
	"$lws" "${tests[@]}" > "$work/lws43.log" 2>&1; then
	grep -A3 '^not ok' "$work/lws43.log"
	echo "$me: real lws 4.3.5 failed the tests above: if it always does, add them to"
	echo "  FOREIGN_LWS_EXCLUDE (mk/foreign.mk) with the reason ($work/lws43.log)"
	exit 1
fi
tail -n 1 "$work/lws43.log"

echo "$me: the same tests on rwsloop"
if ! CAPI_FOREIGN_TRACE=1 CAPI_TRACE_DIR="$work/rwsloop" "$rws" "${tests[@]}" \
	> "$work/rwsloop.log" 2>&1; then
	grep -A3 '^not ok' "$work/rwsloop.log"
	echo "$me: rwsloop failed ($work/rwsloop.log)"
	exit 1
fi
tail -n 1 "$work/rwsloop.log"

# lws's trace, with the first "EVENT_WAIT_CANCELLED x" + "PROTOCOL_INIT x"
# pair swapped where FOREIGN_LWS_WAKE_FIRST says so.
lws_trace() { # file, backend
	case "$wake_first" in
	*" $2 "*)
		awk 'held != "" {
			if (!done && $1 == "PROTOCOL_INIT") { print; print held; done = 1 }
			else { print held; print }
			held = ""; next }
		!done && $1 == "EVENT_WAIT_CANCELLED" { held = $0; next }
		{ print }
		END { if (held != "") print held }' "$1" ;;
	*) cat "$1" ;;
	esac
}

skipped() { # log, test: the runner reported it skipped
	grep -q "^ok [0-9]* - $2 # SKIP" "$1"
}

same=0 differ=0 known=0 skips=0
for name in "${tests[@]}"; do
	b=${name#foreign_}
	b=${b%%_*}
	want=$work/lws43/$name.trace got=$work/rwsloop/$name.trace
	if skipped "$work/lws43.log" "$name" && skipped "$work/rwsloop.log" "$name"; then
		skips=$((skips + 1))
	elif [ -f "$work/rwsloop/$name.differs" ]; then
		echo "$me: $name: not compared: $(cat "$work/rwsloop/$name.differs")"
		known=$((known + 1))
	elif [ ! -f "$want" ] || [ ! -f "$got" ]; then
		echo "$me: $name: no trace from $([ -f "$want" ] || echo "lws 4.3.5 ")$([ -f "$got" ] || echo rwsloop)"
		differ=$((differ + 1))
	elif diff -u --label "lws43/$name" --label "rwsloop/$name" \
		<(lws_trace "$want" "$b") "$got"; then
		same=$((same + 1))
	else
		echo "$me: $name: rwsloop's trace differs from lws 4.3.5's (- lws, + rwsloop)"
		differ=$((differ + 1))
	fi
done
for b in $wake_first; do
	echo "$me: $b: lws 4.3.5 sends the creation wake-up before PROTOCOL_INIT; compared as if after (FOREIGN_LWS_WAKE_FIRST)"
done
echo "$me: $same traces equal to lws 4.3.5's, $differ differ, $known known to differ (fs_lws_differs), $skips skipped by both"
[ "$differ" = 0 ]
