#include "engine/app/lookup.hpp"

#include <cctype>

#include <fmt/format.h>

#include "chipdb/model_toml.hpp"
#include "engine/base/text.hpp"

namespace exctl::app {
namespace {

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
  std::string q = ascii_lower(query), sq = squash_name(query);
  auto found = match_all(names, [&](const std::string& n) { return ascii_lower(n) == q; });
  if (found.empty() && !sq.empty())
    found = match_all(names, [&](const std::string& n) { return squash_name(n) == sq; });
  if (found.empty() && sq.size() >= 2) {
    found = match_all(part_names, [&](const std::string& n) {
      return squash_name(n).find(sq) != std::string::npos;
    });
  }
  return found;
}

// What a lookup that found no single item reports: `codes` for none and for several; with
// none, `notes` say where to look; with several, the candidates are listed.
template <typename T>
const T* only_one(const std::vector<const T*>& found, const std::string& query,
                  std::string_view noun, std::pair<const char*, const char*> codes,
                  std::vector<std::string> notes, DiagnosticSink& sink) {
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    sink.report({Severity::error,
                 codes.first,
                 fmt::format("no {} is named '{}'", noun, query),
                 {},
                 std::move(notes)});
    return nullptr;
  }
  std::vector<std::string> candidates;
  for (const T* x : found)
    candidates.push_back(fmt::format("candidate: {} ({})", x->id, x->name));
  sink.report({Severity::error,
               codes.second,
               fmt::format("'{}' names {} {}s; say which", query, found.size(), noun),
               {},
               std::move(candidates)});
  return nullptr;
}

}  // namespace

namespace {

// A chip's names: its id, its name, its aliases (Chip and chipdb::ChipName alike).
auto chip_names_of = [](const auto& c) {
  std::vector<std::string> all = {c.id, c.name};
  all.insert(all.end(), c.aliases.begin(), c.aliases.end());
  return all;
};

template <typename T>
const T* resolve_among(const std::vector<T>& chips, const std::string& query,
                       DiagnosticSink& sink) {
  return only_one(candidates(chips, query, chip_names_of, chip_names_of), query, "chip",
                  {"E0101", "E0102"},
                  {"'exctl chips list' shows every chip; '--spec FILE.toml' checks one not in "
                   "the database"},
                  sink);
}

}  // namespace

const Chip* resolve_chip(const std::vector<Chip>& chips, const std::string& query,
                         DiagnosticSink& sink) {
  return resolve_among(chips, query, sink);
}

std::optional<std::vector<Chip>> load_named_chips(Session& session,
                                                  const std::vector<std::string>& names) {
  DiagnosticSink& sink = session.sink;
  bool unresolved = false;
  if (session.chips_cache) {
    std::vector<Chip> out;
    for (const auto& name : names) {
      if (const Chip* c = resolve_chip(*session.chips_cache, name, sink))
        out.push_back(*c);
      else
        unresolved = true;
    }
    if (unresolved) return std::nullopt;
    return out;
  }
  auto read = session.read_chips([&](chipdb::Database& db) {
    std::vector<std::string> ids;
    auto stored = db.chip_names();
    for (const auto& name : names) {
      if (const auto* c = resolve_among(stored, name, sink))
        ids.push_back(c->id);
      else
        unresolved = true;
    }
    if (unresolved) return std::vector<Chip>{};
    auto chips = db.load(ids);
    std::vector<Chip> in_order;
    for (const auto& id : ids)
      for (const auto& c : chips)
        if (c.id == id) in_order.push_back(c);
    return in_order;
  });
  if (!read || unresolved) return std::nullopt;
  return read;
}

const roofline::Model* find_model(const std::vector<roofline::Model>& models,
                                  const std::string& query, DiagnosticSink& sink) {
  auto found = candidates(
      models, query,
      [](const roofline::Model& m) {
        return std::vector<std::string>{m.id, m.name};
      },
      [](const roofline::Model& m) { return std::vector<std::string>{m.id}; });
  std::string ids;
  for (const auto& m : models)
    ids += (ids.empty() ? "" : ", ") + m.id;
  return only_one(found, query, "model", {"E0501", "E0502"},
                  {fmt::format("known models: {}", ids),
                   "'--model FILE.toml' reads a model config that is not in the database"},
                  sink);
}

std::optional<roofline::Model> model_argument(Session& session, const std::string& query) {
  if (query.ends_with(".toml")) {
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
