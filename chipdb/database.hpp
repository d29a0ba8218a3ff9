// The SQLite chip database: built from the TOML specs, versioned, queried by the CLI.
// Schema documented in README.md ("The chip database").
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "chipdb/sqlite.hpp"
#include "engine/base/chip.hpp"
#include "engine/roofline/model.hpp"

namespace exctl::chipdb {

inline constexpr int64_t kApplicationId = 0x45584354;  // "EXCT"
// 1: chips; 2: adds the models table; 3: fewer rows per chip (provenance columns in chips,
// chip_units, views for the old chip_sources and chip_throughput); 4: chips.us_available;
// 5: chip_ranges, a value's plausible range. An older file is upgraded when opened for
// writing, and read as it is otherwise.
inline constexpr int64_t kSchemaVersion = 5;

// A database that cannot be used as asked: foreign, newer, corrupt, read-only.
class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Metrics the engine derived at import time, stored so analysts can query them in SQL.
struct MetricsRow {
  std::string chip_id;
  std::optional<Rational> tpp, performance_density, applicable_die_area_mm2,
      memory_bandwidth_density;
  std::string tpp_basis;  // e.g. "FP8, INT8"
  std::string options;    // the interpretation options used
};

// What a chip is looked up by: its id, name and aliases.
struct ChipName {
  std::string id, name;
  std::vector<std::string> aliases;
};

class Database {
 public:
  enum class Mode { read_only, read_write };

  // Opens a database file. In read_write mode a missing file is created with the schema.
  // Throws DatabaseError for a foreign, newer or unreadable file.
  static Database open(const std::string& path, Mode mode);
  // The built-in database: a read-only in-memory image; `data` must outlive the result.
  static Database open_image(const unsigned char* data, size_t size);

  const std::string& description() const { return description_; }
  bool read_only() const { return read_only_; }
  // True when open() created the file (it did not exist before).
  bool created() const { return created_; }

  // For a file that open() has just created and that the caller removes if anything fails:
  // no rollback journal and no waiting for the disk, which a bulk import into a new file
  // does not need, since nothing stored before can be lost. Throws DatabaseError for any
  // other database: there SQLite's safe settings stay.
  void relax_durability_for_new_file();

  std::vector<Chip> load_all();
  // The chips `ids`, in id order; an id not stored is not in the result.
  std::vector<Chip> load(const std::vector<std::string>& ids);
  // Every chip's id, name and aliases: what a name given on the command line is looked up
  // in, without reading every chip.
  std::vector<ChipName> chip_names();
  size_t chip_count();
  // Adds or replaces the chips in one transaction: all are written or none.
  void upsert(const std::vector<Chip>& chips, const std::vector<MetricsRow>& metrics);
  // The ids of the stored chips, sorted.
  std::vector<std::string> chip_ids();

  // The model configs (schema 2). Empty for a version-1 file opened read-only.
  std::vector<roofline::Model> load_models();
  // Adds or replaces the models in one transaction.
  void upsert_models(const std::vector<roofline::Model>& models);

  sqlite::Connection& connection() { return conn_; }

 private:
  Database(sqlite::Connection conn, std::string description, bool read_only, bool created)
      : conn_(std::move(conn)),
        description_(std::move(description)),
        read_only_(read_only),
        created_(created) {}
  void check_version(bool may_create);
  std::vector<Chip> load_where(const std::vector<std::string>* ids);  // null: every chip
  void create_schema();
  void upgrade();
  bool has_table(const char* name);
  bool has_column(const char* table, const char* column);
  bool has_view(const char* name);

  sqlite::Connection conn_;
  std::string description_;
  bool read_only_;
  bool created_;
  int64_t version_ = kSchemaVersion;  // of the file as opened (or upgraded)
};

// Writes chips with their metrics row by row, inside a transaction the caller holds; the
// statements are prepared once. With `replace`, a chip stored under the same id is deleted
// first; without it, every id must be new to the database (or the insert throws).
class ChipWriter {
 public:
  ChipWriter(Database& db, bool replace);
  void write(const Chip& chip, const MetricsRow& metrics);

 private:
  bool replace_;
  sqlite::Statement del_, chip_, alias_, unit_, die_, metrics_, range_;
};

}  // namespace exctl::chipdb
