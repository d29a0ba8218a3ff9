// How a diff between two regimes is shown: the summary line, each chip whose outcome moves
// with the clauses that move it, and the rules' own changes.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/draft/diff.hpp"
#include "engine/eval/robust.hpp"
#include "engine/report/table.hpp"

namespace exctl::report {

struct ChipOutcomeDiff {
  std::string chip, chip_name;
  const draft::OutcomeDiff* diff;
  const eval::RobustVerdict* robust = nullptr;  // with --robust: the change's robustness
};

struct DiffView {
  std::string before, after;  // regime ids
  std::string date, to, hq;
  std::vector<ChipOutcomeDiff> chips;  // the changed ones
  std::array<int, 6> counts{};         // by draft::OutcomeChange
  const std::vector<draft::RuleChange>* rules = nullptr;
  bool outcomes = true;  // false: the rule diff alone
};

// "3 caught, 0 released, 1 changed paragraph, 2 changed licence or policy, 1 indeterminate,
// 43 unchanged".
std::string diff_summary(const std::array<int, 6>& counts);
std::string diff_text(const DiffView& view);
nlohmann::ordered_json diff_json(const DiffView& view);
// One row per changed chip (both sides and the why as text), or with the outcomes left
// out, one row per rule change.
Table diff_table(const DiffView& view);

}  // namespace exctl::report
