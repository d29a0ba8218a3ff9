#include "engine/app/lookup.hpp"

#include <cctype>

#include <fmt/format.h>

#include "chipdb/model_toml.hpp"
#include "engine/base/text.hpp"

namespace exctl::app {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The candidates of `query` among `items`: the item whose id it is, else those with a name
// equal to it ignoring case, else ignoring punctuation (squash_name), else those with a
// `part_names` entry that contains it. One rule for chips and models alike.
template <typename T, typename Names, typename PartNames>
std::vector<const T*> candidates(const std::vector<T>& items, const std::string& query, Names names,
                                 PartNames part_names) {
  for (const auto& item : items) {
    if (item.id == query) return {&item};
  }
  auto match_all = [&](auto names_of, auto key) {
    std::vector<const T*> found;
    for (const auto& item : items) {
      for (const auto& name : names_of(item)) {
        if (key(name)) {
          found.push_back(&item);
          break;
        }
      }
    }
    return found;
  };
  std::string q = lower(query), sq = squash_name(query);
  auto found = match_all(names, [&](const std::string& n) { return lower(n) == q; });
  if (found.empty() && !sq.empty())
    found = match_all(names, [&](const std::string& n) { return squash_name(n) == sq; });
  if (found.empty() && sq.size() >= 2) {
    found = match_all(part_names, [&](const std::string& n) {
      return squash_name(n).find(sq) != std::string::npos;
    });
  }
  return found;
}

}  // namespace

const Chip* resolve_chip(const std::vector<Chip>& chips, const std::string& query,
                         DiagnosticSink& sink) {
  auto names = [](const Chip& c) {
    std::vector<std::string> all = {c.id, c.name};
    all.insert(all.end(), c.aliases.begin(), c.aliases.end());
    return all;
  };
  auto found = candidates(chips, query, names, names);
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

const roofline::Model* find_model(const std::vector<roofline::Model>& models,
                                  const std::string& query, DiagnosticSink& sink) {
  auto found = candidates(
      models, query,
      [](const roofline::Model& m) {
        return std::vector<std::string>{m.id, m.name};
      },
      [](const roofline::Model& m) { return std::vector<std::string>{m.id}; });
  if (found.size() == 1) return found.front();
  Diagnostic d;
  if (found.empty()) {
    d = {Severity::error, "E0501", fmt::format("no model is named '{}'", query), {}, {}};
    std::string ids;
    for (const auto& m : models)
      ids += (ids.empty() ? "" : ", ") + m.id;
    d.notes.push_back(fmt::format("known models: {}", ids));
    d.notes.push_back("'--model FILE.toml' reads a model config that is not in the database");
  } else {
    d = {Severity::error,
         "E0502",
         fmt::format("'{}' names {} models; say which", query, found.size()),
         {},
         {}};
    for (const auto* m : found)
      d.notes.push_back(fmt::format("candidate: {} ({})", m->id, m->name));
  }
  sink.report(std::move(d));
  return nullptr;
}

std::optional<roofline::Model> model_argument(Session& session, const std::string& query) {
  if (ends_with(query, ".toml")) {
    auto models = chipdb::read_model_configs({query}, session.sink);
    if (session.sink.has_errors() || models.size() != 1) return std::nullopt;
    return models.front();
  }
  auto models = session.load_models();
  if (!models) return std::nullopt;
  const roofline::Model* m = find_model(*models, query, session.sink);
  if (!m) return std::nullopt;
  return *m;
}

std::optional<Chip> chip_argument(Session& session, const std::string& name,
                                  const std::string& spec) {
  if (!spec.empty()) {
    if (!name.empty()) {
      session.sink.error("E0109", "give a chip name or --spec FILE, not both");
      return std::nullopt;
    }
    return session.load_spec(spec);
  }
  if (name.empty()) {
    session.sink.error("E0109", "name a chip (an id, name or alias), or give --spec FILE.toml");
    return std::nullopt;
  }
  auto chips = session.load_chips();
  if (!chips) return std::nullopt;
  const Chip* chip = resolve_chip(*chips, name, session.sink);
  if (!chip) return std::nullopt;
  return *chip;
}

}  // namespace exctl::app
