// Rule evaluation throughput: us-2023-10 over 10 million generated chips, to China on
// 2024-06-01. Three evaluators over the same chips:
//   Compiled     the compiled form (engine/eval/compiled.hpp)          target >= 50M/s
//   HandWritten  the same thresholds as a C++ loop: the ceiling to approach
//   ReadFloor    every byte a decision reads, summed: what memory bandwidth allows
//   TreeWalk     decide() on the checked IR, with its trace (first 100,000 chips)
// Decisions per second are the items_per_second column. The compiled run checks that its
// verdict counts equal the hand-written loop's, and fails the benchmark if they differ.
// EXCTL_BENCH_RULE_CHIPS overrides the number of chips. Run by `make bench`.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "engine/eval/compiled.hpp"
#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

namespace {

using namespace exctl;
using sema::FieldId;

// The chips as columns, the layout a catalogue is evaluated from (eval::ValueColumns).
struct Workload {
  sema::Rulebook rules;
  const sema::Regime* regime = nullptr;
  eval::Query query{"CN", "", 20240601};
  std::vector<uint32_t> known, truth;
  std::vector<Rational> tpp, density;
  eval::ValueColumns chips;
};

size_t chip_count() {
  const char* env = std::getenv("EXCTL_BENCH_RULE_CHIPS");
  return env ? std::strtoull(env, nullptr, 10) : 10'000'000;
}

// TPP 0-8,000 in tenths, performance density 0-8 /mm2 in hundredths (so every threshold
// is hit exactly now and then), 80% datacenter parts, one chip in a hundred without a
// die area (so without a density).
const Workload& workload() {
  static const Workload kWorkload = [] {
    Workload w;
    DiagnosticSink sink;
    w.rules =
        *sema::load_rulebook(rules::builtin_rule_sources(), rules::builtin_country_groups(), sink);
    w.regime = w.rules.find("us-2023-10");
    std::mt19937_64 rng(20231117);
    size_t n = chip_count();
    w.known.resize(n);
    w.truth.resize(n);
    w.tpp.resize(n);
    w.density.resize(n);
    for (size_t i = 0; i < n; ++i) {
      uint64_t r = rng();
      eval::FieldValues v;
      v.set(FieldId::tpp, Rational(static_cast<int64_t>(r % 80'001), 10));
      if ((r >> 20) % 100 != 0)
        v.set(FieldId::performance_density, Rational(static_cast<int64_t>((r >> 27) % 801), 100));
      v.set(FieldId::datacenter, (r >> 40) % 5 != 0);
      w.known[i] = v.known_mask;
      w.truth[i] = v.true_mask;
      w.tpp[i] = v.number[static_cast<size_t>(FieldId::tpp)];
      w.density[i] = v.number[static_cast<size_t>(FieldId::performance_density)];
    }
    w.chips.size = n;
    w.chips.known = w.known.data();
    w.chips.truth = w.truth.data();
    w.chips.number[static_cast<size_t>(FieldId::tpp)] = w.tpp.data();
    w.chips.number[static_cast<size_t>(FieldId::performance_density)] = w.density.data();
    return w;
  }();
  return kWorkload;
}

using Counts = std::array<int64_t, 4>;  // by verdict

// us-2023-10 by hand: 3A090.a, .b and Note 2, in the verdicts decide() gives.
Counts hand_written(const Workload& w) {
  __extension__ typedef __int128 i128;
  auto ge = [](const Rational& x, int64_t num, int64_t den) {
    return i128(x.num()) * den >= i128(num) * x.den();
  };
  Counts counts{};
  for (size_t i = 0; i < w.chips.size; ++i) {
    // The columns are streamed from memory: fetched ahead, as the compiled form does.
    __builtin_prefetch(&w.tpp[i] + 128);
    __builtin_prefetch(&w.density[i] + 128);
    const Rational& tpp = w.tpp[i];
    const Rational& pd = w.density[i];
    bool pd_known = w.known[i] & eval::FieldValues::bit(FieldId::performance_density);
    bool dc = w.truth[i] & eval::FieldValues::bit(FieldId::datacenter);
    bool t4800 = ge(tpp, 4800, 1), t2400 = ge(tpp, 2400, 1), t1600 = ge(tpp, 1600, 1);
    eval::Verdict verdict;
    if (!pd_known && !t4800) {
      // Open unless too slow for any prong (Note 2 may take it out, but the class stays open).
      verdict = t1600 ? eval::Verdict::indeterminate : eval::Verdict::not_controlled;
    } else {
      bool p592 = pd_known && ge(pd, 592, 100), p160 = pd_known && ge(pd, 160, 100),
           p320 = pd_known && ge(pd, 320, 100);
      bool a = t4800 || (t1600 && p592);
      bool b = !a && ((t2400 && !t4800 && p160 && !p592) || (t1600 && p320 && !p592));
      bool note2 = !dc && !t4800;
      verdict = (a || b) ? (note2 ? eval::Verdict::excluded : eval::Verdict::controlled)
                         : eval::Verdict::not_controlled;
    }
    ++counts[static_cast<size_t>(verdict)];
  }
  return counts;
}

void BM_Compiled(benchmark::State& state) {
  const Workload& w = workload();
  eval::CompiledRegime compiled(*w.regime, w.query);
  Counts counts{};
  for (auto _ : state) {
    counts = {};
    compiled.decide_all(w.chips, [&](size_t, const eval::Decision& d) {
      ++counts[static_cast<size_t>(d.verdict)];
    });
    benchmark::DoNotOptimize(counts);
  }
  if (counts != hand_written(w))
    state.SkipWithError("the compiled form and the hand-written loop disagree");
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(w.chips.size));
  state.counters["cells_used"] = static_cast<double>(compiled.shape().filled);
}
BENCHMARK(BM_Compiled)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_HandWritten(benchmark::State& state) {
  const Workload& w = workload();
  for (auto _ : state)
    benchmark::DoNotOptimize(hand_written(w));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(w.chips.size));
}
BENCHMARK(BM_HandWritten)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// The floor: every byte a decision reads (two exact values of 16 bytes and two masks of 4),
// summed, nothing decided. Its rate is what memory bandwidth allows one core.
void BM_ReadFloor(benchmark::State& state) {
  const Workload& w = workload();
  for (auto _ : state) {
    uint64_t sum = 0;
    for (size_t i = 0; i < w.chips.size; ++i) {
      __builtin_prefetch(&w.tpp[i] + 128);
      __builtin_prefetch(&w.density[i] + 128);
      sum += static_cast<uint64_t>(w.tpp[i].num() ^ w.tpp[i].den()) +
             static_cast<uint64_t>(w.density[i].num() ^ w.density[i].den()) + w.known[i] +
             w.truth[i];
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(w.chips.size));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(w.chips.size) * 40);
}
BENCHMARK(BM_ReadFloor)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_TreeWalk(benchmark::State& state) {
  const Workload& w = workload();
  size_t n = std::min<size_t>(w.chips.size, 100'000);
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i)
      benchmark::DoNotOptimize(eval::decide(*w.regime, w.chips.row(i), w.query));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_TreeWalk)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
