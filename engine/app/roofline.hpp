// `roofline`: the inference estimate of chips on a model, the calibration set and the
// reference workload. A request carries the user's text as given (a batch list, token
// counts, number formats); each value is validated here with a diagnostic, and the model's
// own problems (roofline::Problem) become diagnostics too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/app/session.hpp"
#include "engine/report/roofline_report.hpp"
#include "engine/roofline/calibration_set.hpp"

namespace exctl::app {

struct RooflineRequest {
  std::string chip, spec, compare, model;  // compare: more chips, comma-separated
  std::string batch = "1";                 // "8", "1,8,64", "1..256", "max"
  std::string input = "1024", output = "256", tp = "1";
  std::string ep = "1";            // expert parallelism (MoE models)
  std::string serving = "static";  // "static" or "continuous" (in-flight batching)
  bool dp_attention = false;       // attention data-parallel over the --tp chips
  std::string weights = "fp16", activations, kv = "fp16";
  std::vector<std::string> calib;  // "name=value" overrides
};

struct RooflineSetup {
  roofline::Precisions precisions;
  roofline::Calibration calib;
  bool default_calib = true;
};
// The number formats and calibration of a request (E0503, E0513).
std::optional<RooflineSetup> roofline_setup(Session& session, const RooflineRequest& request);

// One workload of a request, validated: the formats and calibration, the model, one batch
// (a whole number: no list, range or 'max'), the lengths and tensor parallelism, with
// check_workload's problems reported (E0501, E0503-E0507, E0513, E0514 without --model).
struct WorkloadSetup {
  RooflineSetup setup;
  roofline::Model model;
  roofline::Workload workload;
};
std::optional<WorkloadSetup> workload_argument(Session& session, const RooflineRequest& request);

// Points of every chip (CHIP, then --compare's, then --spec's) x every batch, with ratios to
// the first chip when there are several. A single point that cannot be estimated is E0508
// (missing values) or E0509 (does not fit).
struct RooflineRun {
  RooflineSetup setup;
  roofline::Model model;
  std::vector<report::RooflinePoint> points;
  bool compare = false;
};
std::optional<RooflineRun> estimate_roofline(Session& session, const RooflineRequest& request);

// The calibration set, each point against its published measurement.
std::optional<std::vector<roofline::CalibrationResult>> run_calibration(
    Session& session, const RooflineRequest& request);

// Each chip's reference-workload speed as a ratio to the H100 SXM.
std::optional<std::vector<report::ReferenceRow>> reference_rows(Session& session,
                                                                const RooflineRequest& request);

}  // namespace exctl::app
