# fairmatch - build, run, test, measure.
#
#   make            build ./fairmatch (installs nothing)
#   make deps       install the missing Debian packages (as root; else name them)
#   make demo       set up (packages, PostgreSQL under ./var, sample data) and serve
#   make check      the same set-up, then every test (also under ASan+UBSan, and fuzzing)
#   make test       the unit tests alone: seconds, no PostgreSQL
#   make bench      benchmarks against a PostgreSQL full-text baseline
#   make eval       quality evaluations (taxonomy, matching, name checks)
#   make asan       build/asan/fairmatch with -fsanitize=address,undefined
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each (default 300)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
DESTDIR ?=
PORT ?= 8080

CC ?= cc
CXX ?= c++
PKGS := libpq jansson libmicrohttpd nettle zlib libzstd icu-uc icu-i18n libpsl

# Missing packages are installed (as root) or named (otherwise) by data/deps.sh,
# before anything below needs pkg-config to answer.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
XAPIAN_CXXFLAGS = $(shell xapian-config --cxxflags 2>/dev/null)
XAPIAN_LIBS = $(shell xapian-config --libs 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Wpointer-arith -Wno-unused-parameter
OPT ?= -O2
CFLAGS ?= $(OPT) -g
CXXFLAGS ?= $(OPT) -g
# int-conversion and incompatible-pointer-types are errors: a positional
# initializer that slips by one field (a route table row) must not compile.
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) -Wstrict-prototypes -Wmissing-prototypes \
	-Werror=int-conversion -Werror=incompatible-pointer-types \
	-I. $(PKG_CFLAGS) $(CFLAGS) $(SAN) -MMD -MP
ALL_CXXFLAGS = -std=c++17 $(WARN) -I. $(XAPIAN_CXXFLAGS) $(CXXFLAGS) $(SAN) -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) $(XAPIAN_LIBS) -lpthread -lm $(SAN)

BUILD ?= build/release
# Every .c under engine/, api/ and cli/ (and the sample generator in data/)
# goes into the library, except the command's main.
LIB_C := $(sort $(shell find engine api cli data -name '*.c' 2>/dev/null))
# data/yaml2json.c is a build tool with its own main (below), not library code.
LIB_C := $(filter-out cli/main.c data/yaml2json.c,$(LIB_C))
LIB_CC := $(sort $(wildcard index/*.cc))
SQL := $(sort $(wildcard data/sql/*.sql))
LIB_OBJ := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CC:%.cc=$(BUILD)/%.o) $(BUILD)/gen/migrations.o \
	$(BUILD)/gen/legal_forms.o $(BUILD)/gen/function_words.o $(BUILD)/gen/console_files.o \
	$(BUILD)/gen/openapi_files.o
# The web console (console/, served at /) and the OpenAPI description.
CONSOLE_FILES := $(sort $(wildcard console/*.html console/*.css console/*.js console/*.svg))
# Tests: tests/unit/ run in seconds without PostgreSQL (`make test`);
# tests/integration/ talk to a real PostgreSQL, a real index and real servers
# (tests/run.sh, `make check`). Every test binary is $(BUILD)/tests/NAME,
# whatever folder its source sits in; the harness is tests/support/.
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
INTEGRATION_SRC := $(sort $(wildcard tests/integration/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_BIN := $(UNIT_BIN) $(INTEGRATION_SRC:tests/integration/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_OBJ := $(BUILD)/tests/support/t.o $(BUILD)/tests/support/http.o

.PHONY: all deps demo check test unit-tests bench eval asan fuzz fuzz-build fuzz-bins install \
	clean pg-start pg-stop
# Building installs nothing: `make deps` does (as root), and the two set-up
# commands of the README, `make demo` and `make check`, call it first.
all: fairmatch

deps:
	@sh data/deps.sh

fairmatch: $(BUILD)/fairmatch
	cp $< $@

$(BUILD)/fairmatch: $(BUILD)/cli/main.o $(BUILD)/libfairmatch.a
	$(CXX) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/libfairmatch.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/gen/migrations.c: $(SQL) data/embed_sql.sh
	@mkdir -p $(dir $@)
	sh data/embed_sql.sh $@ $(SQL)

$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.c
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

# The legal forms that recruiter-name matching drops (data/legal_forms/).
$(BUILD)/gen/legal_forms.c: data/legal_forms/legal_forms.txt data/embed_list.sh
	@mkdir -p $(dir $@)
	sh data/embed_list.sh $@ legal_forms_raw $< legal_form_kinds_raw 3

$(BUILD)/gen/legal_forms.o: $(BUILD)/gen/legal_forms.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The function words keyword search leaves out (data/stopwords/).
STOPWORDS := $(sort $(wildcard data/stopwords/*.stop))
$(BUILD)/gen/function_words.c: $(STOPWORDS) data/embed_list.sh
	@mkdir -p $(dir $@)
	cat $(STOPWORDS) >$(BUILD)/gen/function_words.txt
	sh data/embed_list.sh $@ function_words $(BUILD)/gen/function_words.txt

$(BUILD)/gen/function_words.o: $(BUILD)/gen/function_words.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The web console's files, served by api/console.c (docs/console.md).
$(BUILD)/gen/console_files.c: $(CONSOLE_FILES) data/embed_files.sh
	@mkdir -p $(dir $@)
	sh data/embed_files.sh $@ console_files $(CONSOLE_FILES)

# GET /v1/openapi.json: docs/openapi.yaml turned into JSON at build time by
# data/yaml2json.c (libyaml and jansson, from Debian: docs/console.md says why).
# The tool is built without sanitizers: it runs at build time only.
$(BUILD)/tools/yaml2json: data/yaml2json.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -D_GNU_SOURCE $(WARN) -O2 -o $@ $< \
		$(shell pkg-config --cflags --libs yaml-0.1 jansson 2>/dev/null)

$(BUILD)/gen/openapi.json: docs/openapi.yaml $(BUILD)/tools/yaml2json
	@mkdir -p $(dir $@)
	$(BUILD)/tools/yaml2json $< $@

$(BUILD)/gen/openapi_files.c: $(BUILD)/gen/openapi.json data/embed_files.sh
	sh data/embed_files.sh $@ openapi_files $<

$(BUILD)/gen/console_files.o $(BUILD)/gen/openapi_files.o: $(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

# Tests talk HTTP to a real server through libcurl. Static pattern rules,
# one per folder of sources, so make never searches chains of patterns.
BENCH_BIN := $(patsubst tests/bench/%.c,$(BUILD)/tests/%,$(wildcard tests/bench/bench_*.c))
EVAL_BIN := $(patsubst tests/eval/%.c,$(BUILD)/tests/%,$(wildcard tests/eval/eval_*.c))
TEST_LINK = $(CXX) -o $@ $^ $(shell pkg-config --libs libcurl 2>/dev/null) $(LDLIBS_ALL)
$(UNIT_BIN): $(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/libfairmatch.a
	$(TEST_LINK)
$(filter-out $(UNIT_BIN),$(TEST_BIN)): $(BUILD)/tests/%: $(BUILD)/tests/integration/%.o \
		$(TEST_SUPPORT_OBJ) $(BUILD)/libfairmatch.a
	$(TEST_LINK)
$(BENCH_BIN): $(BUILD)/tests/%: $(BUILD)/tests/bench/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/libfairmatch.a
	$(TEST_LINK)
$(EVAL_BIN): $(BUILD)/tests/%: $(BUILD)/tests/eval/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/libfairmatch.a
	$(TEST_LINK)

unit-tests: $(TEST_BIN)

# The unit tests alone: seconds, no PostgreSQL, no server.
test: fairmatch $(UNIT_BIN)
	@sh tests/run.sh --unit

asan:
	$(MAKE) BUILD=build/asan OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" \
		build/asan/fairmatch unit-tests

# libFuzzer targets (tests/fuzz/fuzz_*.c): the library again, built by clang with
# coverage for the fuzzer plus ASan and UBSan (any UBSan report is a crash).
# `make check` runs each briefly (tests/run.sh), `make fuzz` longer; corpora
# and crash reproducers go to var/fuzz/<target>/ (tests/fuzz/fuzz.sh).
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?=
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt

fuzz-build:
	$(MAKE) BUILD=build/fuzz CC=clang CXX=clang++ OPT=-O1 SAN="$(FUZZ_SAN)" fuzz-bins

fuzz-bins: $(FUZZ_BIN)

# What the fuzz build leaves uninstrumented for coverage (start-up code on the
# shipped ESCO files, tests/fuzz/coverage-ignore.txt): a change rebuilds it.
ifeq ($(BUILD),build/fuzz)
$(LIB_OBJ): tests/fuzz/coverage-ignore.txt
endif

$(FUZZ_BIN): $(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/libfairmatch.a
	@mkdir -p $(dir $@)
	$(CXX) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)

fuzz: all fuzz-build
	@sh tests/fuzz/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

demo: deps
	$(MAKE) all
	@sh data/demo.sh $(PORT)

# The three builds (release, ASan, fuzz) share one make and its job slots, one
# per core (CHECK_JOBS), instead of running one after the other, each serial.
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps
	$(MAKE) -j$(CHECK_JOBS) all unit-tests asan fuzz-build
	@sh tests/run.sh

bench: all
	@sh tests/bench/bench.sh

eval: all
	@sh tests/eval/eval.sh

# Several nodes on one PostgreSQL with a streaming replica and xapian-tcpsrv
# shards, on loopback (tests/integration/test_scaleout.c, also in `make check`;
# docs/deployment.md).
.PHONY: scaleout
scaleout: deps
	$(MAKE) all $(BUILD)/tests/test_scaleout
	@FAIRMATCH_TEST_VARIANTS=$(notdir $(BUILD)) FAIRMATCH_TESTS=test_scaleout sh tests/run.sh

# A bounded soak (SOAK_SECONDS, default 600) under a steady mixed load, with
# two PostgreSQL restarts; fails on any 5xx or lost write (tests/bench/soak.sh).
.PHONY: soak
soak: all
	@sh tests/bench/soak.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/fairmatch
	install -m 0755 fairmatch $(DESTDIR)$(PREFIX)/bin/fairmatch
	cp -R data/sql $(DESTDIR)$(PREFIX)/share/fairmatch/

pg-start:
	@sh data/pgctl.sh start
pg-stop:
	@sh data/pgctl.sh stop

clean:
	rm -rf build fairmatch

.SECONDARY:

-include $(shell find build -name '*.d' 2>/dev/null)
