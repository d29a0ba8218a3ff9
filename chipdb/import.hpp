// Importing chip specs into a database: parse and validate every file, derive metrics,
// then write all chips in one transaction. Any error in any file writes nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chipdb/database.hpp"
#include "engine/base/diagnostic.hpp"
#include "engine/metrics/metrics.hpp"

namespace exctl::chipdb {

// The rows of derived metrics stored beside the chips.
std::vector<MetricsRow> derive_metrics(const std::vector<Chip>& chips,
                                       const MetricOptions& options);

struct ImportResult {
  size_t added = 0;
  size_t updated = 0;
  std::vector<std::string> ids;
};

// Reads `paths` (files or directories of *.toml). If any diagnostic is an error, the
// database is left untouched and the result is empty.
ImportResult import_specs(Database& db, const std::vector<std::string>& paths,
                          DiagnosticSink& sink);

// Writes already-validated chips (all or nothing).
ImportResult import_chips(Database& db, const std::vector<Chip>& chips);

// Creates the database file `db_path` from the specs in `paths` and the chips of `seed` (a
// seed chip is left out when a spec has its id; `updated` counts those specs): all or
// nothing, with the same diagnostics as read_chip_specs followed by a check of the whole
// set. On any error, reported to `sink`, it returns nullopt and leaves no file behind.
//
// For speed the records are written while later files are still being parsed (on worker
// threads), without a rollback journal, into a temporary file beside `db_path` that is
// flushed and linked into place only when complete: a failed or killed import leaves no
// `db_path`, and one that appeared meanwhile is not replaced. Use import_specs for an
// existing database.
std::optional<ImportResult> import_specs_into_new_database(const std::string& db_path,
                                                           const std::vector<std::string>& paths,
                                                           const std::vector<Chip>& seed,
                                                           DiagnosticSink& sink);

}  // namespace exctl::chipdb
