#!/usr/bin/env bash
# check-symbols: the shared library exports exactly the functions its
# headers declare, nothing else, under the expected soname, and without
# pulling in any foreign event-loop library.
#
#   tools/check-symbols.sh [--so PATH] [--a PATH] [--include DIR] [--soname NAME]
#
# Defaults are the in-tree release build and include/. tools/install-check.sh
# runs it again on the installed copy.
#
# What "declared" means: every non-inline function prototype that the C
# compiler sees in a file of the header directory when a program includes
# <libwebsockets.h> (gcc -aux-info), so conditional declarations count
# exactly as our lws_config.h selects them, and hand-written headers count
# too (e.g. _lws_log and lws_snprintf, implemented in C in src/c/).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
so="$top/target/release/librwsloop.so"
archive="$top/target/release/librwsloop.a"
incdir="$top/include"
soname=""
cc=gcc	# -aux-info is a GCC feature

while [ $# -gt 0 ]; do
	case "$1" in
	--so) so=$2; shift 2 ;;
	--a) archive=$2; shift 2 ;;
	--include) incdir=$2; shift 2 ;;
	--soname) soname=$2; shift 2 ;;
	*) echo "check-symbols: unknown argument $1" >&2; exit 2 ;;
	esac
done

if [ -z "$soname" ]; then
	version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$top/Cargo.toml" | head -n 1)
	soname="librwsloop.so.${version%%.*}"
fi

for f in "$so" "$archive" "$incdir/libwebsockets.h"; do
	[ -e "$f" ] || { echo "check-symbols: missing $f" >&2; exit 1; }
done
incdir=$(cd "$incdir" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
problem() { echo "check-symbols: FAIL: $*"; fail=1; }

# Show a list under a heading, indented; nothing when the list is empty.
show() {
	local title=$1 file=$2
	[ -s "$file" ] || return 0
	echo "  $title ($(wc -l < "$file")):"
	sed 's/^/    /' "$file"
}

# --- 1. functions declared by the headers ---------------------------------
printf '#include <libwebsockets.h>\n' > "$work/probe.c"
"$cc" -I"$incdir" -aux-info "$work/probe.aux" -fsyntax-only "$work/probe.c" \
	|| { echo "check-symbols: the headers do not compile" >&2; exit 1; }
# Lines look like: /* FILE:LINE:NC */ extern TYPE NAME (ARGS);
# N/O = prototype style, C = declared only, F = defined (static inline: no
# export expected). The name is the first identifier followed by " (" that
# does not open a declarator like "(*".
awk -v dir="$incdir/" '
	index($0, "/* " dir) == 1 && $2 ~ /:[NO]C$/ {
		line = $0
		sub(/^\/\*[^*]*\*\/ */, "", line)
		while (match(line, /[A-Za-z_][A-Za-z0-9_]* \(/)) {
			name = substr(line, RSTART, RLENGTH - 2)
			rest = substr(line, RSTART + RLENGTH)
			if (substr(rest, 1, 1) != "*") { print name; break }
			line = rest
		}
	}' "$work/probe.aux" | sort -u > "$work/declared"

# --- 2. symbols the shared library exports --------------------------------
nm -D --defined-only "$so" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $2, $3 }' \
	| sort -k2 -u > "$work/exports"
awk '$1 ~ /^[TtWiI]$/ { print $2 }' "$work/exports" | sort -u > "$work/exported_functions"
awk '$1 !~ /^[TtWiI]$/ { print $1, $2 }' "$work/exports" > "$work/exported_objects"

comm -23 "$work/declared" "$work/exported_functions" > "$work/missing"
comm -13 "$work/declared" "$work/exported_functions" > "$work/extra"
awk '{ print $2 }' "$work/exports" | grep -Ev '^(lws_|_lws_|__lws_|lwsl_|rwsloop_)' \
	> "$work/foreign" || true

ndecl=$(wc -l < "$work/declared")
nexp=$(wc -l < "$work/exports")
if [ -s "$work/missing" ] || [ -s "$work/extra" ]; then
	problem "exported functions differ from the functions the headers declare"
	show "declared in $incdir but not exported by $(basename "$so")" "$work/missing"
	show "exported by $(basename "$so") but declared in no header" "$work/extra"
fi
if [ -s "$work/exported_objects" ]; then
	problem "data symbols are exported (only functions should be)"
	show "exported objects (nm type, name)" "$work/exported_objects"
fi
if [ -s "$work/foreign" ]; then
	problem "symbols outside lws_*, _lws_*, __lws_*, lwsl_*, rwsloop_* are exported"
	show "outside the allowed namespaces" "$work/foreign"
fi

# --- 3. soname and dependencies ---------------------------------------------
actual_soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$actual_soname" != "$soname" ]; then
	problem "SONAME is '${actual_soname:-<none>}', expected '$soname'"
fi
readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p' > "$work/needed"
grep -E '^lib(uv|event[-_.a-z0-9]*|ev|glib-2\.0|gobject-2\.0|gio-2\.0|systemd)\.so' \
	"$work/needed" > "$work/loops" || true
if [ -s "$work/loops" ]; then
	problem "the library links a foreign event-loop library directly"
	show "NEEDED entries that must not be there" "$work/loops"
fi

# --- 4. the static library defines every declared function -----------------
# readelf, not nm: nm hands objects that carry embedded LLVM bitcode to an
# installed LLVM linker plugin, which may be too old to read them.
readelf -sW "$archive" | awk '$4 == "FUNC" && ($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" {
	sub(/@.*/, "", $8); print $8 }' | sort -u > "$work/archive_functions"
comm -23 "$work/declared" "$work/archive_functions" > "$work/missing_static"
if [ -s "$work/missing_static" ]; then
	problem "$(basename "$archive") lacks functions the headers declare"
	show "declared but not defined in $(basename "$archive")" "$work/missing_static"
fi

if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "check-symbols: ok ($ndecl declared functions = $nexp exports of $(basename "$so");" \
	"soname $actual_soname; NEEDED: $(tr '\n' ' ' < "$work/needed"| sed 's/ $//'))"
