// `draft --catch CHIPS --spare CHIPS`: the thresholds that catch one set of chips and spare
// another, on each metric alone and on pairs of metrics, and a draft rule file written from
// the best of them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/app/check.hpp"
#include "engine/draft/threshold.hpp"
#include "engine/sema/condition.hpp"

namespace exctl::app {

struct DraftRequest {
  // Chips by id, name or alias, a spec file (.toml) or a catalogue (.csv, .jsonl, every
  // row); comma-separated or repeated.
  std::vector<std::string> catch_chips, spare_chips;
  // Expressions of the rule language over chip fields; default: every numeric field and
  // every expression of fields the shipped regimes compare.
  std::vector<std::string> metrics;
  std::string base;             // the regime the draft extends; default: the one in force
  std::vector<std::string> to;  // countries or groups the draft's licence rule names
  Given date;
  std::string emit;  // a rule file to write
  Given id;          // the draft regime's id (default: draft-<metric>)
};

struct DraftMetric {
  std::string text;  // as written on one line, comments dropped: it goes into the rule
  Dim dim;
  sema::FieldCondition expression;
};

struct DraftResult {
  std::unique_ptr<Check> check;  // the rule book
  const sema::Regime* base = nullptr;
  draft::Chips chips;
  std::vector<DraftMetric> metrics;
  std::vector<draft::MetricValues> values;  // one per metric
  std::vector<draft::Separation> separations;
  std::vector<draft::PairRule> pairs;  // when no metric separates alone
  // The rule written (or that would be): the best separating metric, else the best pair.
  std::string rule_text;
  std::string emitted;  // the path written, when --emit
};

// E0606 (a bad --metric), E0607 (an empty set, a chip in both), E0113 (an unknown or
// empty --to), E0114 (an unknown --base), E0609 (an --id that is no regime id, or one the
// rules already define), E0110 (--emit cannot be written), W0601 (the rule written does
// not separate the sets exactly).
std::optional<DraftResult> draft_threshold(Session& session, const DraftRequest& request);

}  // namespace exctl::app
