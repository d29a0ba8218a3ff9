// `exctl report`: one self-contained HTML page (inline CSS and SVG, no network, readable
// with JavaScript off; a small inline script sorts the tables) from the same records the
// text renderers print: regimes, decisions, charts, roofline points and chip records.
// Every string from a chip, regime or source is escaped.
#pragma once

#include <string>
#include <vector>

#include "engine/report/chart.hpp"
#include "engine/report/chip_report.hpp"
#include "engine/report/decision_report.hpp"
#include "engine/report/roofline_report.hpp"

namespace exctl::report {

struct ReportChip {
  const Chip* chip = nullptr;  // nullptr for a catalogue row
  std::string id, name;
  const eval::FieldValues* values = nullptr;
};

struct ReportView {
  std::string version;  // "exctl 0.1.0"
  std::string date, to, to_name;
  std::vector<std::string> interpretation;  // the metric options in effect
  const std::vector<sema::Regime>* regimes = nullptr;
  const std::vector<DecisionRow>* rows = nullptr;
  std::vector<ReportChip> chips;         // of the rows, in order
  std::vector<ChipWithMetrics> records;  // chips with a database record, for the sources
  const PlaneChart* tpp_pd = nullptr;    // nullptr: no chosen regime has a TPP or PD control
  const PlaneChart* bandwidth = nullptr;
  const RooflineChart* roofline = nullptr;
  const std::vector<RooflinePoint>* roofline_points = nullptr;
  std::string model_id;
  roofline::Workload workload;
  std::vector<std::string> notes;  // what was left out and why
};

std::string html_report(const ReportView& view);

}  // namespace exctl::report
