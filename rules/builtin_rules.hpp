// The shipped regimes (rules/*.rules) and country groups, embedded at build time.
#pragma once

#include <vector>

#include "engine/base/embedded.hpp"
#include "engine/base/source.hpp"

namespace exctl::rules {

extern const std::vector<EmbeddedFile> kBuiltinRuleFiles;

// The embedded files as sources for the rule loader.
std::vector<SourcePtr> builtin_rule_sources();  // every regime file
SourcePtr builtin_country_groups();             // rules/country_groups.toml

}  // namespace exctl::rules
