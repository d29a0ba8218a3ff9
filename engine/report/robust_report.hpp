// How robust verdicts are shown (`check --robust`): a table of each decision's default
// outcome and whether it is robust, then what each decision that depends turns on; and the
// JSON each decision record gains.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/eval/robust.hpp"
#include "engine/report/decision_report.hpp"
#include "engine/report/table.hpp"

namespace exctl::report {

// One row per decision: chip, regime, the outcome under the default reading and point
// values, robust or depends (or "undecided" when the analysis was not exact).
Table robust_table(const std::vector<DecisionRow>& rows,
                   const std::vector<eval::RobustVerdict>& verdicts);
// For each decision that depends: its possible outcomes and its hinges, one per line.
std::string robust_details(const std::vector<DecisionRow>& rows,
                           const std::vector<eval::RobustVerdict>& verdicts);
// One hinge for people: a line saying what it turns on, then one per side or piece.
std::vector<std::string> hinge_lines(const eval::Hinge& hinge);
// The same on one line (JSON's "text").
std::string hinge_text(const eval::Hinge& hinge);
// What decision_json gains: robust, exact, outcomes and hinges (with exact values).
void add_robust_json(nlohmann::ordered_json& decision, const eval::RobustVerdict& verdict);
// The line under a robust table or matrix.
std::string robust_footer(const std::vector<std::string>& interpretation);

}  // namespace exctl::report
