#!/bin/bash
# t_help.sh - help per command, and the man page against it:
#   - kaprobe --help is the overview: all three usage lines, the prober's
#     options, and a pointer to the other commands' help;
#   - kaprobe replay --help, kaprobe audit --help, kaprobe trace --help and
#     kaprobe serve --help, kaprobe sockets --help, kaprobe watch --help print
#     only that command's usage and options (none of the others' own);
#   - -h is --help; help goes to stdout with status 0, nothing on stderr;
#   - every long option a command's help lists is one the command accepts
#     (no "unknown option"), and appears in kaprobe(8) in that command's
#     section; every option kaprobe(8) lists for a command is in its help.
# No option here reaches the network: every run ends in option parsing
# (help, or a missing operand; kaprobe sockets, which would list this
# namespace's sockets, gets a filter it refuses).
. tests/integration/lib.sh
need_kaprobe
T=$(mktemp -d /tmp/t_help.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT

help() {	# NAME ARGS...: kaprobe ARGS > $T/NAME, checked for status 0 and no stderr
	local name=$1
	shift
	"$KAPROBE" "$@" >"$T/$name" 2>"$T/$name.err"
	assert_eq 0 "$?" "exit status of kaprobe $*"
	assert_eq 0 "$(wc -c <"$T/$name.err")" "stderr bytes of kaprobe $*"
}
help live --help
help live_h -h
help replay replay --help
help replay_h replay -h
help audit audit --help
help audit_h audit -h
help trace trace --help
help trace_h trace -h
help sockets sockets --help
help sockets_h sockets -h
help serve serve --help
help watch watch --help
help watch_h watch -h
cmp -s "$T/live" "$T/live_h" || fail "-h and --help differ"
cmp -s "$T/replay" "$T/replay_h" || fail "replay -h and --help differ"
cmp -s "$T/audit" "$T/audit_h" || fail "audit -h and --help differ"
cmp -s "$T/trace" "$T/trace_h" || fail "trace -h and --help differ"
cmp -s "$T/sockets" "$T/sockets_h" || fail "sockets -h and --help differ"
cmp -s "$T/watch" "$T/watch_h" || fail "watch -h and --help differ"

usage=$(sed '/^$/q' "$T/live")	# the usage lines, up to the first blank
assert_match '^usage: kaprobe \[options\] HOST:PORT' "$usage" "overview: the prober"
assert_match $'\n +kaprobe replay \\[options\\] FILE' "$usage" "overview: replay"
assert_match $'\n +kaprobe audit \\[options\\] HOST:PORT' "$usage" "overview: audit"
assert_match $'\n +kaprobe trace \\[options\\] HOST:PORT' "$usage" "overview: trace"
assert_match $'\n +kaprobe sockets \\[options\\] \\[FILTER\\]' "$usage" "overview: sockets"
assert_match 'kaprobe replay --help, kaprobe audit --help, kaprobe trace --help, kaprobe serve --help, kaprobe sockets --help, kaprobe advise --help and kaprobe watch --help' "$(tr '\n' ' ' <"$T/live")" "pointer"
assert_eq 'usage: kaprobe replay [options] FILE' "$(head -n1 "$T/replay")" "replay usage"
assert_eq 'usage: kaprobe audit [options] HOST:PORT' "$(head -n1 "$T/audit")" "audit usage"
assert_eq 'usage: kaprobe trace [options] HOST:PORT' "$(head -n1 "$T/trace")" "trace usage"
assert_eq 'usage: kaprobe sockets [options] [FILTER]' "$(head -n1 "$T/sockets")" "sockets usage"
assert_match $'\n +kaprobe watch \\[options\\] HOST:PORT' "$usage" "overview: watch"
assert_eq 'usage: kaprobe watch [options] HOST:PORT' "$(head -n1 "$T/watch")" "watch usage"

opts() { grep -o -- '--[a-z][a-z0-9-]*' "$1" | sort -u; }
# Each command's own options are in its help and in no other's.
for o in --garbage-byte --count --write; do
	grep -q -- "$o" "$T/live" || fail "kaprobe --help lacks $o"
	! grep -q -- "$o" "$T/replay" "$T/audit" "$T/trace" || fail "$o leaks into another command's help"
done
for o in --flow-timeout; do
	grep -q -- "$o" "$T/replay" || fail "replay --help lacks $o"
	! grep -q -- "$o" "$T/live" "$T/audit" "$T/trace" || fail "$o leaks into another command's help"
done
for o in --max-idle --max-conns --rate --resolution; do
	grep -q -- "$o" "$T/audit" || fail "audit --help lacks $o"
	! grep -q -- "$o" "$T/live" "$T/replay" || fail "$o leaks into live or replay help"
done
for o in --max-hops --variant --timeouts; do
	grep -q -- "$o" "$T/trace" || fail "trace --help lacks $o"
	! grep -q -- "$o" "$T/live" "$T/replay" "$T/audit" || fail "$o leaks into another command's help"
done
for o in --path-timeout --from; do
	grep -q -- "$o" "$T/sockets" || fail "sockets --help lacks $o"
	! grep -q -- "$o" "$T/live" "$T/replay" "$T/audit" "$T/trace" || fail "$o leaks into another command's help"
done
for o in --listen --idle-ladder --backoff --check; do
	grep -q -- "$o" "$T/watch" || fail "watch --help lacks $o"
	! grep -q -- "$o" "$T/live" "$T/replay" "$T/audit" "$T/trace" || fail "$o leaks into another command's help"
done

# Every option a help lists is accepted by that command.
for cmd in live replay audit trace serve sockets watch; do
	args=()
	[ $cmd = live ] || args=($cmd)
	# A filter sockets refuses: it stops after parsing the options.
	last=()
	[ $cmd = sockets ] && last=(no-such-filter)
	n=0
	for o in $(opts "$T/$cmd"); do
		"$KAPROBE" "${args[@]}" "$o" "${last[@]}" >/dev/null 2>"$T/err"
		if grep -q "unknown option\|ambiguous" "$T/err"; then
			fail "kaprobe ${args[*]} --help lists $o, which it refuses: $(cat "$T/err")"
		fi
		n=$((n + 1))
	done
	assert_ge "$n" 5 "options listed by $cmd --help"
done

# The man page: each command's section lists the same long options as its
# help (a section runs from its .SH heading to the next .SH).
man=$T/man
sed 's/\\-/-/g; s/\\f[BIRP]//g' kaprobe.8 >"$man"
section() { awk -v h="$1" '$0 ~ "^\\.SH " {on = ($0 ~ h)} on' "$man"; }
section '^\.SH "kaprobe HOST:PORT"' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man.live"
section '^\.SH "kaprobe replay"' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man.replay"
section '^\.SH "kaprobe audit"' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man.audit"
section '^\.SH "kaprobe trace"' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man.trace"
section '^\.SH "kaprobe sockets"' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man.sockets"
section '^\.SH "kaprobe serve"' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man.serve"
section '^\.SH "kaprobe watch"' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man.watch"
for cmd in live replay audit trace serve sockets watch; do
	assert_ge "$(wc -l <"$T/man.$cmd")" 5 "options in kaprobe(8)'s $cmd section"
	missing=$(comm -23 <(opts "$T/$cmd") "$T/man.$cmd" | tr '\n' ' ')
	assert_eq "" "$missing" "options in $cmd --help but not in kaprobe(8)'s $cmd section"
	extra=$(comm -13 <(opts "$T/$cmd") "$T/man.$cmd" | tr '\n' ' ')
	assert_eq "" "$extra" "options in kaprobe(8)'s $cmd section but not in $cmd --help"
done
# ... and each section has examples.
for h in 'kaprobe HOST:PORT' 'kaprobe replay' 'kaprobe audit' 'kaprobe trace' 'kaprobe sockets' 'kaprobe watch'; do
	section "^\\.SH \"$h\"" | grep -q '^\.SS Examples' ||
		fail "kaprobe(8) section $h has no Examples"
done
echo ok
