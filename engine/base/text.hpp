// Small text helpers: the nearest-name suggestions of diagnostics, UTF-8 checks.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace exctl {

// Levenshtein distance: insertions, deletions and substitutions each cost one.
size_t edit_distance(std::string_view a, std::string_view b);

// The form under which chip names are compared, at lookup and at import alike: ASCII
// letters and digits lowercased, the rest of ASCII (spaces, punctuation) dropped, the bytes
// of other characters kept. "H100-SXM" and "h100 sxm" both give "h100sxm"; "--" gives "".
std::string squash_name(std::string_view s);
// True when squash_name(s) == s (no allocation).
bool is_squashed_name(std::string_view s);

// `s` with ASCII letters lowercased.
std::string ascii_lower(std::string_view s);

// `s` without leading and trailing whitespace.
inline std::string_view trim(std::string_view s) {
  // isspace's set in the C locale, without its call per character; inline, since a
  // catalogue trims every line and every cell.
  auto blank = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && blank(s.back()))
    s.remove_suffix(1);
  return s;
}

// The items with `sep` between them.
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF).
bool valid_utf8(std::string_view s);

// An id: lowercase letters, digits and single hyphens (and dots when `allow_dots`:
// "llama-3.1-8b").
bool valid_slug(std::string_view id, bool allow_dots = false);

}  // namespace exctl
