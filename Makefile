# aixipc: AIX-compatible System V IPC for Linux.
#
#   make            module for KDIR, selftests, tools
#   make check      everything, then the suites in a VM per test kernel:
#                   Debian's 6.1 and 6.12, and a debug kernel (KUnit, KASAN,
#                   lockdep, kmemleak, failslab) built once from Debian's 6.1
#                   source and cached; and the packages, installed, upgraded
#                   and purged in VMs (see Packaging below)
#   make check-matrix  the whole suite on every supported kernel: 5.10
#                   (bullseye, built in a chroot), 6.1, 6.12, 6.12-rt and
#                   the newest (sid, in a chroot), then a table of results;
#                   make check KERNELS="5.10 newest" runs chosen tiers
#   make check-stock  Debian's kernels only
#   make check-debug  the debug tier on that kernel and on a second one
#                   built from Debian's 6.12 source (not in make check,
#                   which would take over an hour on a fresh machine)
#   make demo       a short end-to-end demonstration in a VM
#   make shell      an interactive VM shell with the module loaded
#   make bench      aixipc against Linux's SysV IPC in a VM: table and CSV
#                   in build/bench/ (BENCH_KERNEL=6.1, BENCH_RUNS=7)
#   make deps       install what the build and tests need (Debian 12, root)
#   make install    libaixipc, headers, pkg-config file, tools, man pages
#                   (PREFIX=/usr/local, DESTDIR; not the module); uninstall
#
# KDIR defaults to the running kernel's build directory when there is one,
# else to the installed Debian 6.1 test kernel's headers.  Every module
# build goes to build/<kernel>/ so builds for several kernels coexist.

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build

# Full version of the newest installed kernel of a series (6.1, 6.12).
kver = $(shell $(TOP)/selftests/kernel-version $(1))

TEST_KERNELS := 6.1 6.12

ifeq ($(origin KDIR),undefined)
  ifneq ($(wildcard /lib/modules/$(shell uname -r)/build/Makefile),)
    KDIR := /lib/modules/$(shell uname -r)/build
  else
    KDIR := /lib/modules/$(call kver,6.1)/build
  endif
endif
KVER := $(notdir $(patsubst %/build,%,$(patsubst %/,%,$(KDIR))))

MODULE_SRCS := $(wildcard $(TOP)/module/*.[ch] $(TOP)/module/tests/*.c) \
	$(TOP)/uapi/linux/aixipc.h $(TOP)/Kbuild $(TOP)/VERSION

# Userspace: C11 (GNU dialect where the kselftest harness needs it).
CC ?= gcc
WARN := -Wall -Wextra -Werror
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer
KSELFTEST := $(BUILD)/kselftest
TEST_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(SAN) -I$(TOP)/uapi -isystem $(KSELFTEST) -I$(TOP)/selftests
TOOLS_CFLAGS := -std=c11 -O2 -g $(WARN) -I$(TOP)/uapi -I$(TOP)/tools/include
# What a distribution's build adds (dpkg-buildflags, rpm's optflags:
# hardening, debug prefix maps), for the library and the tools it ships.
TOOLS_CFLAGS += $(CPPFLAGS) $(CFLAGS)
LIB_SRCS := $(wildcard $(TOP)/tools/lib/*.c)
# syscall() interposition is for the shared library only (see syscall.c),
# and so are the old layouts that only its ipc() takes.
LIB_A_SRCS := $(filter-out %/syscall.c %/ipc_old.c,$(LIB_SRCS))
TOOLS := $(addprefix $(BUILD)/tools/,libaixipc.so libaixipc.a aixipc-ipcs aixipc-ipcrm aixipc-demo aixipc-bench)

# Userspace is built for two word sizes (ABIs): 64-bit, and 32-bit for the
# kernel's compat ioctl path.  Each rule below is written once, as a
# template, and made for both; what differs between them is in these
# variables: the compiler, the suffix of a program's name (NAME-m32), and
# the directory of the shim and the tools.
ABIS := 64 32
CC_64 = $(CC)
CC_32 = $(CC) -m32
SFX_64 :=
SFX_32 := -m32
TOOLDIR_64 := $(BUILD)/tools
TOOLDIR_32 := $(BUILD)/tools-m32

# What every selftest program includes: the shared header and the tests'
# header-only helpers.
TEST_HDRS := $(TOP)/selftests/aixipc_test.h $(wildcard $(TOP)/selftests/lib/*.h)
TESTS := uapi_test msg_test msgfd_test sem_test sem_fast_test shm_test shm_pin_test chaos_test lifecycle_test tools_test limits_test ns_test
TEST_BINS := $(addprefix $(BUILD)/selftests/,$(TESTS) $(addsuffix -m32,$(TESTS)))
# Tests that need the debug kernel (failslab), run by its tier only.
DEBUG_TESTS := fault_test
DEBUG_TEST_BINS := $(addprefix $(BUILD)/selftests-debug/,$(DEBUG_TESTS) $(addsuffix -m32,$(DEBUG_TESTS)))
FUZZ := $(BUILD)/fuzz/fuzz
FUZZ32 := $(BUILD)/fuzz/fuzz-m32

# The differential conformance suite (selftests/conform/run): the classic
# API only, not linked with libaixipc, run natively and with LD_PRELOAD of
# the shim of its word size; conform_aix-linked and conform_select-linked
# link libaixipc.a, as programs ported from AIX do.
# The conformance programs have a third build: 32-bit with glibc's 64-bit
# time_t (glibc 2.34 and later; bullseye's 2.31 has none), which reaches
# glibc's time64 entry points (__msgctl64 ...) and the shim's.
CC_32t64 = $(CC) -m32 -D_TIME_BITS=64 -D_FILE_OFFSET_BITS=64 -DCONFORM_TIME64
SFX_32t64 := -m32t64
TOOLDIR_32t64 := $(TOOLDIR_32)
HAVE_TIME64 := $(shell getconf GNU_LIBC_VERSION 2>/dev/null | \
	awk '{ split($$2, v, "."); print (v[1] > 2 || v[2] >= 34) ? 1 : 0 }')
CONFORM_ABIS := $(ABIS) $(if $(filter 1,$(HAVE_TIME64)),32t64)
CONFORM := conform_msg conform_sem conform_shm conform_ns conform_aix conform_select
CONFORM_LINKED := conform_aix-linked conform_select-linked
CONFORM_BINS := $(foreach a,$(CONFORM_ABIS),$(addprefix $(BUILD)/conform/, \
	$(addsuffix $(SFX_$(a)),$(CONFORM) $(CONFORM_LINKED)))) \
	$(BUILD)/tools/libaixipc.so $(BUILD)/tools-m32/libaixipc.so
# dlsym() and threads are in libc since glibc 2.34, in libdl and libpthread
# before (bullseye's 2.31): linking them keeps the library and its tests
# building there; on newer glibc they are empty.
DL_LIBS := -ldl -lpthread
CONFORM_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(SAN) -isystem $(KSELFTEST) -I$(TOP)/tools/include
CONFORM_DEPS := $(TOP)/selftests/conform/conform.h $(TOP)/selftests/lib/wchan.h \
	$(TOP)/tools/include/aixipc.h $(KSELFTEST)/kselftest_harness.h

# The debug tier's kernel tree (selftests/debug-kernel prints it) and the
# directory under build/ its modules go to: debug for the 6.1 debug kernel,
# debug-6.12 for the 6.12 one.
DEBUG_KDIR ?=
DEBUG_BUILD ?= debug
kdir_for = $(if $(filter debug debug-%,$(1)),$(DEBUG_KDIR),$(if $(filter $(KVER),$(1)),$(KDIR),/lib/modules/$(1)/build))

# A kernel of the matrix whose headers want another Debian's compiler has
# them in a chroot (selftests/kernel-chroot): its module is built there,
# with the project mounted at its own path (selftests/in-chroot).
AIXIPC_CACHE ?= /var/cache/aixipc
chroot_for = $(patsubst %/usr/src/linux-headers-$(1)/.config,%,$(firstword \
	$(wildcard $(AIXIPC_CACHE)/chroots/*/usr/src/linux-headers-$(1)/.config)))
kbuild_for = $(if $(call chroot_for,$(1)),$(TOP)/selftests/in-chroot $(call chroot_for,$(1)) \
	$(MAKE) -C /usr/src/linux-headers-$(1),$(MAKE) -C $(call kdir_for,$(1)))

.PHONY: all module modules-all debug-modules selftests tools check check-stock \
	check-debug check-packages check-matrix demo shell bench deps help clean

all: module selftests tools

help:
	@sed -n '3,/^#$$/{/^#$$/!p}' Makefile

module: $(BUILD)/$(KVER)/aixipc.ko
	@ln -sf build/$(KVER)/aixipc.ko aixipc.ko
	@echo "built aixipc.ko for $(KVER)"

# One build tree per kernel, made of links to the sources.
$(BUILD)/%/aixipc.ko: $(MODULE_SRCS)
	@mkdir -p $(BUILD)/$*/module/tests
	@ln -sf $(TOP)/Kbuild $(BUILD)/$*/Kbuild
	@ln -sf $(TOP)/VERSION $(BUILD)/$*/VERSION
	@ln -sfn $(TOP)/uapi $(BUILD)/$*/uapi
	@cd $(TOP) && for f in module/*.[ch] module/tests/*.c; do \
		ln -sf $(TOP)/$$f $(BUILD)/$*/$$f; done
	$(call kbuild_for,$*) M=$(BUILD)/$* W=1 modules

# The module (and, where the kernel has KUnit, its test module) for a
# debug kernel: make debug-modules DEBUG_KDIR=<tree> [DEBUG_BUILD=debug-6.12].
debug-modules:
	@test -n "$(DEBUG_KDIR)" || { echo "DEBUG_KDIR is not set" >&2; exit 1; }
	@case "$(DEBUG_BUILD)" in debug | debug-*) ;; \
	*) echo "DEBUG_BUILD must be debug or debug-<name>" >&2; exit 1 ;; esac
	@rm -f $(BUILD)/$(DEBUG_BUILD)/aixipc.ko
	@$(MAKE) --no-print-directory $(BUILD)/$(DEBUG_BUILD)/aixipc.ko

modules-all:
	@for k in $(TEST_KERNELS); do \
		v=$$($(TOP)/selftests/kernel-version $$k) || \
			{ echo "no $$k kernel in /lib/modules (make deps)" >&2; exit 1; }; \
		$(MAKE) --no-print-directory $(BUILD)/$$v/aixipc.ko || exit; \
	done

# kselftest_harness.h ships only in the kernel source; take it from
# Debian's linux-source-6.1 tarball.
$(KSELFTEST)/kselftest_harness.h:
	@mkdir -p $(KSELFTEST)
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(KSELFTEST) --strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h

selftests: $(TEST_BINS) $(DEBUG_TEST_BINS) $(FUZZ) $(FUZZ32) $(CONFORM_BINS)

# A selftest program of one ABI ($(2)) in build/$(1)/: selftests, or
# selftests-debug for the tests only the debug tier runs.
define selftest_rule
$(BUILD)/$(1)/%$(SFX_$(2)): $(TOP)/selftests/%.c $(TEST_HDRS) $(TOP)/uapi/linux/aixipc.h $(KSELFTEST)/kselftest_harness.h
	@mkdir -p $$(@D)
	$$(CC_$(2)) $$(TEST_CFLAGS) -o $$@ $$< -lpthread
endef
$(foreach d,selftests selftests-debug,$(foreach a,$(ABIS),$(eval $(call selftest_rule,$(d),$(a)))))

# The fuzzer runs long: optimised, without sanitizers (the kernel is the
# subject; the debug kernel has its own).
FUZZ_SRCS := $(wildcard $(TOP)/selftests/fuzz/*.c)
FUZZ_DEPS := $(FUZZ_SRCS) $(wildcard $(TOP)/selftests/fuzz/*.h) $(TOP)/selftests/aixipc_test.h $(TOP)/uapi/linux/aixipc.h
$(FUZZ): $(FUZZ_DEPS)
# The 32-bit executor: the guided fuzzer runs programs marked m32 with it.
$(FUZZ32): $(FUZZ_DEPS)
# 64-bit off_t in the 32-bit build too: a segment id times the page size
# (the device's mmap offset) passes 2^31 from the second segment on.
FUZZ_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_FILE_OFFSET_BITS=64 -I$(TOP)/uapi -I$(TOP)/selftests
define fuzz_rule
$(BUILD)/fuzz/fuzz$(SFX_$(1)): $(wildcard $(TOP)/selftests/lib/*.h)
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(FUZZ_CFLAGS) -o $$@ $$(FUZZ_SRCS) -lpthread
endef
$(foreach a,$(ABIS),$(eval $(call fuzz_rule,$(a))))

# make fuzz: coverage-guided fuzzing on the debug kernel, in VMs
# (selftests/fuzz-vm) for FUZZ_SECS (default 600), from FUZZ_CORPUS (default
# build/fuzz-out/corpus; the programs found are saved back into it),
# FUZZ_SEED optional.  Crashes: build/fuzz-out/crashes/.
# make soak: the fuzzer and chaos_test in turns on the debug kernel for
# SOAK_SECS (default 3600), then a kmemleak scan (selftests/soak).
FUZZ_SECS ?= 600
FUZZ_SEED ?=
FUZZ_CORPUS ?= $(BUILD)/fuzz-out/corpus
SOAK_SECS ?= 3600
.PHONY: fuzz soak
fuzz: $(FUZZ) $(FUZZ32)
	@selftests/install-deps --if-missing
	@kdir=$$(selftests/debug-kernel | tail -n1) && \
	$(MAKE) --no-print-directory DEBUG_KDIR=$$kdir/src debug-modules && \
	selftests/fuzz-vm --kernel $$kdir/bzImage --secs $(FUZZ_SECS) \
		$(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) --corpus $(FUZZ_CORPUS)

soak: $(FUZZ) $(FUZZ32) $(BUILD)/selftests/chaos_test
	@selftests/install-deps --if-missing
	@kdir=$$(selftests/debug-kernel | tail -n1) && \
	$(MAKE) --no-print-directory DEBUG_KDIR=$$kdir/src debug-modules && \
	mkdir -p $(BUILD)/soak && \
	selftests/vm-run --kernel $$kdir/bzImage --share $(BUILD)/soak \
		--timeout $$(($(SOAK_SECS) + 1800)) -- $(TOP)/selftests/soak $(SOAK_SECS) $(BUILD)/soak && \
	selftests/coverage $(BUILD)/debug $(BUILD)/soak/gcov

# The differential conformance programs (selftests/conform/run), and
# those of the AIX extensions linked with the archive of their ABI too.
define conform_rules
$(BUILD)/conform/%$(SFX_$(1)): $(TOP)/selftests/conform/%.c $(CONFORM_DEPS)
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(CONFORM_CFLAGS) -o $$@ $$< $(DL_LIBS)

$(BUILD)/conform/%-linked$(SFX_$(1)): $(TOP)/selftests/conform/%.c $(CONFORM_DEPS) $(TOOLDIR_$(1))/libaixipc.a
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(CONFORM_CFLAGS) -DCONFORM_LINKED -o $$@ $$< $(TOOLDIR_$(1))/libaixipc.a $(DL_LIBS)
endef
$(foreach a,$(CONFORM_ABIS),$(eval $(call conform_rules,$(a))))

tools: $(TOOLS)

# The shim of one ABI, built incrementally: each source of tools/lib is
# compiled on its own, into obj/ for the archive and into pic/ for the
# shared library, with its header dependencies in a .d file next to the
# object (-MMD -MP), so a changed source or header rebuilds only the
# objects that use it and the libraries made of them.  The 32-bit shared
# library is the shim for 32-bit programs (syscall.c compiles to nothing on
# i386); its archive is for the tests only (see ARCHIVE_32).  tools_test
# runs the tools of its own word size.
LIB_OBJ_NAMES := $(notdir $(LIB_SRCS:.c=.o))
LIB_A_OBJ_NAMES := $(notdir $(LIB_A_SRCS:.c=.o))
define tools_rules
$(TOOLDIR_$(1))/obj/%.o: $(TOP)/tools/lib/%.c $(TOOLDIR_$(1))/obj/%.d
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(TOOLS_CFLAGS) -fvisibility=hidden -MMD -MP -c $$< -o $$@

$(TOOLDIR_$(1))/pic/%.o: $(TOP)/tools/lib/%.c $(TOOLDIR_$(1))/pic/%.d
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(TOOLS_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c $$< -o $$@

$(TOOLDIR_$(1))/libaixipc.so: $(addprefix $(TOOLDIR_$(1))/pic/,$(LIB_OBJ_NAMES))
	$$(CC_$(1)) $$(LDFLAGS) -shared -Wl,-soname,libaixipc.so.1 -o $$@ $$^ $(DL_LIBS)

$(TOOLDIR_$(1))/libaixipc.a: $(addprefix $(TOOLDIR_$(1))/obj/,$(LIB_A_OBJ_NAMES))
	$$(ARCHIVE_$(1))

$(BUILD)/selftests/tools_test$(SFX_$(1)): $(TOOLDIR_$(1))/aixipc-ipcs $(TOOLDIR_$(1))/aixipc-ipcrm

# sem_fast_test links the archive: its semop() and semctl() are the
# library's fast path.
$(BUILD)/selftests/sem_fast_test$(SFX_$(1)): $(TOP)/selftests/sem_fast_test.c $(TEST_HDRS) $(TOP)/uapi/linux/aixipc.h $(KSELFTEST)/kselftest_harness.h $(TOOLDIR_$(1))/libaixipc.a
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(TEST_CFLAGS) -o $$@ $$< $(TOOLDIR_$(1))/libaixipc.a $(DL_LIBS)

# An object without its .d (a tree an older Makefile built) is rebuilt.
$(TOOLDIR_$(1))/obj/%.d $(TOOLDIR_$(1))/pic/%.d: ;
.PRECIOUS: $(TOOLDIR_$(1))/obj/%.d $(TOOLDIR_$(1))/pic/%.d
-include $(wildcard $(TOOLDIR_$(1))/obj/*.d $(TOOLDIR_$(1))/pic/*.d)
endef

# The 64-bit archive: one object with the library's internal (hidden)
# symbols made local, so a program linking it sees only the classic calls.
define ARCHIVE_64
$(CC_64) -r -nostdlib -o $(@D)/libaixipc.o $^
objcopy --localize-hidden $(@D)/libaixipc.o
@rm -f $@
ar rcs $@ $(@D)/libaixipc.o
endef
# The 32-bit one, for the tests only: its internal symbols are not
# localized, as objcopy would break i386's PIC thunks in a relocatable
# object.
define ARCHIVE_32
@rm -f $@
ar rcs $@ $^
endef
$(foreach a,$(ABIS),$(eval $(call tools_rules,$(a))))

# aixipc-ipcs and aixipc-ipcrm of one ABI ($(1)), from tools/$(2)/$(2).c.
define tool_rule
$(TOOLDIR_$(1))/aixipc-$(2): $(TOP)/tools/$(2)/$(2).c $(TOP)/uapi/linux/aixipc.h $(TOP)/tools/include/aixipc-tools.h
	@mkdir -p $$(@D)
	$$(CC_$(1)) $$(TOOLS_CFLAGS) $$(LDFLAGS) -o $$@ $$<
endef
$(foreach a,$(ABIS),$(foreach t,ipcs ipcrm,$(eval $(call tool_rule,$(a),$(t)))))

$(BUILD)/tools/aixipc-demo: $(TOP)/tools/demo/demo.c $(BUILD)/tools/libaixipc.a
	$(CC) $(TOOLS_CFLAGS) -o $@ $< $(BUILD)/tools/libaixipc.a

# -lrt: POSIX mq, in libc only since glibc 2.34.
$(BUILD)/tools/aixipc-bench: $(TOP)/tools/bench/bench.c $(BUILD)/tools/libaixipc.a
	$(CC) $(TOOLS_CFLAGS) -o $@ $< $(BUILD)/tools/libaixipc.a -lrt

# The matrix's chroots, once made, follow their suites: sid's to its
# newest kernel.
deps:
	selftests/install-deps
	@for s in bullseye sid; do \
		[ ! -f $(AIXIPC_CACHE)/chroots/$$s/done ] || \
		selftests/kernel-chroot $$s --refresh >/dev/null || exit; \
	done

# make check installs what is missing first, then runs in a fresh make so
# the kernel versions are read after the install.  KERNELS="5.10 newest"
# runs those tiers instead: any kernel of the matrix, debug, packages.
MATRIX_KERNELS := 5.10 6.1 6.12 6.12-rt newest
check: TIERS = $(or $(KERNELS),$(TEST_KERNELS) packages debug)
check-stock: TIERS = $(TEST_KERNELS)
check-debug: TIERS = debug debug-6.12
check-packages: TIERS = packages
check-matrix: TIERS = $(MATRIX_KERNELS)
# make check tests the packages with three DKMS builds under TCG, not six
# (selftests/check-packages --quick); make check-packages runs them all.
check: export AIXIPC_PACKAGES_QUICK := 1
# make check runs the 32-bit builds on 6.1; on 6.12, as on the debug
# kernel, only those whose kernel path differs for a 32-bit caller (the
# others take three minutes there); make check-stock and the matrix run
# them all on every kernel.
check: export AIXIPC_M32_FEW := 6.12
# The builds use every CPU: on a fresh 2-core machine the sanitized test
# programs alone take minutes.
check check-stock check-debug check-packages check-matrix:
	@selftests/install-deps --if-missing
	@$(MAKE) --no-print-directory -j$$(nproc) modules-all selftests tools
	@selftests/check $(TIERS)

# make userspace-chroot CHROOT=DIR: libaixipc, the tools and their tests
# (the conformance programs, tools_test) built in the chroot DIR with its
# gcc and glibc, into build/userspace-<chroot name>/; the matrix runs them
# there (selftests/guest-suite --chroot).
.PHONY: userspace-chroot userspace-tests
userspace-chroot: $(KSELFTEST)/kselftest_harness.h
	@test -n "$(CHROOT)" || { echo "CHROOT is not set" >&2; exit 1; }
	$(TOP)/selftests/in-chroot $(CHROOT) $(MAKE) --no-print-directory -C $(TOP) \
		BUILD=$(BUILD)/userspace-$(notdir $(CHROOT)) KSELFTEST=$(KSELFTEST) userspace-tests
userspace-tests: $(CONFORM_BINS) $(BUILD)/selftests/tools_test $(BUILD)/selftests/tools_test-m32

demo:
	@selftests/install-deps --if-missing
	@$(MAKE) --no-print-directory modules-all tools
	@selftests/vm-run --kernel 6.1 -- env PATH=$(BUILD)/tools:/usr/bin:/bin aixipc-demo

bench:
	@selftests/install-deps --if-missing
	@$(MAKE) --no-print-directory modules-all tools
	@tools/bench/run

shell:
	@selftests/install-deps --if-missing
	@$(MAKE) --no-print-directory modules-all selftests tools
	@selftests/vm-run --kernel 6.1 --interactive

# make install [PREFIX=/usr/local] [DESTDIR=...]: the shim (libaixipc.so.1,
# libaixipc.so, libaixipc.a), <aixipc.h> and <linux/aixipc.h>, libaixipc.pc,
# aixipc-ipcs and aixipc-ipcrm (never named ipcs/ipcrm: util-linux's stay
# first on PATH) and their man pages.  Not the kernel module: make module,
# then insmod aixipc.ko.  make install-aix-names also puts ipcs and ipcrm
# links in $(PREFIX)/libexec/aixipc/bin, for ported scripts to put first on
# PATH.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
AIXNAMESDIR ?= $(PREFIX)/libexec/aixipc/bin
# The project's release, from VERSION (the module, pkg-config, the
# packages); the library's soname is libaixipc.so.1 (ABI 1).
VERSION := $(shell cat $(TOP)/VERSION)
INSTALL ?= install
MAN1 := aixipc-ipcs.1 aixipc-ipcrm.1
MAN3 := aixipc.3 msgxrcv.3 aixipc_msgq_fd.3 aixipc_select.3

.PHONY: install install-aix-names uninstall

install: $(addprefix $(BUILD)/tools/,libaixipc.so libaixipc.a aixipc-ipcs aixipc-ipcrm)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 755 $(BUILD)/tools/aixipc-ipcs $(BUILD)/tools/aixipc-ipcrm $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 755 $(BUILD)/tools/libaixipc.so $(DESTDIR)$(LIBDIR)/libaixipc.so.1
	ln -sf libaixipc.so.1 $(DESTDIR)$(LIBDIR)/libaixipc.so
	$(INSTALL) -m 644 $(BUILD)/tools/libaixipc.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 644 $(TOP)/tools/include/aixipc.h $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 644 $(TOP)/uapi/linux/aixipc.h $(DESTDIR)$(INCLUDEDIR)/linux/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		$(TOP)/tools/libaixipc.pc.in >$(DESTDIR)$(PKGCONFIGDIR)/libaixipc.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/libaixipc.pc
	$(INSTALL) -m 644 $(addprefix $(TOP)/Documentation/man/,$(MAN1)) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(addprefix $(TOP)/Documentation/man/,$(MAN3)) $(DESTDIR)$(MANDIR)/man3/
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

install-aix-names: install
	$(INSTALL) -d $(DESTDIR)$(AIXNAMESDIR)
	ln -sf $(BINDIR)/aixipc-ipcs $(DESTDIR)$(AIXNAMESDIR)/ipcs
	ln -sf $(BINDIR)/aixipc-ipcrm $(DESTDIR)$(AIXNAMESDIR)/ipcrm

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,aixipc-ipcs aixipc-ipcrm) \
		$(addprefix $(DESTDIR)$(LIBDIR)/,libaixipc.so.1 libaixipc.so libaixipc.a) \
		$(DESTDIR)$(INCLUDEDIR)/aixipc.h $(DESTDIR)$(INCLUDEDIR)/linux/aixipc.h \
		$(DESTDIR)$(PKGCONFIGDIR)/libaixipc.pc \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,$(MAN1)) \
		$(addprefix $(DESTDIR)$(MANDIR)/man3/,$(MAN3)) \
		$(addprefix $(DESTDIR)$(AIXNAMESDIR)/,ipcs ipcrm)
	@rmdir $(DESTDIR)$(AIXNAMESDIR) $(DESTDIR)$(PREFIX)/libexec/aixipc 2>/dev/null || true
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

clean:
	rm -rf $(BUILD) aixipc.ko

# Packaging (Documentation/packaging.rst).
#   make userspace     what the packages ship from tools/: libaixipc.so,
#                      libaixipc.a, aixipc-ipcs, aixipc-ipcrm (64-bit)
#   make dkms-tree     the module's DKMS source tree, in DKMS_TREE (default
#                      build/dkms/aixipc-$(VERSION)); DKMS_CONF=no leaves out
#                      dkms.conf (debian/rules: dh_dkms installs it)
#   make dkms-install  as root, from a clone: that tree in /usr/src, built and
#                      installed by DKMS for every kernel with headers, and
#                      loaded (or, if the running module is in use, left
#                      for the next load); make dkms-remove undoes it
#   make deb           the four Debian packages in build/deb/ (DEB_DIR), built
#                      with dpkg-buildpackage from a clean copy of the tree,
#                      then lintian on them; PKG_VERSION=X for a snapshot
#   make rpm           the RPMs of packaging/aixipc.spec (aixipc-dkms,
#                      libaixipc, libaixipc-devel, aixipc-tools) in build/rpm/
#   make check-packages  the packages' tests alone (selftests/check-packages)
DKMS_TREE ?= $(BUILD)/dkms/aixipc-$(VERSION)
DKMS_CONF ?= yes
# The module's sources without the KUnit suites (Kbuild skips them when
# absent): what a kernel needs, nothing else.
DKMS_FILES := Kbuild VERSION uapi/linux/aixipc.h \
	$(patsubst $(TOP)/%,%,$(wildcard $(TOP)/module/*.[ch]))

.PHONY: userspace dkms-tree dkms-install dkms-remove deb rpm

userspace: $(addprefix $(BUILD)/tools/,libaixipc.so libaixipc.a aixipc-ipcs aixipc-ipcrm)

dkms-tree:
	rm -rf $(DKMS_TREE)
	$(INSTALL) -d $(DKMS_TREE)
	cd $(TOP) && cp --parents $(DKMS_FILES) $(DKMS_TREE)/
	@if [ "$(DKMS_CONF)" != no ]; then \
		sed 's/#MODULE_VERSION#/$(VERSION)/' $(TOP)/packaging/dkms.conf \
			>$(DKMS_TREE)/dkms.conf; fi

dkms-install: dkms-tree
	@[ "$$(id -u)" = 0 ] || { echo "dkms-install: run as root" >&2; exit 1; }
	@command -v dkms >/dev/null || { echo "dkms-install: install dkms first (apt install dkms)" >&2; exit 1; }
	-dkms remove -m aixipc -v $(VERSION) --all >/dev/null 2>&1
	rm -rf /usr/src/aixipc-$(VERSION)
	cp -r $(DKMS_TREE) /usr/src/aixipc-$(VERSION)
	dkms add -m aixipc -v $(VERSION)
	@$(TOP)/packaging/module-reload install $(VERSION)

dkms-remove:
	@[ "$$(id -u)" = 0 ] || { echo "dkms-remove: run as root" >&2; exit 1; }
	@$(TOP)/packaging/module-reload remove
	-dkms remove -m aixipc -v $(VERSION) --all
	rm -rf /usr/src/aixipc-$(VERSION)

# A clean copy of the tree in $(1): the files git knows (tracked, or new
# and not ignored), so nothing built or left over from a test run gets into
# a package.  With PKG_VERSION other than VERSION (a snapshot, or the test
# of an upgrade), the copy carries that version and a changelog entry.
PKG_VERSION ?= $(VERSION)
DEB_DIR ?= $(BUILD)/deb
define copy_clean_tree
rm -rf $(dir $(1)) && mkdir -p $(1)
cd $(TOP) && git ls-files -z --cached --others --exclude-standard | \
	xargs -0 cp --parents -t $(1)
$(if $(filter-out $(VERSION),$(PKG_VERSION)),cd $(1) && echo $(PKG_VERSION) >VERSION && \
	{ printf 'aixipc (%s) unstable; urgency=medium\n\n  * Snapshot of %s.\n\n -- %s  %s\n\n' \
		$(PKG_VERSION) $(VERSION) "$$(sed -n 's/^ -- \(.*>\)  .*/\1/p;T;q' debian/changelog)" \
		"$$(date -R)"; cat debian/changelog; } >debian/changelog.new && \
	mv debian/changelog.new debian/changelog)
endef

deb:
	$(call copy_clean_tree,$(DEB_DIR)/aixipc-$(PKG_VERSION))
	cd $(DEB_DIR)/aixipc-$(PKG_VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning --info $(DEB_DIR)/*.changes

rpm:
	$(call copy_clean_tree,$(BUILD)/rpm/aixipc-$(PKG_VERSION))
	mkdir -p $(BUILD)/rpm/SOURCES
	tar -C $(BUILD)/rpm -czf $(BUILD)/rpm/SOURCES/aixipc-$(PKG_VERSION).tar.gz aixipc-$(PKG_VERSION)
	rpmbuild --define '_topdir $(BUILD)/rpm' --define 'version $(PKG_VERSION)' \
		--nodeps -bb $(TOP)/packaging/aixipc.spec
