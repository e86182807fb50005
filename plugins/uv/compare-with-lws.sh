#!/usr/bin/env bash
# Compare the libuv foreign-loop tests' callback traces: rwsloop (with
# librwsloop-evlib_uv.so) against real lws 4.3.5 and 4.1.6 on libuv.
#
#   compare-with-lws.sh CAPI_OUT ORACLE43_LIBDIR WORKDIR
#
# CAPI_OUT holds the capi builds (rwsloop/, lws43/, lws41/capi-tests).
# Real lws loads its libuv plugin only from its fixed install path,
# /usr/lib/x86_64-linux-gnu/libwebsockets-evlib_uv.so, which on this system
# belongs to lws 4.1.6 (package libwebsockets-evlib-uv). lws 4.3.5 refuses
# that one, so for the 4.3.5 run the 4.3.5 plugin unpacked under .oracle/
# is bind-mounted over that path inside a private mount namespace
# (unshare -m): nothing outside this script sees the change. Needs root.
#
# Differences are printed, not fatal: plugins/README.md lists the known
# ones. The exit status is 1 only when a run itself fails.
set -u
capi=$1 oracle=$2 work=$3
fixed=/usr/lib/x86_64-linux-gnu/libwebsockets-evlib_uv.so
tests='foreign_uv_*'

[ "$(id -u)" = 0 ] || { echo "compare-evlib-uv: needs root (unshare -m, mount --bind)"; exit 1; }
[ -f "$oracle/libwebsockets-evlib_uv.so" ] || {
	echo "compare-evlib-uv: $oracle/libwebsockets-evlib_uv.so missing (make deps-oracle)"; exit 1; }
[ -f "$fixed" ] || {
	echo "compare-evlib-uv: $fixed missing: install libwebsockets-evlib-uv (lws 4.1.6's plugin;"
	echo "  the 4.3.5 one is mounted over it only inside this script)"; exit 1; }

rm -rf "$work"
mkdir -p "$work/rwsloop" "$work/lws43" "$work/lws41"
export CAPI_FOREIGN_TRACE=1
fail=0

echo "== rwsloop"
env -u RWSLOOP_EVLIB_DIR CAPI_TRACE_DIR="$work/rwsloop" "$capi/rwsloop/capi-tests" "$tests" || fail=1
echo "== real lws 4.1.6 (its installed plugin)"
CAPI_TRACE_DIR="$work/lws41" "$capi/lws41/capi-tests" "$tests" || fail=1
echo "== real lws 4.3.5 (its plugin bind-mounted over $fixed)"
CAPI_TRACE_DIR="$work/lws43" unshare -m sh -c '
	mount --make-rprivate / && mount --bind "$1" "$2" && exec "$3" "$4"' \
	sh "$oracle/libwebsockets-evlib_uv.so" "$fixed" "$capi/lws43/capi-tests" "$tests" || fail=1

same=0 differ=0
for want in "$work"/lws43/*.trace; do
	[ -e "$want" ] || { echo "compare-evlib-uv: lws 4.3.5 wrote no trace"; fail=1; break; }
	name=$(basename "$want" .trace)
	for impl in rwsloop lws41; do
		got="$work/$impl/$name.trace"
		if [ ! -f "$got" ]; then
			echo "-- $impl/$name: no trace (skipped there?)"
		elif diff -u --label "lws43/$name" --label "$impl/$name" "$want" "$got"; then
			same=$((same + 1))
		else
			differ=$((differ + 1))
		fi
	done
done
echo "compare-evlib-uv: $same traces equal to lws 4.3.5's, $differ differ (see plugins/README.md)"
exit $fail
