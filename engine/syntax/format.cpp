#include "engine/syntax/format.hpp"

#include <array>
#include <sstream>
#include <string_view>
#include <vector>

namespace exctl::syntax {
namespace {

// Words that begin a clause (or a regime); any other line continues the clause above.
constexpr std::array<std::string_view, 21> kClauseStarts = {
    "regime",     "title",      "citation", "note",     "effective", "compliance", "ends",
    "status",     "supersedes", "applies_to", "informed", "param",   "metric",     "control",
    "exclude",    "propagate",  "licence",  "exception", "flag",    "drop",       "}"};

bool starts_clause(std::string_view line) {
  if (line.empty() || line[0] == '#' || line.rfind("//", 0) == 0) return true;
  for (auto word : kClauseStarts) {
    if (line.rfind(word, 0) == 0 &&
        (line.size() == word.size() ||
         !(std::isalnum(static_cast<unsigned char>(line[word.size()])) ||
           line[word.size()] == '_'))) {
      return true;
    }
  }
  return false;
}

// Collapses blank runs outside strings; leaves a trailing comment's text alone.
std::string tidy(std::string_view line, int& depth_change) {
  std::string out;
  bool in_string = false, space = false;
  depth_change = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (!in_string && (c == '#' || (c == '/' && i + 1 < line.size() && line[i + 1] == '/'))) {
      if (!out.empty()) out += ' ';
      out += line.substr(i);
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t'))
        out.pop_back();
      break;
    }
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < line.size())
        out += line[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    if (c == '"') in_string = true;
    if (c == '{') ++depth_change;
    if (c == '}') --depth_change;
    out += c;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\r'))
    out.pop_back();
  return out;
}

}  // namespace

std::string format(const std::string& text) {
  std::istringstream in(text);
  std::string raw, out;
  int depth = 0;
  bool blank_pending = false;
  while (std::getline(in, raw)) {
    int change = 0;
    std::string line = tidy(raw, change);
    if (line.empty()) {
      blank_pending = !out.empty();
      continue;
    }
    if (blank_pending) out += "\n";
    blank_pending = false;
    int indent = depth;
    if (line[0] == '}') indent = depth - 1;
    bool continuation = depth > 0 && !starts_clause(line);
    std::string pad(static_cast<size_t>(std::max(indent, 0)) * 2 + (continuation ? 4 : 0), ' ');
    out += pad + line + "\n";
    depth = std::max(depth + change, 0);
  }
  return out;
}

}  // namespace exctl::syntax
