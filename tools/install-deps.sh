#!/bin/bash
# install-deps.sh - install the Debian packages kaprobe needs to build and test.
#
# Installs only what is missing (checked with dpkg-query), runs apt-get update
# at most once and only if something is missing, never prompts.  Quiet and
# exit 0 when everything is already installed.
#
#   tools/install-deps.sh            install what is missing (as root, or
#                                    through sudo: tools/asroot.sh)
#   tools/install-deps.sh --check    list what is missing, exit 1 if anything is
#
# Some packages ship services (haproxy, nginx, redis): no service starts
# during the install (a policy-rc.d that says no, see services_off), those
# it brings are disabled for the next boot, and the install fails if
# anything new runs or listens on the host afterwards.  The tests run these
# programs themselves, inside the testbed's namespaces only.
#
# kmod is not needed: nftables, veth and network namespaces work without
# loading modules by hand on the kernels this was checked on.
set -euo pipefail

# Every package the build, the tests, the demo and `make deb` use, and why
# (README.md "Dependencies" has the same list).
PKGS=(
	build-essential          # gcc, make, libc6-dev: the build
	libpcap-dev              # capture (kaprobe links libpcap)
	libnet1-dev              # packet building (kaprobe links libnet 1.1.6)
	libcunit1-dev            # make unit
	libmicrohttpd-dev        # kaprobe watch --listen: the metrics' HTTP server
	                         # (kaprobe links libmicrohttpd)
	iproute2                 # ip netns, veth: the testbed
	nftables                 # the testbed's router: drop, reject, conntrack
	tshark                   # test oracle (Wireshark's keep-alive labels);
	                         # brings dumpcap and text2pcap (wireshark-common)
	jq                       # the tests read kaprobe's JSON lines
	clang                    # make fuzz (libFuzzer); make test's fuzz
	                         # regressions are built with it under ASan/UBSan
	valgrind                 # tests/replay/t_valgrind.sh: memcheck must be clean
	libcap2-bin              # setcap/getcap: t_cli, t_deb, make install-setcap
	util-linux               # setpriv: tests run kaprobe as nobody
	dpkg-dev                 # make deb: dpkg-shlibdeps, dpkg-gencontrol
	procps                   # pgrep, sysctl in the tests
	coreutils                # timeout(1)
	time                     # GNU /usr/bin/time: peak RSS in tools/bench.sh
	strace                   # the audit's read()/ppoll() counts in tools/bench-audit.sh
	chromium                 # make report-test: opens the HTML reports headless
	                         # (--dump-dom, --screenshot), only ever inside a
	                         # network namespace of its own (tests/lib/report.sh)
	fonts-dejavu-core        # text in those screenshots: the reports' style names
	                         # DejaVu Sans; chromium's fonts-liberation is only a
	                         # recommendation, and fontconfig-config takes any one
	                         # of several font packages
	python3                  # tools/pngstat.py and tests/lib/htmlcheck.py read the
	                         # screenshots and pages (standard library only)
	haproxy                  # t_closed_haproxy: a TCP proxy that closes idle
	                         # connections (timeout client), in the router ns
	nginx-light              # t_closed_nginx: nginx, whose stream proxy closes
	                         # idle connections (proxy_timeout), in the router ns
	libnginx-mod-stream      # nginx's stream module (ngx_stream_module.so)
	redis-server             # t_closed_redis: a server that closes idle
	                         # connections itself (timeout), in the server ns;
	                         # brings redis-tools (redis-cli: its PING count)
	prometheus               # t_watch: promtool check metrics, and a real
	                         # Prometheus scraping kaprobe watch in the client ns
	curl                     # t_watch: scrapes /metrics in the client ns
)

# The services these bring, as SERVICE:PACKAGE-THAT-SHIPS-IT.  Their
# maintainer scripts would start them on the host (nginx would listen on
# port 80, redis on 6379, prometheus on 9090) and enable them for every boot; the tests run the
# binaries themselves, with their own configurations, inside the testbed's
# namespaces only.
SERVICES=(haproxy:haproxy nginx:nginx-common redis-server:redis-server prometheus:prometheus)

installed() {
	local st
	st=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$st" = "install ok installed" ]
}

# Debian's maintainer scripts start services through invoke-rc.d or
# deb-systemd-invoke, and both first ask /usr/sbin/policy-rc.d: exit 101
# means "not allowed" (Debian Policy 9.3.3, invoke-rc.d(8)).  Until the
# install is over, a policy-rc.d that says 101 to everything is in place:
# ours if there was none (removed on exit, whatever happens), or the
# machine's own if it already says 101; any other is set aside and put
# back on exit.
POLICY=/usr/sbin/policy-rc.d
POLICY_SAVED=$POLICY.install-deps-saved

services_off() {
	local rc=0 s
	# What ran, listened and was installed before, for services_check.
	LISTEN_BEFORE=$(listening)
	PIDS_BEFORE=$(host_service_pids)
	NEW_SERVICES=()
	for s in "${SERVICES[@]}"; do
		installed "${s#*:}" || NEW_SERVICES+=("${s%%:*}")
	done
	if [ -x "$POLICY" ]; then
		"$POLICY" haproxy start >/dev/null 2>&1 || rc=$?
		[ $rc -eq 101 ] && return 0
	fi
	if [ -e "$POLICY" ] || [ -L "$POLICY" ]; then
		mv "$POLICY" "$POLICY_SAVED"
		trap 'mv -f "$POLICY_SAVED" "$POLICY"' EXIT
	else
		trap 'rm -f "$POLICY"' EXIT
	fi
	# An interrupted install runs the EXIT trap too.
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	printf '#!/bin/sh\n# install-deps.sh: no service starts while it installs\nexit 101\n' >"$POLICY"
	chmod 755 "$POLICY"
}

# The host's listening TCP sockets, one "address:port" a line.
listening() { ss -Hltn | awk '{ print $4 }' | sort -u; }

# The pids of haproxy, nginx, redis-server and prometheus processes in the host's own
# network namespace (the tests' ones in the testbed's namespaces are not
# the host's).
host_service_pids() {
	local p me
	me=$(readlink /proc/self/ns/net)
	for p in $(pgrep -x haproxy; pgrep -x nginx; pgrep -x redis-server; pgrep -x prometheus); do
		if [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$me" ]; then
			echo "$p"
		fi
	done | sort -n
}

# After the install: the services it brought are not enabled for the next
# boot either (the machine's own, installed before, are left as they were),
# and nothing new runs or listens on the host; if something does, say what
# and fail (it is not ours to kill).
services_check() {
	local s new_pids new_listen
	for s in "${NEW_SERVICES[@]}"; do
		if command -v systemctl >/dev/null; then
			systemctl disable --quiet "$s" >/dev/null 2>&1 || true
		fi
		update-rc.d "$s" disable >/dev/null 2>&1 || true
	done
	new_pids=$(comm -13 <(echo "$PIDS_BEFORE") <(host_service_pids))
	new_listen=$(comm -13 <(echo "$LISTEN_BEFORE") <(listening))
	[ -z "$new_pids$new_listen" ] && return 0
	echo "install-deps.sh: something started on the host during the install:" \
		"${new_pids:+processes ${new_pids//$'\n'/ }}" \
		"${new_listen:+listening on ${new_listen//$'\n'/ }}" >&2
	exit 1
}

missing=()
for p in "${PKGS[@]}"; do
	installed "$p" || missing+=("$p")
done

if [ "${1:-}" = "--check" ]; then
	if [ ${#missing[@]} -eq 0 ]; then
		exit 0
	fi
	echo "missing: ${missing[*]}"
	exit 1
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	# As a user: again as root, through sudo if there is one, or one
	# line saying what to do.
	echo "install-deps.sh: missing packages: ${missing[*]}" >&2
	exec "$(dirname "$0")/asroot.sh" bash "$0" "$@"
fi

echo "install-deps.sh: installing ${missing[*]}"
services_off
export DEBIAN_FRONTEND=noninteractive
# tshark pulls in wireshark-common, which asks whether non-root users may
# capture; answer "no" ahead of time so the install never waits.
if command -v debconf-set-selections >/dev/null 2>&1; then
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}"
services_check
