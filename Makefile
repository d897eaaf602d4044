# kaprobe - TCP keep-alive from user space.
#
#   make            build ./kaprobe
#   make test       install missing packages, build, run unit + integration tests
#   make unit       CUnit tests only (no privilege needed)
#   make replay-test  replay over pcaps/ and synthetic captures, vs tshark
#   make integration  namespace tests (root)
#   make bench      replay speed and memory on 1M packets (prints figures)
#   make demo       testbed + kaprobe showing alive, reset and dead (root)
#   make SANITIZE=1 test   the same under AddressSanitizer + UBSan

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   := build

LIBNET_DEFINES := $(shell libnet-config --defines 2>/dev/null)
LIBNET_LIBS    := $(shell libnet-config --libs 2>/dev/null || echo -lnet)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral
CPPFLAGS += -D_GNU_SOURCE -D_DEFAULT_SOURCE $(LIBNET_DEFINES) -Isrc
LDLIBS   += -lpcap $(LIBNET_LIBS) -lm

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_OBJ := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%.o)
TOOLS    := $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c))

.PHONY: all deps test unit replay-test integration bench demo clean install
all: kaprobe $(TOOLS)

kaprobe: $(BUILD)/main.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tools/%: tools/%.c | $(BUILD)
	@mkdir -p $(BUILD)/tools
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# The unit runner calls suite_NAME() for every tests/unit/test_NAME.c.
$(BUILD)/unit/suites.inc: $(UNIT_SRC) | $(BUILD)
	@mkdir -p $(BUILD)/unit
	@for f in $(UNIT_SRC); do n=$${f##*/test_}; echo "SUITE($${n%.c})"; done > $@

$(BUILD)/unit/%.o: tests/unit/%.c $(wildcard src/*.h) tests/unit/unit.h | $(BUILD)
	@mkdir -p $(BUILD)/unit
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -c -o $@ $<

$(BUILD)/unit/main.o: tests/unit/main.c $(BUILD)/unit/suites.inc tests/unit/unit.h
	$(CC) $(CPPFLAGS) -Itests/unit -I$(BUILD)/unit $(CFLAGS) -c -o $@ $<

$(BUILD)/unit_tests: $(BUILD)/unit/main.o $(UNIT_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcunit

$(BUILD):
	@mkdir -p $(BUILD)

deps:
	@bash tools/install-deps.sh

test: deps
	$(MAKE) all $(BUILD)/unit_tests
	$(MAKE) unit
	$(MAKE) replay-test
	$(MAKE) integration

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

replay-test: all
	bash tests/replay/run.sh

integration: all
	bash tests/integration/run.sh

bench: all
	bash tools/bench.sh

demo: deps
	$(MAKE) all
	bash tools/demo.sh

clean:
	rm -rf $(BUILD) kaprobe
