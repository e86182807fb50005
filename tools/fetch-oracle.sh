#!/usr/bin/env bash
# Fetch Debian trixie's libwebsockets 4.3.5 as .debs through a private apt
# configuration and unpack them under .oracle/4.3.5 (never installed).
# The system's own apt state is never touched: lists, cache and status live
# under .oracle/apt. The sources are the machine's own Debian sources with
# the suite renamed, so no archive host is named here.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest="$top/.oracle"
root="$dest/4.3.5"
stamp="$root/.complete"
[ -f "$stamp" ] && exit 0

apt_dir="$dest/apt"
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" \
         "$apt_dir/cache/archives/partial" "$dest/debs"
: > "$apt_dir/status"

# Take the first deb822 stanza or one-line entry of the system's Debian
# sources and point it at trixie's main suite.
src_deb822=/etc/apt/sources.list.d/debian.sources
if [ -f "$src_deb822" ]; then
    awk 'BEGIN{RS=""; FS="\n"} NR==1 {print; exit}' "$src_deb822" |
        sed -e 's/^Suites:.*/Suites: trixie/' -e 's/^Components:.*/Components: main/' \
        > "$apt_dir/sources.list.d/trixie.sources"
else
    grep -E '^deb ' /etc/apt/sources.list | head -n 1 |
        awk '{ $3 = "trixie"; print $1, $2, $3, "main" }' \
        > "$apt_dir/sources.list.d/trixie.list"
fi

apt_opts=(-o "Dir::Etc::sourcelist=/dev/null"
          -o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
          -o "Dir::State=$apt_dir" -o "Dir::State::lists=$apt_dir/lists"
          -o "Dir::State::status=$apt_dir/status"
          -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root"
          -o "Debug::NoLocking=1")
apt-get "${apt_opts[@]}" -qq update
pkgs=(libwebsockets19t64 libwebsockets-dev libwebsockets-test-server
      libwebsockets-evlib-uv libwebsockets-evlib-ev libwebsockets-evlib-glib)
(cd "$dest/debs" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]}")
rm -rf "$root"; mkdir -p "$root"
for deb in "$dest"/debs/*.deb; do dpkg -x "$deb" "$root"; done
test -f "$root/usr/include/libwebsockets.h"
test -e "$root/usr/lib/x86_64-linux-gnu/libwebsockets.so.19"
touch "$stamp"
echo "lws 4.3.5 oracle unpacked in $root"
