# septbench: build, bench, compare, test.
#
#   make            build build/septbench
#   make bench      run the default suite on this kernel (installs what it needs)
#   make test       unit tests (ASan/UBSan) + integration tests in the test VM
#   make ab A=K B=K ROUNDS=N [AB_ARGS="run options"] [KSRC=TREE]
#                   kernel A against kernel B in balanced rounds of boots
#                   (no arguments: old vs new in the test VM, 2 rounds, short suite)
#   make vmtest CMD="..."   run a command in the test VM (KVM inside QEMU)
#   make kernel KSRC=TREE [REV=REV] [KBUILD_ARGS=...]   build a kernel (scripts/kbuild)
#   make test-kernel        the test VM's src kernel (once, cached)
#   make deps       install the distribution packages for all of the above
#   make docs/report.png   the README's screenshot (report.html of the fixture runs, headless chromium)
#   make install    PREFIX=/usr/local DESTDIR=

CC ?= cc
PREFIX ?= /usr/local
BUILD := build
.DEFAULT_GOAL := all
PKGS := jansson hwloc numa zlib libcrypto libarchive libtracefs libtraceevent
# libpfm4 (event names for --events) ships no pkg-config file.
PFM_LIBS := -lpfm

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
CFLAGS ?= -O2 -g
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) -MMD -MP \
	-DSEPTBENCH_VERSION='"$(VERSION)"'

# The files that print the version are rebuilt when it changes (a commit
# without edits to them would otherwise keep the old one).
VERSIONED := host/cli/main host/cli/cmd_run host/check/bundle_collect
$(BUILD)/version.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@
$(VERSIONED:%=$(BUILD)/%.o) $(VERSIONED:%=$(BUILD)/san/%.o): $(BUILD)/version.stamp
FORCE:
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# KVM uapi headers: the system's when new enough, else KSRC=, else a
# linux-libc-dev from the Debian mirror (scripts/kheaders says which).
$(BUILD)/config.mk: scripts/kheaders scripts/lib/debarchive.sh
	@mkdir -p $(BUILD)
	@flags=$$(KSRC="$(KSRC)" CC="$(CC)" scripts/kheaders) && \
		printf 'KHDR_CFLAGS := %s\nKHDR_KSRC := %s\n' "$$flags" "$(KSRC)" >$@.tmp && mv $@.tmp $@

NEED_CONFIG := $(filter-out clean deps help kernel test-kernel ab,$(MAKECMDGOALS))
ifneq ($(if $(MAKECMDGOALS),$(NEED_CONFIG),all),)
-include $(BUILD)/config.mk
# A different KSRC= than the cached one means other headers.
ifneq ($(origin KSRC),undefined)
ifneq ($(KSRC),$(KHDR_KSRC))
.PHONY: $(BUILD)/config.mk
endif
endif
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson -lhwloc -lnuma -lz -lcrypto -ltracefs -ltraceevent -larchive)
# libtracefs 1.7 added tracefs_synth_set_instance(): the synthetic events'
# entry and return triggers then go in our instance (host/trace/attribute.c).
TRACEFS_CFLAGS = $(shell pkg-config --atleast-version=1.7 libtracefs 2>/dev/null && \
	echo -DSEPTBENCH_TRACEFS_SYNTH_INSTANCE)
ALL_CFLAGS = $(BASE_CFLAGS) -Ihost -I. $(KHDR_CFLAGS) $(PKG_CFLAGS) $(TRACEFS_CFLAGS) $(CFLAGS)
LDLIBS = $(PKG_LIBS) $(PFM_LIBS) -lpthread -lm

HOST_SRCS := $(wildcard host/*/*.c)
HOST_LIB_SRCS := $(filter-out host/cli/main.c,$(HOST_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

HOST_OBJS := $(HOST_SRCS:%.c=$(BUILD)/%.o)
SAN_LIB_OBJS := $(HOST_LIB_SRCS:%.c=$(BUILD)/san/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all ab bench compare test unit-test integration-test vmtest install deps clean help check-libs \
	kernel test-kernel

all: $(BUILD)/septbench

check-libs:
	@pkg-config --exists $(PKGS) 2>/dev/null || \
		{ echo "septbench: missing libraries ($(PKGS)); run 'make deps'" >&2; exit 1; }
	@printf '#include <perfmon/pfmlib_perf_event.h>\nint main(void) { return pfm_initialize(); }\n' | \
		$(CC) -x c -o /dev/null - $(PFM_LIBS) 2>/dev/null || \
		{ echo "septbench: missing library libpfm4 (perfmon/pfmlib_perf_event.h, $(PFM_LIBS)); run 'make deps'" >&2; exit 1; }

$(BUILD)/septbench: $(HOST_OBJS) | check-libs
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c $(BUILD)/config.mk | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/san/%.o: %.c $(BUILD)/config.mk | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/san/tests/unit/%.o $(SAN_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

deps:
	scripts/deps all

bench:
	@scripts/deps bench
	@$(MAKE) --no-print-directory all
	scripts/bench $(BENCH_ARGS)

compare: $(BUILD)/septbench
	@test -n "$(BASE)" -a -n "$(NEW)" || { echo "usage: make compare BASE=\"results/<run> ...\" NEW=\"results/<run> ...\" [COMPARE_ARGS=...]" >&2; exit 2; }
	$(BUILD)/septbench compare --base $(BASE) --new $(NEW) $(COMPARE_ARGS)

# Without A, B and AB_ARGS: the test VM's old and new kernels, a short suite.
# KSRC= here names the tree kernels are built from, not the uapi headers.
ab:
	@scripts/deps bench
	@$(MAKE) --no-print-directory all KSRC=
	scripts/ab --rounds $(or $(ROUNDS),2) $(if $(A)$(B)$(AB_ARGS),,--short) \
		$(if $(KSRC),--ksrc $(KSRC)) $(or $(A),old) $(or $(B),new) $(if $(AB_ARGS),-- $(AB_ARGS))

# Is a screenshot blank?  For the HTML tests (tests/lib/html-check).
$(BUILD)/tests/pngstat: tests/lib/pngstat.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< -lz -lm

# The README's screenshot: report.html of the two fixture runs (real
# emulated runs of the test VM's old and new kernels) in headless chromium.
docs/report.png: $(BUILD)/septbench $(BUILD)/tests/pngstat
	tests/lib/report-shot $@

# Two at a time, as the integration tests: each test has its own scratch
# folder, and the machines this runs on have two cores.
unit-test: $(UNIT_BINS) $(BUILD)/septbench $(BUILD)/tests/pngstat
	prove -j2 --timer --exec '' $(UNIT_BINS)
	prove -j2 --timer tests/cli/*.t

# Two at a time: each test VM is one single-threaded TCG guest, and the
# tests share nothing but read-only caches (kernels, initramfs, builds).
# The longest first (minutes each, warm), so that two of them never end
# the run alone.
INTEGRATION_FIRST := ab-kexec kbuild sw-protected sept-emu engine compare-kernels check-tdx
INTEGRATION_TESTS := $(INTEGRATION_FIRST:%=tests/integration/%.t) \
	$(filter-out $(INTEGRATION_FIRST:%=tests/integration/%.t),$(sort $(wildcard tests/integration/*.t)))
integration-test: all
	prove -j2 --timer $(INTEGRATION_TESTS)

test:
	@scripts/deps test
	@$(MAKE) --no-print-directory test-kernel
	@$(MAKE) --no-print-directory unit-test
	@$(MAKE) --no-print-directory integration-test

# Built once (15 to 20 minutes on 2 cores), then reused from the cache;
# SEPTBENCH_SKIP_KBUILD=1 skips it and the tests that boot it.
test-kernel:
	@if [ "$${SEPTBENCH_SKIP_KBUILD:-0}" = 1 ]; then \
		echo "septbench: SEPTBENCH_SKIP_KBUILD=1: not building the src test kernel; tests that boot it skip"; \
	elif scripts/kbuild --test-kernel --cached >/dev/null 2>&1; then \
		echo "septbench: src test kernel: cached"; \
	else \
		scripts/deps kbuild && \
		echo "septbench: building the src test kernel from Debian's linux-source (once: downloads 160 MB, then 15 to 20 minutes on 2 cores; SEPTBENCH_SKIP_KBUILD=1 skips)" && \
		scripts/kbuild --test-kernel; \
	fi

kernel:
	@test -n "$(KSRC)" || { echo "usage: make kernel KSRC=TREE [REV=REV] [KBUILD_ARGS=...]" >&2; exit 2; }
	@scripts/deps kbuild
	scripts/kbuild --tree "$(KSRC)" --rev "$(or $(REV),HEAD)" $(KBUILD_ARGS)

vmtest: $(BUILD)/septbench
	scripts/vmtest $(VMTEST_ARGS) -- $(or $(CMD),$(BUILD)/septbench env)

install: $(BUILD)/septbench
	install -D -m 0755 $(BUILD)/septbench $(DESTDIR)$(PREFIX)/bin/septbench
	install -d $(DESTDIR)$(PREFIX)/share/septbench/bench
	cp -r bench/. $(DESTDIR)$(PREFIX)/share/septbench/bench/
	install -d $(DESTDIR)$(PREFIX)/share/septbench/plots
	cp scripts/plots/*.gp $(DESTDIR)$(PREFIX)/share/septbench/plots/

clean:
	rm -rf $(BUILD)

help:
	@sed -n 's/^#   //p' Makefile

# The guest payloads have their own freestanding build rules.
-include guest/guest.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
