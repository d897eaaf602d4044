#!/bin/bash
# report-examples.sh - regenerate the example reports kept in docs/: each
# kind of `--report FILE.html` and a screenshot of it (headless Chromium,
# only inside a network namespace of its own: tests/lib/report.sh).
#
#   sudo bash tools/report-examples.sh [replay] [audit] [trace]   (make report-examples)
#
# With no argument, all three:
#   replay  docs/report-replay.html/.png: the reference captures of one
#           recording session (pcaps/README.md), merged into one file of 8
#           flows (alive, reset, dead), replayed with --middlebox aws-nlb and
#           a 3 s box that cuts most of their idle gaps.  Needs no root.
#   audit   docs/report-audit.html/.png: an audit in the testbed through a
#           router whose conntrack forgets idle flows after 3 s
#           (audit_router_conntrack, as t_audit_conntrack.sh), --max-idle 8s:
#           under a minute.  Root.
#   trace   docs/report-trace.html/.png: trace --timeouts in a testbed with
#           two stateful routers, r1 forgetting after 6 s (dropping), r2
#           after 3 s (resetting), as t_trace_timeouts.sh, --max-idle 10s.
#           Root.
# Every probe stays inside the testbed's namespaces (tools/testbed.sh).
# REPORT_EXAMPLES_DIR (docs) is where they go; run through sudo, the files
# are given back to the user who ran sudo.  Exit 1 if any step failed.
# shellcheck disable=SC2317 # example_KIND are called by name
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
OUT=$(realpath -m "${REPORT_EXAMPLES_DIR:-docs}")
PORT=7492
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(replay audit trace)
for k in "${kinds[@]}"; do
	case $k in
	replay) ;;
	audit|trace)
		[ "$(id -u)" -eq 0 ] || { echo "report-examples.sh: $k needs root (the testbed): sudo make report-examples" >&2; exit 1; } ;;
	*) echo "usage: report-examples.sh [replay] [audit] [trace]" >&2; exit 64 ;;
	esac
done
make -s kaprobe build/tools/tcpserver || exit 1
mkdir -p "$OUT" || exit 1
. tests/lib/report.sh
# lib.sh: the testbed and the helpers the tests use (fail exits).
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
need_kaprobe
work=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-examples.XXXXXX") || exit 1
# tb_up (ka_setup) chains its own EXIT trap, tb_down, before this one.
trap 'rm -rf "$work"' EXIT

# kaprobe runs in $work and writes NAME.html there, so that the command
# line the report shows holds no path of this machine.
# publish NAME: $work/NAME.html into $OUT, with a screenshot of all of it.
publish() {
	local html=$OUT/$1.html png=$OUT/$1.png h
	[ -s "$work/$1.html" ] || { echo "report-examples.sh: kaprobe wrote no $1.html" >&2; return 1; }
	mv -f "$work/$1.html" "$html" || return 1
	report_self_contained "$html" || return 1
	h=$(report_height "$html") || return 1
	REPORT_HEIGHT=$h report_shot "$html" "$png" && png_not_blank "$png" || return 1
	[ -n "${SUDO_UID:-}" ] && chown "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" "$html" "$png"
	echo "$html ($(wc -c <"$html") bytes), $png ($(python3 tools/pngstat.py "$png" | cut -d' ' -f1,2 | tr ' ' x))"
}

example_replay() {
	local f files=()
	for f in linux-keepalive kaprobe-answered peer-reset silent-peer-dead \
		firewall-drops-probes garbage-byte ipv6 no-timestamps; do
		files+=("pcaps/$f.pcap")
	done
	mergecap -F pcap -w "$work/reference-flows.pcap" "${files[@]}" || return 1
	(cd "$work" && "$KAPROBE" replay --middlebox aws-nlb --middlebox 3s \
		--report report-replay.html reference-flows.pcap >/dev/null) ||
		{ echo "report-examples.sh: kaprobe replay failed" >&2; return 1; }
	publish report-replay
}

# Exit 1 is the audit's and the trace's verdict here (a box forgets idle
# flows), not a failure.
example_audit() {
	audit_router_conntrack 3 >/dev/null
	cd "$work" || return 1
	KA_TIMEOUT=100 ka_run "$work/audit.out" audit --max-idle 8s --resolution 500ms \
		--report report-audit.html "$TB_SRV4:$PORT" >/dev/null
	cd - >/dev/null || return 1
	[ "$KA_RC" -le 1 ] || { echo "report-examples.sh: kaprobe audit: exit $KA_RC" >&2; return 1; }
	publish report-audit
}

example_trace() {
	tb_add_router2 || return 1
	audit_router_conntrack 6 >/dev/null
	TB_R=$TB_R2 audit_router_conntrack 3 reject >/dev/null
	cd "$work" || return 1
	KA_TIMEOUT=400 ka_run "$work/trace.out" trace --timeouts --max-idle 10s \
		--report report-trace.html "$TB_SRV4:$PORT" >/dev/null
	cd - >/dev/null || return 1
	[ "$KA_RC" -le 1 ] || { echo "report-examples.sh: kaprobe trace: exit $KA_RC" >&2; return 1; }
	publish report-trace
}

bad=0
for k in "${kinds[@]}"; do
	if [ "$k" != replay ] && [ -z "${TB_C:-}" ]; then
		ka_setup $PORT
	fi
	"example_$k" || { echo "report-examples.sh: the $k example failed" >&2; bad=1; }
done
exit $bad
