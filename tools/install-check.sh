#!/usr/bin/env bash
# install-check: test the installed artefacts, not the build tree.
#
# 1. `make install` into a DESTDIR stage under build/ (final prefix
#    /opt/rwsloop, which is not a system directory, so pkg-config keeps
#    every flag); the exact file set, symlinks and headers are checked.
# 2. rwsloop.pc: no staging path leaks into it, and pkg-config (pointed at
#    the stage with PKG_CONFIG_SYSROOT_DIR, as for any staged install) gives
#    exactly the expected --cflags, --libs and --static --libs.
# 3. tools/check-symbols.sh on the installed library and headers.
# 4. Every c-examples/*.c is compiled with pkg-config's flags alone (no path
#    into the source tree), with -Wall -Wextra -Werror, twice: against the
#    shared library (NEEDED librwsloop.so.N, run with LD_LIBRARY_PATH) and
#    against librwsloop.a with `pkg-config --static --libs` (no NEEDED
#    librwsloop at all); each program must exit 0.
# 5. The same with LIBDIR overridden (a Debian-style multiarch libdir).
# 6. `make uninstall` leaves nothing behind.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make=${MAKE:-make}
cc=${CC:-cc}
work="$top/build/install-check"
prefix=/opt/rwsloop
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}
native_libs_file="$top/build/native-static-libs.txt"
checks=0

die() { echo "check-install: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); }
# pkg-config ends its output with a space; compare without trailing blanks.
trim() { local s=$1; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }
expect_eq() {
	local what=$1 got expected=$3
	got=$(trim "$2")
	[ "$got" = "$expected" ] || die "$what
    expected: '$expected'
    got:      '$got'"
	ok
}

run_install() {	# stage, extra make arguments...
	local stage=$1; shift
	"$make" --no-print-directory -C "$top" install DESTDIR="$stage" PREFIX="$prefix" "$@" \
		> "$work/make-install.log" 2>&1 || { cat "$work/make-install.log"; die "make install failed"; }
}

# Build and run one example both ways against a staged install.
check_example() {	# src, stage, libdir (final path), label
	local src=$1 stage=$2 libdir=$3 label=${4:-} name out cflags libs slibs deps
	name=$(basename "$src" .c)
	out="$work/bin/$name"
	mkdir -p "$work/bin"
	cflags=$(pkg-config --cflags rwsloop)
	libs=$(pkg-config --libs rwsloop)
	slibs=$(pkg-config --static --libs rwsloop)

	# <libwebsockets.h> and everything it pulls in must come from the stage.
	deps=$("$cc" -M $cflags "$src" | tr ' \\' '\n\n' | grep -E 'libwebsockets|lws|rwsloop' || true)
	while read -r h; do
		[ -n "$h" ] || continue
		case "$h" in
		"$stage$prefix/include/rwsloop/"*) ;;
		*) die "$name: header $h does not come from the installed prefix" ;;
		esac
	done <<< "$deps"
	grep -q "$stage$prefix/include/rwsloop/libwebsockets.h" <<< "$deps" \
		|| die "$name: did not include the installed libwebsockets.h"
	ok

	# Shared.
	"$cc" -Wall -Wextra -Werror $cflags "$src" -o "$out-shared" $libs -pthread \
		|| die "$name: shared build with '$cflags ... $libs' failed"
	# Output is captured before grep -q sees it: under pipefail an early
	# grep exit would otherwise fail the pipeline at random (SIGPIPE).
	grep -q "(NEEDED).*\[librwsloop\.so\.$major\]" <<< "$(readelf -d "$out-shared")" \
		|| die "$name: shared build does not need librwsloop.so.$major"
	grep -q "librwsloop\.so\.$major => $stage$libdir/" <<< "$(LD_LIBRARY_PATH="$stage$libdir" ldd "$out-shared")" \
		|| die "$name: librwsloop.so.$major does not resolve into the stage"
	LD_LIBRARY_PATH="$stage$libdir" timeout 60 "$out-shared" > "$work/$name-shared.log" 2>&1 \
		|| { cat "$work/$name-shared.log"; die "$name (shared) exited non-zero"; }
	ok

	# Static: the same flags, but -lrwsloop must pick the archive.
	"$cc" -Wall -Wextra -Werror $cflags "$src" -o "$out-static" \
		${slibs/-lrwsloop/-l:librwsloop.a} -pthread \
		|| die "$name: static build with '$slibs' failed"
	if grep -q '(NEEDED).*librwsloop' <<< "$(readelf -d "$out-static")"; then
		die "$name: the static build still needs librwsloop.so"
	fi
	env -u LD_LIBRARY_PATH timeout 60 "$out-static" > "$work/$name-static.log" 2>&1 \
		|| { cat "$work/$name-static.log"; die "$name (static) exited non-zero"; }
	ok
	echo "  $name${label:+ ($label)}: built shared and static from pkg-config, both ran and exited 0"
}

rm -rf "$work"
mkdir -p "$work"
[ -s "$native_libs_file" ] || "$make" --no-print-directory -C "$top" pc > /dev/null

# --- 1. the installed file set ---------------------------------------------
stage="$work/stage"
run_install "$stage"
root="$stage$prefix"
expected_files=$(
	{
		echo "lib/librwsloop.so.$version"
		echo "lib/librwsloop.so.$major -> librwsloop.so.$version"
		echo "lib/librwsloop.so -> librwsloop.so.$major"
		echo "lib/librwsloop.a"
		echo "lib/pkgconfig/rwsloop.pc"
		for h in include/*.h; do echo "include/rwsloop/$(basename "$h")"; done
	} | sort)
actual_files=$(cd "$stage" && find . \( -type f -o -type l \) -printf '%P\n' | sort |
	while read -r f; do
		if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f"; fi
	done | sed "s|^${prefix#/}/||")
expect_eq "installed files (under DESTDIR$prefix)" "$actual_files" "$expected_files"
for h in include/*.h; do
	cmp -s "$h" "$root/include/rwsloop/$(basename "$h")" || die "installed $h differs"
done
ok
grep -q "(SONAME).*\[librwsloop\.so\.$major\]" <<< "$(readelf -d "$root/lib/librwsloop.so.$version")" \
	|| die "installed library has the wrong soname"
ok

# --- 2. rwsloop.pc and the exact pkg-config output ---------------------------
pc="$root/lib/pkgconfig/rwsloop.pc"
grep -qx "prefix=$prefix" "$pc" || die "rwsloop.pc: prefix is not $prefix"
! grep -q "$stage" "$pc" || die "rwsloop.pc mentions the staging directory"
ok
export PKG_CONFIG_PATH="$root/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
native_libs=$(cat "$native_libs_file")
expect_eq "pkg-config --modversion rwsloop" "$(pkg-config --modversion rwsloop)" "$version"
expect_eq "pkg-config --cflags rwsloop" "$(pkg-config --cflags rwsloop)" \
	"-I$stage$prefix/include/rwsloop"
expect_eq "pkg-config --libs rwsloop" "$(pkg-config --libs rwsloop)" \
	"-L$stage$prefix/lib -lrwsloop"
expect_eq "pkg-config --static --libs rwsloop" "$(pkg-config --static --libs rwsloop)" \
	"-L$stage$prefix/lib -lrwsloop $native_libs"
expect_eq "pkg-config --variable=libdir (no sysroot)" \
	"$(env -u PKG_CONFIG_SYSROOT_DIR pkg-config --variable=libdir rwsloop)" "$prefix/lib"
echo "  pkg-config --cflags rwsloop        = -I\$DESTDIR$prefix/include/rwsloop"
echo "  pkg-config --libs rwsloop          = -L\$DESTDIR$prefix/lib -lrwsloop"
echo "  pkg-config --static --libs rwsloop = -L\$DESTDIR$prefix/lib -lrwsloop $native_libs"

# --- 3. the installed library exports what the installed headers declare ----
bash "$top/tools/check-symbols.sh" --so "$root/lib/librwsloop.so" --a "$root/lib/librwsloop.a" \
	--include "$root/include/rwsloop" --soname "librwsloop.so.$major" > "$work/symbols.log" \
	|| { cat "$work/symbols.log"; die "check-symbols on the installed copy"; }
ok

# --- 4. the examples, from pkg-config alone ----------------------------------
# (foreign-*.c also need their loop library and plugin; the evlib checks
# build and run those)
examples=()
for src in c-examples/*.c; do
	case "$(basename "$src")" in foreign-*) continue ;; esac
	examples+=("$src")
done
[ "${#examples[@]}" -gt 0 ] || die "no c-examples/*.c to build"
for src in "${examples[@]}"; do
	check_example "$src" "$stage" "$prefix/lib"
done

# --- 5. LIBDIR override ------------------------------------------------------
stage2="$work/stage-libdir"
libdir2="$prefix/lib/x86_64-linux-gnu"
run_install "$stage2" LIBDIR="$libdir2"
[ -f "$stage2$libdir2/librwsloop.so.$version" ] && [ -f "$stage2$libdir2/librwsloop.a" ] \
	&& [ -f "$stage2$libdir2/pkgconfig/rwsloop.pc" ] && [ ! -e "$stage2$prefix/lib/librwsloop.a" ] \
	|| die "LIBDIR=$libdir2 was not honoured"
export PKG_CONFIG_PATH="$stage2$libdir2/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage2"
expect_eq "rwsloop.pc libdir with LIBDIR set" "$(grep '^libdir=' "$stage2$libdir2/pkgconfig/rwsloop.pc")" \
	'libdir=${prefix}/lib/x86_64-linux-gnu'
expect_eq "pkg-config --libs rwsloop (LIBDIR set)" "$(pkg-config --libs rwsloop)" \
	"-L$stage2$libdir2 -lrwsloop"
check_example c-examples/hello-context.c "$stage2" "$libdir2" "LIBDIR=$libdir2"

# --- 6. uninstall ------------------------------------------------------------
for s in "$stage" "$stage2"; do
	extra=()
	[ "$s" = "$stage2" ] && extra=(LIBDIR="$libdir2")
	"$make" --no-print-directory -C "$top" uninstall DESTDIR="$s" PREFIX="$prefix" "${extra[@]}" \
		> "$work/make-uninstall.log" 2>&1 || { cat "$work/make-uninstall.log"; die "make uninstall failed"; }
	left=$(find "$s" \( -type f -o -type l \) -printf '%P\n')
	expect_eq "files left after make uninstall" "$left" ""
done

echo "check-install: ok ($checks checks)"
