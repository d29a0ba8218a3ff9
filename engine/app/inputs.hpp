// The values a user gives an operation, validated with a diagnostic each: a date, a country
// code, an item of a comma-separated list. The CLI and `serve` pass them as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/sema/date.hpp"
#include "engine/sema/rulebook.hpp"

namespace exctl::app {

// A text the user gave that may be left out: `given` tells "--date ''" from no --date.
struct Given {
  std::string text;
  bool given = false;
};

// Today's date as yyyymmdd when no date was given, or the parsed date (E0112 when
// malformed or given empty).
std::optional<sema::DateKey> date_argument(const Given& date, DiagnosticSink& sink);

// A destination or headquarters country (`flag` names it in messages): upper-cased in place;
// E0113 when empty-but-given, not two letters or not an assigned code; W0113 when it is in
// none of the rule book's groups. True when usable (an empty, not-given code is: not asked).
bool country_argument(const std::string& flag, Given& code, const sema::Rulebook& book,
                      DiagnosticSink& sink);

// An officially assigned ISO 3166-1 alpha-2 code ("CN", "BR"; not "XX" or "cn").
bool is_iso_country(std::string_view code);
// An ISO 3166-2 region the country groups name ("UA-43", Crimea): a destination of its own
// (an embargo reaches it) that is also in every group of its country.
bool is_named_region(std::string_view code, const sema::Rulebook& book);

// The items of "a,b,c" with the offset of each in the text.
std::vector<std::pair<std::string, uint32_t>> split_commas(const std::string& text);

// A diagnostic about a value the user gave, with a caret under `begin..end` of `text`
// (shown as coming from `what`, e.g. "--batch").
void argument_error(DiagnosticSink& sink, const std::string& code, const std::string& message,
                    const std::string& what, const std::string& text, uint32_t begin, uint32_t end);

}  // namespace exctl::app
