# kaprobe - TCP keep-alive from user space.
#
#   make              build ./kaprobe and the test tools
#   make test         install missing packages, build, run every test:
#                     unit, fuzz regressions, cli, replay, report, package,
#                     integration
#   make unit         CUnit tests only (no privilege needed)
#   make cli-test     help, completion, the sudo logic (no privilege needed)
#   make replay-test  replay over pcaps/ and synthetic captures, vs tshark
#   make report-test  the HTML reports' test library, in headless Chromium
#                     (run only inside a network namespace of its own)
#   make integration  namespace tests
#   make deb          kaprobe_VERSION_ARCH.deb (dpkg-dev; no root needed)
#   make pkg-test     build the .deb, check it, unpack it, run it
#   make SANITIZE=1 unit replay-test   the same under ASan + UBSan
#                     (built apart, in build-san/)
#   make fuzz FUZZ_SECONDS=N   libFuzzer over the decoder and replay
#   make bench        replay speed and memory on 1M packets, 10,000 live
#                     connections from one process, their CPU per probe
#                     against the kernel's keep-alive, and the audit's figures
#                     below (prints figures; root for all but the first)
#   make bench-fleet  kaprobe's CPU per probe against the kernel's own
#                     keep-alive on 10,000 connections (root; about 8 minutes)
#   make bench-lateness  how late the first probe leaves, the kernel's own
#                     against kaprobe's, from the capture (root; a minute)
#   make bench-watch  kaprobe watch: 1,000 connections for 10 minutes with
#                     periodic faults; RSS at start and end, CPU per probe,
#                     scrape latency (root; not in make test)
#   make bench-audit  the audit's CPU while idle and its success rate over 20
#                     runs under 10% loss (root; about 12 minutes)
#   make demo         testbed + kaprobe showing alive, reset and dead
#   make report-examples   docs/report-{replay,audit,trace}.html and .png, the
#                     example reports (root: the audit and trace run in the
#                     testbed)
#   make install      PREFIX=/usr/local DESTDIR=: binary, kaprobe(8), and
#                     bash completion
#
# Installing packages, the integration tests, the demo, bench-conns and
# bench-audit need root.  Run as root, make does them directly; run as a
# user, it does them through sudo (tools/asroot.sh), and everything else as
# the user.

CC      ?= cc
PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man

LIBNET_DEFINES := $(shell libnet-config --defines 2>/dev/null)
LIBNET_LIBS    := $(shell libnet-config --libs 2>/dev/null || echo -lnet)

# A user's CFLAGS and CPPFLAGS are theirs (make CFLAGS=-O0 keeps working);
# the language, warnings, dependency files and include path are the
# project's and always apply.
CFLAGS   ?= -O2 -g
KP_CFLAGS   := -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
KP_CPPFLAGS := -D_GNU_SOURCE -D_DEFAULT_SOURCE $(LIBNET_DEFINES) -Isrc -MMD -MP
LDLIBS   += -lpcap $(LIBNET_LIBS) -lmicrohttpd -pthread -lm

# Sanitized builds live apart so that they never mix with normal objects.
ifeq ($(SANITIZE),1)
BUILD   := build-san
BIN     := $(BUILD)/kaprobe
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
BIN     ?= kaprobe
SAN     :=
endif
TOOLS_DIR := build/tools
COMPILE = $(CC) $(CPPFLAGS) $(KP_CPPFLAGS) $(CFLAGS) $(KP_CFLAGS) $(SAN)

# The layers, lowest first: a folder includes only folders before it in
# this list (tools/layercheck.sh, run by `make test`).  Each is a static
# library, so that a test or fuzzer links only the layers it needs.
LAYERS   := util decode capfile tcp net engine emit report cmd
MAIN_SRC := src/cmd/main.c
SRC      := $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
LIB_SRC  := $(filter-out $(MAIN_SRC),$(SRC))
# Highest layer first, as the linker wants them.
LIBS     := $(foreach l,$(shell echo $(LAYERS) | tr ' ' '\n' | tac),$(BUILD)/lib/libkp_$(l).a)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_OBJ := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%.o) $(BUILD)/unit/idlesim.o
TOOLS    := $(patsubst tools/%.c,$(TOOLS_DIR)/%,$(wildcard tools/*.c))
# Tools that run kaprobe's own code link its layers (and the test library).
LINKED_TOOLS := $(TOOLS_DIR)/searchsim $(TOOLS_DIR)/segdump
# Every test script finds the binary under test here.
export KAPROBE := $(abspath $(BIN))
# The steps that need root: directly as root, through sudo as a user.
ASROOT := bash tools/asroot.sh

.PHONY: all deps test unit layer-check fuzz-regress cli-test replay-test report-test integration \
	fuzz bench bench-conns bench-fleet bench-lateness bench-audit bench-watch demo report-examples deb pkg-test clean install \
	install-setcap
all: $(BIN) $(TOOLS)

$(BIN): $(BUILD)/obj/cmd/main.o $(LIBS)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(COMPILE) -c -o $@ $<

# libkp_LAYER.a: the layer's objects (cmd's without main.o).
define layer_lib
$(BUILD)/lib/libkp_$(1).a: $(patsubst src/%.c,$(BUILD)/obj/%.o,$(filter-out $(MAIN_SRC),$(wildcard src/$(1)/*.c)))
	@mkdir -p $$(@D)
	@rm -f $$@
	$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_lib,$(l))))

# Test tools: always the plain build, whatever SANITIZE says.
$(filter-out $(LINKED_TOOLS),$(TOOLS)): $(TOOLS_DIR)/%: tools/%.c
	@mkdir -p $(TOOLS_DIR)
	$(CC) $(CPPFLAGS) $(KP_CPPFLAGS) -MF $@.d $(CFLAGS) $(KP_CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# searchsim links the layers of the build at hand, so it takes its
# sanitizers too.
$(TOOLS_DIR)/searchsim: tools/searchsim.c tests/lib/idlesim.c $(LIBS)
	@mkdir -p $(TOOLS_DIR)
	$(CC) $(CPPFLAGS) $(KP_CPPFLAGS) -Itests/lib -MF $@.d $(CFLAGS) $(KP_CFLAGS) $(SAN) $(LDFLAGS) \
		-o $@ tools/searchsim.c tests/lib/idlesim.c $(LIBS) $(LDLIBS)

$(TOOLS_DIR)/segdump: tools/segdump.c $(LIBS)
	@mkdir -p $(TOOLS_DIR)
	$(CC) $(CPPFLAGS) $(KP_CPPFLAGS) -MF $@.d $(CFLAGS) $(KP_CFLAGS) $(SAN) $(LDFLAGS) \
		-o $@ tools/segdump.c $(LIBS) $(LDLIBS)

$(BUILD)/unit/idlesim.o: tests/lib/idlesim.c
	@mkdir -p $(@D)
	$(COMPILE) -c -o $@ $<

# The unit runner calls suite_NAME() for every tests/unit/test_NAME.c.
$(BUILD)/unit/suites.inc: $(UNIT_SRC)
	@mkdir -p $(@D)
	@for f in $(UNIT_SRC); do n=$${f##*/test_}; echo "SUITE($${n%.c})"; done > $@

$(BUILD)/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(COMPILE) -Itests/unit -Itests/lib -c -o $@ $<

$(BUILD)/unit/main.o: tests/unit/main.c $(BUILD)/unit/suites.inc
	@mkdir -p $(@D)
	$(COMPILE) -Itests/unit -I$(BUILD)/unit -c -o $@ $<

$(BUILD)/unit_tests: $(BUILD)/unit/main.o $(UNIT_OBJ) $(LIBS)
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcunit

-include $(shell find $(BUILD) build/tools -name '*.d' 2>/dev/null)

deps:
	@bash tools/install-deps.sh

test: deps
	$(MAKE) all $(BUILD)/unit_tests
	$(MAKE) layer-check
	$(MAKE) unit
	$(MAKE) fuzz-regress
	$(MAKE) cli-test
	$(MAKE) replay-test
	$(MAKE) report-test
	$(MAKE) pkg-test
	$(MAKE) integration

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

# No file includes a layer above its own (see LAYERS).
layer-check:
	bash tools/layercheck.sh $(LAYERS)

# Every input the fuzzers ever crashed on, and their seeds, replayed
# through the harnesses under ASan + UBSan.
fuzz-regress:
	bash tests/fuzz/regress.sh

cli-test: all
	bash tests/cli/run.sh

# As root when possible: t_roundtrip needs the testbed (it skips otherwise).
replay-test: all
	$(ASROOT) --optional bash tests/replay/run.sh

# As root when possible (unshare --net); as a user, Chromium's namespace is
# made through a user namespace (unshare -rn).
report-test: all
	$(ASROOT) --optional bash tests/report/run.sh

integration: all
	$(ASROOT) bash tests/integration/run.sh

# Built apart (build/deb/) with Debian's hardening flags, whatever SANITIZE says.
deb:
	bash tools/mkdeb.sh

# As root when possible: the postinst's setcap and the run as nobody.
pkg-test: deb
	$(ASROOT) --optional bash tests/pkg/t_deb.sh

FUZZ_SECONDS ?= 60
fuzz:
	bash tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: all
	bash tools/bench.sh
	$(ASROOT) bash tools/bench-conns.sh
	$(ASROOT) bash tools/bench-fleet.sh
	$(ASROOT) bash tools/bench-audit.sh

# 10,000 connections from one process, in the testbed (root).
bench-conns: all
	$(ASROOT) bash tools/bench-conns.sh

bench-fleet: all
	$(ASROOT) bash tools/bench-fleet.sh

# The audit's CPU and its success under loss, in the testbed (root).
bench-audit: all
	$(ASROOT) bash tools/bench-audit.sh

bench-lateness: all
	$(ASROOT) bash tools/bench-lateness.sh

bench-watch: all
	$(ASROOT) bash tools/bench-watch.sh

demo: deps
	$(MAKE) all
	$(ASROOT) bash tools/demo.sh

report-examples: all
	$(ASROOT) bash tools/report-examples.sh

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/kaprobe
	install -D -m 0644 kaprobe.8 $(DESTDIR)$(MANDIR)/man8/kaprobe.8
	install -D -m 0644 tools/kaprobe.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kaprobe
	@echo "kaprobe needs CAP_NET_RAW.  To let users run it without sudo:"
	@echo "    sudo make install-setcap PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"
	@echo "(or: sudo setcap cap_net_raw+ep $(DESTDIR)$(PREFIX)/bin/kaprobe)"

install-setcap:
	setcap cap_net_raw+ep $(DESTDIR)$(PREFIX)/bin/kaprobe

clean:
	rm -rf build build-san kaprobe kaprobe_*.deb
