# securescore - one GNU Makefile (redis and git style knobs).
#
#   make                  build/libsecurescore.a and build/securescore
#   make check            install deps, build under ASan+UBSan in build-check/, run every test
#   make test             run every test against the current build (BUILD=...)
#   make demo             install deps, build, score the bundled demo tenant
#   make bench            benchmarks against reference libraries (see bench/README.md)
#   make fuzz             build the libFuzzer targets with clang and run each for FUZZ_SECONDS
#   make install PREFIX=/usr/local
#   make format           clang-format the sources in place; make format-check verifies
#
# Knobs: SANITIZE=address,undefined  CC=clang  DEBUG=1  BUILD=dir  V=1
SHELL := /bin/bash
.SUFFIXES:
.DELETE_ON_ERROR:

CC ?= cc
CXX ?= c++
BUILD ?= build
PREFIX ?= /usr/local
SANITIZE ?=
DEBUG ?=
FUZZ_SECONDS ?= 60
VERSION := 0.1.0

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wvla -Wstrict-prototypes -Wold-style-definition \
        -Wpointer-arith -Wwrite-strings -Wformat-security -Wmissing-prototypes -Wno-unused-parameter
ifeq ($(DEBUG),1)
OPT := -O0 -g3
else
OPT := -O2 -g
endif
ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

CPPFLAGS_ALL := -Iinclude -Isrc -DSS_VERSION='"$(VERSION)"' $(EXTRA_CPPFLAGS)
CFLAGS_ALL := -std=c11 $(WARN) $(OPT) $(SANFLAGS) -MMD -MP $(CFLAGS)
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS)
# The system libraries of the library (DESIGN.md §11); `make print-libs` shows them.
SYS_LIBS := -lmicrohttpd -lgnutls -lsqlite3 -lpthread -lm -lz
LDLIBS_ALL := $(SYS_LIBS) $(LDLIBS)

LIB_SRC := $(sort $(filter-out src/cli/%,$(wildcard src/*/*.c)))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
RUNNER_SRC := $(sort $(wildcard tests/runner/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/catalog_data.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)
RUNNER_OBJ := $(RUNNER_SRC:%.c=$(BUILD)/obj/%.o)

LIB := $(BUILD)/libsecurescore.a
BIN := $(BUILD)/securescore
UNIT := $(BUILD)/unit-tests
RUNNER := $(BUILD)/sstest
JDIFF := $(BUILD)/json-diff


.PHONY: print-libs all check test deps demo bench fuzz fuzz-build install format format-check clean
all: $(BIN)

print-libs:
	@echo $(SYS_LIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c $< -o $@

# The CLI may include only the public headers (STYLE.md rule 1).
$(BUILD)/obj/src/cli/%.o: src/cli/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) -Iinclude -DSS_VERSION='"$(VERSION)"' $(CFLAGS_ALL) -c $< -o $@

# The built-in catalog is compiled into the library (tools/embed.c).
$(BUILD)/embed: tools/embed.c
	@mkdir -p $(@D)
	$(Q)$(CC) -O1 -o $@ $<

# The built-in rules (catalog/rules/*.json, in name order) as one document:
# {"rules": [<rule>, ...]} (the folder is a prerequisite too: adding or removing a rule).
RULE_FILES := $(sort $(wildcard catalog/rules/*.json))

$(BUILD)/gen/rules.json: $(RULE_FILES) catalog/rules
	@mkdir -p $(@D)
	$(Q)sep=''; { printf '{"rules": [\n'; for f in $(RULE_FILES); do \
	    printf '%s' "$$sep"; cat "$$f"; sep=','; done; printf ']}\n'; } > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/catalog_data.c: catalog/controls.json catalog/recommendations.json \
                            $(BUILD)/gen/rules.json $(BUILD)/embed
	@mkdir -p $(@D)
	$(Q)$(BUILD)/embed $@ ss_builtin_controls_json=catalog/controls.json \
	    ss_builtin_recommendations_json=catalog/recommendations.json \
	    ss_builtin_rules_json=$(BUILD)/gen/rules.json

$(BUILD)/obj/gen/catalog_data.o: $(BUILD)/gen/catalog_data.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(OPT) $(SANFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS_ALL)

# Unit tests: every `TEST(name)` in tests/unit/*.c is registered automatically.
$(BUILD)/unit_list.h: $(UNIT_SRC)
	@mkdir -p $(@D)
	$(Q)sed -n 's/^TEST(\([A-Za-z0-9_]*\)).*/T(\1)/p' $(UNIT_SRC) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c $(BUILD)/unit_list.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS_ALL) -I$(BUILD) $(CFLAGS_ALL) -c $< -o $@

$(UNIT): $(UNIT_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(UNIT_OBJ) $(LIB) $(LDLIBS_ALL)

$(RUNNER): $(RUNNER_OBJ) $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(RUNNER_OBJ) $(LIB) $(LDLIBS_ALL)

# Differential test against jansson (the oracle, tests only).
$(JDIFF): tests/diff/json_diff.c $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(LIB) -ljansson $(LDLIBS_ALL)

TEST_BINS := $(BIN) $(UNIT) $(RUNNER) $(if $(wildcard tests/diff/json_diff.c),$(JDIFF))

test: $(TEST_BINS)
	$(Q)BUILD=$(BUILD) CC=$(CC) tests/run.sh

deps:
	$(Q)scripts/install-deps.sh

# What CI runs: the whole suite under ASan+UBSan in its own build folder.
check: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-check SANITIZE=address,undefined test

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)examples/demo.sh $(BUILD)/securescore

bench:
	$(Q)scripts/install-deps.sh bench
	$(Q)$(MAKE) --no-print-directory BUILD=build-bench all
	$(Q)BUILD=build-bench CC=$(CC) CXX=$(CXX) bench/run.sh

FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BUILD := build-fuzz
fuzz-build:
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
	    SANITIZE=address,undefined CFLAGS=-fsanitize=fuzzer-no-link $(FUZZ_BUILD)/libsecurescore.a
	$(Q)for t in $(FUZZ_TARGETS); do \
	    clang $(CPPFLAGS_ALL) -std=c11 $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
	        -fno-sanitize-recover=all tests/fuzz/$$t.c $(FUZZ_BUILD)/libsecurescore.a $(SYS_LIBS) \
	        -o $(FUZZ_BUILD)/$$t || exit 1; done

fuzz: deps fuzz-build
	$(Q)for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus-$$t tests/fuzz/artifacts; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=2048 \
	        -artifact_prefix=tests/fuzz/artifacts/ $(FUZZ_BUILD)/corpus-$$t tests/fuzz/corpus/$${t#fuzz_} \
	        2>&1 | tail -n 3 || exit 1; done

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/securescore
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/securescore
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libsecurescore.a
	install -m 644 include/securescore/*.h $(DESTDIR)$(PREFIX)/include/securescore/
	install -d $(DESTDIR)$(PREFIX)/share/securescore/catalog/rules
	install -m 644 catalog/*.json $(DESTDIR)$(PREFIX)/share/securescore/catalog/
	install -m 644 catalog/rules/*.json $(DESTDIR)$(PREFIX)/share/securescore/catalog/rules/

FORMAT_SRC = $(wildcard src/*/*.[ch] include/securescore/*.h tests/unit/*.[ch] tests/runner/*.[ch] \
    tests/fuzz/*.c tests/diff/*.c bench/*.[ch] bench/*.cpp examples/*.c tools/*.c)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build build-check build-bench build-fuzz

-include $(wildcard $(BUILD)/obj/*/*/*.d $(BUILD)/obj/*/*.d)
