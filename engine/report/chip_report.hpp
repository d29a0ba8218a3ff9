// How chips are shown: the list table, the full `show` record in text and JSON, and the
// flat export row. Estimates are marked "~" in text and listed under "estimated" in JSON.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/metrics/metrics.hpp"
#include "engine/report/table.hpp"

namespace exctl::report {

struct ChipWithMetrics {
  const Chip* chip;
  ChipMetrics metrics;
};

// Columns of `chips list`; JSON keys are the documented contract.
Table chip_list_table(const std::vector<ChipWithMetrics>& chips);
// One flat row per chip with every spec value and metric (`chips export --format csv`).
Table chip_export_table(const std::vector<ChipWithMetrics>& chips);

std::string chip_show_text(const Chip& chip, const ChipMetrics& metrics,
                           const MetricOptions& options);
// With `ranges` (`chips show`), each value that may carry a range has `<key>_range` beside
// it: null, or {"low", "high", "source"}; per processing unit, `peak_tflops_range` holds
// the precisions that have one. Without it (export, serve) the record is as before ranges.
nlohmann::ordered_json chip_to_json(const Chip& chip, const ChipMetrics& metrics,
                                    const MetricOptions& options, bool ranges = false);

// Names of the listed values that rest on an estimate ("tpp", "die_area_mm2", ...).
std::vector<std::string> estimated_fields(const Chip& chip, const ChipMetrics& metrics);

nlohmann::ordered_json json_number(const std::optional<Rational>& value);

}  // namespace exctl::report
