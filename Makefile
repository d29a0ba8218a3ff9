# Quick start on a fresh Debian bookworm machine:
#   make demo   install what is missing, build, run the main job on the built-in data
#   make test   install what is missing, build, run every test: the suite (build), the suite
#               under ASan + UBSan (build-asan), each fuzz target for FUZZ_SECONDS (build-fuzz)
#   make test-suite            the suite alone (the fuzz seeds and regression inputs replayed)
#   make test-asan             the suite under ASan + UBSan
#   make fuzz FUZZ_SECONDS=N   each fuzz target for N seconds (clang, libFuzzer)
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
EXCTL := $(BUILD)/bin/exctl
DEBS  := libboost-dev libsqlite3-dev libfmt-dev libtomlplusplus-dev catch2 libcli11-dev \
         nlohmann-json3-dev libbenchmark-dev libcpp-httplib-dev libgoogle-perftools-dev pkg-config cmake g++ make clang-14 libfuzzer-14-dev
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
# Left out under sanitizers (README "Reliability"): the browser test (Chromium is not what
# is tested, and it runs minutes under ASan) and the 50-kill durability test (it kills the
# process on purpose; the normal suite runs it).
FUZZ_TARGETS := $(shell sed -n 's/^\([a-z_]*\) .*/\1/p' fuzz/corpora)
ASAN_EXCLUDE ?= ^browser:|^durability:an import killed
# For the chart tests (an XML checker, headless Chromium): installed when possible; without
# them the browser tests are skipped with the reason (npm installs puppeteer-core into the build).
OPTIONAL_DEBS := chromium libxml2-utils python3 nodejs npm

.PHONY: demo test test-suite test-asan fuzz build build-asan build-fuzz deps configure bench format clean

demo: build
	@./scripts/demo.sh $(EXCTL)

# CI runs `make test`: the three in this order, each a failure of its own (README
# "Reliability" has their times).
test: test-suite test-asan fuzz

test-suite: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite under ASan + UBSan; every exctl a test runs is the sanitized one.
test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -E '$(ASAN_EXCLUDE)'

build-asan: deps
	@test -f $(ASAN_BUILD)/CMakeCache.txt || cmake -S . -B $(ASAN_BUILD) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEXCTL_SANITIZE=address,undefined -DEXCTL_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)

fuzz: build-fuzz
	./scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

build-fuzz: deps
	@test -f $(FUZZ_BUILD)/CMakeCache.txt || cmake -S . -B $(FUZZ_BUILD) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DEXCTL_FUZZ=ON \
	  -DEXCTL_WERROR=OFF -DEXCTL_BUILD_TESTS=OFF -DEXCTL_BUILD_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))

build: configure
	cmake --build $(BUILD) -j $(JOBS)

configure: deps
	@test -f $(BUILD)/CMakeCache.txt || cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

deps:
	@./scripts/install-deps.sh $(DEBS)
	@./scripts/install-deps.sh --optional $(OPTIONAL_DEBS)

bench: build
	./scripts/bench.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
