// What one run of an operation works on: the chip database in use, the rule files beside
// the shipped regimes, the metric interpretation options, and the sink its diagnostics go
// to. The CLI fills one from its global options; `serve` would fill one per request.
// Every failure below (an unreadable database, a malformed file) becomes a diagnostic here:
// nothing thrown by chipdb or SQLite crosses this layer.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chipdb/database.hpp"
#include "engine/base/diagnostic.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/roofline/model.hpp"
#include "engine/sema/rulebook.hpp"

namespace exctl::app {

// A regime with some of its parameters set otherwise: what `serve` evaluates as the user
// moves a slider. Loaded as one more regime of the book, `id`, extending `base`.
struct ParamDraft {
  std::string id;                   // the draft regime's id: "draft-<base>"
  std::string base;                 // the regime it extends
  std::vector<std::string> params;  // "NAME=VALUE", each value with the parameter's unit
};

struct Session {
  std::string db_path;                  // empty: $EXCTL_DB, else the built-in database
  std::vector<std::string> interpret;   // metric interpretation options, "name=value"
  std::vector<std::string> rule_files;  // extra rule files (drafts) beside the shipped ones

  // Loaded once and shared (serve answers every request from them): when set, load_rules()
  // and load_chips() copy these instead of reading the files and the database again.
  std::shared_ptr<const sema::Rulebook> rulebook_cache;
  std::shared_ptr<const std::vector<Chip>> chips_cache;
  // When set, load_rules() adds the draft regime (E0601..E0603 for a bad parameter).
  std::optional<ParamDraft> draft;

  // When set, only these shipped regimes, and those they name (extends, supersedes,
  // classified under), are read: a check of named regimes need not parse the other rule
  // files. An id no shipped file declares reads them all (to say which there are).
  std::vector<std::string> regimes_wanted;

  MetricOptions options;  // set by prepare()
  DiagnosticSink sink;

  // Validates the interpretation options into `options`; false (with E0107) when any is bad
  // or given twice with different values.
  bool prepare();
  // The path of the database file in use, or "" for the built-in one.
  std::string database_path() const;
  // Opens the database in use; nullptr (with E0104) on failure.
  std::unique_ptr<chipdb::Database> open_database(chipdb::Database::Mode mode);
  // Every chip of the database in use; nullopt (with E0104) on failure.
  std::optional<std::vector<Chip>> load_chips();
  // What `read` reads from the database in use (opened read-only); nullopt with E0104 when
  // the database cannot be opened or read, E0101/E0102 left to `read` itself.
  std::optional<std::vector<Chip>> read_chips(
      const std::function<std::vector<Chip>(chipdb::Database&)>& read);
  // The same, shared: the cache itself when set (no copy); nullptr (with E0104) on failure.
  std::shared_ptr<const std::vector<Chip>> shared_chips();
  // Reads an ad-hoc spec file that is not in the database (E0109 unless it holds one chip).
  std::optional<Chip> load_spec(const std::string& path);
  // The shipped regimes plus the rule files; nullopt (with diagnostics) when unusable.
  // Regimes with errors are reported and left out.
  std::optional<sema::Rulebook> load_rules();
  // The same, shared: the cache itself when there is no draft to add (no copy).
  std::shared_ptr<const sema::Rulebook> shared_rules();
  // The same without the cache and the draft: the shipped regimes and the rule files.
  std::optional<sema::Rulebook> load_rule_files();
  // The models of the database in use. A database that holds none (schema version 1, or one
  // created by `chips import`) gets the built-in models, which ship with the executable.
  std::optional<std::vector<roofline::Model>> load_models();
};

// The text of a rule file; nullptr with E0302 when it cannot be read (missing, a directory,
// larger than 4 MB).
SourcePtr read_rule_file(const std::string& path, DiagnosticSink& sink);

}  // namespace exctl::app
