#include "chipdb/database.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "engine/base/date.hpp"
#include "engine/metrics/fields.hpp"
#include "engine/metrics/metrics.hpp"

namespace exctl::chipdb {
namespace {

// The chip tables of schema 1 and 2 as far as schema 3 keeps them, and the parts it adds.
// Schema 3 writes fewer rows per chip (an import of many specs is mostly row writes): the
// provenance of each group moved from chip_sources rows into columns of chips, and the
// throughput figures from one chip_throughput row per precision into one chip_units row per
// processing unit; the child tables have no separate rowid. chip_sources and chip_throughput
// remain as views with their old columns, so queries written for them keep working.
constexpr const char* kChipsTable = R"sql(
CREATE TABLE chips (
  id TEXT PRIMARY KEY,
  vendor TEXT NOT NULL,
  name TEXT NOT NULL,
  year INTEGER NOT NULL,
  datacenter INTEGER,            -- 1, 0, or NULL when unknown
  origin TEXT,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  notes TEXT,
  memory_type TEXT,
  memory_gb REAL,
  memory_bandwidth_gbps REAL,
  chip_to_chip_gbps REAL,        -- aggregate bidirectional
  chip_to_chip_name TEXT,
  host_link_gbps REAL,
  host_link_name TEXT,
  transistors_billion REAL,
  tdp_w REAL,
  hbm_stacks INTEGER,
  hbm_stack_bandwidth_gbps REAL,
  hbm_stack_footprint_mm2 REAL,
  explicit_units INTEGER NOT NULL DEFAULT 0
);
)sql";

constexpr const char* kAliasesTable = R"sql(
CREATE TABLE chip_aliases (
  chip_id TEXT NOT NULL REFERENCES chips(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  alias TEXT NOT NULL,
  PRIMARY KEY (chip_id, position)
) WITHOUT ROWID;
)sql";

constexpr const char* kDiesTable = R"sql(
CREATE TABLE chip_dies (
  chip_id TEXT NOT NULL REFERENCES chips(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,            -- compute, io, cache
  count INTEGER NOT NULL,
  area_mm2 REAL,                 -- of one die
  process TEXT,
  planar INTEGER NOT NULL,
  estimated TEXT NOT NULL,       -- comma-separated keys whose values are estimates
  PRIMARY KEY (chip_id, position)
) WITHOUT ROWID;
)sql";

constexpr const char* kMetricsTable = R"sql(
CREATE TABLE chip_metrics (      -- derived by the engine at import, default options
  chip_id TEXT PRIMARY KEY REFERENCES chips(id) ON DELETE CASCADE,
  tpp REAL,
  tpp_exact TEXT,
  tpp_basis TEXT,
  performance_density REAL,
  performance_density_exact TEXT,
  applicable_die_area_mm2 REAL,
  memory_bandwidth_density REAL,
  options TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Schema 5: a spec value's plausible range (docs/chip-spec.md, "Ranges"), one row per value
// that has one, keyed as Chip::ranged_values() keys it ("memory.bandwidth_gbps",
// "compute.unit[2].fp8", "silicon.die[1].area_mm2"). The bounds are stored as the values
// are (REAL, the decimal the spec wrote).
constexpr const char* kRangesTable = R"sql(
CREATE TABLE chip_ranges (
  chip_id TEXT NOT NULL REFERENCES chips(id) ON DELETE CASCADE,
  value_key TEXT NOT NULL,
  low REAL NOT NULL,
  high REAL NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (chip_id, value_key)
) WITHOUT ROWID;
)sql";

// The groups with a provenance, in the order of their columns.
constexpr std::array<std::string_view, 7> kGroups = {
    "identity", "compute", "memory", "interconnect", "silicon", "power", "hbm"};
// The provenance columns of a group: <group>_source and so on.
constexpr std::array<std::string_view, 4> kProvenanceFields = {"source", "confidence", "estimated",
                                                               "notes"};
// chips' columns before the provenance ones, in the table's order (kChipsTable). Statements
// name them; a value is bound and read at its column's place in this list.
constexpr std::array<std::string_view, 22> kChipColumns = {"id",
                                                           "vendor",
                                                           "name",
                                                           "year",
                                                           "datacenter",
                                                           "origin",
                                                           "kind",
                                                           "status",
                                                           "notes",
                                                           "memory_type",
                                                           "memory_gb",
                                                           "memory_bandwidth_gbps",
                                                           "chip_to_chip_gbps",
                                                           "chip_to_chip_name",
                                                           "host_link_gbps",
                                                           "host_link_name",
                                                           "transistors_billion",
                                                           "tdp_w",
                                                           "hbm_stacks",
                                                           "hbm_stack_bandwidth_gbps",
                                                           "hbm_stack_footprint_mm2",
                                                           "explicit_units"};
constexpr int kChipBaseColumns = static_cast<int>(kChipColumns.size());

// The 0-based place of a column of chips in kChipColumns, or -1.
constexpr int find_chip_column(std::string_view name) {
  for (size_t i = 0; i < kChipColumns.size(); ++i) {
    if (kChipColumns[i] == name) return static_cast<int>(i);
  }
  return -1;
}
// The place of a column named in the code; a name that is no column does not compile.
consteval int column(std::string_view name) {
  int i = find_chip_column(name);
  if (i < 0) throw "not a column of chips";
  return i;
}

// The spec values that the field catalogue keeps in chips (memory_gb, tdp_w, ...): read and
// written through the catalogue, so that a field added there is stored without more code.
struct StoredNumber {
  std::optional<Rational> Chip::*member;
  int column;
};
const std::vector<StoredNumber>& stored_numbers() {
  static const std::vector<StoredNumber> kStored = [] {
    std::vector<StoredNumber> out;
    for (const auto& f : chip_fields()) {
      if (!f.stored || f.db_table != "chips") continue;
      int i = find_chip_column(f.db_column);
      if (i < 0)
        throw std::logic_error(
            fmt::format("field {}: chips has no column {}", f.name, f.db_column));
      out.push_back({f.stored, i});
    }
    // In column order, as the row is read.
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.column < b.column; });
    return out;
  }();
  return kStored;
}

// A chip's provenances in the order of kGroups.
template <typename C>
auto provenances(C& c) {
  return std::array{&c.identity, &c.compute, &c.memory, &c.interconnect,
                    &c.silicon,  &c.power,   &c.hbm};
}

std::string provenance_column(std::string_view group, std::string_view field) {
  return fmt::format("{}_{}", group, field);
}

// ALTER TABLE statements adding the provenance columns to a schema-2 chips table; a new
// chips table gets the same, so both have their columns in one order.
std::string add_provenance_columns() {
  std::string sql;
  for (auto group : kGroups) {
    for (auto field : kProvenanceFields)
      sql +=
          fmt::format("ALTER TABLE chips ADD COLUMN {} TEXT;\n", provenance_column(group, field));
  }
  return sql;
}

// Schema 4: when the chip was first commercially available in the US, as "YYYY-MM-DD" or
// "never"; NULL when unknown. After the provenance columns, in new and upgraded files alike.
constexpr const char* kAddUsAvailable = "ALTER TABLE chips ADD COLUMN us_available TEXT;";
constexpr int kUsAvailableColumn =
    kChipBaseColumns + static_cast<int>(kGroups.size() * kProvenanceFields.size());

std::string us_available_text(const std::optional<int>& d) {
  if (!d) return "";
  return *d == Chip::kNeverInUs ? "never" : date_text(*d);
}

std::string units_table() {
  std::string sql =
      "CREATE TABLE chip_units (\n"
      "  chip_id TEXT NOT NULL REFERENCES chips(id) ON DELETE CASCADE,\n"
      "  unit INTEGER NOT NULL,\n"
      "  unit_name TEXT,\n";
  // Dense peak as written: TFLOPS, or TOPS for integer precisions; NULL when not given.
  for (Precision p : kAllPrecisions)
    sql += fmt::format("  {} REAL,\n", precision_key(p));
  // Comma-separated precisions whose figure is sparse-only (the engine halves them).
  sql +=
      "  sparse TEXT NOT NULL,\n"
      "  PRIMARY KEY (chip_id, unit)\n"
      ") WITHOUT ROWID;\n";
  return sql;
}

// The views that keep the schema-2 tables' columns.
std::string compatibility_views() {
  std::vector<std::string> parts;
  for (Precision p : kAllPrecisions) {
    auto key = precision_key(p);
    parts.push_back(fmt::format(
        "SELECT chip_id, unit, unit_name, '{0}', {0}, instr(',' || sparse || ',', ',{0},') > 0 "
        "FROM chip_units WHERE {0} IS NOT NULL",
        key));
  }
  std::string sql = fmt::format(
      "CREATE VIEW chip_throughput (chip_id, unit, unit_name, precision, tflops, sparse) AS\n{};\n",
      fmt::join(parts, "\nUNION ALL "));
  parts.clear();
  for (auto group : kGroups) {
    parts.push_back(fmt::format(
        "SELECT id, '{0}', {0}_source, {0}_confidence, {0}_estimated, {0}_notes FROM chips "
        "WHERE {0}_source IS NOT NULL",
        group));
  }
  sql += fmt::format(
      "CREATE VIEW chip_sources (chip_id, grp, source, confidence, estimated, notes) AS\n{};\n",
      fmt::join(parts, "\nUNION ALL "));
  return sql;
}

// Schema 2. The derived columns (total_params, active_params, kv_elements_per_token) are
// stored so that analysts can query them; the engine recomputes them from the shape.
constexpr const char* kModelsSchema = R"sql(
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  notes TEXT,
  params_billion REAL,           -- as the model card states
  active_params_billion REAL,
  context_length INTEGER NOT NULL,
  layers INTEGER NOT NULL,
  hidden INTEGER NOT NULL,
  heads INTEGER NOT NULL,
  kv_heads INTEGER,              -- NULL with MLA
  head_dim INTEGER,              -- NULL with MLA
  ffn INTEGER,                   -- NULL when every layer is MoE
  mlp_matrices INTEGER NOT NULL,
  vocab INTEGER NOT NULL,
  tied_embeddings INTEGER NOT NULL,
  qkv_bias INTEGER NOT NULL,
  mla_q_lora_rank INTEGER,
  mla_kv_lora_rank INTEGER,
  mla_qk_nope_head_dim INTEGER,
  mla_qk_rope_head_dim INTEGER,
  mla_v_head_dim INTEGER,
  moe_experts INTEGER,
  moe_active INTEGER,
  moe_shared INTEGER,
  moe_expert_ffn INTEGER,
  moe_shared_ffn INTEGER,
  moe_dense_layers INTEGER,
  sliding_window INTEGER,
  sliding_window_layers INTEGER,
  total_params INTEGER NOT NULL,
  active_params INTEGER NOT NULL,
  kv_elements_per_token INTEGER NOT NULL
);
)sql";

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::optional<double> real(const std::optional<Rational>& r) {
  return r ? std::optional<double>(r->to_double()) : std::nullopt;
}

std::optional<std::string> exact(const std::optional<Rational>& r) {
  return r ? std::optional<std::string>(r->exact_text()) : std::nullopt;
}

// Reading chips back: a value a spec could not have given (a file changed by hand or by
// another program) is refused, naming the chip and the column, rather than read as 0,
// negative or unknown. `where` is the database's description.
// More processing units than any spec has: a unit index beyond it is damage.
constexpr int64_t kMaxUnits = 1024;

struct RowReader {
  const sqlite::Statement& st;
  const std::string& where;
  std::string_view table;
  std::string_view chip;

  [[noreturn]] void refuse(int col, std::string_view problem) const {
    throw DatabaseError(fmt::format("database '{}' is damaged: chip '{}', {}.{}: {}", where, chip,
                                    table, st.column_name(col), problem));
  }
  std::string shown(int col) const {
    switch (st.column_type(col)) {
      case SQLITE_TEXT:
        return fmt::format("'{}'", st.text(col));
      case SQLITE_BLOB:
        return "a blob";
      default:
        return st.text(col);
    }
  }
  // REAL columns hold the values the specs wrote in decimal; the shortest round-trip text
  // gives the exact decimal back. A finite, non-negative number that Rational holds, or NULL.
  std::optional<Rational> number(int col) const {
    switch (st.column_type(col)) {
      case SQLITE_NULL:
        return std::nullopt;
      case SQLITE_INTEGER:
      case SQLITE_FLOAT:
        break;
      default:
        refuse(col, fmt::format("{} is not a number", shown(col)));
    }
    double x = st.real(col);
    if (!std::isfinite(x)) refuse(col, fmt::format("{} is not a finite number", x));
    if (x < 0) refuse(col, fmt::format("{} is negative", shown(col)));
    std::optional<Rational> r = st.column_type(col) == SQLITE_INTEGER
                                    ? std::optional<Rational>(Rational(st.integer(col)))
                                    : Rational::from_double(x);
    if (!r) refuse(col, fmt::format("{} is out of the range exctl represents exactly", x));
    return r;
  }
  // An INTEGER column within min..max, or NULL when `nullable`.
  std::optional<int64_t> integer(int col, int64_t min, int64_t max, bool nullable = false) const {
    if (nullable && st.is_null(col)) return std::nullopt;
    if (st.column_type(col) != SQLITE_INTEGER)
      refuse(col, fmt::format("{} is not an integer", st.is_null(col) ? "NULL" : shown(col)));
    int64_t v = st.integer(col);
    if (v < min || v > max) refuse(col, fmt::format("{} is outside {}..{}", v, min, max));
    return v;
  }
  // A name from a closed set (kind, status, role, confidence).
  template <typename T>
  T name(int col, std::optional<T> (*from_name)(std::string_view)) const {
    if (auto v = from_name(st.text(col))) return *v;
    refuse(col, fmt::format("{} is not a known value", shown(col)));
  }
};

// The chip a child row belongs to; a row of no chip means a damaged file.
Chip& owner(std::vector<Chip>& chips, const std::map<std::string, size_t>& index,
            const sqlite::Statement& st, const std::string& where, std::string_view table) {
  auto it = index.find(st.text(0));
  if (it == index.end())
    throw DatabaseError(fmt::format("database '{}' is damaged: a row of {} names no chip ('{}')",
                                    where, table, st.text(0)));
  return chips[it->second];
}

// The metrics must be computable exactly: a value that overflows them (9e17 TFLOPS) is
// refused here, where the column can be named, not later as an internal error. The column
// named is the first whose removal lets the metrics be computed.
void check_metrics(Chip& c, const std::string& where) {
  try {
    (void)compute_metrics(c, MetricOptions{});
    return;
  } catch (const std::overflow_error&) {
  }
  std::vector<std::pair<std::string, std::optional<Rational>*>> values = {
      {"chips.memory_bandwidth_gbps", &c.memory_bandwidth_gbps},
      {"chips.hbm_stack_bandwidth_gbps", &c.hbm_stack_bandwidth_gbps},
      {"chips.hbm_stack_footprint_mm2", &c.hbm_stack_footprint_mm2}};
  for (size_t u = 0; u < c.units.size(); ++u) {
    for (size_t i = 0; i < kPrecisionCount; ++i) {
      values.emplace_back(
          fmt::format("chip_units.{} (unit {})", precision_key(kAllPrecisions[i]), u),
          &c.units[u].peak[i]);
    }
  }
  for (size_t d = 0; d < c.dies.size(); ++d)
    values.emplace_back(fmt::format("chip_dies.area_mm2 (die {})", d), &c.dies[d].area_mm2);
  std::string culprit = "its figures";
  for (auto& [name, value] : values) {
    if (!*value) continue;
    std::optional<Rational> kept = std::exchange(*value, std::nullopt);
    bool fixed = true;
    try {
      (void)compute_metrics(c, MetricOptions{});
    } catch (const std::overflow_error&) {
      fixed = false;
    }
    *value = kept;
    if (fixed) {
      culprit = fmt::format("{} = {}", name, kept->exact_text());
      break;
    }
  }
  throw DatabaseError(fmt::format(
      "database '{}' is damaged: chip '{}', {}: its metrics are beyond exact arithmetic "
      "(about 9.2e18)",
      where, c.id, culprit));
}

// The limits of a spec value, as TableReader::number (engine/base/toml_reader.hpp) reads it.
constexpr int64_t kMaxSpecNumber = 1'000'000'000;
constexpr int64_t kSpecDecimalUnit = 10'000;

// Puts the stored ranges back on their values (schema 5). A range that no spec could give
// (of a value the chip lacks, not holding it, bounds past a spec value's limits) is damage.
// The rows of the chips `ids` only (all chips when null): a WHERE clause on `column`,
// its values bound by bind_ids.
std::string where_ids(std::string_view column, const std::vector<std::string>* ids) {
  if (!ids) return "";
  std::string params;
  for (size_t i = 0; i < ids->size(); ++i)
    params += fmt::format("{}?{}", i ? "," : "", i + 1);
  return fmt::format(" WHERE {} IN ({})", column, params);
}
sqlite::Statement select_of(sqlite::Connection& conn, const std::string& sql,
                            const std::vector<std::string>* ids) {
  auto st = conn.prepare(sql);
  if (ids)
    for (size_t i = 0; i < ids->size(); ++i)
      st.bind(static_cast<int>(i + 1), (*ids)[i]);
  return st;
}

void load_ranges(sqlite::Connection& conn, const std::string& description, std::vector<Chip>& chips,
                 const std::map<std::string, size_t>& index, const std::vector<std::string>* ids) {
  auto st = select_of(conn,
                      "SELECT chip_id, value_key, low, high, source FROM chip_ranges" +
                          where_ids("chip_id", ids) + " ORDER BY chip_id, value_key",
                      ids);
  std::string slots_of;  // the chip whose slots are in `slots`
  std::vector<Chip::RangeSlot> slots;
  while (st.step()) {
    Chip& c = owner(chips, index, st, description, "chip_ranges");
    const RowReader row{st, description, "chip_ranges", c.id};
    if (slots_of != c.id) {
      slots = c.range_slots();
      slots_of = c.id;
    }
    const std::string key = st.text(1);
    auto slot = std::find_if(slots.begin(), slots.end(),
                             [&](const Chip::RangeSlot& s) { return s.key == key; });
    if (slot == slots.end() || !*slot->value)
      row.refuse(1, fmt::format("'{}' is not a value this chip has", key));
    // The bounds are spec values: within a value's limits (TableReader::number).
    auto bound = [&](int col) {
      std::optional<Rational> v = row.number(col);
      if (!v) row.refuse(col, "NULL is not a bound");
      if (*v > Rational(kMaxSpecNumber) || kSpecDecimalUnit % v->den() != 0)
        row.refuse(col, fmt::format("{} is not a value a spec could give", v->exact_text()));
      return *v;
    };
    Rational low = bound(2), high = bound(3);
    if (low > high || **slot->value < low || **slot->value > high)
      row.refuse(2, fmt::format("{} to {} does not hold the value {}", low.exact_text(),
                                high.exact_text(), (*slot->value)->exact_text()));
    std::string source = st.text(4);
    if (source.empty()) row.refuse(4, "the source is empty");
    *slot->range = ValueRange{low, high, std::move(source), Span{}};
  }
}

std::optional<std::string> nonempty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

Database Database::open(const std::string& path, Mode mode) {
  bool exists = std::filesystem::exists(path);
  if (!exists && mode == Mode::read_only)
    throw DatabaseError(fmt::format("database '{}' does not exist", path));
  int flags =
      mode == Mode::read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // A writer killed mid-transaction leaves a hot journal that only a connection that may write
  // can roll back; a reader would fail with "attempt to write a readonly database". Recover
  // first where the file may be written (the rollback restores the state before the write).
  if (mode == Mode::read_only && exists && std::filesystem::exists(path + "-journal")) {
    try {
      auto recover = sqlite::Connection::open(path, SQLITE_OPEN_READWRITE);
      recover.exec("SELECT count(*) FROM sqlite_master");
    } catch (const sqlite::SqliteError&) {
      // Not writable here: the read below reports what is wrong.
    }
  }
  try {
    Database db(sqlite::Connection::open(path, flags), path, mode == Mode::read_only, !exists);
    db.conn_.exec("PRAGMA foreign_keys = ON");
    db.check_version(mode == Mode::read_write);
    return db;
  } catch (const sqlite::SqliteError& e) {
    throw DatabaseError(fmt::format("cannot open database '{}': {}", path, e.what()));
  }
}

Database Database::open_image(const unsigned char* data, size_t size) {
  try {
    Database db(sqlite::Connection::open_image(data, size), "built-in", true, false);
    db.check_version(false);
    return db;
  } catch (const sqlite::SqliteError& e) {
    throw DatabaseError(fmt::format("the built-in database is damaged: {}", e.what()));
  }
}

void Database::check_version(bool may_create) {
  int64_t app = conn_.pragma_int("application_id");
  int64_t version = conn_.pragma_int("user_version");
  int64_t tables = 0;
  {
    auto st = conn_.prepare("SELECT count(*) FROM sqlite_master");
    if (st.step()) tables = st.integer(0);
  }
  version_ = version;
  if (app == 0 && version == 0 && tables == 0) {
    if (!may_create)
      throw DatabaseError(
          fmt::format("'{}' is an empty database, not an exctl chip database", description_));
    create_schema();
    version_ = kSchemaVersion;
    return;
  }
  if (app != kApplicationId) {
    throw DatabaseError(
        fmt::format("'{}' is not an exctl chip database (application_id {:#x}); refusing to use it",
                    description_, app));
  }
  if (version > kSchemaVersion) {
    throw DatabaseError(
        fmt::format("'{}' has schema version {}, newer than this exctl reads ({}); upgrade exctl",
                    description_, version, kSchemaVersion));
  }
  if (version < 1)
    throw DatabaseError(fmt::format("'{}' has no schema version; it is damaged", description_));
  if (version < kSchemaVersion && may_create) {
    upgrade();
    version_ = kSchemaVersion;
  }
}

void Database::upgrade() {
  // Decided by what the file holds rather than by its version number alone, so that a
  // step already done is not done again.
  sqlite::Transaction tx(conn_);
  // 1 -> 2: the models table.
  if (!has_table("models")) conn_.exec(kModelsSchema);
  // 2 -> 3: provenance columns instead of chip_sources rows.
  if (has_table("chip_sources")) {
    conn_.exec(add_provenance_columns());
    for (auto group : kGroups) {
      conn_.exec(
          fmt::format("UPDATE chips SET ({0}_source, {0}_confidence, {0}_estimated, {0}_notes) = "
                      "(SELECT source, confidence, estimated, notes FROM chip_sources "
                      "WHERE chip_id = chips.id AND grp = '{0}')",
                      group));
    }
    conn_.exec("DROP TABLE chip_sources");
  }
  // 2 -> 3: one chip_units row per processing unit instead of one row per precision.
  if (has_table("chip_throughput")) {
    conn_.exec(units_table());
    std::vector<std::string> figures, sparse;
    for (Precision p : kAllPrecisions) {
      auto key = precision_key(p);
      figures.push_back(fmt::format("max(CASE WHEN precision = '{0}' THEN tflops END)", key));
      sparse.push_back(fmt::format(
          "coalesce(max(CASE WHEN precision = '{0}' AND sparse THEN '{0},' END), '')", key));
    }
    conn_.exec(fmt::format(
        "INSERT INTO chip_units SELECT chip_id, unit, max(unit_name), {}, rtrim({}, ',') "
        "FROM chip_throughput GROUP BY chip_id, unit",
        fmt::join(figures, ", "), fmt::join(sparse, " || ")));
    conn_.exec("DROP TABLE chip_throughput");
  }
  // 2 -> 3: child tables without a separate rowid.
  const std::pair<const char*, const char*> rebuilt[] = {
      {"chip_aliases", kAliasesTable}, {"chip_dies", kDiesTable}, {"chip_metrics", kMetricsTable}};
  for (const auto& [name, ddl] : rebuilt) {
    auto st = conn_.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1");
    st.bind(1, std::string_view(name));
    if (!st.step() || st.text(0).find("WITHOUT ROWID") != std::string::npos) continue;
    st.reset();
    conn_.exec(fmt::format("ALTER TABLE {0} RENAME TO {0}_v2", name));
    conn_.exec(ddl);
    conn_.exec(fmt::format("INSERT INTO {0} SELECT * FROM {0}_v2; DROP TABLE {0}_v2", name));
  }
  if (!has_view("chip_sources")) conn_.exec(compatibility_views());
  // 3 -> 4: the US availability date.
  if (!has_column("chips", "us_available")) conn_.exec(kAddUsAvailable);
  // 4 -> 5: value ranges (none were stored before).
  if (!has_table("chip_ranges")) conn_.exec(kRangesTable);
  conn_.exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion));
  tx.commit();
}

bool Database::has_view(const char* name) {
  auto st = conn_.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'view' AND name = ?1");
  st.bind(1, std::string_view(name));
  return st.step() && st.integer(0) > 0;
}

bool Database::has_column(const char* table, const char* column) {
  auto st = conn_.prepare("SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2");
  st.bind(1, std::string_view(table));
  st.bind(2, std::string_view(column));
  return st.step() && st.integer(0) > 0;
}

bool Database::has_table(const char* name) {
  auto st = conn_.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1");
  st.bind(1, std::string_view(name));
  return st.step() && st.integer(0) > 0;
}

void Database::create_schema() {
  sqlite::Transaction tx(conn_);
  conn_.exec(kChipsTable);
  conn_.exec(add_provenance_columns());
  conn_.exec(kAddUsAvailable);
  conn_.exec(kAliasesTable);
  conn_.exec(units_table());
  conn_.exec(kDiesTable);
  conn_.exec(kMetricsTable);
  conn_.exec(kRangesTable);
  conn_.exec(compatibility_views());
  conn_.exec(kModelsSchema);
  conn_.exec(fmt::format("PRAGMA application_id = {}", kApplicationId));
  conn_.exec(fmt::format("PRAGMA user_version = {}", kSchemaVersion));
  tx.commit();
}

size_t Database::chip_count() {
  auto st = conn_.prepare("SELECT count(*) FROM chips");
  return st.step() ? static_cast<size_t>(st.integer(0)) : 0;
}

void Database::relax_durability_for_new_file() {
  if (!created_ || read_only_) {
    throw DatabaseError(fmt::format(
        "database '{}' was not created by this import; it keeps its journal", description_));
  }
  conn_.exec("PRAGMA journal_mode = OFF");
  conn_.exec("PRAGMA synchronous = OFF");
}

std::vector<std::string> Database::chip_ids() {
  std::vector<std::string> ids;
  auto st = conn_.prepare("SELECT id FROM chips ORDER BY id");
  while (st.step())
    ids.push_back(st.text(0));
  return ids;
}

void Database::upsert(const std::vector<Chip>& chips, const std::vector<MetricsRow>& metrics) {
  if (read_only_) throw DatabaseError(fmt::format("database '{}' is read-only", description_));
  if (metrics.size() != chips.size()) throw std::invalid_argument("one metrics row per chip");
  sqlite::Transaction tx(conn_);
  ChipWriter writer(*this, true);
  for (size_t i = 0; i < chips.size(); ++i)
    writer.write(chips[i], metrics[i]);
  tx.commit();
}

namespace {

std::string insert_chip_sql() {
  std::vector<std::string> columns(kChipColumns.begin(), kChipColumns.end());
  for (auto group : kGroups) {
    for (auto field : kProvenanceFields)
      columns.push_back(provenance_column(group, field));
  }
  columns.push_back("us_available");
  std::vector<std::string> params;
  for (size_t i = 1; i <= columns.size(); ++i)
    params.push_back(fmt::format("?{}", i));
  return fmt::format("INSERT INTO chips ({}) VALUES ({})", fmt::join(columns, ", "),
                     fmt::join(params, ","));
}

std::string insert_unit_sql() {
  std::vector<std::string> params;
  for (size_t i = 1; i <= 4 + kPrecisionCount; ++i)
    params.push_back(fmt::format("?{}", i));
  return fmt::format("INSERT INTO chip_units VALUES ({})", fmt::join(params, ","));
}

}  // namespace

ChipWriter::ChipWriter(Database& db, bool replace)
    : replace_(replace),
      del_(db.connection().prepare("DELETE FROM chips WHERE id = ?1")),
      chip_(db.connection().prepare(insert_chip_sql())),
      alias_(db.connection().prepare("INSERT INTO chip_aliases VALUES (?1,?2,?3)")),
      unit_(db.connection().prepare(insert_unit_sql())),
      die_(db.connection().prepare("INSERT INTO chip_dies VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)")),
      metrics_(
          db.connection().prepare("INSERT INTO chip_metrics VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)")),
      range_(db.connection().prepare("INSERT INTO chip_ranges VALUES (?1,?2,?3,?4,?5)")) {
  if (db.read_only())
    throw DatabaseError(fmt::format("database '{}' is read-only", db.description()));
}

void ChipWriter::write(const Chip& c, const MetricsRow& m) {
  // Texts are bound without a copy: every one outlives the run() that resets its statement.
  // An empty optional text is stored as NULL (left unbound).
  auto text_or_null = [](sqlite::Statement& st, int index, const std::string& s) {
    if (!s.empty()) st.bind_static(index, s);
  };
  // Parameters are numbered from 1, in the order of kChipColumns.
  auto param = [](int col) { return col + 1; };
  if (replace_) del_.bind_static(1, c.id).run();
  chip_.bind_static(param(column("id")), c.id);
  chip_.bind_static(param(column("vendor")), c.vendor);
  chip_.bind_static(param(column("name")), c.name);
  chip_.bind(param(column("year")), int64_t{c.year});
  if (c.datacenter) chip_.bind(param(column("datacenter")), int64_t{*c.datacenter ? 1 : 0});
  text_or_null(chip_, param(column("origin")), c.origin);
  chip_.bind_static(param(column("kind")), chip_kind_name(c.kind));
  chip_.bind_static(param(column("status")), chip_status_name(c.status));
  text_or_null(chip_, param(column("notes")), c.notes);
  text_or_null(chip_, param(column("memory_type")), c.memory_type);
  text_or_null(chip_, param(column("chip_to_chip_name")), c.chip_to_chip_name);
  text_or_null(chip_, param(column("host_link_name")), c.host_link_name);
  for (const StoredNumber& n : stored_numbers())
    chip_.bind(param(n.column), real(c.*n.member));
  if (c.hbm_stacks) chip_.bind(param(column("hbm_stacks")), int64_t{*c.hbm_stacks});
  chip_.bind(param(column("hbm_stack_bandwidth_gbps")), real(c.hbm_stack_bandwidth_gbps));
  chip_.bind(param(column("hbm_stack_footprint_mm2")), real(c.hbm_stack_footprint_mm2));
  chip_.bind(param(column("explicit_units")), int64_t{c.explicit_units ? 1 : 0});
  const std::string us_available = us_available_text(c.us_available);
  text_or_null(chip_, param(kUsAvailableColumn), us_available);
  const auto provenance = provenances(c);
  std::array<std::string, kGroups.size()> estimated;
  for (size_t g = 0; g < provenance.size(); ++g) {
    const Provenance& p = *provenance[g];
    if (!p.present) continue;
    int column = kChipBaseColumns + 1 + static_cast<int>(g * kProvenanceFields.size());
    estimated[g] = join(p.estimated);
    chip_.bind_static(column, p.source).bind_static(column + 1, confidence_name(p.confidence));
    chip_.bind_static(column + 2, estimated[g]);
    text_or_null(chip_, column + 3, p.notes);
  }
  chip_.run();
  for (size_t i = 0; i < c.aliases.size(); ++i) {
    alias_.bind_static(1, c.id).bind(2, static_cast<int64_t>(i)).bind_static(3, c.aliases[i]);
    alias_.run();
  }
  for (size_t u = 0; u < c.units.size(); ++u) {
    const ProcessingUnit& unit = c.units[u];
    std::string sparse;
    unit_.bind_static(1, c.id).bind(2, static_cast<int64_t>(u));
    text_or_null(unit_, 3, unit.name);
    for (size_t i = 0; i < kPrecisionCount; ++i) {
      Precision p = kAllPrecisions[i];
      if (const auto& v = unit.at(p)) unit_.bind(4 + static_cast<int>(i), v->to_double());
      if (unit.is_sparse(p)) sparse += (sparse.empty() ? "" : ",") + std::string(precision_key(p));
    }
    unit_.bind_static(4 + static_cast<int>(kPrecisionCount), sparse);
    unit_.run();
  }
  for (size_t i = 0; i < c.dies.size(); ++i) {
    const Die& d = c.dies[i];
    std::string die_estimated = join(d.estimated);
    die_.bind_static(1, c.id).bind(2, static_cast<int64_t>(i)).bind_static(3, d.name);
    die_.bind_static(4, die_role_name(d.role)).bind(5, int64_t{d.count});
    die_.bind(6, real(d.area_mm2));
    text_or_null(die_, 7, d.process);
    die_.bind(8, int64_t{d.planar ? 1 : 0}).bind_static(9, die_estimated);
    die_.run();
  }
  // ranged_values() hands out pointers into a chip it may change; this one is only read.
  for (const auto& r : const_cast<Chip&>(c).ranged_values()) {
    range_.bind_static(1, c.id).bind(2, std::string_view(r.key));
    range_.bind(3, r.range->low.to_double()).bind(4, r.range->high.to_double());
    range_.bind_static(5, r.range->source);
    range_.run();
  }
  std::optional<std::string> tpp_exact = exact(m.tpp);
  std::optional<std::string> density_exact = exact(m.performance_density);
  metrics_.bind_static(1, m.chip_id).bind(2, real(m.tpp));
  if (tpp_exact) metrics_.bind_static(3, *tpp_exact);
  text_or_null(metrics_, 4, m.tpp_basis);
  metrics_.bind(5, real(m.performance_density));
  if (density_exact) metrics_.bind_static(6, *density_exact);
  metrics_.bind(7, real(m.applicable_die_area_mm2)).bind(8, real(m.memory_bandwidth_density));
  metrics_.bind_static(9, m.options);
  metrics_.run();
}

std::vector<Chip> Database::load_all() {
  return load_where(nullptr);
}

std::vector<Chip> Database::load(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  return load_where(&ids);
}

std::vector<ChipName> Database::chip_names() {
  sqlite::ReadTransaction snapshot(conn_);
  std::vector<ChipName> names;
  std::map<std::string, size_t> index;
  auto st = conn_.prepare("SELECT id, name FROM chips ORDER BY id");
  while (st.step()) {
    index[st.text(0)] = names.size();
    names.push_back({st.text(0), st.text(1), {}});
  }
  auto alias = conn_.prepare("SELECT chip_id, alias FROM chip_aliases ORDER BY chip_id, position");
  while (alias.step()) {
    auto it = index.find(alias.text(0));
    if (it == index.end())
      throw DatabaseError(
          fmt::format("database '{}' is damaged: a row of chip_aliases names no chip ('{}')",
                      description_, alias.text(0)));
    names[it->second].aliases.push_back(alias.text(1));
  }
  return names;
}

std::vector<Chip> Database::load_where(const std::vector<std::string>* ids) {
  // Schema 3 keeps the provenance in chips and the figures in chip_units; older files have
  // chip_sources and chip_throughput tables (which schema 3 offers as views, slower to read).
  const bool v3 = version_ >= 3;
  sqlite::ReadTransaction snapshot(conn_);
  std::vector<Chip> chips;
  std::map<std::string, size_t> index;
  std::string columns = fmt::format("{}", fmt::join(kChipColumns, ", "));
  if (v3) {
    for (auto group : kGroups) {
      for (auto field : kProvenanceFields)
        columns += ", " + provenance_column(group, field);
    }
  }
  const bool v4 = version_ >= 4;
  if (v4) columns += ", us_available";
  auto st = select_of(
      conn_, fmt::format("SELECT {} FROM chips{} ORDER BY id", columns, where_ids("id", ids)), ids);
  while (st.step()) {
    Chip c;
    c.id = st.text(column("id"));
    const RowReader row{st, description_, "chips", c.id};
    c.vendor = st.text(column("vendor"));
    c.name = st.text(column("name"));
    c.year = static_cast<int>(*row.integer(column("year"), 1990, 2100));
    if (auto dc = row.integer(column("datacenter"), 0, 1, true)) c.datacenter = *dc != 0;
    c.origin = st.text(column("origin"));
    c.kind = row.name<ChipKind>(column("kind"), chip_kind_from_name);
    c.status = row.name<ChipStatus>(column("status"), chip_status_from_name);
    c.notes = st.text(column("notes"));
    c.memory_type = st.text(column("memory_type"));
    c.chip_to_chip_name = st.text(column("chip_to_chip_name"));
    c.host_link_name = st.text(column("host_link_name"));
    for (const StoredNumber& n : stored_numbers())
      c.*n.member = row.number(n.column);
    if (auto s = row.integer(column("hbm_stacks"), 1, 64, true))
      c.hbm_stacks = static_cast<int>(*s);
    c.hbm_stack_bandwidth_gbps = row.number(column("hbm_stack_bandwidth_gbps"));
    c.hbm_stack_footprint_mm2 = row.number(column("hbm_stack_footprint_mm2"));
    c.explicit_units = *row.integer(column("explicit_units"), 0, 1) != 0;
    if (v3) {
      auto provenance = provenances(c);
      for (size_t g = 0; g < provenance.size(); ++g) {
        int column = kChipBaseColumns + static_cast<int>(g * kProvenanceFields.size());
        if (st.is_null(column)) continue;
        Provenance& p = *provenance[g];
        p.present = true;
        p.source = st.text(column);
        p.confidence = row.name<Confidence>(column + 1, confidence_from_name);
        p.estimated = split(st.text(column + 2));
        p.notes = st.text(column + 3);
      }
    }
    if (v4 && !st.is_null(kUsAvailableColumn)) {
      std::string text = st.text(kUsAvailableColumn);
      if (text == "never")
        c.us_available = Chip::kNeverInUs;
      else if (auto d = parse_date(text))
        c.us_available = *d;
      else
        throw DatabaseError(fmt::format(
            "database '{}' is damaged: chips.us_available of '{}' is '{}', not a date or never",
            description_, c.id, text));
    }
    c.origin_file = description_;
    index[c.id] = chips.size();
    chips.push_back(std::move(c));
  }
  auto alias = select_of(conn_,
                         "SELECT chip_id, alias FROM chip_aliases" + where_ids("chip_id", ids) +
                             " ORDER BY chip_id, position",
                         ids);
  while (alias.step())
    owner(chips, index, alias, description_, "chip_aliases").aliases.push_back(alias.text(1));

  if (v3) {
    auto units = select_of(
        conn_, "SELECT * FROM chip_units" + where_ids("chip_id", ids) + " ORDER BY chip_id, unit",
        ids);
    while (units.step()) {
      Chip& c = owner(chips, index, units, description_, "chip_units");
      const RowReader row{units, description_, "chip_units", c.id};
      auto u = static_cast<size_t>(*row.integer(1, 0, kMaxUnits - 1));
      if (c.units.size() <= u) c.units.resize(u + 1);
      ProcessingUnit& unit = c.units[u];
      unit.name = units.text(2);
      for (size_t i = 0; i < kPrecisionCount; ++i)
        unit.peak[i] = row.number(3 + static_cast<int>(i));
      for (const auto& key : split(units.text(3 + static_cast<int>(kPrecisionCount)))) {
        if (auto p = precision_from_key(key)) unit.sparse[static_cast<size_t>(*p)] = true;
      }
    }
  } else {
    auto tp = select_of(conn_,
                        "SELECT chip_id, unit, unit_name, precision, tflops, sparse FROM "
                        "chip_throughput" +
                            where_ids("chip_id", ids) + " ORDER BY chip_id, unit",
                        ids);
    while (tp.step()) {
      Chip& c = owner(chips, index, tp, description_, "chip_throughput");
      const RowReader row{tp, description_, "chip_throughput", c.id};
      auto u = static_cast<size_t>(*row.integer(1, 0, kMaxUnits - 1));
      if (c.units.size() <= u) c.units.resize(u + 1);
      c.units[u].name = tp.text(2);
      if (auto p = precision_from_key(tp.text(3))) {
        c.units[u].peak[static_cast<size_t>(*p)] = row.number(4);
        c.units[u].sparse[static_cast<size_t>(*p)] = tp.integer(5) != 0;
      }
    }
  }
  auto dies = select_of(conn_,
                        "SELECT chip_id, name, role, count, area_mm2, process, planar, estimated "
                        "FROM chip_dies" +
                            where_ids("chip_id", ids) + " ORDER BY chip_id, position",
                        ids);
  while (dies.step()) {
    Chip& c = owner(chips, index, dies, description_, "chip_dies");
    const RowReader row{dies, description_, "chip_dies", c.id};
    Die d;
    d.name = dies.text(1);
    d.role = row.name<DieRole>(2, die_role_from_name);
    d.count = static_cast<int>(*row.integer(3, 1, 1000));
    d.area_mm2 = row.number(4);
    d.process = dies.text(5);
    d.planar = *row.integer(6, 0, 1) != 0;
    d.estimated = split(dies.text(7));
    c.dies.push_back(std::move(d));
  }
  if (version_ >= 5) load_ranges(conn_, description_, chips, index, ids);
  if (v3) {
    for (auto& c : chips)
      check_metrics(c, description_);
    return chips;
  }
  auto src =
      select_of(conn_,
                "SELECT chip_id, grp, source, confidence, estimated, notes FROM chip_sources" +
                    where_ids("chip_id", ids),
                ids);
  while (src.step()) {
    Chip& c = owner(chips, index, src, description_, "chip_sources");
    const RowReader row{src, description_, "chip_sources", c.id};
    auto provenance = provenances(c);
    auto g = std::find(kGroups.begin(), kGroups.end(), src.text(1));
    if (g == kGroups.end()) continue;
    Provenance& p = *provenance[static_cast<size_t>(g - kGroups.begin())];
    p.present = true;
    p.source = src.text(2);
    p.confidence = row.name<Confidence>(3, confidence_from_name);
    p.estimated = split(src.text(4));
    p.notes = src.text(5);
  }
  for (auto& c : chips)
    check_metrics(c, description_);
  return chips;
}

void Database::upsert_models(const std::vector<roofline::Model>& models) {
  if (read_only_) throw DatabaseError(fmt::format("database '{}' is read-only", description_));
  sqlite::Transaction tx(conn_);
  auto ins = conn_.prepare(
      "INSERT OR REPLACE INTO models VALUES "
      "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,"
      "?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33)");
  auto opt = [](bool present, int64_t v) {
    return present ? std::optional<int64_t>(v) : std::nullopt;
  };
  for (const auto& m : models) {
    roofline::ParamCounts p = roofline::count_params(m);
    ins.bind(1, m.id).bind(2, m.name).bind(3, m.source).bind(4, nonempty(m.notes));
    ins.bind(5, m.params_billion).bind(6, m.active_params_billion).bind(7, m.context_length);
    ins.bind(8, m.layers).bind(9, m.hidden).bind(10, m.heads);
    ins.bind(11, opt(!m.mla, m.kv_heads))
        .bind(12, opt(!m.mla, m.head_dim))
        .bind(13, opt(m.ffn > 0, m.ffn));
    ins.bind(14, m.mlp_matrices).bind(15, m.vocab);
    ins.bind(16, int64_t{m.tied_embeddings ? 1 : 0}).bind(17, int64_t{m.qkv_bias ? 1 : 0});
    const roofline::MlaConfig a = m.mla.value_or(roofline::MlaConfig{});
    ins.bind(18, opt(m.mla.has_value(), a.q_lora_rank))
        .bind(19, opt(m.mla.has_value(), a.kv_lora_rank));
    ins.bind(20, opt(m.mla.has_value(), a.qk_nope_head_dim))
        .bind(21, opt(m.mla.has_value(), a.qk_rope_head_dim));
    ins.bind(22, opt(m.mla.has_value(), a.v_head_dim));
    const roofline::MoeConfig e = m.moe.value_or(roofline::MoeConfig{});
    bool moe = m.moe.has_value();
    ins.bind(23, opt(moe, e.experts)).bind(24, opt(moe, e.active)).bind(25, opt(moe, e.shared));
    ins.bind(26, opt(moe, e.expert_ffn))
        .bind(27, opt(moe, e.shared_ffn))
        .bind(28, opt(moe, e.dense_layers));
    const roofline::SlidingWindow w = m.sliding_window.value_or(roofline::SlidingWindow{});
    ins.bind(29, opt(m.sliding_window.has_value(), w.window))
        .bind(30, opt(m.sliding_window.has_value(), w.layers));
    ins.bind(31, p.total).bind(32, p.active).bind(33, roofline::kv_elements_per_token(m));
    ins.run();
  }
  tx.commit();
}

std::vector<roofline::Model> Database::load_models() {
  sqlite::ReadTransaction snapshot(conn_);
  std::vector<roofline::Model> models;
  if (!has_table("models")) return models;
  auto st = conn_.prepare(
      "SELECT id, name, source, notes, params_billion, active_params_billion, context_length, "
      "layers, hidden, heads,"
      " kv_heads, head_dim, ffn, mlp_matrices, vocab, tied_embeddings, qkv_bias, mla_q_lora_rank, "
      "mla_kv_lora_rank,"
      " mla_qk_nope_head_dim, mla_qk_rope_head_dim, mla_v_head_dim, moe_experts, moe_active, "
      "moe_shared,"
      " moe_expert_ffn, moe_shared_ffn, moe_dense_layers, sliding_window, sliding_window_layers"
      " FROM models ORDER BY id");
  while (st.step()) {
    roofline::Model m;
    m.id = st.text(0);
    m.name = st.text(1);
    m.source = st.text(2);
    m.notes = st.text(3);
    m.params_billion = st.opt_real(4);
    m.active_params_billion = st.opt_real(5);
    m.context_length = st.integer(6);
    m.layers = st.integer(7);
    m.hidden = st.integer(8);
    m.heads = st.integer(9);
    m.kv_heads = st.opt_integer(10).value_or(0);
    m.head_dim = st.opt_integer(11).value_or(0);
    m.ffn = st.opt_integer(12).value_or(0);
    m.mlp_matrices = st.integer(13);
    m.vocab = st.integer(14);
    m.tied_embeddings = st.integer(15) != 0;
    m.qkv_bias = st.integer(16) != 0;
    if (!st.is_null(18)) {
      m.mla = roofline::MlaConfig{st.opt_integer(17).value_or(0), st.integer(18), st.integer(19),
                                  st.integer(20), st.integer(21)};
    }
    if (!st.is_null(22)) {
      m.moe = roofline::MoeConfig{st.integer(22), st.integer(23), st.integer(24),
                                  st.integer(25), st.integer(26), st.integer(27)};
    }
    if (!st.is_null(28)) m.sliding_window = roofline::SlidingWindow{st.integer(28), st.integer(29)};
    m.origin_file = description_;
    // The build and `chips import` check every config; a database written by other means
    // may still hold a shape whose counts leave int64.
    if (auto problem = roofline::model_size_problem(m))
      throw DatabaseError(fmt::format("model '{}' in the models table: {}", m.id, *problem));
    models.push_back(std::move(m));
  }
  return models;
}

}  // namespace exctl::chipdb
