# The two commands of README.md: `make demo` and `make test`. Both install
# what is missing (scripts/install-deps.sh), configure, build and run; both
# are idempotent.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_JOBS ?= 2
MAKEFLAGS += --no-print-directory

.PHONY: all deps configure build test demo bench python fuzz clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(CTEST_JOBS)

demo: build
	@scripts/demo.sh $(BUILD_DIR)/tavrnn

python: build
	@scripts/python-env.sh $(BUILD_DIR)

# Every reader's libFuzzer target for FUZZ_SECONDS each (docs/reliability.md).
FUZZ_SECONDS ?= 600
fuzz: deps
	@fuzz/build.sh build-fuzz
	@fuzz/run.sh --build build-fuzz --seconds $(FUZZ_SECONDS)

bench: build
	@scripts/run-benchmarks.sh $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
