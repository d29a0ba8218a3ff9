// The roofline grid: every built-in chip x every model x 64 batch sizes x 16 context
// lengths (input = output = length / 2), expected and speed-of-light. Target: the whole
// grid in under 1 s on one core. Run by `make bench`.
#include <cstdint>
#include <vector>

#include <benchmark/benchmark.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"
#include "engine/roofline/estimate.hpp"

namespace {

using namespace exctl;
using namespace exctl::roofline;

struct Grid {
  std::vector<Hardware> chips;
  std::vector<Model> models;
  std::vector<ModelShape> shapes;
  std::vector<int64_t> batches, lengths;
};

const Grid& grid() {
  static const Grid kGrid = [] {
    Grid g;
    auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
    for (const auto& c : db.load_all())
      g.chips.push_back(hardware_of(c));
    g.models = db.load_models();
    for (const auto& m : g.models)
      g.shapes.push_back(shape_of(m));
    for (int64_t b = 1; b <= 64; ++b)
      g.batches.push_back(b * b);  // 1 .. 4096
    for (int64_t l = 1; l <= 16; ++l)
      g.lengths.push_back(256 * l);  // 256 .. 4096 tokens
    return g;
  }();
  return kGrid;
}

void BM_RooflineGrid(benchmark::State& state) {
  const Grid& g = grid();
  Calibration calib;
  int64_t points = 0;
  for (auto _ : state) {
    double sum = 0;
    for (const auto& hw : g.chips) {
      for (size_t m = 0; m < g.models.size(); ++m) {
        for (int64_t len : g.lengths) {
          for (int64_t b : g.batches) {
            Workload w;
            w.batch = b;
            w.input = len / 2;
            w.output = len / 2;
            Estimate e = estimate(hw, g.shapes[m], w, calib);
            sum += e.expected.tpot_s + e.sol.tpot_s;
            ++points;
          }
        }
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(points);
  state.counters["points_per_grid"] =
      static_cast<double>(g.chips.size() * g.models.size() * 64 * 16);
}
BENCHMARK(BM_RooflineGrid)->Unit(benchmark::kMillisecond);

// One estimate, for the per-point cost.
void BM_RooflineOne(benchmark::State& state) {
  const Grid& g = grid();
  Workload w;
  w.batch = 64;
  w.input = 2048;
  w.output = 512;
  Calibration calib;
  for (auto _ : state) {
    Estimate e = estimate(g.chips.front(), g.shapes.front(), w, calib);
    benchmark::DoNotOptimize(e.expected.tpot_s);
  }
}
BENCHMARK(BM_RooflineOne);

}  // namespace

BENCHMARK_MAIN();
