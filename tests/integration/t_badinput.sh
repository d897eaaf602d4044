#!/bin/bash
# test-timeout: 150
# Bad input, table-driven: malformed targets, durations, counts and options,
# an unknown interface, an unresolvable name, and replay of files that are
# not readable captures.  Usage errors name the command (kaprobe audit: ...)
# and the option (--idle: ...); mistyped commands and options get a "did you
# mean"; -4/-6 against a literal of the other family is a usage error.  Each case: the documented exit status, exactly one
# line on stderr, nothing on stdout (except a capture damaged part-way, whose
# report up to the damage is still printed).
#
# Every case runs in the testbed's client namespace.  Name lookups there go
# to a resolver address inside the testbed (the router, which runs no DNS
# server), through /etc/netns/NS/resolv.conf, so not even a DNS query leaves
# the namespaces.
. tests/integration/lib.sh
PORT=7231
# Runs after tb_down (tb_up chains the trap it finds); TB_C is set by then.
trap 'rm -rf "/etc/netns/${TB_C:-kaprobe-none}"; rmdir /etc/netns 2>/dev/null; true' EXIT
ka_setup $PORT
mkdir -p "/etc/netns/$TB_C" || fail "mkdir /etc/netns/$TB_C"
printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$TB_SRV_RTR4" \
	>"/etc/netns/$TB_C/resolv.conf" || fail "resolv.conf for $TB_C"

out=$TB_DIR/out
T=$TB_SRV4:$PORT
KA_TIMEOUT=20

# --- files for replay ---------------------------------------------------------
d=$TB_DIR/files
mkdir -p "$d"
: >"$d/empty.pcap"
printf 'This is not a capture.\nJust two lines of text.\n' >"$d/text.pcap"
good=pcaps/linux-keepalive.pcap
[ -s "$good" ] || fail "$good missing"
# Cut the last record short: the file header and the first frames are whole.
size=$(stat -c %s "$good")
head -c $((size - 20)) "$good" >"$d/truncated.pcap"
# One USB frame (link type 220, not supported).
printf '0000  08 02 00 00 ff ff ff ff ff ff 00 11 22 33 44 55\n0010  00 11 22 33 44 55 00 00\n' |
	text2pcap -q -l 220 - "$d/usb.pcap" >/dev/null 2>&1 || fail "text2pcap"
assert_file "$d/usb.pcap"

# --- the table: STATUS ARGS... (shell words; '' is an empty argument) ----------
# The text after "#" is a regex the stderr line must match.
cases=$(cat <<EOF
64 host                                # missing port
64 host:                               # missing port
64 :443                                # missing host
64 host:0                              # invalid port
64 host:65536                          # invalid port
64 '[::1'                              # unclosed
64 ::1:443                             # ambiguous
64 '[]:80'                             # missing address
3  nonexistent.invalid:$PORT           # cannot resolve
64 224.0.0.1:$PORT                     # refusing to probe multicast address
64 '[ff02::1]:'$PORT                   # refusing to probe multicast address
64 255.255.255.255:$PORT               # refusing to probe broadcast address
64 0.0.0.0:$PORT                       # refusing to probe unspecified address
64 --idle -1 $T                        # invalid duration
64 --idle 0 $T                         # too short
64 --idle 0s $T                        # too short
64 --idle 99999999999999999999 $T      # too large
64 --idle 5x $T                        # unknown unit
64 --idle 1.2.3 $T                     # decimal point
64 --idle '' $T                        # invalid duration
64 --idle ' 5' $T                      # invalid duration
64 --intvl -1 $T                       # invalid duration
64 --intvl 0 $T                        # too short
64 --intvl 0s $T                       # too short
64 --intvl 99999999999999999999 $T     # too large
64 --intvl 5x $T                       # unknown unit
64 --intvl 1.2.3 $T                    # decimal point
64 --intvl '' $T                       # invalid duration
64 --intvl ' 5' $T                     # invalid duration
64 --connect-timeout -1 $T             # invalid duration
64 --connect-timeout 0 $T              # too short
64 --connect-timeout 0s $T             # too short
64 --connect-timeout 99999999999999999999 $T # too large
64 --connect-timeout 5x $T             # unknown unit
64 --connect-timeout 1.2.3 $T          # decimal point
64 --connect-timeout '' $T             # invalid duration
64 --connect-timeout ' 5' $T           # invalid duration
64 --probes -1 $T                      # invalid count
64 --probes 0 $T                       # out of range
64 --probes 128 $T                     # out of range
64 --probes abc $T                     # invalid count
64 --probes 99999999999999999999 $T    # out of range
64 -c -1 $T                            # invalid count
64 -c 0 $T                             # out of range
64 -c abc $T                           # invalid count
64 -c 99999999999999999999 $T          # out of range
64 --bogus $T                          # unknown option '--bogus'
64 -z $T                               # unknown option '-z'
64 $T --idle                           # '--idle' needs a value
64 --json=1 $T                         # '--json=1' takes no value
64 -i nosuch0 $T                       # no such interface 'nosuch0'
66 replay $d/nosuch.pcap               # cannot open
66 replay $d                           # is a directory
65 replay $d/empty.pcap                # is empty
65 replay /dev/null                    # /dev/null is empty
65 replay $d/text.pcap                 # not a pcap or pcapng capture
65 replay $d/truncated.pcap            # damaged or truncated
65 replay --json $d/truncated.pcap     # damaged or truncated
65 replay $d/usb.pcap                  # link type 220 .USB_LINUX_MMAPPED.
64 replay                              # missing FILE
64 replay $good $good                  # unexpected argument
64 replay -c 1 $good                   # '-c': it is an option of kaprobe HOST:PORT
64 repaly $good                        # ^kaprobe: unknown command 'repaly' \(did you mean 'replay'\?\)
64 adit $T                             # unknown command 'adit' \(did you mean 'audit'\?\)
64 frobnicate $good                    # unknown command 'frobnicate': the commands are replay, audit, trace, serve, sockets, advise and watch
64 -q replay $good                     # command 'replay' must come first
64 --idle 0 $T                         # ^kaprobe: --idle: duration '0' is too short: minimum 1ms
64 -c 0 $T                             # ^kaprobe: -c: count '0' is out of range: 1 to
64 --count 0 $T                        # ^kaprobe: --count: count '0'
64 --idle 1s1s $T                      # --idle: .*largest down
64 --intvl 1m30 $T                     # --intvl: .*needs a unit
64 --profile plan9 $T                  # ^kaprobe: --profile: unknown profile 'plan9'
64 --idel 1s $T                        # unknown option '--idel' \(did you mean '--idle'\?\)
64 --max-idle 1s $T                    # '--max-idle': it is an option of kaprobe audit
64 --in 1s $T                          # option '--in' is ambiguous: --intvl, --interface
64 -6 $TB_SRV4:$PORT                   # -6 contradicts '$TB_SRV4', an IPv4 address
64 -4 '[$TB_SRV6]:'$PORT               # -4 contradicts '$TB_SRV6', an IPv6 address
64 audit -6 $TB_SRV4:$PORT             # -6 contradicts
64 audit --max-conns 3 $T              # ^kaprobe audit: --max-conns: count '3' is out of range: 6 to 256 \(see kaprobe audit --help\)
64 audit --max-idle 2h4m --rate 0 $T   # ^kaprobe audit: --rate: count '0'
64 audit --max-idle 1h30 $T            # ^kaprobe audit: --max-idle: .*needs a unit
64 audit --resolution 1ms $T           # --resolution: .*too short: minimum 10ms
64 audit --flow-timeout 1s $T          # '--flow-timeout': it is an option of kaprobe replay
64 audit --max 1s $T                   # '--max' is ambiguous: --max-idle, --max-conns
64 audit                               # ^kaprobe audit: missing HOST:PORT
64 replay --flow-timeout 0 $good       # ^kaprobe replay: --flow-timeout: .*minimum 1s
64 replay --idle 1h2x $good            # ^kaprobe replay: --idle: .*unknown unit 'x'
64 replay --garbage-byte $good         # '--garbage-byte': it is an option of kaprobe HOST:PORT
64 \$'--bo\\ngus' $T                    # unknown option '--bo\\?gus'
64 --heartbeat '' $T                   # ^kaprobe: --heartbeat: empty: give at least one byte
64 --heartbeat 'a\\q' $T               # --heartbeat: .*unknown escape '.q' \(at byte 2\)
64 --heartbeat-hex 0d0 $T              # --heartbeat-hex: .*not pairs of hex digits \(at byte 4\)
64 --heartbeat x --heartbeat-hex 00 $T # give one heartbeat
64 --heartbeat x --garbage-byte $T     # --garbage-byte shapes keep-alive probes
64 replay --heartbeat x $good          # '--heartbeat': it is an option of kaprobe HOST:PORT
73 audit --report /nonexistent/a.html $T  # ^kaprobe audit: --report /nonexistent/a.html: No such file or directory$
73 trace --report $d $T                # ^kaprobe trace: --report .*/files: Is a directory$
73 replay --report $d $good            # ^kaprobe replay: --report .*/files: Is a directory$
EOF
)

n=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	want=${line%% *}
	rest=${line#* }
	msg=${rest##*# }
	rest=${rest%#*}
	eval "set -- $rest"
	ka_run "$out" "$@" >/dev/null
	what="kaprobe$(printf " '%s'" "$@")"
	assert_eq "$want" "$KA_RC" "exit status of $what (stderr: $(head -c 300 "$out.err"))"
	assert_eq 1 "$(wc -l <"$out.err")" "stderr lines of $what"
	assert_match '^kaprobe( replay| audit| trace)?: ' "$(cat "$out.err")" "stderr of $what"
	assert_match "$msg" "$(cat "$out.err")" "stderr of $what"
	case $rest in
	*truncated.pcap*)
		# Reported up to the damage: the summary is still printed, last.
		if [[ $rest == *--json* ]]; then
			json_valid "$out"
			assert_json "$out" '.[-1].event == "summary"' "summary last, $what"
			assert_json "$out" '.[-1].frames > 0' "frames before the damage, $what"
		else
			assert_match '^--- .*truncated\.pcap: [1-9][0-9]* frames' \
				"$(tail -n1 "$out")" "summary line of $what"
		fi
		;;
	*)
		assert_eq 0 "$(wc -c <"$out")" "stdout bytes of $what"
		;;
	esac
	n=$((n + 1))
done <<<"$cases"
note "$n bad inputs checked"
assert_ge "$n" 92 "cases run"
echo ok
