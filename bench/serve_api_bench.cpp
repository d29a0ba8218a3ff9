// The server's work per request, in process and without HTTP: Api::handle over the shipped
// rules and chips. Its inverse bounds what `exctl serve` can answer per core per second.
//   Evaluate   /api/evaluate as the page sends it while dram_cap of us-2025-04-h20 moves
//   Check      /api/check, the same draft
//   Chart      /api/chart, the TPP x PD plane of the same draft
// Run by `make bench`.
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "serve/api.hpp"

namespace {

using exctl::serve::Api;

const Api& api() {
  static const auto kApi = [] {
    exctl::DiagnosticSink sink;
    return Api::load({}, sink);
  }();
  return *kApi;
}

// A slider moving across 500..5,600 GB/s: every request a new value.
std::string body(long n, const char* extra) {
  return fmt::format(
      R"({{"regime":"us-2025-04-h20","to":"CN","date":"2025-06-30","moving":"dram_cap",)"
      R"("params":{{"dram_cap":"{} GB/s"}}{}}})",
      500 + (n * 10) % 5100, extra);
}

void run(benchmark::State& state, const char* path, const char* extra) {
  long n = 0, bytes = 0;
  for (auto _ : state) {
    auto r = api().handle("POST", path, body(n++, extra));
    if (r.status != 200) state.SkipWithError(r.body.substr(0, 200).c_str());
    bytes += static_cast<long>(r.body.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void Evaluate(benchmark::State& s) {
  run(s, "/api/evaluate", "");
}
void Check(benchmark::State& s) {
  run(s, "/api/check", "");
}
void Chart(benchmark::State& s) {
  run(s, "/api/chart", R"(,"kind":"tpp-pd")");
}

}  // namespace

BENCHMARK(Evaluate)->Unit(benchmark::kMillisecond);
BENCHMARK(Check)->Unit(benchmark::kMillisecond);
BENCHMARK(Chart)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
