// The loophole search (engine/draft/loophole.hpp) over the shipped 2024 envelope:
//   Exact/<regime>  one regime answered by the exact search (target: well under a second)
//   Grid/<steps>    the grid search, every point decided through the compiled form and,
//                   when it meets the goal and is not dominated, estimated: designs per
//                   second (target >= 10 million)
// Run by `make bench`.
#include <benchmark/benchmark.h>

#include "engine/app/envelope.hpp"
#include "engine/draft/loophole.hpp"
#include "engine/roofline/model.hpp"
#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

namespace {

using namespace exctl;

const sema::Rulebook& rules() {
  static const sema::Rulebook kRules = [] {
    DiagnosticSink sink;
    return *sema::load_rulebook(rules::builtin_rule_sources(), rules::builtin_country_groups(),
                                sink);
  }();
  return kRules;
}

const draft::DesignSpace& space() {
  static const draft::DesignSpace kSpace = [] {
    DiagnosticSink sink;
    for (const auto& e : app::shipped_envelopes(sink)) {
      if (e.year == 2024) return app::envelope_space(e, std::nullopt);
    }
    std::abort();
  }();
  return kSpace;
}

draft::ObjectiveSpec objective() {
  roofline::Model m;
  m.id = "llama-3.1-8b";
  m.context_length = 131072;
  m.layers = 32;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.ffn = 14336;
  m.vocab = 128256;
  draft::ObjectiveSpec o;
  o.shape = roofline::shape_of(m);
  o.workload.batch = 32;
  return o;
}

struct Case {
  const char* regime;
  draft::Goal goal;
  eval::Query query;
};
const Case kCases[] = {
    {"us-2023-10", draft::Goal::not_controlled, {"", "", 20240601}},
    {"us-2025-04-h20", draft::Goal::no_licence, {"CN", "", 20250630}},
    {"us-2026-01", draft::Goal::not_denied, {"CN", "", 20260601}},
};

void Exact(benchmark::State& state) {
  const Case& c = kCases[state.range(0)];
  const sema::Regime& regime = *rules().find(c.regime);
  auto obj = objective();
  uint64_t points = 0;
  for (auto _ : state) {
    auto r = draft::search(regime, c.query, c.goal, space(), obj, {});
    benchmark::DoNotOptimize(r.objective);
    points += r.points;
  }
  state.SetLabel(c.regime);
  state.SetItemsProcessed(static_cast<int64_t>(points));
}
BENCHMARK(Exact)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);

void Grid(benchmark::State& state) {
  const Case& c = kCases[1];
  const sema::Regime& regime = *rules().find(c.regime);
  auto obj = objective();
  uint64_t points = 0;
  for (auto _ : state) {
    auto r = draft::grid_search(regime, c.query, c.goal, space(), obj, {},
                                static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(r.objective);
    points += r.points;
  }
  state.SetLabel("us-2025-04-h20, design points");
  state.SetItemsProcessed(static_cast<int64_t>(points));
}
BENCHMARK(Grid)->Arg(8)->Arg(16)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
