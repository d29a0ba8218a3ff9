// A set of checked regimes with the country groups they were checked against: what the
// commands evaluate. Built from rule files (the shipped ones or the user's).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/sema/check.hpp"
#include "engine/sema/countries.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::sema {

struct Rulebook {
  CountryGroups groups;
  std::vector<SourcePtr> sources;
  std::vector<Regime> regimes;
  // The part 746 embargoes alone, with no classification: what `current` applies on a date
  // no regime is in force (the embargoes carry their own dates).
  Regime embargo_layer;

  const Regime* find(const std::string& id) const;
};

// Parses and checks `rule_files` against the groups file. Regimes with errors are left
// out (and reported); nullopt only when the groups file itself is unusable.
std::optional<Rulebook> load_rulebook(const std::vector<SourcePtr>& rule_files, const SourcePtr& groups_file,
                                      DiagnosticSink& sink);

}  // namespace exctl::sema
