// Fleet capacity: a stockpile of chips (rows of chip and count) in aggregate TPP, memory,
// H100 equivalents by TPP and by inference throughput on a workload, and the share of it
// each regime controls. The numbers only: the chips' decisions and records come from above.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/rational.hpp"
#include "engine/draft/sweep.hpp"
#include "engine/roofline/estimate.hpp"
#include "engine/roofline/model.hpp"

namespace exctl::draft {

// One row of a fleet: a chip type and how many.
struct FleetUnit {
  std::string id, name, source;
  int64_t count = 0;
  std::optional<Rational> tpp;
  roofline::Hardware hw;
  std::vector<Caught> caught;  // per regime asked: controlled, or licence-bound for --to
};

struct FleetRow {
  FleetUnit unit;
  std::optional<Rational> tpp_total;         // count x TPP
  std::optional<double> h100_by_tpp;         // tpp_total / H100 TPP
  double memory_gb = 0, bandwidth_tbps = 0;  // totals (GiB as the spec's GB, TB/s)
  // Inference on the workload: the smallest power-of-two tensor parallelism it fits at.
  roofline::Estimate estimate;
  int64_t tp = 0;  // 0: fits at no tensor parallelism up to 64 (or the chip lacks a value)
  int64_t replicas = 0;
  double tokens_per_s = 0, tokens_per_day = 0;
  std::optional<double> h100_by_inference;  // tokens_per_s / one H100's (at its own tp)
  std::string why_not;                      // when tp is 0: missing values or no fit
};

struct FleetTotals {
  int64_t count = 0;
  Rational tpp_total;
  bool tpp_complete = true;  // every row has a TPP
  double h100_by_tpp = 0, h100_by_inference = 0;
  double memory_gb = 0, bandwidth_tbps = 0, tokens_per_s = 0, tokens_per_day = 0;
  int64_t replicas = 0;
  // Per regime: the chips it catches, by count and by TPP, and those left undecided.
  struct Share {
    int64_t count = 0, unknown = 0;
    Rational tpp;
    double count_share = 0, tpp_share = 0;
  };
  std::vector<Share> shares;
};

struct FleetResult {
  std::vector<FleetRow> rows;
  FleetTotals totals;
  roofline::Estimate h100;  // the baseline on the workload
  int64_t h100_tp = 0;
  double h100_tokens_per_s = 0;  // of one H100 at its tp
};

// The smallest tensor parallelism (1, 2, 4, ... up to 64, dividing the model's heads) at
// which the workload fits on `hw`, with its estimate; tp 0 when none does.
std::pair<int64_t, roofline::Estimate> fitting_tp(const roofline::Hardware& hw,
                                                  const roofline::Model& model,
                                                  roofline::Workload w,
                                                  const roofline::Calibration& calib);

// Rows and totals. `regimes` is how many regimes each unit's `caught` has.
FleetResult fleet_capacity(const std::vector<FleetUnit>& units, const roofline::Hardware& h100,
                           const Rational& h100_tpp, const roofline::Model& model,
                           const roofline::Workload& workload, const roofline::Calibration& calib,
                           size_t regimes);

}  // namespace exctl::draft
