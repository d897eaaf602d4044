#!/bin/bash
# The server forgets the connection silently (its abort RST is dropped); the
# next probe is answered with an RST -> verdict reset, exit 2.
. tests/integration/lib.sh
PORT=7205
ka_setup $PORT
out=$TB_DIR/out.json
ka_start "$out" --idle 2s --intvl 1s --probes 3 --json "$TB_SRV4:$PORT"
ka_wait_connect "$out"
wait_until 3 test "$(server_established)" -ge 1 || fail "server has no connection"
tb_server_drop_rst || fail "tb_server_drop_rst"
kill -USR1 "$TB_SRV_PID"
wait_until 3 test "$(server_established)" -eq 0 || fail "server kept the connection"
tb_server_allow_rst || fail "tb_server_allow_rst"
ka_wait
assert_eq 2 "$KA_RC" "exit status"
json_valid "$out"
assert_ge "$(json_count "$out" 'select(.event=="probe")')" 1 "probe events"
assert_ge "$(json_count "$out" 'select(.event=="reply" and .kind=="rst")')" 1 "rst replies"
assert_eq "$TB_SRV4" "$(json_field "$out" 'select(.event=="reply" and .kind=="rst")' .from)" \
	"rst from"
assert_eq reset "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
assert_eq 1 "$(json_count "$out" 'select(.event=="summary")')" "summary events"
echo ok
