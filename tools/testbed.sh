#!/bin/bash
# testbed.sh - three network namespaces (client, router, server) for kaprobe.
#
#   client 198.18.1.2/24      router                  server 198.19.1.2/24
#          fd00:ca5e:1::2/64  .1 / ::1  forwarding    fd00:ca5e:2::2/64
#   [veth0]------------------[rc]  [rs]------------------[veth0]
#
# Every address is inside namespaces this file creates (198.18.0.0/15 and
# fd00:ca5e::/32); nothing is routed to the host's own network.
#
# Sourced by tests:   . tools/testbed.sh; tb_up; tb_start_server -p 7001; ...
#   tb_up [NAME]          create the namespaces (default prefix "kp$$" plus a
#                         random part); installs an EXIT trap that runs tb_down
#   tb_c / tb_r / tb_s CMD...   run CMD in the client / router / server ns
#   tb_router_cut         router drops everything it forwards, both ways
#   tb_router_open        router forwards everything again
#   tb_router_nft RULE... add an nft rule to the router's forward chain
#   tb_router_delay MS    the router forwards in user space, each packet held
#                         MS each way (RTT 2*MS; tools/delayrelay.py: this
#                         kernel has no netem); nft forward rules no longer
#                         apply
#   tb_server_drop_rst    server ns drops the TCP RSTs it sends
#   tb_server_allow_rst   ... and lets them out again
#   tb_server_sysctl KEY VAL    sysctl in the server ns
#   tb_start_server ARGS...     build/tools/tcpserver ARGS in the server ns, in
#                         the background; waits (5 s) for its pidfile; sets
#                         TB_SRV_PID
#   tb_add_router2        put a second router (namespace TB_R2) between the
#                         router and the server: client - r1 - r2 - server;
#                         r2 is 198.18.2.2 / fd00:ca5e:3::2 toward r1 and
#                         takes over TB_SRV_RTR4/6 toward the server
#   tb_r2 CMD...  /  tb_router2_nft RULE...   as tb_r / tb_router_nft, on r2
#   tb_start_servers N BASE    N of them, on ports BASE+1..BASE+N; their
#                         HOST:PORT in the array TB_TARGETS
#   tb_fleet_up CONNS BASE   the fleet benchmarks' testbed: tb_up, the
#                         descriptor limit raised to its hard limit, ten
#                         servers from BASE+1 (tb_start_servers); TB_PER
#                         connections to each make TB_TOTAL, at least CONNS
#   tb_down               kill what runs in the namespaces, delete them
#                         (safe to call twice)
# Variables: TB_C TB_R TB_S (namespace names), TB_C_IF TB_S_IF (their veth),
#   TB_CLI4 TB_CLI6 TB_SRV4 TB_SRV6 TB_RTR4 TB_RTR6 (router, client side),
#   TB_DIR (scratch directory, removed by tb_down unless TB_KEEP=1).
#
# Run directly, for demos and manual use (no trap: stays up until "down"):
#   tools/testbed.sh up NAME      tools/testbed.sh down NAME
#   tools/testbed.sh env NAME     (prints the variables to eval)

TB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB_CLI4=198.18.1.2
TB_CLI6=fd00:ca5e:1::2
TB_RTR4=198.18.1.1
TB_RTR6=fd00:ca5e:1::1
TB_SRV4=198.19.1.2
TB_SRV6=fd00:ca5e:2::2
TB_SRV_RTR4=198.19.1.1
TB_SRV_RTR6=fd00:ca5e:2::1
TB_C_IF=veth0
TB_S_IF=veth0
export TB_ROOT TB_CLI4 TB_CLI6 TB_RTR4 TB_RTR6 TB_SRV4 TB_SRV6 TB_SRV_RTR4 TB_SRV_RTR6
export TB_C_IF TB_S_IF

_tb_err() { echo "testbed: $*" >&2; }

TB_R1R2_4=198.18.2.1
TB_R1R2_6=fd00:ca5e:3::1
TB_R2_4=198.18.2.2
TB_R2_6=fd00:ca5e:3::2
export TB_R1R2_4 TB_R1R2_6 TB_R2_4 TB_R2_6

tb_c() { ip netns exec "$TB_C" "$@"; }
tb_r() { ip netns exec "$TB_R" "$@"; }
tb_s() { ip netns exec "$TB_S" "$@"; }
tb_r2() { ip netns exec "$TB_R2" "$@"; }

_tb_names() {
	TB_PREFIX=$1
	TB_C=$1-c
	TB_R=$1-r
	TB_S=$1-s
	export TB_PREFIX TB_C TB_R TB_S
}

# Build the namespaces; does not install traps (tb_up does).
_tb_create() {
	local ns
	_tb_free || return 2
	for ns in "$TB_C" "$TB_R" "$TB_S"; do
		ip netns add "$ns" || return 1
		# Note it at once, so an outer runner can clean up after a crash.
		[ -n "${TB_REGISTRY:-}" ] && echo "$ns" >>"$TB_REGISTRY"
		ip -n "$ns" link set lo up || return 1
		# No duplicate address detection: IPv6 usable at once.
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 >/dev/null || return 1
	done
	ip -n "$TB_R" link add rc type veth peer name "$TB_C_IF" netns "$TB_C" || return 1
	ip -n "$TB_R" link add rs type veth peer name "$TB_S_IF" netns "$TB_S" || return 1

	ip -n "$TB_C" addr add "$TB_CLI4/24" dev "$TB_C_IF" || return 1
	ip -n "$TB_C" -6 addr add "$TB_CLI6/64" dev "$TB_C_IF" nodad || return 1
	ip -n "$TB_R" addr add "$TB_RTR4/24" dev rc || return 1
	ip -n "$TB_R" -6 addr add "$TB_RTR6/64" dev rc nodad || return 1
	ip -n "$TB_R" addr add "$TB_SRV_RTR4/24" dev rs || return 1
	ip -n "$TB_R" -6 addr add "$TB_SRV_RTR6/64" dev rs nodad || return 1
	ip -n "$TB_S" addr add "$TB_SRV4/24" dev "$TB_S_IF" || return 1
	ip -n "$TB_S" -6 addr add "$TB_SRV6/64" dev "$TB_S_IF" nodad || return 1
	ip -n "$TB_C" link set "$TB_C_IF" up || return 1
	ip -n "$TB_S" link set "$TB_S_IF" up || return 1
	ip -n "$TB_R" link set rc up || return 1
	ip -n "$TB_R" link set rs up || return 1
	ip -n "$TB_C" route add default via "$TB_RTR4" || return 1
	ip -n "$TB_C" -6 route add default via "$TB_RTR6" || return 1
	ip -n "$TB_S" route add default via "$TB_SRV_RTR4" || return 1
	ip -n "$TB_S" -6 route add default via "$TB_SRV_RTR6" || return 1
	ip netns exec "$TB_R" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 >/dev/null || return 1

	# nftables 1.0.6: each closing brace on its own line.
	ip netns exec "$TB_R" nft -f - <<'EOF' || return 1
table inet kaprobe {
	chain forward {
		type filter hook forward priority 0; policy accept;
	}
}
EOF
	ip netns exec "$TB_S" nft -f - <<'EOF' || return 1
table inet kaprobe {
	chain output {
		type filter hook output priority 0; policy accept;
	}
}
EOF
	_tb_settle
}

# The names are not taken (never touch namespaces that are not ours).
_tb_free() {
	local ns
	for ns in "$TB_C" "$TB_R" "$TB_S"; do
		if [ -e "/run/netns/$ns" ] ||
		   ip netns list | awk '{print $1}' | grep -qxF "$ns"; then
			_tb_err "namespace $ns already exists: not touching it"
			return 1
		fi
	done
}

# Wait (up to 5 s) until no namespace has a tentative address and both veths
# report carrier, so the first packet of a test is not lost.
_tb_settle() {
	local i ns busy
	for i in $(seq 50); do
		busy=
		for ns in "$TB_C" "$TB_R" "$TB_S"; do
			[ -n "$(ip -n "$ns" -6 addr show tentative 2>/dev/null)" ] && busy=1
			ip -n "$ns" link show up 2>/dev/null | grep -q 'NO-CARRIER' && busy=1
		done
		[ -z "$busy" ] && return 0
		sleep 0.1
	done
	_tb_err "namespaces did not settle in 5 s"
	return 1
}

tb_up() {
	if [ -n "${TB_C:-}" ] && [ -e "/run/netns/$TB_C" ]; then
		_tb_err "a testbed ($TB_PREFIX) is already up in this shell"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		_tb_err "needs root"
		return 1
	fi
	_tb_names "${1:-kp$$$(printf '%04x' $((RANDOM % 65536)))}"
	if ! _tb_free; then
		TB_C= TB_R= TB_S= TB_PREFIX=
		return 1
	fi
	TB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/testbed.$TB_PREFIX.XXXXXX") || return 1
	TB_PIDS=
	export TB_DIR

	# Chain with an EXIT trap already set: tb_down first, then the old one,
	# with $? still the script's exit status.
	local old=
	eval "local -a _t=($(trap -p EXIT))"
	[ "${#_t[@]}" -ge 3 ] && old=${_t[2]}
	# shellcheck disable=SC2064
	trap "_tb_rc=\$?; tb_down; (exit \$_tb_rc); $old" EXIT
	# Make INT/TERM/HUP run the EXIT trap too (bash runs it on exit only).
	local sig code
	for sig in INT:130 TERM:143 HUP:129; do
		code=${sig#*:}; sig=${sig%:*}
		[ -z "$(trap -p "$sig")" ] && trap "exit $code" "$sig"
	done

	if ! _tb_create; then
		_tb_err "setup failed"
		tb_down
		return 1
	fi
}

# Kill every process still running inside our namespaces (servers, captures,
# probers a test left behind), by pid, then delete the namespaces.
_tb_destroy() {
	local ns pids i
	for ns in "$TB_C" "$TB_R" "$TB_S" ${TB_R2:+"$TB_R2"}; do
		[ -e "/run/netns/$ns" ] || continue
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill $pids 2>/dev/null
	done
	for i in $(seq 20); do
		pids=
		for ns in "$TB_C" "$TB_R" "$TB_S" ${TB_R2:+"$TB_R2"}; do
			[ -e "/run/netns/$ns" ] && pids="$pids$(ip netns pids "$ns" 2>/dev/null)"
		done
		[ -z "$pids" ] && break
		sleep 0.1
	done
	for ns in "$TB_C" "$TB_R" "$TB_S" ${TB_R2:+"$TB_R2"}; do
		[ -e "/run/netns/$ns" ] || continue
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}

tb_down() {
	[ -n "${TB_C:-}" ] || return 0
	local p
	for p in ${TB_PIDS:-}; do
		kill "$p" 2>/dev/null
	done
	for p in ${TB_PIDS:-}; do
		wait "$p" 2>/dev/null
	done
	TB_PIDS=
	_tb_destroy
	if [ -n "${TB_DIR:-}" ] && [ -d "$TB_DIR" ] && [ "${TB_KEEP:-0}" != 1 ]; then
		rm -rf "$TB_DIR"
	elif [ -n "${TB_DIR:-}" ] && [ -d "$TB_DIR" ]; then
		_tb_err "kept $TB_DIR"
	fi
	return 0
}

# The second router: the r1 - server link becomes r1 - r2 - server.
tb_add_router2() {
	[ -n "${TB_PREFIX:-}" ] || { _tb_err "tb_add_router2: no testbed up"; return 1; }
	TB_R2=$TB_PREFIX-r2
	export TB_R2
	ip netns add "$TB_R2" || return 1
	[ -n "${TB_REGISTRY:-}" ] && echo "$TB_R2" >>"$TB_REGISTRY"
	ip -n "$TB_R2" link set lo up || return 1
	tb_r2 sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 >/dev/null || return 1
	ip -n "$TB_R" link del rs || return 1           # takes the server's veth along
	ip -n "$TB_R" link add rr2 type veth peer name ra netns "$TB_R2" || return 1
	ip -n "$TB_R2" link add rs type veth peer name "$TB_S_IF" netns "$TB_S" || return 1
	ip -n "$TB_R" addr add "$TB_R1R2_4/24" dev rr2 || return 1
	ip -n "$TB_R" -6 addr add "$TB_R1R2_6/64" dev rr2 nodad || return 1
	ip -n "$TB_R2" addr add "$TB_R2_4/24" dev ra || return 1
	ip -n "$TB_R2" -6 addr add "$TB_R2_6/64" dev ra nodad || return 1
	ip -n "$TB_R2" addr add "$TB_SRV_RTR4/24" dev rs || return 1
	ip -n "$TB_R2" -6 addr add "$TB_SRV_RTR6/64" dev rs nodad || return 1
	ip -n "$TB_S" addr add "$TB_SRV4/24" dev "$TB_S_IF" || return 1
	ip -n "$TB_S" -6 addr add "$TB_SRV6/64" dev "$TB_S_IF" nodad || return 1
	local l i
	for l in "$TB_R rr2" "$TB_R2 ra" "$TB_R2 rs" "$TB_S $TB_S_IF"; do
		ip -n "${l% *}" link set "${l#* }" up || return 1
	done
	ip -n "$TB_S" route add default via "$TB_SRV_RTR4" || return 1
	ip -n "$TB_S" -6 route add default via "$TB_SRV_RTR6" || return 1
	ip -n "$TB_R" route add 198.19.1.0/24 via "$TB_R2_4" || return 1
	ip -n "$TB_R" -6 route add fd00:ca5e:2::/64 via "$TB_R2_6" || return 1
	ip -n "$TB_R2" route add default via "$TB_R1R2_4" || return 1
	ip -n "$TB_R2" -6 route add default via "$TB_R1R2_6" || return 1
	# nftables 1.0.6: each closing brace on its own line.
	printf 'table inet kaprobe {\n\tchain forward {\n\t\ttype filter hook forward priority 0; policy accept;\n\t}\n}\n' |
		tb_r2 nft -f - || return 1
	for i in $(seq 50); do
		[ -z "$(ip -n "$TB_R2" -6 addr show tentative)$(ip -n "$TB_S" -6 addr show tentative)" ] &&
			! ip -n "$TB_R2" link show up | grep -q NO-CARRIER && return 0
		sleep 0.1
	done
	_tb_err "the second router did not settle in 5 s"
	return 1
}

tb_router2_nft() {
	tb_r2 nft add rule inet kaprobe forward "$@"
}

tb_router_cut() {
	tb_r nft add rule inet kaprobe forward counter drop
}

tb_router_open() {
	tb_r nft flush chain inet kaprobe forward
}

tb_router_nft() {
	tb_r nft add rule inet kaprobe forward "$@"
}

tb_router_delay() {
	local cmac smac i
	cmac=$(tb_c cat "/sys/class/net/$TB_C_IF/address")
	smac=$(tb_s cat "/sys/class/net/$TB_S_IF/address")
	# The relay sends to the ends' MACs; their ARP and ND for the router
	# are answered by its kernel, which keeps its addresses.
	tb_r sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 >/dev/null || return 1
	tb_r python3 "$TB_ROOT/tools/delayrelay.py" "$1" rc rs "$cmac" "$smac" \
		198.18.1.0/24 fd00:ca5e:1::/64 -- 198.19.1.0/24 fd00:ca5e:2::/64 &
	TB_PIDS="$TB_PIDS $!"
	for i in $(seq 20); do   # both packet sockets bound
		[ "$(tb_r ss -H -0 2>/dev/null | wc -l)" -ge 2 ] && return 0
		sleep 0.1
	done
	_tb_err "delayrelay did not start"
	return 1
}

tb_server_drop_rst() {
	tb_s nft add rule inet kaprobe output tcp flags '&' rst == rst counter drop
}

tb_server_allow_rst() {
	tb_s nft flush chain inet kaprobe output
}

tb_server_sysctl() {
	[ $# -eq 2 ] || { _tb_err "usage: tb_server_sysctl KEY VALUE"; return 1; }
	tb_s sysctl -qw "$1=$2" >/dev/null
}

# tb_start_server [tcpserver options]: -P is added; waits for the pidfile.
# tb_start_servers N BASE: N tcpservers on ports BASE+1 .. BASE+N of the
# server, their HOST:PORT in the array TB_TARGETS.
tb_start_servers() {
	local i
	TB_TARGETS=()
	for ((i = 1; i <= $1; i++)); do
		tb_start_server -p $(($2 + i)) || return 1
		TB_TARGETS+=("$TB_SRV4:$(($2 + i))")
	done
}

# tb_fleet_up CONNS BASE: in the caller's shell, so that the raised limit
# holds for what it starts next.
tb_fleet_up() {
	local servers=10
	TB_PER=$((($1 + servers - 1) / servers))
	TB_TOTAL=$((TB_PER * servers))
	tb_up || return 1
	ulimit -n "$(ulimit -Hn)" 2>/dev/null
	tb_start_servers $servers "$2"
}

tb_start_server() {
	local bin=$TB_ROOT/build/tools/tcpserver pidfile i
	if [ ! -x "$bin" ]; then
		_tb_err "$bin not built (make build/tools/tcpserver)"
		return 1
	fi
	pidfile=$TB_DIR/tcpserver.$RANDOM.pid
	ip netns exec "$TB_S" "$bin" -P "$pidfile" "$@" &
	TB_SRV_PID=$!
	TB_PIDS="$TB_PIDS $TB_SRV_PID"
	for i in $(seq 50); do
		if [ -s "$pidfile" ]; then
			TB_SRV_PID=$(cat "$pidfile")
			export TB_SRV_PID
			return 0
		fi
		kill -0 "$TB_SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	_tb_err "tcpserver $* did not start"
	return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# Run as a command.
	set -u
	cmd=${1:-}
	name=${2:-}
	case $cmd in
	up)
		[ -n "$name" ] || { echo "usage: $0 up NAME" >&2; exit 64; }
		[ "$(id -u)" -eq 0 ] || { _tb_err "needs root"; exit 77; }
		_tb_names "$name"
		_tb_create
		rc=$?
		if [ $rc -ne 0 ]; then
			[ $rc -ne 2 ] && _tb_destroy
			exit 1
		fi
		echo "testbed $name up: client $TB_C ($TB_CLI4, $TB_CLI6)," \
		     "router $TB_R, server $TB_S ($TB_SRV4, $TB_SRV6)"
		;;
	down)
		[ -n "$name" ] || { echo "usage: $0 down NAME" >&2; exit 64; }
		_tb_names "$name"
		_tb_destroy
		;;
	env)
		[ -n "$name" ] || { echo "usage: $0 env NAME" >&2; exit 64; }
		_tb_names "$name"
		for v in TB_PREFIX TB_C TB_R TB_S TB_C_IF TB_S_IF TB_CLI4 TB_CLI6 \
			 TB_SRV4 TB_SRV6 TB_RTR4 TB_RTR6; do
			printf 'export %s=%q\n' "$v" "${!v}"
		done
		;;
	*)
		echo "usage: $0 up|down|env NAME   (or source it: . tools/testbed.sh)" >&2
		exit 64
		;;
	esac
fi
