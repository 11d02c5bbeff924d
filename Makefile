# yamori: the two commands of the README, and the longer tiers.
#   make run     install what is missing, build, start the server on its defaults
#                (with the portal's demo traffic; DEMO=0 without)
#   make test    install what the tests need, build with ASan+UBSan, run every test
#   make fuzz    run every libFuzzer target for FUZZ_SECONDS each (default 600)
#   make bench   run the benchmarks in bench/ (prints figures; not pass/fail)

BUILD      ?= build
TEST_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 600
DATA       ?= var
DEMO       ?= 1

.PHONY: all build run test test-quick fuzz bench deps clean

all: build

deps:
	@scripts/install-deps.sh build

build: deps
	@scripts/web-build.sh
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@DEMO=$(DEMO) scripts/run.sh $(BUILD)/yamori $(DATA)

test:
	@scripts/install-deps.sh test
	@scripts/web-build.sh
	@cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DYM_SANITIZE=ON >/dev/null
	@cmake --build $(TEST_BUILD) -j $(JOBS)
	@cd $(TEST_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS) --timeout 900

test-quick:
	@cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DYM_SANITIZE=ON >/dev/null
	@cmake --build $(TEST_BUILD) -j $(JOBS)
	@cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) -L unit

fuzz:
	@scripts/install-deps.sh test
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DYM_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	@scripts/install-deps.sh bench
	@for b in bench/*/run.sh; do echo "== $$b"; bash $$b $(BUILD)/yamori || exit 1; done

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD)
