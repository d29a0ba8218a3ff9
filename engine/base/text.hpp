// Small text helpers: the nearest-name suggestions of diagnostics, UTF-8 checks.
#pragma once

#include <cstddef>
#include <string_view>

namespace exctl {

// Levenshtein distance: insertions, deletions and substitutions each cost one.
size_t edit_distance(std::string_view a, std::string_view b);

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool valid_utf8(std::string_view s);

}  // namespace exctl
