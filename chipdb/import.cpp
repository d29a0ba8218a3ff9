#include "chipdb/import.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>
#include <unordered_set>

#include <fmt/format.h>

#include "chipdb/spec_toml.hpp"
#include "engine/base/files.hpp"

namespace exctl::chipdb {
namespace {

MetricsRow metrics_row(const Chip& chip, const MetricOptions& options,
                       const std::string& described) {
  ChipMetrics m = compute_metrics(chip, options);
  MetricsRow row;
  row.chip_id = chip.id;
  row.tpp = m.tpp.value;
  row.performance_density = m.performance_density.value;
  row.applicable_die_area_mm2 = m.performance_density.applicable_area_mm2;
  row.memory_bandwidth_density = m.memory_bandwidth_density;
  std::vector<std::string> basis;
  for (const auto& term : m.tpp.basis)
    basis.emplace_back(precision_label(term.precision));
  row.tpp_basis = fmt::format("{}", fmt::join(basis, ", "));
  row.options = described;
  return row;
}

std::string describe(const MetricOptions& options) {
  return fmt::format("{}", fmt::join(options.describe(), " "));
}

}  // namespace

std::vector<MetricsRow> derive_metrics(const std::vector<Chip>& chips,
                                       const MetricOptions& options) {
  std::vector<MetricsRow> rows;
  rows.reserve(chips.size());
  std::string described = describe(options);
  for (const auto& chip : chips)
    rows.push_back(metrics_row(chip, options, described));
  return rows;
}

namespace {

// "dir/.chips.db.import-1234.tmp" for "dir/chips.db": the same directory, so that the rename
// is atomic; the process id keeps two imports from building in one file.
std::string temporary_sibling(const std::string& path) {
  std::filesystem::path p(path);
  return (p.parent_path() / fmt::format(".{}.import-{}.tmp", p.filename().string(), ::getpid()))
      .string();
}

// Flushes the finished file and renames it to `path`, failing when `path` appeared in the
// meantime (another import won: its chips are not replaced silently).
void publish(const std::string& building, const std::string& path) {
  int fd = ::open(building.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(fmt::format("cannot flush '{}' to disk", building));
  }
  ::close(fd);
  // link() does not replace an existing file, unlike rename(); a file system without hard
  // links gets a rename after a check (a narrow race, not a silent overwrite of old data).
  bool linked = ::link(building.c_str(), path.c_str()) == 0;
  if (!linked && (errno == EPERM || errno == EOPNOTSUPP) && !std::filesystem::exists(path)) {
    std::filesystem::rename(building, path);
    return;
  }
  if (!linked) {
    throw std::runtime_error(
        errno == EEXIST ? fmt::format("'{}' was created by another process meanwhile", path)
                        : fmt::format("cannot create '{}': {}", path, std::strerror(errno)));
  }
  std::error_code ec;
  std::filesystem::remove(building, ec);
}

}  // namespace

ImportResult import_chips(Database& db, const std::vector<Chip>& chips) {
  std::vector<std::string> existing = db.chip_ids();
  ImportResult result;
  result.ids.reserve(chips.size());
  for (const auto& c : chips) {
    (std::binary_search(existing.begin(), existing.end(), c.id) ? result.updated : result.added)++;
    result.ids.push_back(c.id);
  }
  db.upsert(chips, derive_metrics(chips, MetricOptions{}));
  return result;
}

ImportResult import_specs(Database& db, const std::vector<std::string>& paths,
                          DiagnosticSink& sink) {
  std::vector<Chip> chips = read_chip_specs(paths, sink);
  if (sink.has_errors()) return {};
  return import_chips(db, chips);
}

std::optional<ImportResult> import_specs_into_new_database(const std::string& db_path,
                                                           const std::vector<std::string>& paths,
                                                           const std::vector<Chip>& seed,
                                                           DiagnosticSink& sink) {
  // Everything is checked as read_chip_specs and `chips import` check it, in the same order;
  // only the writing moves ahead, into a file that is removed unless all is well. Problems
  // with the database itself are reported only when the specs are clean, as they would be
  // if the file had been opened after the check.
  std::vector<std::string> files = toml_files(paths, "chip spec", "E0210", sink);
  // Built under a temporary name beside it and renamed into place only when complete, so a
  // process killed mid-import never leaves a file that later runs take for a database.
  const std::string building = temporary_sibling(db_path);
  std::optional<Database> db;
  std::optional<sqlite::Transaction> tx;
  std::optional<ChipWriter> writer;
  std::string db_problem;     // why the database could not be opened
  std::string write_problem;  // why writing failed
  try {
    if (std::filesystem::exists(building)) std::filesystem::remove(building);
    db.emplace(Database::open(building, Database::Mode::read_write));
    db->relax_durability_for_new_file();
    tx.emplace(db->connection());
    writer.emplace(*db, false);
  } catch (const DatabaseError& e) {
    db_problem = e.what();
  } catch (const sqlite::SqliteError& e) {
    db_problem = fmt::format("database error: {}", e.what());
  }
  auto discard = [&] {
    writer.reset();
    tx.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove(building, ec);
  };

  const MetricOptions options;
  const std::string described = describe(options);
  std::vector<ChipNames> names;
  names.reserve(files.size());
  std::unordered_set<std::string> seen;  // ids read so far
  seen.reserve(files.size());
  bool writing = writer.has_value() && !sink.has_errors();
  parse_chip_spec_files(files, [&](ParsedSpec& spec) {
    sink.merge(spec.diagnostics);
    // Once the import is bound to fail, writing stops; checking goes on.
    if (!spec.chip || spec.diagnostics.has_errors()) {
      writing = false;
      return;
    }
    Chip& chip = *spec.chip;
    if (!seen.insert(chip.id).second) writing = false;  // a duplicate id, reported below
    if (writing) {
      try {
        writer->write(chip, metrics_row(chip, options, described));
      } catch (const std::exception& e) {
        write_problem = e.what();
        writing = false;
      }
    }
    names.push_back(take_names(std::move(chip)));
  });
  check_chip_set(names, sink);
  if (sink.has_errors()) {
    discard();
    return std::nullopt;
  }
  // The database after the import must still resolve every name to one chip.
  ImportResult result;
  std::vector<ChipNames> seed_names;
  std::vector<const Chip*> seed_kept;
  for (const Chip& c : seed) {
    if (seen.count(c.id)) {
      ++result.updated;
    } else {
      seed_names.push_back(names_of(c));
      seed_kept.push_back(&c);
    }
  }
  result.added = names.size() - result.updated;
  if (!seed_kept.empty()) {
    std::vector<const ChipNames*> after;
    after.reserve(names.size() + seed_names.size());
    for (const auto& n : names)
      after.push_back(&n);
    for (const auto& n : seed_names)
      after.push_back(&n);
    check_chip_set(after, sink);
    if (sink.has_errors()) {
      discard();
      return std::nullopt;
    }
  }
  if (!db_problem.empty()) {
    sink.error("E0104", db_problem);
    discard();
    return std::nullopt;
  }
  try {
    if (!write_problem.empty()) throw std::runtime_error(write_problem);
    for (const Chip* c : seed_kept)
      writer->write(*c, metrics_row(*c, options, described));
    writer.reset();
    tx->commit();
    tx.reset();
    db.reset();  // closed: every page is in the file
    publish(building, db_path);
  } catch (const std::exception& e) {
    sink.error("E0104",
               fmt::format("import into '{}' failed, nothing was written: {}", db_path, e.what()));
    discard();
    return std::nullopt;
  }
  result.ids.reserve(names.size());
  for (auto& n : names)
    result.ids.push_back(std::move(n.id));
  return result;
}

}  // namespace exctl::chipdb
