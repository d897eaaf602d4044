#!/bin/bash
# Least privilege: once the raw socket and the capture are open, kaprobe
# holds no capability and has no_new_privs set, and runs as an unprivileged
# user: started as root without -Z it becomes "nobody" (issue 8 item 7: as
# tcpdump does; uid 0 without capabilities could still read /etc/shadow),
# with -Z USER it becomes USER (-Z root: uid 0, still without capabilities).
# Every uid and gid (real, effective, saved, filesystem) is checked, and,
# unless USER is root, that group 0 is not among the supplementary groups.
# It still probes and reads replies through the open handles.  The audit
# drops the same way.
. tests/integration/lib.sh
PORT=7214
ka_setup $PORT
out=$TB_DIR/out.json

# status_of FIELD: that line of the running kaprobe's /proc status.
status_of() {
	local pid
	pid=$(ka_pid)
	[ -n "$pid" ] || fail "no kaprobe process"
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$pid/status"
}

# all_of FIELD: every number on that line of the status file, one space apart.
all_of() {
	local pid
	pid=$(ka_pid)
	[ -n "$pid" ] || fail "no kaprobe process"
	awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$pid/status"
}

# assert_dropped WHAT USER: the running kaprobe is USER, without privilege.
assert_dropped() {
	local what=$1 uid gid
	uid=$(id -u "$2") gid=$(id -g "$2")
	assert_eq 0000000000000000 "$(status_of CapEff)" "effective capabilities ($what)"
	assert_eq 0000000000000000 "$(status_of CapPrm)" "permitted capabilities ($what)"
	assert_eq 1 "$(status_of NoNewPrivs)" "no_new_privs ($what)"
	assert_eq "$uid $uid $uid $uid" "$(all_of Uid)" "real, effective, saved, fs uid ($what: $2)"
	assert_eq "$gid $gid $gid $gid" "$(all_of Gid)" "real, effective, saved, fs gid ($what: $2)"
	[ "$uid" = 0 ] || [[ " $(all_of Groups) " != *" 0 "* ]] ||
		fail "supplementary groups ($what) include 0: $(all_of Groups)"
}

for user in "" nobody root daemon; do
	ka_start "$out" ${user:+-Z "$user"} --idle 1s --intvl 1s --json "$TB_SRV4:$PORT"
	ka_wait_connect "$out"
	assert_dropped "-Z '$user'" "${user:-nobody}"
	wait_until 10 grep -q '"kind":"ack"' "$out" || fail "no answered probe (-Z '$user')"
	kill -INT "$(ka_pid)"
	ka_wait
	assert_eq 0 "$KA_RC" "exit status (-Z '$user')"
done

# The audit, without -Z and with -Z daemon.
for user in "" daemon; do
	# --max-idle 30s: still running when its variants are out (the search
	# runs beside them), until the INT below.
	KA_TIMEOUT=40 ka_start "$out" audit ${user:+-Z "$user"} --json --max-idle 30s "$TB_SRV4:$PORT"
	# Handles open and privileges dropped before the first variant is out.
	ka_wait_event "$out" '.event=="variant"' 10 || fail "no variant event in 10 s (audit -Z '$user')"
	assert_dropped "audit -Z '$user'" "${user:-nobody}"
	kill -INT "$(ka_pid)"
	ka_wait
done

# An unknown user is a usage error, found before anything is sent.
ka_run "$out" -Z no-such-user-kaprobe -c 1 "$TB_SRV4:$PORT"
assert_eq 64 "$KA_RC" "exit status for an unknown -Z user"
assert_match "no such user 'no-such-user-kaprobe'" "$(cat "$out.err")" "-Z message"
assert_eq 0 "$(wc -c <"$out")" "stdout for an unknown -Z user"
echo ok
