// Parameter sweeps (engine/draft/sweep.hpp), each step re-deciding a catalogue through the
// compiled form:
//   SweepShipped   us-2025-04-h20's dram_cap, 1,001 steps, over the built-in chips, to China
//   SweepMillion   us-2023-10's tpp_a, 100 steps, over 1,000,000 generated chips
//   Breakpoints    every built-in chip's exact breakpoints for dram_cap
// EXCTL_BENCH_SWEEP_CHIPS overrides the million. Run by `make bench`.
#include <cstdlib>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"
#include "engine/draft/sweep.hpp"
#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

namespace {

using namespace exctl;
using sema::FieldId;

const sema::Rulebook& rules() {
  static const sema::Rulebook kRules = [] {
    DiagnosticSink sink;
    return *sema::load_rulebook(rules::builtin_rule_sources(), rules::builtin_country_groups(),
                                sink);
  }();
  return kRules;
}

const std::vector<eval::FieldValues>& shipped_chips() {
  static const std::vector<eval::FieldValues> kChips = [] {
    auto chips =
        chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
    std::vector<eval::FieldValues> out;
    for (const auto& c : chips)
      out.push_back(eval::chip_values(c, compute_metrics(c, MetricOptions{}), 20250630));
    return out;
  }();
  return kChips;
}

// TPP 0-8,000 in tenths, performance density 0-8 /mm2 in hundredths, 80% datacenter parts,
// one chip in a hundred without a density, as in rule_eval_bench.
const std::vector<eval::FieldValues>& generated_chips() {
  static const std::vector<eval::FieldValues> kChips = [] {
    const char* env = std::getenv("EXCTL_BENCH_SWEEP_CHIPS");
    size_t n = env ? std::strtoull(env, nullptr, 10) : 1'000'000;
    std::mt19937_64 rng(20261202);
    std::vector<eval::FieldValues> out(n);
    for (auto& v : out) {
      uint64_t r = rng();
      v.set(FieldId::tpp, Rational(static_cast<int64_t>(r % 80'001), 10));
      if ((r >> 20) % 100 != 0)
        v.set(FieldId::performance_density, Rational(static_cast<int64_t>((r >> 27) % 801), 100));
      v.set(FieldId::datacenter, (r >> 40) % 10 < 8);
      v.set(FieldId::is_hbm_item, false);
      v.set(FieldId::export_year, Rational(2025));
    }
    return out;
  }();
  return kChips;
}

draft::Axis axis(const sema::Regime& r, const char* param, Rational from, Rational to,
                 Rational step) {
  return {param, r.params[static_cast<size_t>(r.find_param(param))].dim, from, to, step};
}

void BM_SweepShipped(benchmark::State& state) {
  const auto& regime = *rules().find("us-2025-04-h20");
  auto a = axis(regime, "dram_cap", Rational(1000), Rational(4000), Rational(3));
  const auto& chips = shipped_chips();
  for (auto _ : state) {
    DiagnosticSink sink;
    auto steps = draft::sweep(regime, {"CN", "", 20250630}, chips, {a}, sink);
    if (!steps || steps->size() != 1001) state.SkipWithError("the sweep failed");
    benchmark::DoNotOptimize(steps);
  }
  state.SetItemsProcessed(state.iterations() * 1001);
  state.counters["steps"] = 1001;
  state.counters["chips"] = static_cast<double>(chips.size());
}
BENCHMARK(BM_SweepShipped)->Unit(benchmark::kMillisecond);

void BM_SweepMillion(benchmark::State& state) {
  const auto& regime = *rules().find("us-2023-10");
  auto a = axis(regime, "tpp_a", Rational(1000), Rational(10900), Rational(100));
  const auto& chips = generated_chips();
  for (auto _ : state) {
    DiagnosticSink sink;
    auto steps = draft::sweep(regime, {"CN", "", 20250630}, chips, {a}, sink);
    if (!steps || steps->size() != 100) state.SkipWithError("the sweep failed");
    benchmark::DoNotOptimize(steps);
  }
  state.SetItemsProcessed(state.iterations() * 100 * static_cast<int64_t>(chips.size()));
  state.counters["steps"] = 100;
  state.counters["chips"] = static_cast<double>(chips.size());
}
BENCHMARK(BM_SweepMillion)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_Breakpoints(benchmark::State& state) {
  const auto& regime = *rules().find("us-2025-04-h20");
  auto a = axis(regime, "dram_cap", Rational(1000), Rational(4000), Rational(100));
  const auto& chips = shipped_chips();
  for (auto _ : state) {
    DiagnosticSink sink;
    auto bps = draft::breakpoints(regime, {"CN", "", 20250630}, chips, a, sink);
    benchmark::DoNotOptimize(bps);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(chips.size()));
}
BENCHMARK(BM_Breakpoints)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
