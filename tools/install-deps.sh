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
)

installed() {
	local st
	st=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$st" = "install ok installed" ]
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
