// Importing chip specs into a database: parse and validate every file, derive metrics,
// then write all chips in one transaction. Any error in any file writes nothing.
#pragma once

#include <string>
#include <vector>

#include "chipdb/database.hpp"
#include "engine/base/diagnostic.hpp"
#include "engine/metrics/metrics.hpp"

namespace exctl::chipdb {

// The rows of derived metrics stored beside the chips.
std::vector<MetricsRow> derive_metrics(const std::vector<Chip>& chips, const MetricOptions& options);

struct ImportResult {
  size_t added = 0;
  size_t updated = 0;
  std::vector<std::string> ids;
};

// Reads `paths` (files or directories of *.toml). If any diagnostic is an error, the
// database is left untouched and the result is empty.
ImportResult import_specs(Database& db, const std::vector<std::string>& paths, DiagnosticSink& sink);

// Writes already-validated chips (all or nothing).
ImportResult import_chips(Database& db, const std::vector<Chip>& chips);

}  // namespace exctl::chipdb
