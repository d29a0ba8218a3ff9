#include "engine/app/session.hpp"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/spec_toml.hpp"
#include "engine/app/overrides.hpp"
#include "engine/base/files.hpp"
#include "rules/builtin_rules.hpp"

namespace exctl::app {

bool Session::prepare() {
  std::map<std::string, std::string> given;  // option -> value, to refuse conflicting repeats
  bool ok = true;
  for (const auto& assignment : interpret) {
    std::string problem = options.set(assignment);
    if (!problem.empty()) {
      sink.error("E0107", fmt::format("--interpret: {}", problem));
      ok = false;
      continue;
    }
    auto eq = assignment.find('=');
    std::string name = assignment.substr(0, eq), value = assignment.substr(eq + 1);
    if (auto [it, fresh] = given.emplace(name, value); !fresh && it->second != value) {
      sink.error("E0107",
                 fmt::format("--interpret {} is given twice with different values ({}, then {}); "
                             "give it once",
                             name, it->second, value));
      ok = false;
    }
  }
  return ok;
}

std::string Session::database_path() const {
  if (!db_path.empty()) return db_path;
  if (const char* env = std::getenv("EXCTL_DB"); env && *env) return env;
  return "";
}

std::unique_ptr<chipdb::Database> Session::open_database(chipdb::Database::Mode mode) {
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

std::optional<std::vector<Chip>> Session::load_chips() {
  if (chips_cache) return *chips_cache;
  return read_chips([](chipdb::Database& db) { return db.load_all(); });
}

std::optional<std::vector<Chip>> Session::read_chips(
    const std::function<std::vector<Chip>(chipdb::Database&)>& read) {
  auto db = open_database(chipdb::Database::Mode::read_only);
  if (!db) return std::nullopt;
  try {
    return read(*db);
  } catch (const chipdb::DatabaseError& e) {
    sink.error("E0104", e.what());
  } catch (const sqlite::SqliteError& e) {
    sink.error("E0104",
               fmt::format("cannot read chips from '{}': {}", db->description(), e.what()));
  }
  return std::nullopt;
}

std::shared_ptr<const std::vector<Chip>> Session::shared_chips() {
  if (chips_cache) return chips_cache;
  auto chips = load_chips();
  if (!chips) return nullptr;
  return std::make_shared<const std::vector<Chip>>(std::move(*chips));
}

std::optional<Chip> Session::load_spec(const std::string& path) {
  auto chips = chipdb::read_chip_specs({path}, sink);
  if (sink.has_errors()) return std::nullopt;
  if (chips.size() != 1) {
    sink.error("E0109",
               fmt::format("--spec takes one chip spec file; '{}' holds {}", path, chips.size()));
    return std::nullopt;
  }
  return chips.front();
}

std::optional<sema::Rulebook> Session::load_rules() {
  std::optional<sema::Rulebook> book;
  if (rulebook_cache) {
    book = *rulebook_cache;
  } else {
    book = load_rule_files();
  }
  if (book && draft && !add_param_draft(*book, *draft, sink)) return std::nullopt;
  return book;
}

std::shared_ptr<const sema::Rulebook> Session::shared_rules() {
  if (rulebook_cache && !draft) return rulebook_cache;
  auto book = load_rules();
  if (!book) return nullptr;
  return std::make_shared<const sema::Rulebook>(std::move(*book));
}

namespace {

// The words after `keyword` in a rule file's text, comments included: a cheap scan that may
// find more than the parser would, never less.
std::vector<std::string> words_after(const std::string& text, std::string_view keyword) {
  std::vector<std::string> out;
  for (size_t at = text.find(keyword); at != std::string::npos;
       at = text.find(keyword, at + keyword.size())) {
    size_t begin = at + keyword.size();
    bool starts_word = at == 0 || std::isspace(static_cast<unsigned char>(text[at - 1]));
    if (!starts_word || begin >= text.size() || text[begin] != ' ') continue;
    begin = text.find_first_not_of(' ', begin);
    size_t end = text.find_first_of(" \t\r\n{,", begin);
    if (begin != std::string::npos) out.push_back(text.substr(begin, end - begin));
  }
  return out;
}

// The shipped files that declare `wanted` and every regime they name, transitively; all of
// them when a wanted id is declared by none.
std::vector<SourcePtr> shipped_closure(const std::vector<SourcePtr>& shipped,
                                       std::vector<std::string> wanted) {
  std::map<std::string, size_t> declared;  // regime id -> file
  for (size_t i = 0; i < shipped.size(); ++i)
    for (const auto& id : words_after(shipped[i]->text(), "regime"))
      declared.emplace(id, i);
  std::vector<char> taken(shipped.size(), 0);
  while (!wanted.empty()) {
    std::string id = std::move(wanted.back());
    wanted.pop_back();
    auto it = declared.find(id);
    if (it == declared.end()) return shipped;
    if (taken[it->second]) continue;
    taken[it->second] = 1;
    const std::string& text = shipped[it->second]->text();
    for (std::string_view keyword : {"extends", "supersedes", "under"})
      for (auto& named : words_after(text, keyword))
        if (declared.count(named)) wanted.push_back(std::move(named));
  }
  std::vector<SourcePtr> out;
  for (size_t i = 0; i < shipped.size(); ++i)
    if (taken[i]) out.push_back(shipped[i]);
  return out;
}

}  // namespace

std::optional<sema::Rulebook> Session::load_rule_files() {
  std::vector<SourcePtr> shipped = rules::builtin_rule_sources(), files;
  std::vector<SourcePtr> extra;
  for (const auto& path : rule_files) {
    if (auto source = read_rule_file(path, sink)) extra.push_back(std::move(source));
  }
  if (sink.has_errors()) return std::nullopt;
  if (regimes_wanted.empty()) {
    files = std::move(shipped);
  } else {
    // A rule file's own regimes are loaded whatever is wanted; what they extend is wanted.
    std::vector<std::string> wanted = regimes_wanted;
    for (const auto& source : extra)
      for (std::string_view keyword : {"regime", "extends", "supersedes", "under"})
        for (auto& named : words_after(source->text(), keyword))
          wanted.push_back(std::move(named));
    std::set<std::string> own;
    for (const auto& source : extra)
      for (auto& id : words_after(source->text(), "regime"))
        own.insert(std::move(id));
    std::erase_if(wanted, [&](const std::string& id) { return own.count(id) > 0; });
    files = shipped_closure(shipped, std::move(wanted));
  }
  files.insert(files.end(), extra.begin(), extra.end());
  return sema::load_rulebook(files, rules::builtin_country_groups(), sink);
}

std::optional<std::vector<roofline::Model>> Session::load_models() {
  auto db = open_database(chipdb::Database::Mode::read_only);
  if (!db) return std::nullopt;
  try {
    auto models = db->load_models();
    if (models.empty() && !database_path().empty()) {
      models =
          chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_models();
    }
    return models;
  } catch (const std::exception& e) {
    sink.error("E0104",
               fmt::format("cannot read models from '{}': {}", db->description(), e.what()));
    return std::nullopt;
  }
}

namespace {
constexpr uintmax_t kMaxRuleFileBytes = 4'000'000;
}  // namespace

SourcePtr read_rule_file(const std::string& path, DiagnosticSink& sink) {
  // A bound on what one file may cost: the shipped rule files are a few KB, and checking
  // takes about 100 times a file's size in memory (a 50 MB file of regimes took 5 GB).
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxRuleFileBytes) {
    sink.error("E0302",
               fmt::format("cannot read rule file '{}': it is {} MB, more than the {} MB a "
                           "rule file may be",
                           path, size / 1'000'000, kMaxRuleFileBytes / 1'000'000));
    return nullptr;
  }
  // E0302 with the reason: no such file, it is a directory, permission denied...
  return read_source(path, "rule file", "E0302", sink);
}

}  // namespace exctl::app
