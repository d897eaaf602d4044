#!/bin/bash
# t_completion.sh - bash completion (tools/kaprobe.bash-completion):
#   - commands at the first word; each command's own options and not the
#     others'; profile names after --profile; interfaces after -i;
#   - every option offered is one that command accepts;
#   - the profile names offered are exactly the ones kaprobe accepts (it
#     names them itself when refusing an unknown one).
# kaprobe runs here only to print help or to refuse an option: no network.
. tests/integration/lib.sh
need_kaprobe
# shellcheck source=../../tools/kaprobe.bash-completion
. tools/kaprobe.bash-completion
export HOSTFILE=/dev/null	# host names: none, so that results are exact
kbin=$(mktemp -d /tmp/t_completion.XXXXXX) || fail mktemp
trap 'rm -rf "$kbin"' EXIT
ln -s "$KAPROBE" "$kbin/kaprobe"

# complete WORDS...: what completing the last word gives, sorted, one line.
complete_words() {
	COMP_WORDS=("$kbin/kaprobe" "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_kaprobe
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

assert_eq "replay" "$(complete_words re)" "command 're'"
assert_eq "audit" "$(complete_words au)" "command 'au'"
assert_eq "trace" "$(complete_words tr)" "command 'tr'"
assert_eq "advise" "$(complete_words adv)" "command 'adv'"
assert_eq "--path-timeout --peer-timeout" "$(complete_words advise --p)" "advise's --p"
assert_eq "--max-hops" "$(complete_words trace --max-h)" "trace's --max-h"
assert_eq "sockets" "$(complete_words so)" "command 'so'"
assert_eq "--path-timeout" "$(complete_words sockets --path)" "sockets' --path"
assert_eq "dport dst" "$(complete_words sockets d)" "sockets' filters"
assert_eq "time-wait" "$(complete_words sockets state time)" "sockets' states"
assert_eq "" "$(complete_words --max-h)" "--max-hops is trace's only"
assert_eq "far-seq" "$(complete_words trace --variant f)" "probe kinds after --variant"
assert_eq "" "$(complete_words replay re)" "no command after a command"
assert_eq "--probes --profile" "$(complete_words --pro)" "options '--pro'"
assert_eq "--flow-timeout" "$(complete_words replay --fl)" "replay's --fl"
assert_eq "" "$(complete_words --fl)" "--flow-timeout is replay's only"
assert_eq "--max-conns --max-idle" "$(complete_words audit --max-)" "audit's --max-"
assert_eq "--max-flows" "$(complete_words replay --max)" "replay's --max (no audit options)"
assert_eq "--garbage-byte" "$(complete_words --garb)" "--garbage-byte"
assert_eq "" "$(complete_words audit --garb)" "--garbage-byte is the prober's only"
assert_eq "lo" "$(complete_words -i l | tr ' ' '\n' | grep -x lo)" "interface lo after -i"
assert_eq "" "$(complete_words --idle '')" "nothing to offer for a duration"

profiles=$(complete_words --profile '')
assert_eq "freebsd linux macos system windows" "$profiles" "profiles offered"
"$KAPROBE" replay --profile bogus pcaps/linux-keepalive.pcap 2>"$kbin/err" >/dev/null
accepted=$(grep -o 'use .*' "$kbin/err" | sed 's/^use //; s/,//g; s/ or / /; s/ (see.*//' |
	tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
assert_eq "$profiles" "$accepted" "profiles offered against the ones kaprobe names"
for p in $profiles; do
	"$KAPROBE" replay -q --profile "$p" pcaps/linux-keepalive.pcap >/dev/null 2>&1 ||
		fail "kaprobe refuses --profile $p"
done

# Every option offered is accepted by its command.
for cmd in "" replay audit trace serve advise watch; do
	n=0
	for o in $(complete_words $cmd --); do
		"$KAPROBE" $cmd "$o" >/dev/null 2>"$kbin/err"
		grep -q 'unknown option\|ambiguous' "$kbin/err" &&
			fail "completion offers $o for kaprobe $cmd: $(cat "$kbin/err")"
		n=$((n + 1))
	done
	assert_ge "$n" 5 "options offered for kaprobe $cmd"
done
echo ok
