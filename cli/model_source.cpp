#include "cli/model_source.hpp"

#include <cctype>

#include <fmt/format.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/model_toml.hpp"

namespace exctl::cli {
namespace {

std::string squash(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::optional<std::vector<roofline::Model>> load_models(Context& ctx) {
  auto db = ctx.open_database(chipdb::Database::Mode::read_only);
  if (!db) return std::nullopt;
  try {
    auto models = db->load_models();
    if (models.empty() && !ctx.database_path().empty()) {
      models =
          chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_models();
    }
    return models;
  } catch (const std::exception& e) {
    ctx.sink.error("E0104",
                   fmt::format("cannot read models from '{}': {}", db->description(), e.what()));
    return std::nullopt;
  }
}

const roofline::Model* find_model(const std::vector<roofline::Model>& models,
                                  const std::string& query, DiagnosticSink& sink) {
  for (const auto& m : models) {
    if (m.id == query) return &m;
  }
  std::string q = squash(query);
  std::vector<const roofline::Model*> found;
  for (const auto& m : models) {
    if (squash(m.id) == q || squash(m.name) == q) found.push_back(&m);
  }
  if (found.empty() && q.size() >= 2) {
    for (const auto& m : models) {
      if (squash(m.id).find(q) != std::string::npos) found.push_back(&m);
    }
  }
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

std::optional<roofline::Model> model_argument(Context& ctx, const std::string& query) {
  if (ends_with(query, ".toml")) {
    auto models = chipdb::read_model_configs({query}, ctx.sink);
    if (ctx.sink.has_errors() || models.size() != 1) return std::nullopt;
    return models.front();
  }
  auto models = load_models(ctx);
  if (!models) return std::nullopt;
  const roofline::Model* m = find_model(*models, query, ctx.sink);
  if (!m) return std::nullopt;
  return *m;
}

}  // namespace exctl::cli
