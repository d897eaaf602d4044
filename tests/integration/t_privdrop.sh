#!/bin/bash
# Least privilege: once the raw socket and the capture are open, kaprobe
# holds no capability and has no_new_privs set; started as root it runs as
# nobody (uid and gid), with -Z USER as USER (-Z root: uid 0, still without
# capabilities).  It still probes and reads replies through the open handles.
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

# want_uid USER: the uid kaprobe should end up with for -Z USER ('' = none).
want_uid() { id -u "${1:-nobody}"; }

for user in "" nobody root daemon; do
	ka_start "$out" ${user:+-Z "$user"} --idle 1s --intvl 1s --json "$TB_SRV4:$PORT"
	ka_wait_connect "$out"
	assert_eq 0000000000000000 "$(status_of CapEff)" "effective capabilities (-Z '$user')"
	assert_eq 0000000000000000 "$(status_of CapPrm)" "permitted capabilities (-Z '$user')"
	assert_eq 1 "$(status_of NoNewPrivs)" "no_new_privs (-Z '$user')"
	assert_eq "$(want_uid "$user")	$(want_uid "$user")	$(want_uid "$user")	$(want_uid "$user")" \
		"$(awk '$1 == "Uid:" { print $2 "\t" $3 "\t" $4 "\t" $5 }' "/proc/$(ka_pid)/status")" \
		"real, effective, saved and fs uid (-Z '$user')"
	assert_eq "$(id -g "${user:-nobody}")" "$(status_of Gid)" "gid (-Z '$user')"
	wait_until 10 grep -q '"kind":"ack"' "$out" || fail "no answered probe (-Z '$user')"
	kill -INT "$(ka_pid)"
	ka_wait
	assert_eq 0 "$KA_RC" "exit status (-Z '$user')"
done

# An unknown user is a usage error, found before anything is sent.
ka_run "$out" -Z no-such-user-kaprobe -c 1 "$TB_SRV4:$PORT"
assert_eq 64 "$KA_RC" "exit status for an unknown -Z user"
assert_match "no such user 'no-such-user-kaprobe'" "$(cat "$out.err")" "-Z message"
assert_eq 0 "$(wc -c <"$out")" "stdout for an unknown -Z user"
echo ok
