# Quick start on a fresh Debian bookworm machine:
#   make demo   install what is missing, build, run the main job on the built-in data
#   make test   install what is missing, build, run every test
BUILD ?= build
JOBS  ?= $(shell nproc 2>/dev/null || echo 2)
EXCTL := $(BUILD)/bin/exctl
DEBS  := libboost-dev libsqlite3-dev libfmt-dev libtomlplusplus-dev catch2 libcli11-dev \
         nlohmann-json3-dev libbenchmark-dev libcpp-httplib-dev pkg-config cmake g++ make
# For the chart tests (an XML checker, headless Chromium): installed when possible; without
# them the browser tests are skipped with the reason (npm installs puppeteer-core into the build).
OPTIONAL_DEBS := chromium libxml2-utils python3 nodejs npm

.PHONY: demo test build deps configure bench format clean

demo: build
	@./scripts/demo.sh $(EXCTL)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

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
	rm -rf $(BUILD)
