// Where `models` and `roofline` find models: the database in use, or a model config file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "engine/roofline/model.hpp"

namespace exctl::cli {

// The models of the database in use. A database that holds none (schema version 1, or one
// created by `chips import`) gets the built-in models, which ship with the executable.
std::optional<std::vector<roofline::Model>> load_models(Context& ctx);

// A model by id or name (ignoring case and punctuation, then a unique part of it), or the
// model config file `query` names when it ends in ".toml". Reports E0501 (unknown, with
// the known ids) or E0502 (ambiguous, with the candidates).
std::optional<roofline::Model> model_argument(Context& ctx, const std::string& query);

const roofline::Model* find_model(const std::vector<roofline::Model>& models,
                                  const std::string& query, DiagnosticSink& sink);

}  // namespace exctl::cli
