// Chip spec files (TOML, docs/chip-spec.md) to chip records and back. Every problem is a
// diagnostic with file:line:col; a file with errors yields no record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/base/diagnostic.hpp"

namespace exctl::chipdb {

// Parses one spec. Returns nullopt (and reports why) when the file has any error.
std::optional<Chip> parse_chip_spec(const SourcePtr& file, DiagnosticSink& sink);

// Reads files and directories (a directory contributes its *.toml files, sorted). Checks
// the set as a whole too: duplicate ids, aliases that collide. Returns the good records;
// callers that need all-or-nothing check sink.has_errors().
std::vector<Chip> read_chip_specs(const std::vector<std::string>& paths, DiagnosticSink& sink);

// Checks that no chip's id, name or alias can be mistaken for another's.
void check_chip_set(const std::vector<Chip>& chips, DiagnosticSink& sink);

// The canonical TOML text of a chip; parse_chip_spec(write_chip_spec(c)) gives back c.
std::string write_chip_spec(const Chip& chip);

}  // namespace exctl::chipdb
