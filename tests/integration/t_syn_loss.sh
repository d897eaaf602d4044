#!/bin/bash
# Issue 8 item 1: a lost SYN must not end the run.  The router drops every
# other SYN it forwards (numgen inc mod 2: the first SYN of each run, so
# every connection is made by the kernel's retransmitted SYN, one second
# later).  Each of 16 runs (SYN_LOSS_RUNS) must connect and end alive
# (exit 0) with a connect event and a verdict; exit 70 ("capture did not see
# the handshake") is the bug, seen in about 1 run of 6 before the engine
# (only when runs follow one another, hence many short ones).  The router's
# counter shows that SYNs were lost.
. tests/integration/lib.sh
PORT=7226
RUNS=${SYN_LOSS_RUNS:-16}
ka_setup $PORT
tb_router_nft 'tcp flags & (syn|ack) == syn numgen inc mod 2 == 0 counter drop' ||
	fail "nft SYN-loss rule"

out=$TB_DIR/out.json
for i in $(seq "$RUNS"); do
	ka_run "$out" --idle 100ms -c 1 --json "$TB_SRV4:$PORT"
	assert_eq 0 "$KA_RC" "exit status of run $i of $RUNS (first SYN dropped)"
	json_valid "$out"
	assert_eq 1 "$(json_count "$out" 'select(.event=="connect")')" "connect events (run $i)"
	assert_eq alive "$(json_field "$out" 'select(.event=="verdict")' .verdict)" "verdict (run $i)"
done
dropped=$(tb_r nft list chain inet kaprobe forward | sed -n 's/.*numgen.*counter packets \([0-9]*\).*/\1/p')
assert_ge "${dropped:-0}" "$RUNS" "SYNs the router dropped"
echo ok
