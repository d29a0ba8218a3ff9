#include "cli/context.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/spec_toml.hpp"
#include "engine/base/files.hpp"
#include "rules/builtin_rules.hpp"

namespace exctl::cli {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Names compare as chipdb's set check compares them (E0209): squash_name.
std::string squash(std::string_view s) {
  return squash_name(s);
}

std::vector<std::string> names_of(const Chip& c) {
  std::vector<std::string> names = {c.id, c.name};
  names.insert(names.end(), c.aliases.begin(), c.aliases.end());
  return names;
}

}  // namespace

bool Context::prepare() {
  if (auto f = report::parse_format(format_name)) {
    format = *f;
  } else {
    sink.error("E0106",
               fmt::format("unknown format '{}'; expected text, json, csv or md", format_name));
  }
  std::map<std::string, std::string> given;  // option -> value, to refuse conflicting repeats
  for (const auto& assignment : interpret) {
    std::string problem = options.set(assignment);
    if (!problem.empty()) {
      sink.error("E0107", fmt::format("--interpret: {}", problem));
      continue;
    }
    auto eq = assignment.find('=');
    std::string name = assignment.substr(0, eq), value = assignment.substr(eq + 1);
    if (auto [it, fresh] = given.emplace(name, value); !fresh && it->second != value) {
      sink.error("E0107",
                 fmt::format("--interpret {} is given twice with different values ({}, then {}); "
                             "give it once",
                             name, it->second, value));
    }
  }
  return !sink.has_errors();
}

std::string Context::database_path() const {
  if (!db_path.empty()) return db_path;
  if (const char* env = std::getenv("EXCTL_DB"); env && *env) return env;
  return "";
}

std::unique_ptr<chipdb::Database> Context::open_database(chipdb::Database::Mode mode) {
  try {
    std::string path = database_path();
    if (path.empty()) {
      return std::make_unique<chipdb::Database>(
          chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize));
    }
    return std::make_unique<chipdb::Database>(chipdb::Database::open(path, mode));
  } catch (const chipdb::DatabaseError& e) {
    sink.error("E0104", e.what());
  } catch (const sqlite::SqliteError& e) {
    sink.error("E0104", fmt::format("database error: {}", e.what()));
  }
  return nullptr;
}

std::optional<std::vector<Chip>> Context::load_chips() {
  auto db = open_database(chipdb::Database::Mode::read_only);
  if (!db) return std::nullopt;
  try {
    return db->load_all();
  } catch (const chipdb::DatabaseError& e) {
    sink.error("E0104", e.what());
    return std::nullopt;
  } catch (const sqlite::SqliteError& e) {
    sink.error("E0104",
               fmt::format("cannot read chips from '{}': {}", db->description(), e.what()));
    return std::nullopt;
  }
}

std::optional<Chip> Context::load_spec(const std::string& path) {
  auto chips = chipdb::read_chip_specs({path}, sink);
  if (sink.has_errors()) return std::nullopt;
  if (chips.size() != 1) {
    sink.error("E0109",
               fmt::format("--spec takes one chip spec file; '{}' holds {}", path, chips.size()));
    return std::nullopt;
  }
  return chips.front();
}

std::optional<sema::Rulebook> Context::load_rules() {
  std::vector<SourcePtr> files = rules::builtin_rule_sources();
  for (const auto& path : rule_files) {
    if (auto source = read_rule_file(path, sink)) files.push_back(std::move(source));
  }
  if (sink.has_errors()) return std::nullopt;
  return sema::load_rulebook(files, rules::builtin_country_groups(), sink);
}

SourcePtr read_rule_file(const std::string& path, DiagnosticSink& sink) {
  // E0302 with the reason: no such file, it is a directory, permission denied...
  return chipdb::read_source(path, "rule file", "E0302", sink);
}

std::optional<sema::DateKey> date_argument(const std::string& text, bool given,
                                           DiagnosticSink& sink) {
  if (given && text.empty()) {
    sink.error("E0112",
               "--date is empty; give a date like 2025-06-30, or leave --date out for today");
    return std::nullopt;
  }
  if (text.empty()) {
    auto today = std::chrono::year_month_day(
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    return static_cast<int>(today.year()) * 10000 +
           static_cast<int>(static_cast<unsigned>(today.month())) * 100 +
           static_cast<int>(static_cast<unsigned>(today.day()));
  }
  auto d = sema::parse_date(text);
  if (!d) sink.error("E0112", fmt::format("--date '{}' is not a date like 2025-06-30", text));
  return d;
}

bool is_iso_country(std::string_view code) {
  // The officially assigned ISO 3166-1 alpha-2 codes.
  static constexpr std::string_view kCodes =
      "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
      "BR BS "
      "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
      "EC EE "
      "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
      "HK HM "
      "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA "
      "LB LC "
      "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY "
      "MZ NA "
      "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS "
      "RU RW "
      "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM "
      "TN TO "
      "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";
  if (code.size() != 2 || !std::isupper(static_cast<unsigned char>(code[0])) ||
      !std::isupper(static_cast<unsigned char>(code[1])))
    return false;
  for (size_t i = 0; i + 1 < kCodes.size(); i += 3) {
    if (kCodes.substr(i, 2) == code) return true;
  }
  return false;
}

int Context::finish() {
  if (!sink.empty()) {
    if (format == report::Format::json)
      std::cerr << dump_json(to_json(sink), 2) << "\n";
    else
      std::cerr << render_text(sink);
  }
  return sink.has_errors() ? kExitBadInput : kExitOk;
}

const Chip* resolve_chip(const std::vector<Chip>& chips, const std::string& query,
                         DiagnosticSink& sink) {
  // Exact id first, then any name ignoring case, then ignoring punctuation.
  for (const auto& c : chips) {
    if (c.id == query) return &c;
  }
  auto match_all = [&](auto key) {
    std::vector<const Chip*> found;
    for (const auto& c : chips) {
      for (const auto& name : names_of(c)) {
        if (key(name)) {
          found.push_back(&c);
          break;
        }
      }
    }
    return found;
  };
  std::string q = lower(query), sq = squash(query);
  std::vector<const Chip*> found = match_all([&](const std::string& n) { return lower(n) == q; });
  if (found.empty() && !sq.empty())
    found = match_all([&](const std::string& n) { return squash(n) == sq; });
  if (found.empty() && sq.size() >= 2) {
    found =
        match_all([&](const std::string& n) { return squash(n).find(sq) != std::string::npos; });
  }
  if (found.size() == 1) return found.front();

  Diagnostic d;
  if (found.empty()) {
    d = {Severity::error, "E0101", fmt::format("no chip is named '{}'", query), {}, {}};
    d.notes.push_back(
        "'exctl chips list' shows every chip; '--spec FILE.toml' checks one not in the database");
  } else {
    d = {Severity::error,
         "E0102",
         fmt::format("'{}' names {} chips; say which", query, found.size()),
         {},
         {}};
    for (const Chip* c : found)
      d.notes.push_back(fmt::format("candidate: {} ({})", c->id, c->name));
  }
  sink.report(std::move(d));
  return nullptr;
}

void argument_error(DiagnosticSink& sink, const std::string& code, const std::string& message,
                    const std::string& what, const std::string& text, uint32_t begin,
                    uint32_t end) {
  auto file = std::make_shared<SourceFile>(what, text);
  sink.error(code, message, Span{file, begin, end});
}

}  // namespace exctl::cli
