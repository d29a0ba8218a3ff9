// The shipped regimes (rules/*.rules) and country groups, embedded at build time.
#pragma once

#include <vector>

#include "engine/base/embedded.hpp"

namespace exctl::rules {
extern const std::vector<EmbeddedFile> kBuiltinRuleFiles;
}  // namespace exctl::rules
