#include "chipdb/database.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/import.hpp"
#include "chipdb/spec_toml.hpp"
#include "engine/metrics/fields.hpp"

using namespace exctl;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("exctl-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

std::string spec(const std::string& id, const std::string& fp16) {
  return "id = \"" + id + "\"\nvendor = \"T\"\nname = \"" + id +
         " name\"\nyear = 2024\nsource = \"s\"\n" +
         "confidence = \"high\"\n\n[compute]\nsource = \"s\"\nconfidence = \"high\"\nfp16 = " +
         fp16 + "\n";
}

// What loading a copy of the database at `path` says after `sql` tampered with it.
std::string load_error_after(const std::string& sql, const std::string& path,
                             const fs::path& scratch) {
  fs::copy_file(path, scratch / "t.db", fs::copy_options::overwrite_existing);
  auto db = chipdb::Database::open((scratch / "t.db").string(), chipdb::Database::Mode::read_write);
  db.connection().exec(sql);
  try {
    db.load_all();
  } catch (const chipdb::DatabaseError& e) {
    return e.what();
  }
  return "read without complaint";
}

}  // namespace

TEST_CASE("the built-in database opens and holds the shipped chips") {
  auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
  CHECK(db.chip_count() == 50);
  CHECK(db.read_only());
  auto metrics =
      db.connection().prepare("SELECT tpp FROM chip_metrics WHERE chip_id = 'nvidia-h20'");
  REQUIRE(metrics.step());
  CHECK(metrics.real(0) == 2368.0);
}

TEST_CASE("a few chips read by id are the same chips load_all reads") {
  auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
  auto all = db.load_all();
  REQUIRE(all.size() > 10);
  // Two chips with aliases, dies and ranges, asked out of order, and one id not stored.
  auto some = db.load({all[7].id, all[2].id, "no-such-chip"});
  REQUIRE(some.size() == 2);
  // In id order, every field the same (as its spec file writes it) and from the same file.
  CHECK(chipdb::write_chip_spec(some[0]) == chipdb::write_chip_spec(all[2]));
  CHECK(chipdb::write_chip_spec(some[1]) == chipdb::write_chip_spec(all[7]));
  CHECK(some[1].origin_file == all[7].origin_file);
  CHECK(db.load({}).empty());
  auto names = db.chip_names();
  REQUIRE(names.size() == all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    CHECK(names[i].id == all[i].id);
    CHECK(names[i].name == all[i].name);
    CHECK(names[i].aliases == all[i].aliases);
  }
}

TEST_CASE("every database column the field catalogue names is in the schema") {
  auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
  for (const auto& f : chip_fields()) {
    if (f.db_table.empty()) continue;
    INFO(f.name);
    CHECK_NOTHROW(
        db.connection().prepare(fmt::format("SELECT {} FROM {}", f.db_column, f.db_table)));
  }
}

TEST_CASE("import adds and updates, and a bad file writes nothing") {
  TempDir tmp;
  std::string db_path = (tmp.path / "chips.db").string();
  write(tmp.path / "a.toml", spec("chip-a", "100"));
  write(tmp.path / "b.toml", spec("chip-b", "200"));
  {
    auto db = chipdb::Database::open(db_path, chipdb::Database::Mode::read_write);
    DiagnosticSink sink;
    auto result = chipdb::import_specs(db, {tmp.path.string()}, sink);
    CHECK(sink.empty());
    CHECK(result.added == 2);
  }
  // Second batch: one update, one broken file. Nothing may change.
  fs::remove(tmp.path / "a.toml");
  fs::remove(tmp.path / "b.toml");
  write(tmp.path / "a.toml", spec("chip-a", "999"));
  write(tmp.path / "c.toml", spec("chip-c", "\"oops\""));
  {
    auto db = chipdb::Database::open(db_path, chipdb::Database::Mode::read_write);
    DiagnosticSink sink;
    auto result = chipdb::import_specs(db, {tmp.path.string()}, sink);
    CHECK(sink.has_errors());
    CHECK(result.ids.empty());
    auto chips = db.load_all();
    REQUIRE(chips.size() == 2);
    CHECK(*chips[0].units[0].at(Precision::fp16) == 100);
  }
  // Fixed: the update lands.
  write(tmp.path / "c.toml", spec("chip-c", "300"));
  {
    auto db = chipdb::Database::open(db_path, chipdb::Database::Mode::read_write);
    DiagnosticSink sink;
    auto result = chipdb::import_specs(db, {tmp.path.string()}, sink);
    CHECK(result.added == 1);
    CHECK(result.updated == 1);
    auto chips = db.load_all();
    REQUIRE(chips.size() == 3);
    CHECK(*chips[0].units[0].at(Precision::fp16) == 999);
  }
}

TEST_CASE("a chip survives the database unchanged") {
  TempDir tmp;
  auto builtin =
      chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
  auto db =
      chipdb::Database::open((tmp.path / "copy.db").string(), chipdb::Database::Mode::read_write);
  chipdb::import_chips(db, builtin);
  auto copy = db.load_all();
  REQUIRE(copy.size() == builtin.size());
  for (size_t i = 0; i < copy.size(); ++i) {
    INFO(copy[i].id);
    CHECK(chipdb::write_chip_spec(copy[i]) == chipdb::write_chip_spec(builtin[i]));
  }
}

TEST_CASE("foreign, newer and non-database files are refused") {
  TempDir tmp;
  std::string foreign = (tmp.path / "foreign.db").string();
  {
    auto conn = sqlite::Connection::open(foreign, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    conn.exec("CREATE TABLE t (x); PRAGMA application_id = 42;");
  }
  CHECK_THROWS_WITH(chipdb::Database::open(foreign, chipdb::Database::Mode::read_write),
                    Catch::Contains("not an exctl chip database"));

  std::string newer = (tmp.path / "newer.db").string();
  { chipdb::Database::open(newer, chipdb::Database::Mode::read_write); }
  {
    auto conn = sqlite::Connection::open(newer, SQLITE_OPEN_READWRITE);
    conn.exec("PRAGMA user_version = 99");
  }
  CHECK_THROWS_WITH(chipdb::Database::open(newer, chipdb::Database::Mode::read_only),
                    Catch::Contains("newer than this exctl reads"));

  std::string text = (tmp.path / "text.db").string();
  write(text,
        "this is not sqlite, just some text that is long enough to have a header..............");
  CHECK_THROWS_AS(chipdb::Database::open(text, chipdb::Database::Mode::read_only),
                  chipdb::DatabaseError);
  CHECK_THROWS_AS(
      chipdb::Database::open((tmp.path / "missing.db").string(), chipdb::Database::Mode::read_only),
      chipdb::DatabaseError);
}

TEST_CASE("a tampered value is refused with the chip and the column, never read as another") {
  TempDir tmp;
  std::string path = (tmp.path / "tampered.db").string();
  {
    auto builtin =
        chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
    auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
    chipdb::import_chips(db, builtin);
  }
  auto message_after = [&](const std::string& sql) {
    return load_error_after(sql, path, tmp.path);
  };
  const std::string h100 = " WHERE chip_id = 'nvidia-h100-sxm'";
  CHECK_THAT(message_after("UPDATE chip_units SET fp16 = 'abc'" + h100),
             Catch::Contains("chip 'nvidia-h100-sxm', chip_units.fp16: 'abc' is not a number"));
  CHECK_THAT(message_after("UPDATE chip_units SET fp16 = -5" + h100),
             Catch::Contains("chip 'nvidia-h100-sxm', chip_units.fp16: -5.0 is negative"));
  CHECK_THAT(message_after("UPDATE chip_units SET fp16 = 1e308" + h100),
             Catch::Contains("chip_units.fp16: 1e+308 is out of the range"));
  CHECK_THAT(message_after("UPDATE chip_units SET fp16 = 1e999" + h100),
             Catch::Contains("chip_units.fp16: inf is not a finite number"));
  CHECK_THAT(
      message_after("UPDATE chip_units SET fp16 = 9e17" + h100),
      Catch::Contains("chip 'nvidia-h100-sxm', chip_units.fp16 (unit 0) = 900000000000000000: "
                      "its metrics are beyond exact arithmetic"));
  CHECK_THAT(message_after("UPDATE chip_dies SET area_mm2 = x'00'" + h100),
             Catch::Contains("chip_dies.area_mm2: a blob is not a number"));
  CHECK_THAT(message_after("UPDATE chips SET year = 'x' WHERE id = 'nvidia-h20'"),
             Catch::Contains("chip 'nvidia-h20', chips.year: 'x' is not an integer"));
  CHECK_THAT(message_after("UPDATE chips SET kind = 'gpu' WHERE id = 'nvidia-h20'"),
             Catch::Contains("chips.kind: 'gpu' is not a known value"));
  CHECK_THAT(message_after("UPDATE chip_units SET unit = 1000000" + h100),
             Catch::Contains("chip_units.unit: 1000000 is outside 0..1023"));
  CHECK_THAT(
      message_after("PRAGMA foreign_keys = OFF; INSERT INTO chip_aliases VALUES ('nope', 0, 'x')"),
      Catch::Contains("a row of chip_aliases names no chip ('nope')"));
  CHECK(message_after("UPDATE chip_units SET fp16 = 1979" + h100) == "read without complaint");
}

TEST_CASE("a schema-3 file is read as it is and upgraded on write, its chips kept") {
  TempDir tmp;
  const std::string path = (tmp.path / "v3.db").string();
  auto builtin =
      chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
  {
    auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
    chipdb::import_chips(db, builtin);
  }
  // Schema 3 had no us_available column.
  {
    auto conn = sqlite::Connection::open(path, SQLITE_OPEN_READWRITE);
    conn.exec(
        "DROP TABLE chip_ranges; ALTER TABLE chips DROP COLUMN us_available; "
        "PRAGMA user_version = 3;");
  }
  auto old = chipdb::Database::open(path, chipdb::Database::Mode::read_only).load_all();
  REQUIRE(old.size() == builtin.size());
  for (const auto& c : old)
    CHECK_FALSE(c.us_available.has_value());
  {
    auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
    CHECK(db.connection().pragma_int("user_version") == chipdb::kSchemaVersion);
    REQUIRE(db.load_all().size() == builtin.size());  // nothing stored is lost
    chipdb::import_chips(db, builtin);
  }
  auto back = chipdb::Database::open(path, chipdb::Database::Mode::read_only).load_all();
  REQUIRE(back.size() == builtin.size());
  for (size_t i = 0; i < back.size(); ++i) {
    INFO(back[i].id);
    CHECK(back[i].us_available == builtin[i].us_available);
  }
}

namespace {

// The built-in chips and the test spec that has a range on every value that takes one.
std::vector<Chip> chips_with_ranges() {
  auto chips = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
  DiagnosticSink sink;
  auto ranged = chipdb::read_chip_specs(
      {std::string(EXCTL_SOURCE_DIR) + "/tests/data/test-ranged.toml"}, sink);
  REQUIRE(ranged.size() == 1);
  REQUIRE(ranged[0].has_ranges());
  chips.push_back(ranged[0]);
  std::sort(chips.begin(), chips.end(), [](const Chip& a, const Chip& b) { return a.id < b.id; });
  return chips;
}

size_t range_count(std::vector<Chip>& chips) {
  size_t n = 0;
  for (auto& c : chips)
    n += c.ranged_values().size();
  return n;
}

}  // namespace

TEST_CASE("ranges survive the database, exactly and with their sources") {
  TempDir tmp;
  auto chips = chips_with_ranges();
  auto db =
      chipdb::Database::open((tmp.path / "ranges.db").string(), chipdb::Database::Mode::read_write);
  chipdb::import_chips(db, chips);
  auto back = db.load_all();
  REQUIRE(back.size() == chips.size());
  CHECK(range_count(back) == range_count(chips));
  for (size_t i = 0; i < back.size(); ++i) {
    INFO(back[i].id);
    CHECK(chipdb::write_chip_spec(back[i]) == chipdb::write_chip_spec(chips[i]));
  }
  auto st = db.connection().prepare(
      "SELECT low, high, source FROM chip_ranges WHERE chip_id = 'test-ranged' AND value_key = "
      "'silicon.die[1].area_mm2'");
  REQUIRE(st.step());
  CHECK(st.real(0) == 750.5);
  CHECK(st.real(1) == 858);
  CHECK(st.text(2) == "die: ~800 (estimate), reticle 858");
  // Deleting a chip deletes its ranges.
  db.connection().exec("DELETE FROM chips WHERE id = 'test-ranged'");
  auto left =
      db.connection().prepare("SELECT count(*) FROM chip_ranges WHERE chip_id = 'test-ranged'");
  REQUIRE(left.step());
  CHECK(left.integer(0) == 0);
}

TEST_CASE("a tampered range is refused with the chip and the column") {
  TempDir tmp;
  std::string path = (tmp.path / "ranges.db").string();
  {
    auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
    chipdb::import_chips(db, chips_with_ranges());
  }
  auto message_after = [&](const std::string& sql) {
    return load_error_after(sql, path, tmp.path);
  };
  const std::string bw = " WHERE chip_id = 'test-ranged' AND value_key = 'memory.bandwidth_gbps'";
  CHECK_THAT(message_after("UPDATE chip_ranges SET low = 1700" + bw),
             Catch::Contains("chip 'test-ranged', chip_ranges.low: 1700 to 2300 does not hold the "
                             "value 1640"));
  CHECK_THAT(message_after("UPDATE chip_ranges SET high = 1000" + bw),
             Catch::Contains("1640 to 1000 does not hold"));
  CHECK_THAT(message_after("UPDATE chip_ranges SET high = 1e12" + bw),
             Catch::Contains("chip_ranges.high: 1000000000000 is not a value a spec could give"));
  CHECK_THAT(message_after("UPDATE chip_ranges SET low = -1" + bw),
             Catch::Contains("chip_ranges.low: -1.0 is negative"));
  CHECK_THAT(message_after("UPDATE chip_ranges SET source = ''" + bw),
             Catch::Contains("chip_ranges.source: the source is empty"));
  CHECK_THAT(message_after("UPDATE chip_ranges SET value_key = 'memory.type'" + bw),
             Catch::Contains("chip_ranges.value_key: 'memory.type' is not a value this chip has"));
  CHECK_THAT(message_after("UPDATE chip_ranges SET value_key = 'silicon.die[3].area_mm2' WHERE "
                           "value_key = 'silicon.die[1].area_mm2'"),
             Catch::Contains("'silicon.die[3].area_mm2' is not a value this chip has"));
  CHECK_THAT(
      message_after("UPDATE chips SET memory_bandwidth_gbps = NULL WHERE id = 'test-ranged'"),
      Catch::Contains("'memory.bandwidth_gbps' is not a value this chip has"));
  CHECK_THAT(message_after("PRAGMA foreign_keys = OFF; INSERT INTO chip_ranges VALUES ('nope', "
                           "'power.tdp_w', 1, 2, 'x')"),
             Catch::Contains("a row of chip_ranges names no chip ('nope')"));
  CHECK(message_after("UPDATE chip_ranges SET high = 2400" + bw) == "read without complaint");
}

TEST_CASE("a schema-4 file is read as it is and upgraded on write, its chips kept") {
  TempDir tmp;
  const std::string path = (tmp.path / "v4.db").string();
  auto chips = chips_with_ranges();
  {
    auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
    chipdb::import_chips(db, chips);
  }
  // Schema 4 had no chip_ranges table.
  {
    auto conn = sqlite::Connection::open(path, SQLITE_OPEN_READWRITE);
    conn.exec("DROP TABLE chip_ranges; PRAGMA user_version = 4;");
  }
  // Everything but the ranges, as stored.
  auto without_ranges = [](std::vector<Chip> cs) {
    for (auto& c : cs) {
      for (auto& slot : c.range_slots())
        slot.range->reset();
    }
    return cs;
  };
  auto old = chipdb::Database::open(path, chipdb::Database::Mode::read_only).load_all();
  REQUIRE(old.size() == chips.size());
  CHECK(range_count(old) == 0);
  auto expected = without_ranges(chips);
  for (size_t i = 0; i < old.size(); ++i) {
    INFO(old[i].id);
    CHECK(chipdb::write_chip_spec(old[i]) == chipdb::write_chip_spec(expected[i]));
  }
  {
    auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
    CHECK(db.connection().pragma_int("user_version") == chipdb::kSchemaVersion);
    auto upgraded = db.load_all();  // nothing stored is lost
    REQUIRE(upgraded.size() == chips.size());
    for (size_t i = 0; i < upgraded.size(); ++i) {
      INFO(upgraded[i].id);
      CHECK(chipdb::write_chip_spec(upgraded[i]) == chipdb::write_chip_spec(expected[i]));
    }
    chipdb::import_chips(db, chips);
  }
  auto back = chipdb::Database::open(path, chipdb::Database::Mode::read_only).load_all();
  REQUIRE(back.size() == chips.size());
  CHECK(range_count(back) == range_count(chips));
  for (size_t i = 0; i < back.size(); ++i) {
    INFO(back[i].id);
    CHECK(chipdb::write_chip_spec(back[i]) == chipdb::write_chip_spec(chips[i]));
  }
}
