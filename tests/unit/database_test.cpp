#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"
#include "chipdb/import.hpp"
#include "chipdb/spec_toml.hpp"

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

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::string spec(const std::string& id, const std::string& fp16) {
  return "id = \"" + id + "\"\nvendor = \"T\"\nname = \"" + id + " name\"\nyear = 2024\nsource = \"s\"\n" +
         "confidence = \"high\"\n\n[compute]\nsource = \"s\"\nconfidence = \"high\"\nfp16 = " + fp16 + "\n";
}

}  // namespace

TEST_CASE("the built-in database opens and holds the shipped chips") {
  auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
  CHECK(db.chip_count() == 50);
  CHECK(db.read_only());
  auto metrics = db.connection().prepare("SELECT tpp FROM chip_metrics WHERE chip_id = 'nvidia-h20'");
  REQUIRE(metrics.step());
  CHECK(metrics.real(0) == 2368.0);
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
  auto builtin = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_all();
  auto db = chipdb::Database::open((tmp.path / "copy.db").string(), chipdb::Database::Mode::read_write);
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
  write(text, "this is not sqlite, just some text that is long enough to have a header..............");
  CHECK_THROWS_AS(chipdb::Database::open(text, chipdb::Database::Mode::read_only), chipdb::DatabaseError);
  CHECK_THROWS_AS(chipdb::Database::open((tmp.path / "missing.db").string(), chipdb::Database::Mode::read_only),
                  chipdb::DatabaseError);
}
