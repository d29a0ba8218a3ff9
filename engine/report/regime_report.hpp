// How regimes are shown: the list of them, and one regime's parameters and clauses as
// written, with the regime each clause comes from and its source line.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/report/table.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::report {

Table regime_table(const std::vector<sema::Regime>& regimes);
nlohmann::ordered_json regime_json(const sema::Regime& regime);
std::string regime_text(const sema::Regime& regime);

}  // namespace exctl::report
