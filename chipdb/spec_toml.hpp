// Chip spec files (TOML, docs/chip-spec.md) to chip records and back. Every problem is a
// diagnostic with file:line:col; a file with errors yields no record.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/base/diagnostic.hpp"
#include "engine/base/files.hpp"

namespace exctl::chipdb {

// Spec files are read with engine/base/files.hpp; chipdb::read_source is that reader, for
// the callers that name it so.
using exctl::read_source;

// Parses one spec. Returns nullopt (and reports why) when the file has any error.
std::optional<Chip> parse_chip_spec(const SourcePtr& file, DiagnosticSink& sink);

// Reads files and directories (a directory contributes its *.toml files, sorted). Checks
// the set as a whole too: duplicate ids, aliases that collide. Returns the good records;
// callers that need all-or-nothing check sink.has_errors().
std::vector<Chip> read_chip_specs(const std::vector<std::string>& paths, DiagnosticSink& sink);

// One spec file's outcome: its record when the file has no error, and what was reported.
// The record's spans point into a copy of only the start of the file's text, up to the last
// line they are on (diagnostics read the same), so that keeping many records does not keep
// every file's whole text.
struct ParsedSpec {
  std::optional<Chip> chip;
  DiagnosticSink diagnostics;
};

// Reads and parses spec files, on the calling thread and a helper thread per further core
// (none for a few files), and hands each outcome to `consume` on the calling thread in the
// order of `files`: what the caller makes of them, diagnostics included, never depends on
// timing. If `consume` throws, the helpers stop and the exception propagates.
void parse_chip_spec_files(const std::vector<std::string>& files,
                           const std::function<void(ParsedSpec&)>& consume);

// What check_chip_set looks at: the names a user may type for a chip and where its spec
// wrote them. A large set keeps these rather than whole records.
struct ChipNames {
  std::string id, name;
  std::vector<std::string> aliases;
  std::string origin_file;
  Span id_span, name_span;
  std::vector<Span> alias_spans;
};

ChipNames names_of(const Chip& chip);
// Moves the names out of `chip`, their spans pointing into only the start of the spec text
// as in ParsedSpec.
ChipNames take_names(Chip&& chip);

// Checks that no chip's id, name or alias can be mistaken for another's.
void check_chip_set(const std::vector<Chip>& chips, DiagnosticSink& sink);
void check_chip_set(const std::vector<const Chip*>& chips, DiagnosticSink& sink);
void check_chip_set(const std::vector<ChipNames>& chips, DiagnosticSink& sink);
void check_chip_set(const std::vector<const ChipNames*>& chips, DiagnosticSink& sink);

// The canonical TOML text of a chip; parse_chip_spec(write_chip_spec(c)) gives back c.
std::string write_chip_spec(const Chip& chip);

}  // namespace exctl::chipdb
