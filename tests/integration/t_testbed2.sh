#!/bin/bash
# The two-router testbed (tb_add_router2: client - r1 - r2 - server): the
# server is two hops away, so its answers arrive with TTL / hop limit 62,
# over IPv4 and IPv6, and kaprobe's verdict is alive through both routers.
. tests/integration/lib.sh
ka_setup 7411
tb_add_router2 || fail "tb_add_router2"
out=$TB_DIR/out.json
ka_run "$out" --idle 500ms -c 2 --json "$TB_SRV4:7411"
assert_eq 0 "$KA_RC" "exit status (IPv4)"
ka_assert_alive "$out" 62 true
ka_run "$out" --idle 500ms -c 2 --json "[$TB_SRV6]:7411"
assert_eq 0 "$KA_RC" "exit status (IPv6)"
ka_assert_alive "$out" 62 true
# Both routers forward: r2's own counter sees the flow.
tb_router2_nft ip daddr "$TB_SRV4" counter || fail "r2 counter"
ka_run "$out" --idle 500ms -c 1 --json "$TB_SRV4:7411"
assert_match 'counter packets [1-9]' "$(tb_r2 nft list chain inet kaprobe forward)" \
	"the second router forwarded the flow"
echo ok
