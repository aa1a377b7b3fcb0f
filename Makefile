# SPDX-License-Identifier: GPL-2.0
#
# Builds the host orchestrator (build/racerig), the static guest agent,
# the scenario programs, and runs the tests.
#
#   make              build everything into build/
#   make SANITIZE=1   the same with ASan/UBSan, into build-san/
#   make test         install missing packages, build, run all tests
#   make demo         install, build, fetch the default kernel, boot it,
#                     run sysrq-crash and print the classified result
#   make image        build the default guest image into the cache
#   make install      install into PREFIX (/usr/local), DESTDIR honoured
#   make man          regenerate host/racerig.1 from the commands' tables
#   make fuzz         every libFuzzer target for FUZZ_SECONDS (60) each,
#                     built with clang into build-fuzz/
#
# Sources are found by wildcard: host/*.c is the orchestrator, guest/agent
# the agent, tests/fuzz/fuzz-*.c the fuzz targets, and each
# scenarios/NAME/build.mk adds that scenario's programs to SCENARIO_PROGS.

CC	?= gcc
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD	?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
else
BUILD	?= build
SANFLAGS =
endif

WARN	 = -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow \
	   -Wformat=2 -Wno-format-nonliteral
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP

# "make V=1" shows the commands
ifeq ($(V),1)
Q =
else
Q = @
endif

HOST_LIBS = -ljansson -lkdumpfile -lsqlite3 -lvirt -lcrypto -lpthread -lm

HOST_SRCS := $(filter-out host/racerig.c,$(wildcard host/*.c)) \
	     guest/agent/proto.c
HOST_OBJS := $(HOST_SRCS:%.c=$(BUILD)/obj/%.o)
AGENT_SRCS := $(wildcard guest/agent/*.c)
AGENT_OBJS := $(AGENT_SRCS:%.c=$(BUILD)/obj-static/%.o)
UNIT_SRCS := $(wildcard tests/unit/u-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.DEFAULT_GOAL := all
SCENARIO_PROGS :=
-include $(wildcard scenarios/*/build.mk)

.PHONY: all deps test unit-test check demo image clean bench fuzz checkpatch \
	install man
all: $(BUILD)/racerig $(BUILD)/guest/racerig-agent $(SCENARIO_PROGS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Ihost -Iguest/agent -c -o $@ $<

$(BUILD)/libracerig.a: $(HOST_OBJS)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/racerig: $(BUILD)/obj/host/racerig.o $(BUILD)/libracerig.a
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(HOST_LIBS)

# The agent runs as the guest's init: static, so the initramfs needs no
# shared libraries for it.  No sanitizers there: they need a runtime.
$(BUILD)/obj-static/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (static)"
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -MMD -MP \
		-Iguest/agent -c -o $@ $<

$(BUILD)/guest/racerig-agent: $(AGENT_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) -static -o $@ $^ -ljansson

# Scenario programs: scenarios/NAME/PROG.c -> $(BUILD)/scenarios/NAME/PROG.
# A build.mk may set PROG_LIBS for its program (target-specific LDLIBS).
$(BUILD)/scenarios/%: scenarios/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -MMD -MP \
		-o $@ $< $(LDLIBS)

$(BUILD)/tests/u-%: $(BUILD)/obj/tests/unit/u-%.o $(BUILD)/libracerig.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(HOST_LIBS) -lcmocka

deps:
	@ci/install-deps

unit-test: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "# $$t"; $$t; done

# The whole suite: unit tests (plain and sanitized), then the shell tests,
# which boot real kernels.  ci/ and .ci/run call this target.
test: deps
	$(MAKE) all
	$(BUILD)/racerig image build
	$(MAKE) unit-test
	$(MAKE) SANITIZE=1 unit-test build-san/racerig
	RACERIG_SAN_BUILD=build-san prove -v --timer tests/t[0-9]*.sh

check: test

image: deps all
	$(BUILD)/racerig image build

demo: deps
	$(MAKE) all
	ci/demo

bench: all
	@for b in bench/*; do [ -x "$$b" ] && echo "# $$b" && "$$b"; done

clean:
	rm -rf build build-san build-fuzz

# The man page is generated from the commands' own tables and committed,
# so "man racerig" works without a build; tests/t0001-help.sh fails when
# it differs from what "racerig help --man" prints now.
man: $(BUILD)/racerig
	$(BUILD)/racerig help --man >host/racerig.1+
	mv host/racerig.1+ host/racerig.1

# The binary finds what it reads at run time through source_dir()
# (host/util.c): the directory above its own, symlinks resolved.  So the
# runtime tree keeps the source tree's layout under LIBDIR: build/ with the
# binary, the agent and the scenario programs; the scenario definitions
# and scripts, the image recipes, the guest modules' sources (built against
# each guest kernel) and the bug-class rules.  bin/racerig is a symlink.
PREFIX	?= /usr/local
LIBDIR	 = $(PREFIX)/lib/racerig
MANDIR	 = $(PREFIX)/share/man
RUNTIME_DIRS = scenarios images guest/modules

install: all
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)install -d $(DESTDIR)$(LIBDIR)/build/guest $(DESTDIR)$(LIBDIR)/host \
		$(DESTDIR)$(LIBDIR)/guest $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(MANDIR)/man1
	$(Q)install -m 0755 $(BUILD)/racerig $(DESTDIR)$(LIBDIR)/build/racerig
	$(Q)install -m 0755 $(BUILD)/guest/racerig-agent \
		$(DESTDIR)$(LIBDIR)/build/guest/racerig-agent
	$(Q)for p in $(SCENARIO_PROGS:$(BUILD)/%=%); do \
		install -D -m 0755 $(BUILD)/$$p $(DESTDIR)$(LIBDIR)/build/$$p || exit; \
	done
	$(Q)for d in $(RUNTIME_DIRS); do \
		rm -rf $(DESTDIR)$(LIBDIR)/$$d && \
		cp -R --preserve=mode $$d $(DESTDIR)$(LIBDIR)/$$d || exit; \
	done
	$(Q)install -m 0644 host/bug-classes.rules host/kernel-areas.rules \
		$(DESTDIR)$(LIBDIR)/host/
	$(Q)ln -sfn ../lib/racerig/build/racerig $(DESTDIR)$(PREFIX)/bin/racerig
	$(Q)install -m 0644 host/racerig.1 $(DESTDIR)$(MANDIR)/man1/racerig.1

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# libFuzzer targets, one per parser of hostile input: tests/fuzz/fuzz-NAME.c
# becomes build-fuzz/fuzz-NAME, seeded from tests/fuzz/corpus/NAME.  The
# library is rebuilt with clang under ASan/UBSan and fuzzer coverage.
# "make fuzz FUZZ_SECONDS=N" runs every target for N seconds, one at a
# time (tests/fuzz/run: figures per target, findings in
# build-fuzz/findings/NAME, non-zero exit if anything was found).
FUZZ_SECONDS ?= 60
FUZZ	 = build-fuzz
FUZZ_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) -g -O1 \
	   -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=undefined -MMD -MP
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz-%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ)/fuzz-%)

$(FUZZ)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Ihost -Iguest/agent \
		-c -o $@ $<

$(FUZZ)/libracerig.a: $(HOST_SRCS:%.c=$(FUZZ)/obj/%.o)
	@rm -f $@
	$(Q)ar rcs $@ $^

# kept, so that a rebuild after a library change only links
.SECONDARY: $(FUZZ_NAMES:%=$(FUZZ)/obj/tests/fuzz/fuzz-%.o)
$(FUZZ)/fuzz-%: $(FUZZ)/obj/tests/fuzz/fuzz-%.o $(FUZZ)/libracerig.a
	@echo "  LD      $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(HOST_LIBS)

fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZ_NAMES)

-include $(shell find $(FUZZ) -name '*.d' 2>/dev/null)

# The kernel's style check over guest/modules (fetches checkpatch once).
checkpatch:
	ci/checkpatch
