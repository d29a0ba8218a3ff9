// Model config files (TOML under chipdb/models, docs/roofline.md "Model configs") to
// model records. Every problem is a diagnostic with file:line:col; a file with errors
// yields no record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/roofline/model.hpp"

namespace exctl::chipdb {

// Parses one model config. Returns nullopt (and reports why) when the file has any error.
std::optional<roofline::Model> parse_model_config(const SourcePtr& file, DiagnosticSink& sink);

// Reads files and directories (a directory contributes its *.toml files, sorted) and
// checks the set for duplicate ids. Returns the good records.
std::vector<roofline::Model> read_model_configs(const std::vector<std::string>& paths,
                                                DiagnosticSink& sink);

void check_model_set(const std::vector<roofline::Model>& models, DiagnosticSink& sink);

}  // namespace exctl::chipdb
