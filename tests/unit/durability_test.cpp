// The chip database survives `kill -9`: a child `exctl chips import` is killed at random
// moments, into a new file and into an existing database, and after each kill the file is
// either absent (a new file) or passes PRAGMA integrity_check and holds the old chips or
// all the new ones, never a mix. Two imports at once both finish, neither losing chips.
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "chipdb/sqlite.hpp"

namespace fs = std::filesystem;
using namespace exctl;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("exctl-durability-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// `count` specs gen-<prefix>-<n>, each a valid chip of its own.
fs::path write_specs(const fs::path& dir, const std::string& prefix, int count) {
  fs::path out = dir / prefix;
  fs::create_directories(out);
  for (int i = 0; i < count; ++i) {
    std::string id = "gen-" + prefix + "-" + std::to_string(i);
    std::ofstream(out / (id + ".toml"))
        << "id = \"" << id << "\"\nvendor = \"Gen\"\nname = \"" << id
        << " name\"\nyear = 2024\nsource = \"generated\"\nconfidence = \"low\"\n\n"
        << "[compute]\nsource = \"generated\"\nconfidence = \"low\"\nfp16 = " << (100 + i)
        << "\n\n[memory]\nsource = \"generated\"\nconfidence = \"low\"\nbandwidth_gbps = 1000\n";
  }
  return out;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

pid_t spawn_import(const fs::path& db, const fs::path& specs) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl(EXCTL_BINARY, EXCTL_BINARY, "--db", db.c_str(), "chips", "import", specs.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Its standard error is left in DB.err, to show when it fails.
int run_exctl(const fs::path& db, const char* command, const char* sub) {
  std::string err = db.string() + ".err";
  pid_t pid = ::fork();
  if (pid == 0) {
    int devnull = ::open("/dev/null", O_WRONLY);
    int errors = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(devnull, 1);
    ::dup2(errors, 2);
    ::execl(EXCTL_BINARY, EXCTL_BINARY, "--db", db.c_str(), command, sub,
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return wait_exit(pid);
}

// The ids of the gen-* chips, after an integrity check; throws on a damaged file. First a
// read-only command, as a user's next one would be: it must work after the kill.
std::set<std::string> generated_ids(const fs::path& db) {
  REQUIRE(run_exctl(db, "chips", "list") == 0);
  auto conn = sqlite::Connection::open(db.string(), SQLITE_OPEN_READONLY);
  {
    auto st = conn.prepare("PRAGMA integrity_check");
    REQUIRE(st.step());
    REQUIRE(st.text(0) == "ok");
  }
  std::set<std::string> ids;
  auto st = conn.prepare("SELECT id FROM chips WHERE id LIKE 'gen-%'");
  while (st.step())
    ids.insert(st.text(0));
  return ids;
}

std::set<std::string> ids_of(const std::string& prefix, int count) {
  std::set<std::string> out;
  for (int i = 0; i < count; ++i)
    out.insert("gen-" + prefix + "-" + std::to_string(i));
  return out;
}

// How long an import of `specs` takes, to spread the kills over it.
std::chrono::microseconds time_import(const fs::path& db, const fs::path& specs) {
  auto start = std::chrono::steady_clock::now();
  REQUIRE(wait_exit(spawn_import(db, specs)) == 0);
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start);
}

constexpr int kSpecs = 3000;
constexpr int kKills = 25;  // per case: into a new file and into an existing database

}  // namespace

TEST_CASE("an import killed at any moment leaves no file, or the old chips, or all the new") {
  TempDir tmp;
  fs::path first = write_specs(tmp.path, "a", kSpecs);
  fs::path second = write_specs(tmp.path, "b", kSpecs);
  auto full = time_import(tmp.path / "timing.db", first);
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int64_t> when(0, full.count() * 5 / 4);
  int survived_new = 0, killed_existing = 0;

  SECTION("into a new file") {
    for (int i = 0; i < kKills; ++i) {
      fs::path db = tmp.path / ("new-" + std::to_string(i) + ".db");
      pid_t pid = spawn_import(db, first);
      std::this_thread::sleep_for(std::chrono::microseconds(when(rng)));
      ::kill(pid, SIGKILL);
      wait_exit(pid);
      INFO("kill " << i);
      if (!fs::exists(db)) continue;  // killed before it was complete: no database at all
      ++survived_new;
      CHECK(generated_ids(db) == ids_of("a", kSpecs));
    }
    // No temporary file is taken for the database, and a later import starts afresh.
    fs::path db = tmp.path / "new-0.db";
    fs::remove(db);
    REQUIRE(wait_exit(spawn_import(db, first)) == 0);
    CHECK(generated_ids(db) == ids_of("a", kSpecs));
  }
  SECTION("into an existing database") {
    fs::path db = tmp.path / "existing.db";
    REQUIRE(wait_exit(spawn_import(db, first)) == 0);
    const auto old_ids = ids_of("a", kSpecs);
    auto both = old_ids;
    auto added = ids_of("b", kSpecs);
    both.insert(added.begin(), added.end());
    for (int i = 0; i < kKills; ++i) {
      pid_t pid = spawn_import(db, second);
      std::this_thread::sleep_for(std::chrono::microseconds(when(rng)));
      ::kill(pid, SIGKILL);
      int code = wait_exit(pid);
      INFO("kill " << i);
      auto ids = generated_ids(db);
      CHECK((ids == old_ids || ids == both));
      if (code == -SIGKILL) ++killed_existing;
      if (ids == both) {  // completed before the kill: start again from the old state
        fs::remove(db);
        REQUIRE(wait_exit(spawn_import(db, first)) == 0);
      }
    }
  }
  // Some kills must land mid-import, or the test proves nothing.
  WARN("new files completed before the kill: " << survived_new
                                               << "; existing imports killed: " << killed_existing);
}

TEST_CASE("two imports into one database at once both finish, and neither loses chips") {
  TempDir tmp;
  fs::path db = tmp.path / "shared.db";
  fs::path base = write_specs(tmp.path, "base", 10);
  REQUIRE(wait_exit(spawn_import(db, base)) == 0);
  fs::path first = write_specs(tmp.path, "x", kSpecs);
  fs::path second = write_specs(tmp.path, "y", kSpecs);
  pid_t a = spawn_import(db, first);
  pid_t b = spawn_import(db, second);
  CHECK(wait_exit(a) == 0);
  CHECK(wait_exit(b) == 0);
  auto want = ids_of("base", 10);
  for (const auto& s : {ids_of("x", kSpecs), ids_of("y", kSpecs)})
    want.insert(s.begin(), s.end());
  CHECK(generated_ids(db) == want);
}

TEST_CASE("while an import runs, every reader sees the old chips or all the new ones") {
  TempDir tmp;
  fs::path db = tmp.path / "read.db";
  REQUIRE(wait_exit(spawn_import(db, write_specs(tmp.path, "base", 10))) == 0);
  fs::path fresh = write_specs(tmp.path, "z", kSpecs);
  const auto before = ids_of("base", 10);
  auto after = before;
  for (const auto& id : ids_of("z", kSpecs))
    after.insert(id);
  pid_t import = spawn_import(db, fresh);
  int reads = 0, status = 0;
  bool running = true;
  while (running) {
    running = ::waitpid(import, &status, WNOHANG) == 0;
    // A user's command during the import: it answers, from one state or the other.
    int listed = run_exctl(db, "chips", "list");
    INFO(std::ifstream(db.string() + ".err").rdbuf());
    REQUIRE(listed == 0);
    auto conn = sqlite::Connection::open(db.string(), SQLITE_OPEN_READONLY);
    std::set<std::string> ids;
    auto st = conn.prepare("SELECT id FROM chips WHERE id LIKE 'gen-%'");
    while (st.step())
      ids.insert(st.text(0));
    CHECK((ids == before || ids == after));
    ++reads;
  }
  CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  CHECK(generated_ids(db) == after);
  WARN("reads during the import: " << reads);
}
