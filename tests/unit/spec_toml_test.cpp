#include <catch2/catch.hpp>

#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"
#include "chipdb/spec_toml.hpp"

using namespace exctl;

namespace {

constexpr const char* kGood = R"(id = "test-chip"
vendor = "Test"
name = "Test Chip"
aliases = ["TC"]
year = 2024
datacenter = true
source = "unit test"
confidence = "high"

[compute]
source = "unit test"
confidence = "medium"
fp16 = 300
fp8 = 600.5
sparse = ["fp8"]

[silicon]
source = "unit test"
confidence = "low"

[[silicon.die]]
name = "main"
area_mm2 = 500.25
)";

struct Parsed {
  std::optional<Chip> chip;
  DiagnosticSink sink;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.chip = chipdb::parse_chip_spec(std::make_shared<SourceFile>("t.toml", text), p.sink);
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

}  // namespace

TEST_CASE("a good spec parses with exact values") {
  auto p = parse(kGood);
  REQUIRE(p.chip);
  CHECK(p.sink.empty());
  CHECK(p.chip->id == "test-chip");
  CHECK(*p.chip->units[0].at(Precision::fp8) == Rational(1201, 2));
  CHECK(p.chip->units[0].is_sparse(Precision::fp8));
  CHECK(*p.chip->dies[0].area_mm2 == Rational(2001, 4));
  CHECK_FALSE(p.chip->memory_bandwidth_gbps);  // absent stays unknown
}

TEST_CASE("errors carry line, column and a stable code") {
  SECTION("syntax") {
    auto p = parse("id = \"x\"\nyear = = 3\n");
    CHECK_FALSE(p.chip);
    CHECK(where(p.sink) == std::vector<std::string>{"2:8 E0201"});
  }
  SECTION("unknown key, with a suggestion") {
    auto p = parse(std::string(kGood) + "\n[memory]\nsource = \"x\"\nconfidence = \"low\"\nbandwith_gbps = 3\n");
    CHECK_FALSE(p.chip);
    CHECK(where(p.sink) == std::vector<std::string>{"28:1 E0204"});
    CHECK(p.sink.sorted()[0].notes.at(0) == "did you mean 'memory.bandwidth_gbps'?");
  }
  SECTION("wrong type") {
    std::string text = kGood;
    text.replace(text.find("fp16 = 300"), 10, "fp16 = \"300\"");
    auto p = parse(text);
    CHECK(where(p.sink) == std::vector<std::string>{"13:8 E0205"});
  }
  SECTION("negative and non-finite numbers") {
    std::string text = kGood;
    text.replace(text.find("fp16 = 300"), 10, "fp16 = -300");
    text.replace(text.find("area_mm2 = 500.25"), 17, "area_mm2 = inf");
    auto p = parse(text);
    CHECK(where(p.sink) == std::vector<std::string>{"13:8 E0206", "23:12 E0206"});
  }
  SECTION("missing identity fields, several at once") {
    auto p = parse("vendor = \"x\"\nsource = \"s\"\nconfidence = \"high\"\n");
    CHECK_FALSE(p.chip);
    CHECK(p.sink.error_count() == 3);  // id, name, year
    for (const auto& d : p.sink.sorted()) CHECK(d.code == "E0202");
  }
  SECTION("bad enum and bad slug") {
    std::string text = kGood;
    text.replace(text.find("\"test-chip\""), 11, "\"Test Chip\"");
    text.replace(text.find("confidence = \"medium\""), 21, "confidence = \"sure\"");
    auto p = parse(text);
    CHECK(where(p.sink) == std::vector<std::string>{"1:6 E0207", "12:14 E0207"});
  }
  SECTION("sparse naming a precision without a figure") {
    std::string text = kGood;
    text.replace(text.find("[\"fp8\"]"), 7, "[\"fp4\"]");
    CHECK(where(parse(text).sink) == std::vector<std::string>{"15:10 E0207"});
  }
  SECTION("precision keys and units together") {
    auto p = parse(std::string(kGood) + "\n[[compute.unit]]\nname = \"u\"\nfp32 = 1\n");
    CHECK(p.sink.sorted().at(0).code == "E0208");
  }
}

TEST_CASE("duplicate ids and colliding aliases across files") {
  DiagnosticSink sink;
  auto a = chipdb::parse_chip_spec(std::make_shared<SourceFile>("a.toml", kGood), sink);
  auto b = chipdb::parse_chip_spec(std::make_shared<SourceFile>("b.toml", kGood), sink);
  REQUIRE(a);
  REQUIRE(b);
  chipdb::check_chip_set({*a, *b}, sink);
  auto diags = sink.sorted();
  REQUIRE_FALSE(diags.empty());
  CHECK(diags[0].code == "E0203");
  CHECK(diags[0].span.file->path() == "b.toml");

  Chip c = *a;
  c.id = "other-chip";
  c.name = "Other";
  c.aliases = {"tc"};  // collides with "TC" ignoring case
  DiagnosticSink sink2;
  chipdb::check_chip_set({*a, c}, sink2);
  REQUIRE(sink2.error_count() == 1);
  CHECK(sink2.sorted()[0].code == "E0209");
}

TEST_CASE("every shipped spec survives write and re-read unchanged") {
  auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
  for (const auto& chip : db.load_all()) {
    INFO(chip.id);
    std::string text = chipdb::write_chip_spec(chip);
    DiagnosticSink sink;
    auto again = chipdb::parse_chip_spec(std::make_shared<SourceFile>(chip.id + ".toml", text), sink);
    REQUIRE(again);
    CHECK(sink.empty());
    CHECK(chipdb::write_chip_spec(*again) == text);
  }
}
