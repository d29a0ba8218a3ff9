// Model configs: the TOML reader with positioned diagnostics, exact parameter arithmetic
// against the model cards, and the models table of the database (schema 2).
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"
#include "chipdb/model_toml.hpp"

using namespace exctl;
using roofline::Model;
namespace fs = std::filesystem;

namespace {

constexpr const char* kGood = R"(id = "toy-1b"
name = "Toy 1B"
source = "unit test"
context_length = 4096
layers = 16
hidden = 2048
heads = 16
kv_heads = 4
head_dim = 128
ffn = 8192
vocab = 32000
)";

struct Parsed {
  std::optional<Model> model;
  DiagnosticSink sink;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.model = chipdb::parse_model_config(std::make_shared<SourceFile>("m.toml", text), p.sink);
  return p;
}

// "line:col code" of each diagnostic, in order.
std::vector<std::string> where(const DiagnosticSink& sink) {
  std::vector<std::string> out;
  for (const auto& d : sink.sorted()) {
    auto pos = d.span.file->position(d.span.begin);
    out.push_back(std::to_string(pos.line) + ":" + std::to_string(pos.column) + " " + d.code);
  }
  return out;
}

std::vector<Model> shipped() {
  return chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize).load_models();
}

const Model& shipped_model(const std::vector<Model>& models, std::string_view id) {
  for (const auto& m : models) {
    if (m.id == id) return m;
  }
  FAIL("no model " << id);
  return models.front();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("exctl-model-test-" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("a good model config parses") {
  auto p = parse(kGood);
  REQUIRE(p.model);
  CHECK(p.sink.empty());
  CHECK(p.model->kv_heads == 4);
  CHECK(p.model->mlp_matrices == 3);  // default: gated MLP
  CHECK_FALSE(p.model->tied_embeddings);
  CHECK_FALSE(p.model->moe);
}

TEST_CASE("model config errors carry line, column and a stable code") {
  SECTION("syntax") {
    auto p = parse("id = \"x\"\nlayers = = 3\n");
    CHECK_FALSE(p.model);
    CHECK(where(p.sink) == std::vector<std::string>{"2:10 E0201"});
  }
  SECTION("unknown key with a suggestion") {
    auto p = parse(std::string(kGood) + "kv_head = 8\n");
    CHECK(where(p.sink) == std::vector<std::string>{"12:1 E0204"});
    CHECK(p.sink.sorted()[0].notes.at(0) == "did you mean 'kv_heads'?");
  }
  SECTION("wrong type and out of range") {
    auto p = parse(std::string(kGood) +
                   "[moe]\nexperts = \"8\"\nactive = 0\nexpert_ffn = 1024\ndense_layers = 1\n");
    CHECK(where(p.sink) == std::vector<std::string>{"13:11 E0205", "14:10 E0206"});
  }
  SECTION("GQA heads that do not divide") {
    std::string text = kGood;
    text.replace(text.find("kv_heads = 4"), 12, "kv_heads = 5");
    auto p = parse(text);
    CHECK(where(p.sink) == std::vector<std::string>{"8:12 E0510"});
  }
  SECTION("MLA with per-head KV keys") {
    auto p = parse(std::string(kGood) +
                   "[mla]\nkv_lora_rank = 512\nqk_nope_head_dim = 128\nqk_rope_head_dim = "
                   "64\nv_head_dim = 128\n");
    CHECK(where(p.sink) == std::vector<std::string>{"8:12 E0510", "9:12 E0510"});
  }
  SECTION("MoE top-k above the expert count, ffn unused") {
    auto p = parse(std::string(kGood) + "[moe]\nexperts = 8\nactive = 9\nexpert_ffn = 1024\n");
    CHECK(where(p.sink) == std::vector<std::string>{"10:7 E0510", "14:10 E0510"});
  }
  SECTION("missing required keys") {
    auto p = parse("id = \"x\"\nname = \"X\"\nsource = \"s\"\n");
    CHECK_FALSE(p.model);
    CHECK(p.sink.error_count() ==
          8);  // context_length layers hidden heads vocab kv_heads head_dim ffn
  }
  SECTION("an id that is not a slug") {
    std::string text = kGood;
    text.replace(0, 13, "id = \"Toy_1B\"");
    auto p = parse(text);
    CHECK(where(p.sink) == std::vector<std::string>{"1:6 E0207"});
  }
}

TEST_CASE("parameter counts of the shipped models match their model cards") {
  auto models = shipped();
  REQUIRE(models.size() == 10);
  for (const auto& m : models) {
    INFO(m.id);
    roofline::ParamCounts p = roofline::count_params(m);
    REQUIRE(m.params_billion);
    CHECK(static_cast<double>(p.total) / 1e9 == Approx(*m.params_billion).epsilon(0.01));
    if (m.active_params_billion) {
      CHECK(static_cast<double>(p.active) / 1e9 == Approx(*m.active_params_billion).epsilon(0.02));
    }
  }
  // Exact counts, checked against the Hugging Face safetensors totals.
  CHECK(roofline::count_params(shipped_model(models, "llama-2-7b")).total == 6738415616);
  CHECK(roofline::count_params(shipped_model(models, "llama-3.1-8b")).total == 8030261248);
  CHECK(roofline::count_params(shipped_model(models, "llama-3.1-70b")).total == 70553706496);
  CHECK(roofline::count_params(shipped_model(models, "mixtral-8x7b")).total == 46702792704);
  CHECK(roofline::count_params(shipped_model(models, "qwen2.5-72b")).total == 72706203648);
}

TEST_CASE("shown arithmetic adds up") {
  for (const auto& m : shipped()) {
    INFO(m.id);
    int64_t sum = 0, total = 0;
    for (const auto& t : roofline::param_terms(m)) {
      if (t.name == "total")
        total = t.value;
      else if (t.name != "active per token")
        sum += t.value;
    }
    CHECK(sum == total);
  }
  auto models = shipped();  // kept alive: shipped_model returns a reference into it
  const Model& ds = shipped_model(models, "deepseek-v3");
  CHECK(roofline::kv_term(ds).formula == "61 layers × (512 latent + 64 rope)");
}

TEST_CASE("models round-trip through the database, and schema 1 files are upgraded") {
  TempDir tmp;
  std::string path = (tmp.path / "m.db").string();
  auto models = shipped();
  {
    auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
    db.upsert_models(models);
    auto back = db.load_models();
    REQUIRE(back.size() == models.size());
    for (size_t i = 0; i < back.size(); ++i) {
      INFO(back[i].id);
      CHECK(roofline::count_params(back[i]).total == roofline::count_params(models[i]).total);
      CHECK(back[i].mla.has_value() == models[i].mla.has_value());
      CHECK(back[i].sliding_window.has_value() == models[i].sliding_window.has_value());
      CHECK(back[i].params_billion == models[i].params_billion);
    }
  }
  // Make it a version-1 file: no models table.
  {
    auto conn = sqlite::Connection::open(path, SQLITE_OPEN_READWRITE);
    conn.exec("DROP TABLE models; PRAGMA user_version = 1;");
  }
  CHECK(chipdb::Database::open(path, chipdb::Database::Mode::read_only).load_models().empty());
  {
    auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
    CHECK(db.connection().pragma_int("user_version") == chipdb::kSchemaVersion);
    CHECK(db.load_models().empty());
    db.upsert_models(models);
  }
  CHECK(chipdb::Database::open(path, chipdb::Database::Mode::read_only).load_models().size() ==
        models.size());
}

TEST_CASE("a set of configs rejects duplicate ids") {
  TempDir tmp;
  std::ofstream(tmp.path / "a.toml") << kGood;
  std::ofstream(tmp.path / "b.toml") << kGood;
  DiagnosticSink sink;
  auto models = chipdb::read_model_configs({tmp.path.string()}, sink);
  CHECK(models.size() == 2);
  REQUIRE(sink.error_count() == 1);
  CHECK(sink.sorted()[0].code == "E0511");
}

TEST_CASE("a shape whose counts leave int64 is rejected, not wrapped") {
  // Every key within its range, every product of them far beyond int64 (about 4e24).
  constexpr const char* kHuge = R"(id = "huge"
name = "Huge"
source = "unit test"
context_length = 1000000000
layers = 100000
hidden = 10000000
heads = 100000
kv_heads = 100000
head_dim = 10000000
ffn = 10000000
vocab = 100000000
)";
  auto p = parse(kHuge);
  CHECK_FALSE(p.model);
  CHECK(where(p.sink) == std::vector<std::string>{"1:6 E0515"});
  CHECK(p.sink.sorted()[0].message.find("'attention' term") != std::string::npos);

  // Only the routed experts overflow: the count names them, and the flag is set.
  Model moe = *parse(kGood).model;
  moe.ffn = 0;
  moe.moe = roofline::MoeConfig{100000, 8, 0, 10'000'000, 0, 0};
  moe.hidden = 100000;
  moe.layers = 100;  // 100 x 1e5 experts x 3 x 1e5 x 1e7: 3e19
  roofline::ParamCounts c = roofline::count_params(moe);
  REQUIRE(c.overflow);
  CHECK(*c.overflow == "routed experts");
  REQUIRE(roofline::model_size_problem(moe));

  // Large but representable (3.4e17): exact, no flag.
  Model big = *parse(kGood).model;
  big.layers = 1000;
  big.hidden = 10'000'000;
  big.heads = big.kv_heads = 1000;
  big.head_dim = 1000;
  big.ffn = 10'000'000;
  roofline::ParamCounts b = roofline::count_params(big);
  CHECK_FALSE(b.overflow);
  CHECK_FALSE(roofline::model_size_problem(big));
  // attention 1000 x 4 x 1e7 x 1e3 x 1e3, MLP 1000 x 3 x 1e7 x 1e7, embedding and head
  // 2 x 32000 x 1e7, norms 1000 x 2e7 + 1e7.
  CHECK(b.total ==
        40'000'000'000'000'000 + 300'000'000'000'000'000 + 640'000'000'000 + 20'010'000'000);
}

TEST_CASE("a database model whose counts leave int64 is refused when read") {
  TempDir tmp;
  std::string path = (tmp.path / "m.db").string();
  Model m = *parse(kGood).model;
  m.layers = 100000;
  m.hidden = 10'000'000;
  m.ffn = 10'000'000;
  auto db = chipdb::Database::open(path, chipdb::Database::Mode::read_write);
  db.upsert_models({m});
  CHECK_THROWS_AS(db.load_models(), chipdb::DatabaseError);
}
