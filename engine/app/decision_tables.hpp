// `exctl test`: runs decision tables (rules/*.cases.toml), each case a chip or a synthetic
// spec with a destination, a date and the outcome expected of one regime.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/app/session.hpp"
#include "engine/report/test_report.hpp"

namespace exctl::app {

// Runs every case of the tables (default: ./rules/*.cases.toml). A table is read strictly:
// an unknown key, a value of the wrong type, an unknown verdict, regime, chip, country or
// field is E0117 at the key or value, and that case is not run. A case whose chip values
// overflow a rule expression is E0421, not a failure. nullopt when the rules or chips
// cannot be loaded or no table is found.
std::optional<report::TableRun> run_decision_tables(Session& session,
                                                    std::vector<std::string> files);

}  // namespace exctl::app
