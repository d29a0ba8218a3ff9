// How a threshold search is shown: each metric's separation (interval, suggestion, margins),
// the best two-threshold rules when no metric separates alone, and the rule written.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/draft/threshold.hpp"
#include "engine/report/table.hpp"

namespace exctl::report {

struct DraftView {
  std::string base, date;
  const draft::Chips* chips = nullptr;
  const std::vector<draft::MetricValues>* metrics = nullptr;
  const std::vector<draft::Separation>* separations = nullptr;
  const std::vector<draft::PairRule>* pairs = nullptr;
  std::string rule_text, emitted;
};

std::string draft_text(const DraftView& v);
nlohmann::ordered_json draft_json(const DraftView& v);
Table separation_table(const DraftView& v);  // one row per metric

}  // namespace exctl::report
