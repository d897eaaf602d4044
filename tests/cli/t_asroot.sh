#!/bin/bash
# test-timeout: 180
# t_asroot.sh - the root-or-sudo logic behind `make test` and `make demo`
# (tools/asroot.sh), with a fake uid and a fake sudo (ASROOT_UID,
# ASROOT_SUDO), so that it is checked whoever runs it:
#   - as root: the command runs directly, sudo is never called;
#   - as a user with sudo: one line says so, sudo gets `-- env KAPROBE=...
#     CMD...`, and the command's exit status comes back;
#   - as a user without sudo: status 77 and one line saying what to do;
#     with --optional the command runs as the user, with one line;
#   - make demo, make integration, make replay-test and make pkg-test go
#     through it, with
#     the right commands (the fake sudo only records them).
# The real sudo path was also run by hand with a throw-away sudo user.
. tests/integration/lib.sh
T=$(mktemp -d /tmp/t_asroot.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT
fake=$T/sudo
cat >"$fake" <<EOS
#!/bin/bash
echo "\$*" >>"$T/sudo.log"
[ -n "\${FAKE_SUDO_RECORD_ONLY:-}" ] && exit 0
shift	# --
exec "\$@"
EOS
chmod +x "$fake"
run() {	# UID SUDO ARGS...: asroot.sh ARGS; stdout $T/out, stderr $T/err, RC
	local uid=$1 sudo=$2
	shift 2
	: >"$T/sudo.log"
	ASROOT_UID=$uid ASROOT_SUDO=$sudo bash tools/asroot.sh "$@" >"$T/out" 2>"$T/err"
	RC=$?
}

run 0 "$fake" sh -c 'echo ran; exit 3'
assert_eq 3 "$RC" "status as root"
assert_eq ran "$(cat "$T/out")" "output as root"
assert_eq 0 "$(wc -c <"$T/sudo.log")" "sudo calls as root"
assert_eq 0 "$(wc -c <"$T/err")" "stderr as root"

KAPROBE=/some/kaprobe run 1000 "$fake" sh -c 'echo "ran $KAPROBE"; exit 3'
assert_eq 3 "$RC" "status through sudo"
assert_eq "ran /some/kaprobe" "$(cat "$T/out")" "output through sudo, KAPROBE passed on"
assert_match '^-- env KAPROBE=/some/kaprobe sh -c ' "$(cat "$T/sudo.log")" "sudo's arguments"
assert_eq 1 "$(wc -l <"$T/err")" "stderr lines through sudo"
assert_match 'running as root through sudo: sh -c' "$(cat "$T/err")" "the sudo line"

run 1000 /nonexistent/sudo sh -c 'echo ran'
assert_eq 77 "$RC" "status without root or sudo"
assert_eq "" "$(cat "$T/out")" "the command must not run without root"
assert_eq 1 "$(wc -l <"$T/err")" "stderr lines without root or sudo"
assert_match "needs root.*run it as root, or install sudo" "$(cat "$T/err")" "what to do"

run 1000 /nonexistent/sudo --optional sh -c 'echo ran; exit 5'
assert_eq 5 "$RC" "status of --optional as a user"
assert_eq ran "$(cat "$T/out")" "--optional runs as the user"
assert_match 'not root and no sudo.*will skip' "$(cat "$T/err")" "--optional line"

# The Makefile: which steps go through sudo (recorded, not run).
need_kaprobe
for target in demo integration replay-test pkg-test; do
	: >"$T/sudo.log"
	FAKE_SUDO_RECORD_ONLY=1 ASROOT_UID=1000 ASROOT_SUDO=$fake \
		make -s --no-print-directory "$target" >"$T/make.out" 2>&1 ||
		fail "make $target with a fake sudo: $(cat "$T/make.out")"
	case $target in
	demo) want='bash tools/demo.sh$' ;;
	integration) want='bash tests/integration/run.sh$' ;;
	replay-test) want='bash tests/replay/run.sh$' ;;
	pkg-test) want='bash tests/pkg/t_deb.sh$' ;;
	esac
	assert_eq 1 "$(wc -l <"$T/sudo.log")" "sudo calls by make $target"
	assert_match "^-- env KAPROBE=[^ ]*/kaprobe $want" "$(cat "$T/sudo.log")" \
		"what make $target runs through sudo"
done
echo ok
