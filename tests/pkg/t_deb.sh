#!/bin/bash
# t_deb.sh - the Debian package `make deb` builds (`make pkg-test` runs this
# after `make deb`):
#   - its control fields: name, version (= kaprobe --version), architecture,
#     and Depends naming the package of every shared library the binary
#     links (found with objdump, ldd and dpkg -S, not written down here),
#     which apt resolves here (apt-get -s install: a simulation);
#   - its files: the binary, kaprobe(8), changelog, copyright, completion,
#     kaprobe-watch.service and /etc/kaprobe (conffiles), all root-owned,
#     nothing else outside /usr, matching DEBIAN/md5sums; the
#     binary built with Debian's hardening flags (bindnow, PIE, fortify);
#   - the postinst: it grants CAP_NET_RAW and says how to undo it, and
#     enables or starts no service; the unit verified by systemd-analyze;
#   - unpacked with dpkg -x into a scratch root: --version, and a replay
#     whose output is byte for byte the built binary's;
#   - as root: the postinst run on that tree (DPKG_ROOT) gives the binary
#     cap_net_raw+ep, and then the user nobody probes a server in a
#     throw-away testbed with it (every packet stays in its namespaces).
# Without root the last part is skipped (said so on stdout).
. tests/integration/lib.sh

debs=(kaprobe_*.deb)
assert_eq 1 "${#debs[@]}" "number of kaprobe_*.deb files (make deb)"
deb=${debs[0]}
assert_file "$deb"
field() { dpkg-deb -f "$deb" "$1"; }

# --- control fields -------------------------------------------------------------
version=$("$KAPROBE" --version | awk '{print $2}')
assert_eq kaprobe "$(field Package)" Package
assert_eq "$version" "$(field Version)" "Version against kaprobe --version"
assert_eq "$(dpkg --print-architecture)" "$(field Architecture)" Architecture
assert_match '^.+ <.+@.+>$' "$(field Maintainer)" Maintainer
assert_match '^[1-9][0-9]*$' "$(field Installed-Size)" Installed-Size
assert_match 'libcap2-bin' "$(field Recommends)" "Recommends (setcap)"
depends=$(field Depends)
libs=$(objdump -p "$KAPROBE" | awk '$1 == "NEEDED" {print $2}')
for lib in $libs; do
	path=$(ldd "$KAPROBE" | awk -v l="$lib" '$1 == l && $2 == "=>" {print $3; exit}')
	[ -n "$path" ] || fail "ldd does not find $lib"
	pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n1 | cut -d: -f1)
	[ -n "$pkg" ] || pkg=$(dpkg -S "$path" | head -n1 | cut -d: -f1)
	assert_match "(^|, )$pkg( |,|$)" "$depends" "Depends has $pkg (for $lib)"
done
for pkg in libpcap0.8 libnet1; do
	assert_match "(^|, )$pkg \\(>= " "$depends" "Depends has a versioned $pkg"
done

# apt resolves the Depends on this system (a simulation: nothing is installed).
sim=$(apt-get -s install "./$deb" 2>&1)
assert_eq 0 "$?" "apt-get -s install ./$deb (output: $sim)"
assert_match "Inst kaprobe \\($version " "$sim" "apt would install kaprobe $version"
assert_match "Conf kaprobe \\($version " "$sim" "apt would configure kaprobe $version"

# --- files ------------------------------------------------------------------------
list=$(dpkg-deb -c "$deb")
has() {	# MODE PATH
	grep -Eq "^$1 root/root +[0-9]+ .* \\./$2\$" <<<"$list" ||
		fail "$deb lacks $2 with mode $1 owned by root: $list"
}
has -rwxr-xr-x usr/bin/kaprobe
has -rw-r--r-- usr/share/man/man8/kaprobe.8.gz
has -rw-r--r-- usr/share/doc/kaprobe/changelog.gz
has -rw-r--r-- usr/share/doc/kaprobe/copyright
has -rw-r--r-- usr/share/bash-completion/completions/kaprobe
has -rw-r--r-- lib/systemd/system/kaprobe-watch.service
has -rw-r--r-- etc/kaprobe/watch.conf
has -rw-r--r-- etc/kaprobe/targets
assert_eq 0 "$(awk '{print $6}' <<<"$list" |
	grep -cv '^\./\(usr/.*\|lib/\(systemd/\(system/\(kaprobe-watch\.service\)\?\)\?\)\?\|etc/\(kaprobe/.*\)\?\)\?$')" \
	"files outside /usr, the unit and /etc/kaprobe"

# --- the postinst -------------------------------------------------------------------
ctl=$(mktemp -d /tmp/t_deb.XXXXXX) || fail mktemp
trap 'rm -rf "$ctl"' EXIT
dpkg-deb -e "$deb" "$ctl/DEBIAN"
[ -x "$ctl/DEBIAN/postinst" ] || fail "no executable postinst"
assert_match 'setcap cap_net_raw\+ep' "$(cat "$ctl/DEBIAN/postinst")" "postinst grants CAP_NET_RAW"
assert_match 'to undo: setcap -r' "$(cat "$ctl/DEBIAN/postinst")" "postinst says how to undo it"
sh -n "$ctl/DEBIAN/postinst" || fail "postinst is not valid sh"
assert_file "$ctl/DEBIAN/md5sums" "md5sums"
assert_eq $'/etc/kaprobe/watch.conf\n/etc/kaprobe/targets' "$(cat "$ctl/DEBIAN/conffiles")" "conffiles"
! grep -q 'systemctl\|deb-systemd' "$ctl/DEBIAN/postinst" || fail "the postinst enables or starts a service"

# --- unpacked: it runs ----------------------------------------------------------------
dest=$ctl/root
dpkg -x "$deb" "$dest" || fail "dpkg -x"
pk=$dest/usr/bin/kaprobe
(cd "$dest" && md5sum --quiet -c "$ctl/DEBIAN/md5sums") || fail "md5sums do not match the files"
# Built with Debian's hardening flags (dpkg-buildflags, hardening=+all).
assert_match 'BIND_NOW' "$(readelf -d "$pk")" "packaged binary linked with -z now"
assert_match 'PIE' "$(readelf -d "$pk")" "packaged binary is PIE"
assert_match '__[a-z_]*_chk' "$(readelf --dyn-syms -W "$pk")" "fortified functions in the packaged binary"
assert_eq "$("$KAPROBE" --version)" "$("$pk" --version)" "--version of the packaged binary"
zcat "$dest/usr/share/man/man8/kaprobe.8.gz" | cmp -s - kaprobe.8 || fail "packaged man page differs"
# The unit: only CAP_NET_RAW, a user of its own, hardened; systemd-analyze
# verify (offline: nothing is started) on a copy that runs the unpacked
# binary, which also checks the ExecStartPre's --check.
unit=$dest/lib/systemd/system/kaprobe-watch.service
for line in AmbientCapabilities=CAP_NET_RAW CapabilityBoundingSet=CAP_NET_RAW DynamicUser=yes \
	NoNewPrivileges=yes ProtectSystem=strict 'ExecReload=/bin/kill -HUP $MAINPID'; do
	grep -qxF "$line" "$unit" || fail "the unit lacks $line"
done
if command -v systemd-analyze >/dev/null; then
	mkdir "$ctl/unit"
	sed "s|/usr/bin/kaprobe|$pk|g" "$unit" >"$ctl/unit/kaprobe-watch.service"
	systemd-analyze verify --man=no "$ctl/unit/kaprobe-watch.service" ||
		fail "systemd-analyze verify kaprobe-watch.service"
else
	echo "# no systemd-analyze: the unit is not verified"
fi
"$pk" watch --check "$dest/etc/kaprobe/targets" >/dev/null 2>&1
assert_eq 64 "$?" "the packaged targets file has no target until one is written"
printf '192.0.2.10:5432\n' >"$ctl/targets"
assert_eq "$ctl/targets: 1 target, valid" "$("$pk" watch --check "$ctl/targets")" "--check of one target"

cap=pcaps/linux-keepalive.pcap
"$KAPROBE" replay --json "$cap" >"$ctl/want" || fail "replay with $KAPROBE"
"$pk" replay --json "$cap" >"$ctl/got"
assert_eq 0 "$?" "exit status of the packaged kaprobe replay"
assert_ge "$(grep -c '"event":"probe"' "$ctl/got")" 1 "probes found by the packaged replay"
cmp -s "$ctl/want" "$ctl/got" || fail "packaged replay output differs from the built one"

if [ "$(id -u)" -ne 0 ]; then
	echo "# not root: the postinst's setcap and the run as nobody are not checked"
	echo ok
	exit 0
fi

# --- as root: the postinst's capability, and a probe by nobody --------------------
out=$(DPKG_ROOT=$dest sh "$ctl/DEBIAN/postinst" configure) || fail "postinst failed"
assert_match 'granted CAP_NET_RAW' "$out" "postinst message"
assert_match 'cap_net_raw[=+]ep' "$(getcap "$pk")" "capability on the unpacked binary"
chmod 755 "$ctl"
PORT=7291
ka_setup $PORT
timeout 10 ip netns exec "$TB_C" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$pk" -q -c 1 --idle 1s "$TB_SRV4:$PORT" >"$ctl/nobody" 2>&1
assert_eq 0 "$?" "packaged kaprobe as nobody (output: $(cat "$ctl/nobody"))"
assert_match 'verdict: alive' "$(cat "$ctl/nobody")" "verdict as nobody"
echo ok
