#include "chipdb/import.hpp"

#include <set>

#include <fmt/format.h>

#include "chipdb/spec_toml.hpp"

namespace exctl::chipdb {

std::vector<MetricsRow> derive_metrics(const std::vector<Chip>& chips, const MetricOptions& options) {
  std::vector<MetricsRow> rows;
  rows.reserve(chips.size());
  std::string described = fmt::format("{}", fmt::join(options.describe(), " "));
  for (const auto& chip : chips) {
    ChipMetrics m = compute_metrics(chip, options);
    MetricsRow row;
    row.chip_id = chip.id;
    row.tpp = m.tpp.value;
    row.performance_density = m.performance_density.value;
    row.applicable_die_area_mm2 = m.performance_density.applicable_area_mm2;
    row.memory_bandwidth_density = m.memory_bandwidth_density;
    std::vector<std::string> basis;
    for (const auto& term : m.tpp.basis) basis.emplace_back(precision_label(term.precision));
    row.tpp_basis = fmt::format("{}", fmt::join(basis, ", "));
    row.options = described;
    rows.push_back(std::move(row));
  }
  return rows;
}

ImportResult import_chips(Database& db, const std::vector<Chip>& chips) {
  std::set<std::string> existing;
  for (const auto& c : db.load_all()) existing.insert(c.id);
  ImportResult result;
  for (const auto& c : chips) {
    (existing.count(c.id) ? result.updated : result.added)++;
    result.ids.push_back(c.id);
  }
  db.upsert(chips, derive_metrics(chips, MetricOptions{}));
  return result;
}

ImportResult import_specs(Database& db, const std::vector<std::string>& paths, DiagnosticSink& sink) {
  std::vector<Chip> chips = read_chip_specs(paths, sink);
  if (sink.has_errors()) return {};
  return import_chips(db, chips);
}

}  // namespace exctl::chipdb
