# fileless-milter build.
#
#   make                 build milter/fileless-milter (gcc 12, C11, -Werror)
#   make deps            install the Debian packages needed to build and test (idempotent)
#   make run             build and run the milter in the foreground with ./milter.conf
#   make test            deps + build + every test; ends with "N passed, N failed"
#   make unit            cmocka unit tests only
#   make SANITIZE=address,undefined [test]   clang 14 with sanitizers (objects under build/)
#   make format | check-format               clang-format 14 with .clang-format
#   make bench           benchmarks (tests/bench/run.sh): ours vs clamav-milter vs the decode floor;
#                        installs BENCH_PKGS; writes tests/bench/results/DATE-HOST.md (< 15 min)

SANITIZE ?=
comma    := ,
PKGS     := gmime-3.0 libidn2 libcrypto libclamav yara libarchive
DEB_PKGS := build-essential pkg-config clang-14 libclang-rt-14-dev clang-format-14 \
            libgmime-3.0-dev libidn2-dev libssl-dev libcmocka-dev jq python3 \
            libclamav-dev libyara-dev libarchive-dev libarchive-tools libmilter-dev libhiredis-dev miltertest
# peers and tools for `make bench` only (not installed by `make deps`)
BENCH_PKGS := clamav-daemon clamav-milter postfix valgrind

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
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
            -Imilter -Imilter/lib -Imilter/ctl $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
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

.PHONY: all deps bench-deps bench bench-bins run test unit unit-bins format check-format clean
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

# install_missing - install the Debian packages in $(1) that are missing; apt-get update only then
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: need root to install$$missing" >&2; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

# deps - install what is missing to build and test
deps:
	$(call install_missing,$(DEB_PKGS))

bench-deps:
	$(call install_missing,$(BENCH_PKGS))

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
	$(MAKE) SANITIZE=address,undefined all unit-bins
	FM_BIN=$(BIN) FM_ASAN_BIN=$(ASAN_DIR)/fileless-milter \
	  FM_UNIT="$(UNIT_BIN) $(ASAN_UNIT)" tests/run-all.sh

format:
	clang-format-14 -i milter/*.c milter/*.h milter/lib/*.c milter/lib/*.h milter/ctl/*.c milter/ctl/*.h tests/unit/*.c tests/bench/*.c

check-format:
	@clang-format-14 --dry-run --Werror milter/*.c milter/*.h milter/lib/*.c milter/lib/*.h milter/ctl/*.c milter/ctl/*.h tests/unit/*.c tests/bench/*.c

clean:
	rm -rf build milter/fileless-milter milter/fileless-ctl
