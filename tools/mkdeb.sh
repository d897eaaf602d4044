#!/bin/bash
# mkdeb.sh - build kaprobe_VERSION_ARCH.deb in the repo root from a built
# kaprobe, with dpkg-dev's own tools and no root:
#   dpkg-shlibdeps   Depends from the shared libraries the binary links
#   dpkg-gencontrol  DEBIAN/control from debian/control and debian/changelog
#   dpkg-deb         the package, every file owned by root
#
#   tools/mkdeb.sh                 (`make deb` runs it)
#
# The binary is built apart, in build/deb/, with Debian's hardening flags
# (dpkg-buildflags: fortify, stack protector, relro, bindnow).  The package
# holds it (stripped), kaprobe(8), the changelog, the copyright file,
# README.md and docs/, the bash completion, kaprobe-watch.service with its
# /etc/kaprobe files (conffiles), md5sums, and debian/postinst, which grants
# CAP_NET_RAW with setcap.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "mkdeb.sh: $*" >&2; exit 1; }

for t in dpkg-buildflags dpkg-shlibdeps dpkg-gencontrol dpkg-parsechangelog dpkg-deb; do
	command -v $t >/dev/null || die "$t not found: install dpkg-dev (tools/install-deps.sh)"
done
bin=build/deb/kaprobe
# The Makefile appends its own flags to these (CFLAGS ?=, +=).
eval "$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --export=sh)"
make -s SANITIZE= BUILD=build/deb BIN=$bin $bin || die "build of $bin failed"
version=$(dpkg-parsechangelog -S Version)
built=$("./$bin" --version 2>/dev/null | awk '{print $2}') || true
[ "$version" = "$built" ] ||
	die "debian/changelog says $version but $bin --version says '$built': add a changelog entry"
arch=$(dpkg --print-architecture)

work=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
doc=$root/usr/share/doc/kaprobe
umask 022
install -D -m 0755 "$bin" "$root/usr/bin/kaprobe"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/kaprobe"
install -d "$root/usr/share/man/man8" "$doc" "$root/usr/share/bash-completion/completions"
gzip -9n <kaprobe.8 >"$root/usr/share/man/man8/kaprobe.8.gz"
gzip -9n <debian/changelog >"$doc/changelog.gz"	# a native package
gzip -9n <README.md >"$doc/README.md.gz"
install -m 0644 debian/copyright "$doc/copyright"
for f in docs/*.md; do
	[ -e "$f" ] && gzip -9n <"$f" >"$doc/$(basename "$f").gz"
done
install -m 0644 tools/kaprobe.bash-completion \
	"$root/usr/share/bash-completion/completions/kaprobe"
install -D -m 0755 debian/postinst "$root/DEBIAN/postinst"
# kaprobe watch as a service: the unit (installed, not enabled or started)
# and its configuration, kept across upgrades as conffiles.
install -D -m 0644 debian/kaprobe-watch.service "$root/lib/systemd/system/kaprobe-watch.service"
install -D -m 0644 debian/watch.conf "$root/etc/kaprobe/watch.conf"
install -D -m 0644 debian/targets "$root/etc/kaprobe/targets"
printf '/etc/kaprobe/watch.conf\n/etc/kaprobe/targets\n' >"$root/DEBIAN/conffiles"
(cd "$root" && find usr lib -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

dpkg-shlibdeps -T"$work/substvars" "$root/usr/bin/kaprobe"
dpkg-gencontrol -pkaprobe -P"$root" -T"$work/substvars" -f"$work/files"
out=kaprobe_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "mkdeb.sh: built $out ($(dpkg-deb -f "$out" Depends))"
