# fileless-milter build.
#
#   make                 build milter/fileless-milter (gcc 12, C11, -Werror)
#   make deps            install the Debian packages needed to build and test (idempotent)
#   make run             install the build packages only, build, run the milter in the foreground
#                        with ./milter.conf
#   make install         binaries, man pages, rules, systemd units (PREFIX=/usr/local, DESTDIR)
#   make deb             the Debian package into build/deb/ (contrib/debian)
#   make test            deps + build + every test; ends with "N passed, N failed"
#   make bench           benchmarks (tests/bench/run.sh): ours vs clamav-milter vs the decode floor;
#                        installs BENCH_PKGS; writes tests/bench/results/DATE-HOST.md (< 15 min)
#   make unit            cmocka unit tests only
#   make SANITIZE=address,undefined [test]   clang 14 with sanitizers (objects under build/)
#   make tsan-test       ThreadSanitizer build (build/san-thread): unit tests + the milter suite
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="fuzz_mime ..."]   each libFuzzer target N s
#   make fuzz-bins | fuzz-replay             build the libFuzzer targets | their replay binaries
#   make fuzz-run [FUZZ_RUN_SECONDS=N]       a bounded libFuzzer run of fuzz_evlog (default 120 s)
#   make format | check-format               clang-format 14 with .clang-format

SANITIZE ?=
comma    := ,
PKGS     := gmime-3.0 libidn2 libcrypto libclamav yara libarchive libmicrohttpd libcrypt hiredis libmspack zlib \
            libcares libpsl
# BUILD_PKGS: what building and running the milter needs (`make run`, the .deb's
# Build-Depends); TEST_PKGS: what only the tests need (`make deps`, `make test`)
BUILD_PKGS := build-essential pkg-config libgmime-3.0-dev libidn2-dev libssl-dev libclamav-dev \
            libyara-dev libarchive-dev libmilter-dev libhiredis-dev libmicrohttpd-dev libcrypt-dev libmspack-dev \
            zlib1g-dev duktape-dev libseccomp-dev libc-ares-dev libpsl-dev publicsuffix
TEST_PKGS := clang-14 libclang-rt-14-dev clang-format-14 libcmocka-dev jq python3 libarchive-tools \
            miltertest postfix swaks m4 chromium redis-server debhelper dpkg-dev fakeroot fp-utils \
            python3-olefile python3-colorclass python3-easygui 7zip unar
DEB_PKGS := $(BUILD_PKGS) $(TEST_PKGS)
# peers and tools for `make bench` only (not installed by `make deps`)
BENCH_PKGS := clamav-daemon clamav-milter valgrind

ifeq ($(SANITIZE),)
  CC      ?= gcc
  VARIANT := release
  BIN     := milter/fileless-milter
  CTL     := milter/fileless-ctl
  EMU     := milter/fileless-emu
  SANFLAGS :=
else
  CC      := clang-14
  VARIANT := san-$(subst $(comma),-,$(SANITIZE))
  BIN     := build/$(VARIANT)/fileless-milter
  CTL     := build/$(VARIANT)/fileless-ctl
  EMU     := build/$(VARIANT)/fileless-emu
  SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ifeq ($(CC),cc)
  CC := gcc
endif

OBJDIR   := build/$(VARIANT)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS   ?= -O2 -g
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
            -Imilter $(PKG_CFLAGS)
CFLAGS   += $(BASE_CFLAGS) $(SANFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lmilter -lpthread -lm

# The core is built once per variant as static libraries (milter/README.md):
#   libfm-pure.a  lib/ model/ heur/ policy/, core's config log lists digest inflate and
#                 mime's hdrguard passwords: no engine (no libclamav, YARA, GMime, hiredis,
#                 libmilter; libcrypto for the digests, zlib for inflating decoded streams)
#   libfm-core.a  the rest of the pipeline: msg.c analyse.c core/ mime/ scan/ cache/ store/
#   libfm-mta.a   mta/: the daemon's MTA side (libmilter)
# The daemon is main.o + mta + core + pure; fileless-ctl is ctl/ + core + pure, without
# libmilter. A new stage folder goes into PURE_DIRS or CORE_DIRS.
PURE_DIRS := lib model heur policy
PURE_CORE := milter/core/config.c milter/core/config_dump.c milter/core/log.c milter/core/lists.c milter/core/cmdtab.c milter/core/digest.c \
             milter/core/inflate.c milter/core/uribl.c milter/mime/hdrguard.c milter/mime/passwords.c
CORE_DIRS := core mime scan cache store emu
# the emulation helper's own files (fileless-emu, never linked into the milter)
EMU_SRC  := milter/emu/helper_main.c milter/emu/engine.c milter/emu/sandbox.c
PURE_SRC := $(foreach d,$(PURE_DIRS),$(wildcard milter/$(d)/*.c)) $(PURE_CORE)
CORE_SRC := $(filter-out milter/main.c,$(wildcard milter/*.c)) \
            $(filter-out $(PURE_CORE) $(EMU_SRC),$(foreach d,$(CORE_DIRS),$(wildcard milter/$(d)/*.c)))
MTA_SRC  := $(wildcard milter/mta/*.c)
# symbols_known[] (policy/symcheck.h): every UPPER_SNAKE string literal of milter/, sorted,
# so that -n can name scoring.conf entries no code reports (in libfm-pure.a with symcheck.c)
SYM_SRC  := $(filter-out milter/main.c,$(wildcard milter/*.c milter/*/*.c))
SYM_GEN  := build/gen/symbols_known.c
PURE_OBJ := $(patsubst %.c,$(OBJDIR)/%.o,$(PURE_SRC)) $(OBJDIR)/gen/symbols_known.o
CORE_OBJ := $(patsubst %.c,$(OBJDIR)/%.o,$(CORE_SRC))
MTA_OBJ  := $(patsubst %.c,$(OBJDIR)/%.o,$(MTA_SRC))
PURE_LIB := $(OBJDIR)/libfm-pure.a
CORE_LIB := $(OBJDIR)/libfm-core.a
MTA_LIB  := $(OBJDIR)/libfm-mta.a
FM_LIBS  := $(MTA_LIB) $(CORE_LIB) $(PURE_LIB)
PURE_LDLIBS := $(shell pkg-config --libs libcrypto zlib 2>/dev/null) -lpthread -lm
CORE_LDLIBS := $(PKG_LIBS) -lpthread -lm
MAIN_OBJ := $(OBJDIR)/milter/main.o
CTL_OBJ  := $(patsubst %.c,$(OBJDIR)/%.o,$(wildcard milter/ctl/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(OBJDIR)/tests/unit/%,$(UNIT_SRC))
ASAN_DIR := build/san-address-undefined
ifeq ($(SANITIZE),)
  ASAN_UNIT := $(patsubst tests/unit/%.c,$(ASAN_DIR)/tests/unit/%,$(UNIT_SRC))
else
  ASAN_UNIT :=
endif

.PHONY: install-missing all deps build-deps deb run test unit unit-bins format check-format clean man install fuzz fuzz-bins \
        fuzz-replay fuzz-run tsan-test bench soak bench-deps bench-bins
all: $(BIN) $(CTL) $(EMU)

$(PURE_LIB): $(PURE_OBJ)
$(CORE_LIB): $(CORE_OBJ)
$(MTA_LIB): $(MTA_OBJ)
$(FM_LIBS): Makefile
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $(filter %.o,$^)

$(BIN): $(MAIN_OBJ) $(MTA_LIB) $(CORE_LIB) $(PURE_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(CTL): $(CTL_OBJ) $(CORE_LIB) $(PURE_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(CORE_LDLIBS)

$(SYM_GEN): $(SYM_SRC)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@{ echo '/* generated by the Makefile from the string literals of milter/: do not edit */'; \
	  echo '#include "policy/symcheck.h"'; echo 'const char *const symbols_known[] = {'; \
	  grep -ohE '"[A-Z][A-Z0-9]*_[A-Z0-9_]+"' $(SYM_SRC) | LC_ALL=C sort -u | sed 's/$$/,/'; \
	  echo '};'; echo 'const size_t symbols_known_n = sizeof(symbols_known) / sizeof(*symbols_known);'; \
	} >$@.tmp && mv $@.tmp $@

$(OBJDIR)/gen/symbols_known.o: $(SYM_GEN)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -c -o $@ $<

$(OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

# a unit test links only what it tests: those named in UNIT_PURE link libfm-pure.a alone
# (no libclamav, YARA, GMime, hiredis or libmilter; tests/check-code.sh checks with ldd),
# the others the three libraries, of which the linker takes only the objects they use
UNIT_PURE := test_action test_chain test_config test_deobf test_failure test_filetype test_linefile \
             test_hdrguard test_heur_registry test_heur_script test_lib test_lists test_lnk test_lolbas test_known test_html \
             test_lure test_passwords test_score
unit_link = $(if $(filter $(1),$(UNIT_PURE)),$(PURE_LIB) $(PURE_LDLIBS),$(FM_LIBS) $(LDLIBS))

$(OBJDIR)/tests/unit/%: tests/unit/%.c $(FM_LIBS)
	@mkdir -p $(dir $@)
	@echo "  CC/LD   $@"
	@$(CC) $(CFLAGS) -Wno-unused-parameter -o $@ $< $(LDFLAGS) -Wl,--as-needed \
	  $(call unit_link,$*) -lcmocka

# test_weblock also links the one fileless-ctl object it tests (ctl/ is in no library)
$(OBJDIR)/tests/unit/test_weblock: tests/unit/test_weblock.c $(OBJDIR)/milter/ctl/weblock.o $(PURE_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC/LD   $@"
	@$(CC) $(CFLAGS) -Wno-unused-parameter -o $@ $< $(OBJDIR)/milter/ctl/weblock.o $(LDFLAGS) \
	  -Wl,--as-needed $(PURE_LIB) $(PURE_LDLIBS) -lcmocka

-include $(PURE_OBJ:.o=.d) $(CORE_OBJ:.o=.d) $(MTA_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(CTL_OBJ:.o=.d) \
  $(EMU_OBJ:.o=.d)

# fileless-emu: duktape from Debian's amalgamated source (/usr/share/duktape) with the
# interrupt counter and our deadline check switched on (docs: milter/emu/README), the fake
# host (milter/emu/host.js, then the ES2015 rewrite downlevel.js) compiled in as a string, libseccomp
DUK_DIR  := /usr/share/duktape
EMU_GEN  := $(OBJDIR)/emu-gen
EMU_OBJ  := $(patsubst %.c,$(OBJDIR)/%.o,$(EMU_SRC))
EMU_LIBS := $(shell pkg-config --libs libseccomp 2>/dev/null) -lm
$(EMU_GEN)/duk_config.h: $(DUK_DIR)/duk_config.h
	@mkdir -p $(dir $@)
	@sed -e 's|^#undef DUK_USE_INTERRUPT_COUNTER$$|#define DUK_USE_INTERRUPT_COUNTER|' \
	  -e 's|^#undef DUK_USE_EXEC_TIMEOUT_CHECK$$|extern duk_bool_t emu_timeout_check(void *udata);\n#define DUK_USE_EXEC_TIMEOUT_CHECK(udata) emu_timeout_check(udata)|' $< >$@
	@grep -q '^#define DUK_USE_EXEC_TIMEOUT_CHECK' $@ || { echo "duk_config.h: timeout hook not set" >&2; rm -f $@; exit 1; }
$(EMU_GEN)/duktape.h $(EMU_GEN)/duktape.c: $(EMU_GEN)/%: $(DUK_DIR)/%
	@mkdir -p $(dir $@)
	@cp $< $@
$(EMU_GEN)/duktape.o: $(EMU_GEN)/duktape.c $(EMU_GEN)/duktape.h $(EMU_GEN)/duk_config.h
	@echo "  CC      duktape.c (vendored from $(DUK_DIR))"
	@$(CC) -O2 -g -w -std=c99 -D_GNU_SOURCE -c -o $@ $<
$(EMU_GEN)/host_js.h: milter/emu/host.js milter/emu/downlevel.js
	@mkdir -p $(dir $@)
	@{ echo '/* generated from milter/emu/host.js and downlevel.js */'; echo 'static const char host_js[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $^; echo ';'; } >$@
$(EMU_OBJ): CFLAGS += -I$(EMU_GEN)
$(EMU_OBJ): $(EMU_GEN)/host_js.h $(EMU_GEN)/duktape.h $(EMU_GEN)/duk_config.h
$(EMU): $(EMU_OBJ) $(OBJDIR)/milter/emu/evlog.o $(OBJDIR)/milter/emu/extract.o \
        $(OBJDIR)/milter/lib/buf.o $(OBJDIR)/milter/lib/str.o $(OBJDIR)/milter/lib/xalloc.o \
        $(EMU_GEN)/duktape.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(EMU_LIBS)

# fuzzing (tests/fuzz/README in tests/README.md): each tests/fuzz/fuzz_X.c links twice.
# build/fuzz/fuzz_X: libFuzzer + ASan + UBSan over the core objects built with
# -fsanitize=fuzzer-no-link into build/fuzz/obj/. $(OBJDIR)/tests/fuzz/fuzz_X: replay.c's
# main() over the variant's objects (make test builds it in the ASan+UBSan variant).
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_DIR    := build/fuzz
FUZZ_CC     := clang-14
FUZZ_BIN    := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRC))
FUZZ_OBJ    := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(PURE_SRC) $(CORE_SRC) $(MTA_SRC)) \
               $(FUZZ_DIR)/obj/gen/symbols_known.o
FUZZ_CFLAGS := -O1 -g $(BASE_CFLAGS) -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all
REPLAY_BIN  := $(patsubst tests/fuzz/%.c,$(OBJDIR)/tests/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

fuzz-bins: $(FUZZ_BIN)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC/FUZZ $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/obj/gen/symbols_known.o: $(SYM_GEN)
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD/FUZZ $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

# fuzz_evlog (make test builds it for tests/fuzz/run.sh) links only what the emulation
# helper's event-log decoder is made of, like fileless-emu: not the whole core rebuilt
# with the fuzzer's flags (a fourth compile of the tree in make test)
FUZZ_EVLOG_OBJ := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,milter/emu/evlog.c milter/emu/extract.c \
                  milter/lib/buf.c milter/lib/str.c milter/lib/xalloc.c)
$(FUZZ_DIR)/fuzz_evlog: tests/fuzz/fuzz_evlog.c tests/fuzz/fuzz.h $(FUZZ_EVLOG_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD/FUZZ $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(FUZZ_EVLOG_OBJ) -lm

fuzz-replay: $(REPLAY_BIN)

$(OBJDIR)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(FM_LIBS)
	@mkdir -p $(dir $@)
	@echo "  CC/LD   $@"
	@$(CC) $(CFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c $(FM_LIBS) $(LDFLAGS) $(LDLIBS)

fuzz: deps fuzz-bins
	tests/fuzz/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# fuzz-run - the emulation helper's event-log decoder (what a process that ran hostile code
# sends back) under libFuzzer for a bounded time; tests/fuzz/run.sh also runs it briefly
FUZZ_RUN_SECONDS ?= 120
fuzz-run: deps $(FUZZ_DIR)/fuzz_evlog
	tests/fuzz/fuzz.sh $(FUZZ_RUN_SECONDS) fuzz_evlog

.SECONDARY: $(FUZZ_OBJ)
-include $(FUZZ_OBJ:.o=.d)

# deps - install what is missing (build and test); apt-get update only when something is missing
deps:
	@$(MAKE) --no-print-directory install-missing PKG_LIST="$(DEB_PKGS)"
	@[ -x $(SENDMAIL_BIN) ] || $(MAKE) --no-print-directory $(SENDMAIL_BIN)

# build-deps - only what building and running the milter needs (make run)
build-deps:
	@$(MAKE) --no-print-directory install-missing PKG_LIST="$(BUILD_PKGS)"
	@[ -x $(SENDMAIL_BIN) ] || $(MAKE) --no-print-directory $(SENDMAIL_BIN)

bench-deps:
	@$(MAKE) --no-print-directory install-missing PKG_LIST="$(BENCH_PKGS)"

install-missing:
	@missing=""; for p in $(PKG_LIST); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: need root to install$$missing" >&2; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

# sendmail conflicts with postfix as a package: its .debs are unpacked under build/ for
# tests/integration/sendmail.sh (a private copy, never installed)
SENDMAIL_DEBS := sendmail-bin sendmail-base sendmail-cf libwrap0
SENDMAIL_BIN  := build/sendmail/root/usr/libexec/sendmail/sendmail
$(SENDMAIL_BIN):
	@mkdir -p build/sendmail/debs build/sendmail/root
	@cd build/sendmail/debs && { apt-get download $(SENDMAIL_DEBS) >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get download $(SENDMAIL_DEBS) >/dev/null 2>&1; } || \
	  echo "sendmail packages not downloadable: tests/integration/sendmail.sh will skip"; }
	@for f in build/sendmail/debs/*.deb; do [ -f "$$f" ] && dpkg -x "$$f" build/sendmail/root; done; true

run: build-deps
	$(MAKE) all
	$(BIN) -f -c milter.conf

unit-bins: $(UNIT_BIN)

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

# test - the release build and its unit tests, plus the ASan+UBSan build (unit tests
# and the corpus runner use it); ends with "N passed, N failed, N skipped"
# The builds use every core when make test is run without -j (TEST_J); with -jN they share it.
TEST_J = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))
test: deps
	$(MAKE) $(TEST_J) all unit-bins man
	$(MAKE) $(TEST_J) SANITIZE=address,undefined all unit-bins fuzz-replay $(FUZZ_DIR)/fuzz_evlog
	$(MAKE) $(TEST_J) SANITIZE=thread all
	FM_BIN=$(BIN) FM_ASAN_BIN=$(ASAN_DIR)/fileless-milter FM_FUZZ_REPLAY=$(ASAN_DIR)/tests/fuzz \
	  FM_TSAN_BIN=build/san-thread/fileless-milter \
	  FM_UNIT="$(UNIT_BIN)" FM_UNIT_ASAN="$(ASAN_UNIT)" tests/run-all.sh

# man - milter.conf(5) has its settings from the config table (--dump-man), like -d
MAN := build/man/milter.conf.5 build/man/fileless-milter.8 build/man/fileless-ctl.8
man: $(MAN)
build/man/milter.conf.5: contrib/man/milter.conf.5.head contrib/man/milter.conf.5.tail $(BIN)
	@mkdir -p build/man
	@{ cat contrib/man/milter.conf.5.head; $(BIN) --dump-man; cat contrib/man/milter.conf.5.tail; } >$@
build/man/%.8: contrib/man/%.8
	@mkdir -p build/man
	@cp $< $@

# install - binaries, man pages, the shipped rules under DATADIR (replaced on every
# install: admins override them file by file under /etc/fileless-milter/rules, see rules_dir),
# systemd units (milter, review page, daily purge timer) and, when absent, milter.conf with
# rules_dir naming both rules directories. The Debian package uses it with PREFIX=/usr.
PREFIX  ?= /usr/local
DESTDIR ?=
SBINDIR := $(PREFIX)/sbin
DATADIR := $(PREFIX)/share/fileless-milter
MANDIR  := $(PREFIX)/share/man
ETCDIR  := /etc/fileless-milter
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,/etc/systemd/system)
UNITS   := fileless-milter.service fileless-milter-web.service fileless-milter-purge.service \
           fileless-milter-purge.timer
install: all man
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	  $(DESTDIR)$(DATADIR) $(DESTDIR)$(ETCDIR)/rules $(DESTDIR)$(UNITDIR) \
	  $(DESTDIR)$(PREFIX)/share/doc/fileless-milter/examples
	install -m 755 $(BIN) $(CTL) $(EMU) $(DESTDIR)$(SBINDIR)/
	install -m 644 build/man/milter.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 build/man/fileless-milter.8 build/man/fileless-ctl.8 $(DESTDIR)$(MANDIR)/man8/
	rm -rf $(DESTDIR)$(DATADIR)/rules
	cp -r rules $(DESTDIR)$(DATADIR)/rules
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/rules
	install -m 644 contrib/rules-override.README $(DESTDIR)$(ETCDIR)/rules/README
	for u in $(UNITS); do sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u; \
	  chmod 644 $(DESTDIR)$(UNITDIR)/$$u; done
	install -m 644 contrib/postfix/main.cf.snippet contrib/sendmail/fileless-milter.mc \
	  $(DESTDIR)$(PREFIX)/share/doc/fileless-milter/examples/
	[ -e $(DESTDIR)$(ETCDIR)/milter.conf ] || { \
	  sed -e 's|^rules_dir = .*|rules_dir = $(ETCDIR)/rules, $(DATADIR)/rules|' \
	      -e 's|^quarantine_dir = .*|quarantine_dir = /var/lib/fileless-milter/quarantine|' \
	      milter.conf >$(DESTDIR)$(ETCDIR)/milter.conf && chmod 640 $(DESTDIR)$(ETCDIR)/milter.conf; }

# deb - the Debian package (dpkg-buildpackage, debhelper) into build/deb/: a copy of the
# tracked source with contrib/debian as debian/ and the Build-Depends from BUILD_PKGS.
# DEB_REUSE=1 (the package suite of make test): the copy keeps the sources' times and gets
# this tree's release build (objects, binaries, man pages), so debian/rules' `make all man`
# finds it up to date and packages the binaries the other suites tested instead of compiling
# the tree once more (with dpkg-buildflags' hardening flags, which -Werror's warnings of the
# release build already cover: -Wformat=2 includes -Wformat-security)
DEB_VERSION := $(shell sed -n '1s/.*(\(.*\)).*/\1/p' contrib/debian/changelog)
DEB_SRC     := build/deb/fileless-milter-$(DEB_VERSION)
DEB_REUSE   ?=
deb: build-deps
	@$(MAKE) --no-print-directory install-missing PKG_LIST="debhelper dpkg-dev fakeroot"
	rm -rf build/deb && mkdir -p $(DEB_SRC)
	git ls-files -z | xargs -0 cp --parents $(if $(DEB_REUSE),-p) -t $(DEB_SRC)
	$(if $(DEB_REUSE),$(MAKE) --no-print-directory SANITIZE= all man && \
	  cp -p --parents -r build/release build/gen build/man milter/fileless-milter milter/fileless-ctl \
	  milter/fileless-emu $(DEB_SRC)/)
	cp -r contrib/debian $(DEB_SRC)/debian
	sed 's|@BUILD_DEPENDS@|$(shell echo $(filter-out build-essential,$(BUILD_PKGS)) | sed 's/ /, /g')|' \
	  contrib/debian/control.in >$(DEB_SRC)/debian/control
	rm $(DEB_SRC)/debian/control.in
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -j2 $(if $(DEB_REUSE),--no-pre-clean)
	@ls -l build/deb/*.deb

# bench - release build, the load generator and the floor (gcc, -Werror, no project code), then
# tests/bench/run.sh (corpus, peers, every table, results file)
BENCH_DIR    := build/bench
BENCH_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
bench-bins: $(BENCH_DIR)/milterload $(BENCH_DIR)/floor

$(BENCH_DIR)/milterload: tests/bench/milterload.c
	@mkdir -p $(dir $@)
	@echo "  CC/LD   $@"
	@gcc $(BENCH_CFLAGS) -o $@ $< -lpthread

$(BENCH_DIR)/floor: tests/bench/floor.c
	@mkdir -p $(dir $@)
	@echo "  CC/LD   $@"
	@gcc $(BENCH_CFLAGS) $$(pkg-config --cflags gmime-3.0) -o $@ $< \
	  $$(pkg-config --libs gmime-3.0 libcrypto) -lpthread

bench: deps bench-deps
	$(MAKE) SANITIZE= all bench-bins
	tests/bench/run.sh

# soak - RSS of the release milter under SOAK_SECS (default 1800) of cold load, sampled every
# SOAK_SAMPLE s; fails unless flat within +-SOAK_TOL % (tests/bench/soak.sh; opt-in, not in test);
# then the Postfix suite with its SMTP soak SOAK_POSTFIX_SECS long (make test runs a short one)
SOAK_POSTFIX_SECS ?= 600
soak: deps bench-deps
	$(MAKE) SANITIZE= all bench-bins
	tests/bench/soak.sh
	FM_SOAK_SECONDS=$(SOAK_POSTFIX_SECS) FM_BIN=$(BIN) FM_SUITES=postfix tests/run-all.sh

FORMAT_SRC := milter/*.c milter/*.h milter/*/*.c milter/*/*.h \
              tests/unit/*.c tests/fuzz/*.c tests/fuzz/*.h tests/bench/*.c

# tsan-test - the ThreadSanitizer build's unit tests and the daemon under miltertest; any
# report fails (halt_on_error); tests/data/tsan.supp lists libmilter's own races only
TSAN_DIR  := build/san-thread
TSAN_UNIT := $(patsubst tests/unit/%.c,$(TSAN_DIR)/tests/unit/%,$(UNIT_SRC))
tsan-test: deps
	$(MAKE) SANITIZE=thread all unit-bins
	TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/data/tsan.supp" \
	  tests/run-unit.sh $(TSAN_UNIT)
	TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/data/tsan.supp" \
	  FM_BIN=$(TSAN_DIR)/fileless-milter tests/milter/run.sh

format:
	clang-format-14 -i $(FORMAT_SRC)

check-format:
	@clang-format-14 --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build milter/fileless-milter milter/fileless-ctl milter/fileless-emu
