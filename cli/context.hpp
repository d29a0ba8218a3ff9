// What every subcommand shares: global options, the chip database, chip lookup by name,
// diagnostics and output.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chipdb/database.hpp"
#include "engine/base/diagnostic.hpp"
#include "engine/base/json.hpp"
#include "engine/base/text.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/report/table.hpp"
#include "engine/sema/rulebook.hpp"

namespace exctl::cli {

// Exit codes (README "Exit codes").
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;

struct Context {
  // Global options.
  std::string db_path;  // empty: $EXCTL_DB, else the built-in database
  std::string format_name = "text";
  std::vector<std::string> interpret;  // metric interpretation options, "name=value"
  std::vector<std::string> rule_files;  // extra rule files (drafts) beside the shipped ones

  // Set by prepare().
  report::Format format = report::Format::text;
  MetricOptions options;
  DiagnosticSink sink;

  // Validates the global options; false (with diagnostics) when any is bad.
  bool prepare();
  // The path of the database file in use, or "" for the built-in one.
  std::string database_path() const;
  // Opens the database in use; nullptr (with a diagnostic) on failure.
  std::unique_ptr<chipdb::Database> open_database(chipdb::Database::Mode mode);
  // Every chip of the database in use; nullopt (with a diagnostic) on failure.
  std::optional<std::vector<Chip>> load_chips();
  // Reads an ad-hoc spec file that is not in the database.
  std::optional<Chip> load_spec(const std::string& path);
  // The shipped regimes plus --rules files; nullopt (with diagnostics) when unusable.
  // Regimes with errors are reported and left out.
  std::optional<sema::Rulebook> load_rules();

  // Finishes a command: prints diagnostics to stderr (JSON when --format json) and
  // returns the exit code (2 when any error was reported).
  int finish();
};

// Finds a chip by id, name or alias (case-insensitive; then unique substring). Reports
// E0101 (unknown, with suggestions) or E0102 (ambiguous, listing the candidates).
const Chip* resolve_chip(const std::vector<Chip>& chips, const std::string& query, DiagnosticSink& sink);

// The text of a rule file; nullptr with E0302 when it cannot be read (missing, a directory).
SourcePtr read_rule_file(const std::string& path, DiagnosticSink& sink);

// Today's date as yyyymmdd when --date was not given, or the parsed --date (E0112 when
// malformed or given empty).
std::optional<sema::DateKey> date_argument(const std::string& text, bool given,
                                           DiagnosticSink& sink);

// An officially assigned ISO 3166-1 alpha-2 code ("CN", "BR"; not "XX" or "cn").
bool is_iso_country(std::string_view code);

// A diagnostic about a command-line argument, with a caret under `begin..end` of `text`.
void argument_error(DiagnosticSink& sink, const std::string& code, const std::string& message,
                    const std::string& what, const std::string& text, uint32_t begin, uint32_t end);

}  // namespace exctl::cli
