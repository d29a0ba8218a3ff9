// Small text helpers shared by every diagnostic that suggests a nearest name.
#pragma once

#include <cstddef>
#include <string_view>

namespace exctl {

// Levenshtein distance: insertions, deletions and substitutions each cost one.
size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace exctl
