// The calibration set: published measurements with exact workloads, the value this
// estimator expects for each, and the tolerance it must meet. Fitted points (roofline.md §7
// V2, V3, V7 for the global constants; one family's own points for each chip family and the
// MoE constants) meet 35% on time to first token and 25% on throughput; held-out points are
// never fitted on and their tolerance is a regression guard. A unit test holds every point
// and `exctl roofline --calibration` prints the table (docs/roofline.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/roofline/estimate.hpp"

namespace exctl::roofline {

enum class Metric {
  ttft_ms,                // time to first token, batch 1
  tokens_per_s_per_chip,  // static batch: batch · output / end-to-end / chips
  tokens_per_s_total      // the same over all chips of the run
};
std::string_view metric_name(Metric m);

struct CalibrationPoint {
  std::string_view set;     // "V2", "V3", "V7", "V8", "M", "G2", ... (docs/roofline.md)
  std::string_view source;  // where the published figure is
  std::string_view chip_id, model_id;
  Workload workload;  // batch 0: as many sequences as fit, up to batch_cap
  int64_t batch_cap = 0;
  Metric metric = Metric::ttft_ms;
  double published = 0;
  double tolerance = 0;                // relative
  std::vector<std::string> overrides;  // calibration settings of that software stack
  bool held_out = false;               // never fitted on: it measures the model's error
};

const std::vector<CalibrationPoint>& calibration_set();

struct CalibrationResult {
  const CalibrationPoint* point = nullptr;
  Status status = Status::unavailable;
  int64_t batch = 0;
  double expected = 0, sol = 0;
  double error = 0;  // expected / published - 1
  bool within = false;
  std::string problem;  // why no value (a missing chip figure, a bad override)
  Regime regime = Regime::dense_memory;
};

// Measured over expected throughput across the calibration set's throughput points of one
// regime, fitted and held out: the range a measurement has fallen in. The table is fixed
// (a unit test holds it to the set's residuals) so that an estimate needs no database.
struct ErrorBand {
  double low = 1, high = 1;  // factors on the expected value
  size_t points = 0;         // calibration points behind it
};
ErrorBand error_band(Regime r);

// The expected value's band: expected × [low, high], never above the speed of light.
struct Range {
  double low = 0, high = 0;
};
Range throughput_range(double expected, double sol, Regime r);

CalibrationResult run_calibration_point(const CalibrationPoint& point, const Hardware& hw,
                                        const ModelShape& model, const Calibration& base);

}  // namespace exctl::roofline
