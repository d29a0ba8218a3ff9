// Chips and models by the names people use: an id, a name or an alias, compared as the
// chip database's set check compares them (squash_name: case, spaces and punctuation
// ignored), then a unique part of one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/app/session.hpp"
#include "engine/base/chip.hpp"
#include "engine/roofline/model.hpp"

namespace exctl::app {

// Finds a chip by id, name or alias. Reports E0101 (unknown, with a hint) or E0102
// (ambiguous, listing the candidates).
const Chip* resolve_chip(const std::vector<Chip>& chips, const std::string& query,
                         DiagnosticSink& sink);

// The chips `names` name (as resolve_chip finds them), in that order, reading only those
// from the database (or the session's cache); nullopt with E0101/E0102/E0104 on failure.
std::optional<std::vector<Chip>> load_named_chips(Session& session,
                                                  const std::vector<std::string>& names);

// Finds a model by id or name. Reports E0501 (unknown, with the known ids) or E0502
// (ambiguous, with the candidates).
const roofline::Model* find_model(const std::vector<roofline::Model>& models,
                                  const std::string& query, DiagnosticSink& sink);

// A model of the database in use, or the model config file `query` names when it ends in
// ".toml".
std::optional<roofline::Model> model_argument(Session& session, const std::string& query);

// The chip a command is about: a name from the database, or a spec file (E0109 when both or
// neither is given).
std::optional<Chip> chip_argument(Session& session, const std::string& name,
                                  const std::string& spec);

}  // namespace exctl::app
