// Rule files as files: `lint` (check them beside the shipped regimes) and `fmt` (their
// canonical layout, comments kept).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/app/session.hpp"

namespace exctl::app {

// Loads `files` beside the shipped regimes and the session's rule files; the number of
// regimes they define, or nullopt when they (or anything loaded with them) have errors.
std::optional<size_t> lint_rules(Session& session, const std::vector<std::string>& files);

enum class FormatMode { print, write, check };
struct FormattedFile {
  std::string path;
  std::string text;  // the canonical layout
  bool changed = false;
};
// The canonical layout of each file that parses (one that does not is reported and left
// alone); `write` rewrites the files that change (E0110 when one cannot be written).
std::vector<FormattedFile> format_rules(Session& session, const std::vector<std::string>& files,
                                        FormatMode mode);

}  // namespace exctl::app
