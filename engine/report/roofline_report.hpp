// How models and roofline estimates are shown: `models list|show`, the one-point report of
// `roofline`, the table of several points or chips, the calibration constants and the
// calibration set. JSON keys are the documented contract (docs/roofline.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/report/table.hpp"
#include "engine/roofline/calibration_set.hpp"
#include "engine/roofline/estimate.hpp"
#include "engine/roofline/model.hpp"
#include "engine/roofline/reference.hpp"

namespace exctl::report {

// ---- models ---------------------------------------------------------------------------

Table model_list_table(const std::vector<roofline::Model>& models);
std::string model_show_text(const roofline::Model& model);
nlohmann::ordered_json model_to_json(const roofline::Model& model);

// ---- estimates ------------------------------------------------------------------------

struct RooflinePoint {
  std::string chip_id, chip_name;
  std::string model_id;
  roofline::Workload workload;
  roofline::Estimate estimate;
  // Against the first chip of a comparison at the same batch; empty otherwise.
  std::optional<double> decode_ratio, ttft_ratio;
};

// The full report of one point: both timings side by side, bottleneck, intensity, memory.
std::string roofline_text(const RooflinePoint& point, const roofline::Model& model,
                          bool default_calibration);
nlohmann::ordered_json roofline_to_json(const RooflinePoint& point);
// One row per point; `compare` adds the ratio columns.
Table roofline_table(const std::vector<RooflinePoint>& points, bool compare);
// The memory arithmetic of a point that does not fit, one line each.
std::vector<std::string> capacity_notes(const RooflinePoint& point);
// The lines under a table of points: the workload, and what the columns mean.
std::string roofline_table_footer(const std::string& model_id, const roofline::Workload& w,
                                  bool default_calibration);

// ---- calibration ----------------------------------------------------------------------

Table calibration_constants_table(const roofline::Calibration& current);
// Which efficiencies each chip takes: its family's (or the global constants) and the share
// of compute its power limit leaves.
Table chip_families_table(const std::vector<Chip>& chips, const roofline::Calibration& current);
Table calibration_set_table(const std::vector<roofline::CalibrationResult>& results);
// "36 points; largest error: time to first token 29% (tolerance 35%), throughput 20% (25%)"
std::string calibration_summary(const std::vector<roofline::CalibrationResult>& results);

// ---- reference workload ---------------------------------------------------------------

struct ReferenceRow {
  std::string chip_id, chip_name, baseline_id, baseline_name;
  roofline::ReferenceRatio ratio;
};
Table reference_table(const std::vector<ReferenceRow>& rows);

// ---- numbers --------------------------------------------------------------------------

std::string format_seconds(double seconds);  // "812 us", "12.3 ms", "1.23 s"
std::string format_rate(double per_second);  // "28,263", "42.7", "0.913"
std::string format_gib(double bytes);        // "16.4 GiB"
std::string group_digits(int64_t value);     // "70,553,706,496"
// A double rounded to 6 significant digits for JSON, so output is stable and readable.
nlohmann::ordered_json json_real(double value);

}  // namespace exctl::report
