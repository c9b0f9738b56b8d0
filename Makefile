# fileless-milter build.
#
#   make                 build milter/fileless-milter (gcc 12, C11, -Werror)
#   make deps            install the Debian packages needed to build and test (idempotent)
#   make run             build and run the milter in the foreground with ./milter.conf
#   make test            deps + build + every test; ends with "N passed, N failed"
#   make unit            cmocka unit tests only
#   make SANITIZE=address,undefined [test]   clang 14 with sanitizers (objects under build/)
#   make tsan-test       ThreadSanitizer build (build/san-thread): unit tests + the milter suite
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="fuzz_mime ..."]   each libFuzzer target N s
#   make fuzz-bins | fuzz-replay             build the libFuzzer targets | their replay binaries
#   make format | check-format               clang-format 14 with .clang-format

SANITIZE ?=
comma    := ,
PKGS     := gmime-3.0 libidn2 libcrypto libclamav yara libarchive
DEB_PKGS := build-essential pkg-config clang-14 libclang-rt-14-dev clang-format-14 \
            libgmime-3.0-dev libidn2-dev libssl-dev libcmocka-dev jq python3 \
            libclamav-dev libyara-dev libarchive-dev libarchive-tools libmilter-dev libhiredis-dev miltertest

ifeq ($(SANITIZE),)
  CC      ?= gcc
  VARIANT := release
  BIN     := milter/fileless-milter
  CTL     := milter/fileless-ctl
  SANFLAGS :=
else
  CC      := clang-14
  VARIANT := san-$(subst $(comma),-,$(SANITIZE))
  BIN     := build/$(VARIANT)/fileless-milter
  CTL     := build/$(VARIANT)/fileless-ctl
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
            -Imilter -Imilter/lib -Imilter/ctl $(PKG_CFLAGS)
CFLAGS   += $(BASE_CFLAGS) $(SANFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)
LDLIBS   += $(PKG_LIBS) -lmilter -lpthread -lm

LIB_SRC  := $(wildcard milter/lib/*.c)
CORE_SRC := $(filter-out milter/main.c,$(wildcard milter/*.c))
CORE_OBJ := $(patsubst %.c,$(OBJDIR)/%.o,$(LIB_SRC) $(CORE_SRC))
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

.PHONY: all deps run test unit unit-bins format check-format clean fuzz fuzz-bins fuzz-replay \
        tsan-test
all: $(BIN) $(CTL)

$(BIN): $(CORE_OBJ) $(MAIN_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(CTL): $(CORE_OBJ) $(CTL_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(OBJDIR)/tests/unit/%: tests/unit/%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CC/LD   $@"
	@$(CC) $(CFLAGS) -Wno-unused-parameter -o $@ $< $(CORE_OBJ) $(LDFLAGS) $(LDLIBS) -lcmocka

-include $(CORE_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(CTL_OBJ:.o=.d)

# fuzzing (tests/fuzz/README in tests/README.md): each tests/fuzz/fuzz_X.c links twice.
# build/fuzz/fuzz_X: libFuzzer + ASan + UBSan over the core objects built with
# -fsanitize=fuzzer-no-link into build/fuzz/obj/. $(OBJDIR)/tests/fuzz/fuzz_X: replay.c's
# main() over the variant's objects (make test builds it in the ASan+UBSan variant).
FUZZ_SRC    := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_DIR    := build/fuzz
FUZZ_CC     := clang-14
FUZZ_BIN    := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRC))
FUZZ_OBJ    := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRC) $(CORE_SRC))
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

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD/FUZZ $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

fuzz-replay: $(REPLAY_BIN)

$(OBJDIR)/tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(CORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CC/LD   $@"
	@$(CC) $(CFLAGS) -Itests/fuzz -o $@ $< tests/fuzz/replay.c $(CORE_OBJ) $(LDFLAGS) $(LDLIBS)

fuzz: deps fuzz-bins
	tests/fuzz/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

.SECONDARY: $(FUZZ_OBJ)
-include $(FUZZ_OBJ:.o=.d)

# deps - install what is missing; apt-get update only when something is missing
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: need root to install$$missing" >&2; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

run: deps
	$(MAKE) all
	$(BIN) -f -c milter.conf

unit-bins: $(UNIT_BIN)

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

# test - the release build and its unit tests, plus the ASan+UBSan build (unit tests
# and the corpus runner use it); ends with "N passed, N failed, N skipped"
test: deps
	$(MAKE) all unit-bins
	$(MAKE) SANITIZE=address,undefined all unit-bins fuzz-replay
	FM_BIN=$(BIN) FM_ASAN_BIN=$(ASAN_DIR)/fileless-milter FM_FUZZ_REPLAY=$(ASAN_DIR)/tests/fuzz \
	  FM_UNIT="$(UNIT_BIN) $(ASAN_UNIT)" tests/run-all.sh

FORMAT_SRC := milter/*.c milter/*.h milter/lib/*.c milter/lib/*.h milter/ctl/*.c milter/ctl/*.h \
              tests/unit/*.c tests/fuzz/*.c tests/fuzz/*.h

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
	rm -rf build milter/fileless-milter milter/fileless-ctl
